"""Map the Instagram pollers' Graph API answers to the event model (platforms.md §1.6).

Instagram sends webhooks for new comments and for mentions, but none for edits, hides or
deletions, and a mention arrives with ids only. Two polled streams fill the gaps:

Comments (`GET /{media-id}/comments?fields=id,text,timestamp,hidden,from{id},parent_id,
media{id},replies{…}`), compared with the last complete sweep's snapshot:

| against the snapshot   | result                                                             |
|------------------------|--------------------------------------------------------------------|
| not listed             | CREATED, key `instagram:comments:{id}`: exactly the webhook's key,  |
|                        | so a comment that arrived by webhook is one event, not two         |
| text changed           | EDITED, key `instagram:comments:{id}:edited:{sha256(text)[:16]}`    |
| hidden flag flipped    | HIDDEN / UNHIDDEN, key `…:hidden:{true|false}:{sweep}`              |
| unchanged              | Ignored                                                            |
| no longer listed       | DELETED, key `instagram:comments:{id}:deleted` (`normalise_vanished`) |

`{sweep}` is the number of the complete sweep the snapshot came from (the stream's position):
it is the same for every re-read of a page until the sweep completes, so a repeated page is one
event, and it differs for a later re-hide of the same comment, which is a new event.

The listing's fingerprint is `{sha256(text)[:16]}|{hidden|shown}|{media id}`; the media lets a
comment whose media left the polling window (its marker `media:{id}` vanished too) be told from
a deleted one.

Mentions (`GET /{ig-user-id}?fields=mentioned_comment.comment_id(…){…}` or
`mentioned_media.media_id(…){…}`): a MENTION with its text and author, keyed
`instagram:mentions:{media}:{comment or '-'}:enriched` beside the webhook's id-only event.

Usernames are never read: authors are pseudonyms of `from.id`. A caption mention names only the
mentioning media's username, so it has no author.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from uppsikt.model.events import (
    Action,
    Attachment,
    AttachmentKind,
    Author,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.platforms.delivery import (
    DeliveryContext,
    Payload,
    check_platform,
    misfit,
    parse,
    read_json,
)
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.listing_diff import LISTED, read_vanished
from uppsikt.platforms.meta.normalise import NO_COMMENT
from uppsikt.platforms.times import IsoTime

KEY_PREFIX = "instagram:comments:"
MENTION_PREFIX = "instagram:mentions:"
MEDIA_MARKER = "media:"

Result = NormalisedEvent | Ignored | Unmappable

_MEDIA_TYPES = {
    "IMAGE": AttachmentKind.PHOTO,
    "VIDEO": AttachmentKind.VIDEO,
    "REELS": AttachmentKind.VIDEO,
}


def text_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()[:16]


def fingerprint(text: str | None, hidden: bool, media_id: str) -> str:
    return f"{text_hash(text)}|{'hidden' if hidden else 'shown'}|{media_id}"


def media_marker(media_id: str) -> str:
    return MEDIA_MARKER + media_id


def media_of(print_: str) -> str | None:
    """The media a listing fingerprint names; None for a marker or an unreadable one."""
    parts = print_.split("|")
    return parts[2] if len(parts) == 3 and parts[2] else None


def data_list(data: object) -> list[Any]:
    """The `data` list of a Graph API edge; `ValueError` for anything else (an error body)."""
    if not isinstance(data, Mapping):
        raise ValueError("a Graph API edge response is a JSON object")
    found = data.get("data")
    if not isinstance(found, list):
        raise ValueError("a Graph API edge response has a data list")
    return found


@dataclass(frozen=True, slots=True)
class _Comment:
    id: str
    text: str | None
    hidden: bool
    author_id: str | None
    parent_id: str | None
    media_id: str | None
    time: datetime | None


def listing(data: object, media_id: str) -> dict[str, str]:
    """What one comments page lists: the media's marker, and comment id → fingerprint for every
    comment and inlined reply that can be read (one that cannot is reported by the mapper)."""
    listed = {media_marker(media_id): LISTED}
    for item in data_list(read_json(data)):
        for raw, parent in _flatten(item):
            try:
                comment = _read(raw, parent, None)
            except Unmappable:
                continue
            listed[comment.id] = fingerprint(comment.text, comment.hidden, media_id)
    return listed


def _flatten(item: object) -> Iterator[tuple[object, str | None]]:
    """A comment, then each of its inlined replies with the comment's id as their parent."""
    yield item, None
    if not isinstance(item, Mapping):
        return
    replies = item.get("replies")
    inner = replies.get("data") if isinstance(replies, Mapping) else None
    if isinstance(inner, list):
        try:
            parent = _optional_id(item.get("id"))
        except Unmappable:  # the comment itself is reported; its replies still map
            parent = None
        for reply in inner:
            yield reply, parent


def normalise_comments(
    data: object, ctx: DeliveryContext, snapshot: Mapping[str, str], *, sweep: str
) -> list[Result]:
    """Comment `i` (part 0) then its inlined replies (parts 1…); usually one result each, two
    when a comment's text changed and its hidden flag flipped since the snapshot."""
    check_platform(ctx, Platform.INSTAGRAM)
    results: list[Result] = []
    for index, item in enumerate(data_list(read_json(data))):
        media: str | None = None
        for part, (raw, parent) in enumerate(_flatten(item)):
            try:
                comment = _read(raw, parent, media)
                media = media or comment.media_id
                results.extend(
                    _transitions(comment, ctx, snapshot, sweep, ctx.pointer(index, part))
                )
            except Unmappable as exc:
                results.append(exc)
            except ValidationError as exc:
                results.append(misfit(exc, "comment"))
    return results


def _transitions(
    comment: _Comment,
    ctx: DeliveryContext,
    snapshot: Mapping[str, str],
    sweep: str,
    raw: RawPointer,
) -> list[Result]:
    key = KEY_PREFIX + comment.id
    before = snapshot.get(comment.id)
    if before is None:
        return [_event(comment, ctx, raw, Action.CREATED, key)]
    was = before.split("|")
    results: list[Result] = []
    now = text_hash(comment.text)
    if was[0] != now:
        results.append(
            _event(comment, ctx, raw, Action.EDITED, f"{key}:edited:{now}"),
        )
    was_hidden = len(was) > 1 and was[1] == "hidden"
    if was_hidden != comment.hidden:
        flag = "true" if comment.hidden else "false"
        action = Action.HIDDEN if comment.hidden else Action.UNHIDDEN
        results.append(
            _event(comment, ctx, raw, action, f"{key}:hidden:{flag}:{sweep}"),
        )
    return results or [
        Ignored(platform=Platform.INSTAGRAM, reason="comment unchanged since the last sweep")
    ]


def _event(
    comment: _Comment, ctx: DeliveryContext, raw: RawPointer, action: Action, key: str
) -> NormalisedEvent:
    return NormalisedEvent(
        platform=Platform.INSTAGRAM,
        account_id=ctx.account_id,
        object_kind=ObjectKind.REPLY if comment.parent_id is not None else ObjectKind.COMMENT,
        action=action,
        item_id=comment.id,
        post_id=comment.media_id,
        parent_id=comment.parent_id,
        author=_author(comment.author_id, ctx),
        text=comment.text,
        event_time=comment.time,
        received_at=ctx.received_at,
        raw=raw,
        idempotency_key=key,
    )


def _read(raw: object, parent: str | None, media: str | None) -> _Comment:
    comment = parse(_GraphComment, raw, "comment")
    return _Comment(
        id=comment.id,
        text=comment.text,
        hidden=comment.hidden,
        author_id=comment.sender.id if comment.sender else None,
        parent_id=comment.parent_id or parent,
        media_id=(comment.media.id if comment.media else None) or media,
        time=comment.timestamp,
    )


def normalise_vanished(data: object, ctx: DeliveryContext) -> list[Result]:
    """One result per entry of the runner's record `{"stream", "account", "vanished": [{"id",
    "fingerprint"}, …]}`: DELETED for a comment whose media is still polled."""
    check_platform(ctx, Platform.INSTAGRAM)
    results: list[Result] = []
    for entry in read_vanished(
        read_json(data), marker=MEDIA_MARKER, parent_of=media_of, parent_noun="media"
    ):
        if entry.left_window is not None:
            results.append(Ignored(platform=Platform.INSTAGRAM, reason=entry.left_window))
            continue
        try:
            results.append(_deleted(entry.id, entry.parent, entry.index, ctx))
        except Unmappable as exc:
            results.append(exc)
    return results


def _deleted(entry_id: str, media: str | None, index: int, ctx: DeliveryContext) -> NormalisedEvent:
    comment_id = _id(entry_id, "vanished id")
    # A hidden comment stays listed (with `hidden: true`), so one that is gone was deleted.
    return NormalisedEvent(
        platform=Platform.INSTAGRAM,
        account_id=ctx.account_id,
        object_kind=ObjectKind.COMMENT,
        action=Action.DELETED,
        item_id=comment_id,
        post_id=media,
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        idempotency_key=f"{KEY_PREFIX}{comment_id}:deleted",
    )


# --- mentions ------------------------------------------------------------------------------------


def is_gone(data: object) -> bool:
    """The Graph API's answer for an object that no longer exists (or that we may no longer
    read): code 100, subcode 33."""
    error = data.get("error") if isinstance(data, Mapping) else None
    return (
        isinstance(error, Mapping) and error.get("code") == 100 and error.get("error_subcode") == 33
    )


def normalise_mention(data: object, ctx: DeliveryContext) -> list[Result]:
    """The one MENTION a lookup answer holds; `ValueError` when it is not a mention lookup."""
    check_platform(ctx, Platform.INSTAGRAM)
    data = read_json(data)
    if not isinstance(data, Mapping):
        raise ValueError("a mention lookup answer is a JSON object")
    try:
        if "mentioned_comment" in data:
            return [_comment_mention(data["mentioned_comment"], ctx)]
        if "mentioned_media" in data:
            return [_media_mention(data["mentioned_media"], ctx)]
    except Unmappable as exc:
        return [exc]
    except ValidationError as exc:
        return [misfit(exc, "mention")]
    raise ValueError("a mention lookup answer has mentioned_comment or mentioned_media")


def _comment_mention(value: object, ctx: DeliveryContext) -> NormalisedEvent:
    comment = _read(value, None, None)
    if comment.media_id is None:
        raise Unmappable("mentioned_comment has no media id")
    return NormalisedEvent(
        platform=Platform.INSTAGRAM,
        account_id=ctx.account_id,
        object_kind=ObjectKind.MENTION,
        action=Action.CREATED,
        item_id=comment.id,
        post_id=comment.media_id,
        author=_author(comment.author_id, ctx),
        text=comment.text,
        event_time=comment.time,
        received_at=ctx.received_at,
        raw=ctx.pointer(0),
        idempotency_key=f"{MENTION_PREFIX}{comment.media_id}:{comment.id}:enriched",
    )


def _media_mention(value: object, ctx: DeliveryContext) -> NormalisedEvent:
    media = parse(_MentionedMedia, value, "mentioned_media")
    media_id = media.id
    media_type = media.media_type
    kind = (
        _MEDIA_TYPES.get(media_type, AttachmentKind.MEDIA) if isinstance(media_type, str) else None
    )
    return NormalisedEvent(
        platform=Platform.INSTAGRAM,
        account_id=ctx.account_id,
        object_kind=ObjectKind.MENTION,
        action=Action.CREATED,
        item_id=media_id,
        post_id=media_id,
        text=media.caption,
        attachments=(Attachment(kind=kind or AttachmentKind.MEDIA, platform_id=media_id),),
        event_time=media.timestamp,
        received_at=ctx.received_at,
        raw=ctx.pointer(0),
        idempotency_key=f"{MENTION_PREFIX}{media_id}:{NO_COMMENT}:enriched",
    )


# --- the payload, as models -------------------------------------------------------------------


def _number_as_text(value: object) -> object:
    # Graph ids are strings, but some edges send them as JSON numbers; a float or bool is no id.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Graph ids are digits; a looser bound keeps ids free of the `:` and `|` that keys and
# fingerprints use as separators.
GraphId = Annotated[
    str,
    BeforeValidator(_number_as_text),
    StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9_.\-]{1,128}$"),
]
OptionalGraphId = Annotated[
    GraphId | None, BeforeValidator(lambda value: None if value == "" else value)
]


@cache
def _graph_id() -> TypeAdapter[str]:
    """Built on first use, not at import (cold starts)."""
    return TypeAdapter(GraphId, config=ConfigDict(strict=True))


class _Ref(Payload):
    """`from{id}`, `media{id}`: an object named by its id."""

    id: OptionalGraphId = None


class _GraphComment(Payload):
    id: GraphId
    text: str | None = None
    hidden: bool = False
    sender: _Ref | None = Field(default=None, alias="from")
    parent_id: OptionalGraphId = None
    media: _Ref | None = None
    timestamp: IsoTime | None = None


class _MentionedMedia(Payload):
    id: GraphId
    media_type: object = None  # read only when it is a type we know
    caption: str | None = None
    timestamp: IsoTime | None = None


def _optional_id(value: object) -> str | None:
    """An inlined reply's parent: the comment's own id, when it is one."""
    if value is None or value == "":
        return None
    try:
        return _graph_id().validate_python(value)
    except ValidationError:
        raise Unmappable("id is not a Graph API id") from None


def _id(value: object, what: str) -> str:
    found = None if value is None else _optional_id(value)
    if found is None:
        raise Unmappable(f"{what} is missing or not an id")
    return found


def _author(raw_id: str | None, ctx: DeliveryContext) -> Author | None:
    pseudonym = ctx.author(raw_id)
    if raw_id is None or pseudonym is None:
        return None
    return Author(pseudonym=pseudonym, is_account=raw_id == ctx.account_id)
