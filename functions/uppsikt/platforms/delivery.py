"""What every platform's mapper needs from the delivery it reads (Meta keeps its own, richer
context because its entries carry the account id).

A mapper turns one verified delivery body into one result per item, in order: a
`NormalisedEvent`, an `Ignored` with its reason, or an `Unmappable` error for that item alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic.alias_generators import to_camel

from uppsikt.diagnostics import describe
from uppsikt.model.events import Ignored, NormalisedEvent, Platform, RawPointer
from uppsikt.platforms.errors import Unmappable
from uppsikt.privacy.pseudonym import Pseudonymiser


def raw_pointer(bucket: str, key: str, item_index: int, part_index: int = 0) -> RawPointer:
    """Where item `item_index` of a stored delivery is kept (`part_index` for nested parts)."""
    return RawPointer(bucket=bucket, key=key, entry_index=item_index, change_index=part_index)


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    platform: Platform
    account_id: str  # the organisation's account on that platform, as the registry knows it
    raw_bucket: str
    raw_key: str
    received_at: datetime
    pseudonymiser: Pseudonymiser

    def pointer(self, item_index: int, part_index: int = 0) -> RawPointer:
        return raw_pointer(self.raw_bucket, self.raw_key, item_index, part_index)

    def author(self, raw_id: str | None) -> str | None:
        """The author's pseudonym; the raw id never leaves the mapper."""
        if raw_id is None or raw_id == "":
            return None
        return self.pseudonymiser.pseudonym(self.platform, raw_id)


# --- shared by the mappers of platforms whose items arrive as JSON -----------------------------


class Payload(BaseModel):
    """What every platform payload model is: as lenient as the platform (fields it does not
    always send are optional, fields we do not read are ignored), strict about the types of the
    fields it reads (no `"1"` for 1, no float for an id), and never showing input in an
    error. Read one with `parse`, which names the field (pydantic's loc) and never the content."""

    model_config = ConfigDict(
        extra="ignore",
        frozen=True,
        strict=True,
        hide_input_in_errors=True,
        defer_build=True,  # built on first use: a cold start pays only for the platform it serves
    )


class CamelPayload(Payload):
    """A payload whose fields are camelCase (LinkedIn, YouTube, Bluesky): declared in snake_case,
    read and named in errors as the platform spells them."""

    # The mypy plugin cannot see generated aliases; payload models are only ever validated from
    # payloads, never constructed by keyword, so there is no constructor for it to check.
    model_config = ConfigDict(alias_generator=to_camel)  # type: ignore[pydantic-alias]


M = TypeVar("M", bound=Payload)
T = TypeVar("T")


def _or_none(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    try:
        return handler(value)
    except ValidationError:
        return None


def _or_empty(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    if not isinstance(value, list):
        return []
    return [item for item in handler(value) if item is not None]


# A field the platform may send in any shape, read only when it has the one we know (`None`
# otherwise): for annotations (mentions, facets, cards) that must never cost us the item.
Lenient = Annotated[T | None, WrapValidator(_or_none)]
# A list of such things: not a list is empty, and an element of another shape is skipped (so
# what the model holds is a list of `T`: the `None`s are filtered out).
if TYPE_CHECKING:
    LenientList = Annotated[list[T], WrapValidator(_or_empty)]
else:
    LenientList = Annotated[list[Lenient[T]], WrapValidator(_or_empty)]


def number_as_text(value: object) -> object:
    """An id sent as a JSON integer, as the text it stands for (`json.loads` reads integers
    exactly); a float or a boolean is left to fail, since it is no id."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def parse(model: type[M], data: object, what: str) -> M:
    """`data` as `model`; `Unmappable` naming the fields that do not fit, never their content."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise Unmappable(f"{what} does not fit: {describe(exc)}") from None


def check_platform(ctx: DeliveryContext, platform: Platform) -> None:
    """A context for another platform is the caller's mistake, not a bad delivery item."""
    if ctx.platform is not platform:
        raise ValueError(f"a {platform.value} mapper was given a {ctx.platform.value} context")


def read_json(data: object) -> Any:
    """Parsed JSON as is; bytes or text parsed first. Every failure is a `ValueError`."""
    if isinstance(data, bytes | bytearray | str):
        try:
            return json.loads(data)
        except RecursionError as exc:
            raise ValueError("JSON nested too deeply") from exc
        except UnicodeDecodeError as exc:
            raise ValueError("body is not UTF-8") from exc
    return data


def guarded(
    build: Callable[[], NormalisedEvent | Ignored], what: str, *, count_only: bool = False
) -> NormalisedEvent | Ignored | Unmappable:
    """One item's result: its event, or the reason it cannot be mapped (never an exception).
    `count_only` words a validation failure as `misfit` does."""
    try:
        return build()
    except Unmappable as exc:
        return exc
    except ValidationError as exc:
        if count_only:
            return misfit(exc, what)
        return Unmappable(f"{what} does not fit the event model: {describe(exc)}")


def misfit(exc: ValidationError, what: str) -> Unmappable:
    """An item the event model refuses, named with the number of errors only; the details stay
    with the error as its cause."""
    error = Unmappable(f"{what} does not fit the event model ({exc.error_count()})")
    error.__cause__ = exc
    return error
