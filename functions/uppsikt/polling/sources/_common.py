"""What the polled streams share: reading an account's settings, building URLs, reading answers
and continuation tokens, comparing marks.

Kept private to the sources: the runner sees only the `Source` protocol and `polling.errors`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from uppsikt.platforms.times import parse_iso
from uppsikt.polling.errors import PollError
from uppsikt.polling.ports import Cursor, PollAccount

TOKEN_VERSION = 1


class SourceConfigError(PollError, ValueError):
    """An account's registry entry or secret lacks what its source needs. Found before any
    request is sent; only the operator can fix it, so retrying will not help. The message names
    the account and the missing setting, never a credential's value. A `ValueError` (a
    configuration error) that is also a `PollError`, so the runner stops this stream alone,
    keeps its cursor and alerts, instead of the error ending the whole poll."""

    def __init__(self, account_key: str, detail: str) -> None:
        super().__init__(f"account {account_key}: {detail}")
        self.account_key = account_key


def credential(account: PollAccount, name: str) -> str | None:
    """One credential from the account's secret; blank counts as absent."""
    value = account.credentials.get(name)
    return value if isinstance(value, str) and value.strip() else None


def required_credential(account: PollAccount, name: str) -> str:
    value = credential(account, name)
    if value is None:
        raise SourceConfigError(account.account_key, f"the account's secret has no {name!r}")
    return value


def endpoint(base: str, path: str) -> str:
    """`base` (an API root, with or without a trailing slash) joined with `path`."""
    return base.rstrip("/") + path


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def parsed(body: bytes) -> object:
    """A body's JSON, or None when it is not JSON (e.g. a proxy's HTML error page)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def write_token(**state: Any) -> str:
    """A continuation token (`Cursor.page`) holding `state`, compact JSON with its version."""
    return json.dumps({"v": TOKEN_VERSION, **state}, separators=(",", ":"))


def read_token(page: str | None) -> dict[str, Any] | None:
    """A continuation token's state; None (start a new sweep) when absent or unreadable, e.g.
    written by an older version: a new sweep repeats items, which the runner dedupes."""
    if page is None:
        return None
    try:
        state = json.loads(page)
    except ValueError:
        return None
    if not isinstance(state, dict) or state.get("v") != TOKEN_VERSION:
        return None
    return state


def rfc3339(value: object) -> datetime | None:
    """A time read by the one rule for every platform (`platforms.times`: no zone means UTC), or
    None: a mark we cannot read never moves a cursor."""
    try:
        return parse_iso(value)
    except ValueError:
        return None


def newest_time(values: Iterable[str | None]) -> str | None:
    """The latest of RFC 3339 times, as sent (unreadable ones are skipped)."""
    best: str | None = None
    best_moment: datetime | None = None
    for value in values:
        moment = rfc3339(value)
        if value is None or moment is None:
            continue
        if best_moment is None or moment > best_moment:
            best, best_moment = value, moment
    return best


def carried_marks(cursor: Cursor) -> tuple[str | None, ...]:
    """The marks a new page's position must not fall below: the last sweep's position and,
    mid-sweep, what the earlier pages of this sweep reached (the runner keeps only the latest
    page's position as `pending`, so each page reports the running maximum)."""
    return (cursor.position, cursor.pending) if cursor.mid_sweep else (cursor.position,)
