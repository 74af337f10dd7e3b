"""Readers for the times platforms send in JSON: epoch milliseconds (LinkedIn) and ISO 8601 with
an offset (the Graph API). Each raises `Unmappable` naming the field, never its content; an
absent time (None) is None.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from uppsikt.platforms.errors import Unmappable

MAX_EPOCH_MS = 253402300799999  # 9999-12-31: beyond it datetime cannot represent the time


def epoch_millis(value: object, what: str) -> int | None:
    """Epoch milliseconds as sent, checked to be a time `from_millis` can represent."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise Unmappable(f"{what} is not positive epoch milliseconds")
    if value > MAX_EPOCH_MS:
        raise Unmappable(f"{what} is out of range")
    return value


def from_millis(value: int | None) -> datetime | None:
    """The UTC time of epoch milliseconds read by `epoch_millis`."""
    if value is None:
        return None
    seconds, ms = divmod(value, 1000)
    return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(milliseconds=ms)


def millis_time(value: object, what: str) -> datetime | None:
    return from_millis(epoch_millis(value, what))


def iso_time(value: object, what: str) -> datetime | None:
    """ISO 8601 with a UTC offset, e.g. `2026-11-21T09:12:44+0000`; a time without one is
    refused rather than guessed."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unmappable(f"{what} is not a string")
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise Unmappable(f"{what} is not an ISO 8601 time") from exc
    if moment.utcoffset() is None:
        raise Unmappable(f"{what} has no UTC offset")
    return moment
