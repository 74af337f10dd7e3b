"""How every platform's times are read: one rule, one place.

**A time without a zone is UTC.** Every platform we read documents its times as UTC (the Graph
API's `+0000`, X's `Z` and `+0000`, YouTube's RFC 3339 with an offset, Mastodon's `Z`, LinkedIn's
epoch milliseconds); a time that arrives without one is a client writing its UTC clock without
saying so (Bluesky's `createdAt` is written by the client), never a local time we could recover.
Reading it as UTC is right for every sample we hold, keeps the item (refusing it would make an
item unmappable for a missing `Z`), and orders it with its neighbours. So every time a mapper
produces is timezone-aware, and `NormalisedEvent.event_time` refuses a naive one.

The pydantic types here are what the payload models declare: `IsoTime` (ISO 8601 text), `SentTime`
(the same, keeping the text as sent for idempotency keys), `EpochMillis` (epoch milliseconds).
Their errors say what the value is not, never what it is.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, NamedTuple

from annotated_types import Gt, Le
from pydantic import PlainValidator, Strict

MAX_EPOCH_MS = 253402300799999  # 9999-12-31: beyond it datetime cannot represent the time
MAX_TIME_TEXT = 64  # no ISO 8601 time is longer; a longer value is not one


def aware(moment: datetime) -> datetime:
    """The rule: a time without a zone is UTC (see the module docstring)."""
    return moment if moment.utcoffset() is not None else moment.replace(tzinfo=UTC)


def parse_iso(value: object) -> datetime:
    """ISO 8601 text (`2026-11-21T09:12:44+0000`, `…Z`, nanoseconds truncated) as an aware time;
    `ValueError` saying what it is not, never quoting it."""
    if not isinstance(value, str):
        raise ValueError("not a string")
    text = value.strip()
    if not text or len(text) > MAX_TIME_TEXT:
        raise ValueError("not an ISO 8601 time")
    try:
        return aware(datetime.fromisoformat(text))
    except ValueError:
        raise ValueError("not an ISO 8601 time") from None


class Stamp(NamedTuple):
    """A time as parsed, and exactly as sent (the sent form goes into idempotency keys)."""

    moment: datetime
    sent: str


def _stamp(value: Any) -> Stamp:
    moment = parse_iso(value)
    return Stamp(moment, value.strip())


def from_millis(value: int | None) -> datetime | None:
    """The UTC time of epoch milliseconds (as `EpochMillis` checks them)."""
    if value is None:
        return None
    seconds, ms = divmod(value, 1000)
    return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(milliseconds=ms)


# What payload models declare.
IsoTime = Annotated[datetime, PlainValidator(parse_iso)]
SentTime = Annotated[Stamp, PlainValidator(_stamp)]
EpochMillis = Annotated[int, Strict(), Gt(0), Le(MAX_EPOCH_MS)]
