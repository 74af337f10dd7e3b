"""What the feed and comment mappers share: the id type their payload models declare, the
author's pseudonym, and building the event.

Each raises `Unmappable` naming the field, never quoting its content: an item with a shape we do
not understand is reported on its own and never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, StringConstraints, ValidationError

from uppsikt.model.events import Author, NormalisedEvent, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable

__all__ = ["OptionalYouTubeId", "YouTubeId"]

# Video ids are 11 characters of this alphabet; comment ids add a dot between a thread id and a
# reply suffix. A looser bound keeps room for format changes while keeping ids free of the `:`
# that separates the parts of an idempotency key.
_ID = re.compile(r"[A-Za-z0-9_.\-]{1,128}")

# The same, as payload models declare it: surrounding whitespace dropped; "" is no id.
YouTubeId = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.\-]{1,128}$")
]
OptionalYouTubeId = Annotated[
    YouTubeId | None, BeforeValidator(lambda value: None if value == "" else value)
]


def check_context(ctx: DeliveryContext) -> None:
    """A context for another platform, or without an account, is a caller's mistake."""
    if ctx.platform is not Platform.YOUTUBE:
        raise ValueError("the delivery context is not for YouTube")
    if not ctx.account_id:
        raise ValueError("the delivery context has no account id")


def youtube_id(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise Unmappable(f"{what} is missing or not a string")
    text = value.strip()
    if not _ID.fullmatch(text):
        raise Unmappable(f"{what} is not a YouTube id")
    return text


def author(ctx: DeliveryContext, channel_id: object, what: str) -> Author | None:
    """The author's pseudonym; `is_account` when the channel is the organisation's own."""
    if channel_id is None:
        return None
    if not isinstance(channel_id, str):
        raise Unmappable(f"{what} is not a string")
    raw = channel_id.strip()
    pseudonym = ctx.author(raw)
    if pseudonym is None:
        return None
    return Author(pseudonym=pseudonym, is_account=raw == ctx.account_id)


def event(ctx: DeliveryContext, item_index: int, part_index: int, **fields: Any) -> NormalisedEvent:
    try:
        return NormalisedEvent(
            platform=ctx.platform,
            account_id=ctx.account_id,
            received_at=ctx.received_at,
            raw=ctx.pointer(item_index, part_index),
            **fields,
        )
    except ValidationError as exc:
        names = ", ".join(sorted({str(e["loc"][0]) for e in exc.errors() if e["loc"]}))
        raise Unmappable(f"the item does not fit the event model ({names})") from None


def mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise Unmappable(f"{what} is missing or not an object")
    return value
