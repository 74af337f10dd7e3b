"""How a platform API call can fail, sorted by what the poller does next."""

from __future__ import annotations

from datetime import timedelta


class PollError(Exception):
    """A poll step failed; the cursor stays where it was, so nothing is skipped."""


class CursorConflict(PollError):
    """Another run moved this stream's cursor after this run loaded it, so that run owns it."""


class RateLimited(PollError):
    """429 (or a platform's own quota answer): wait `retry_after` before this stream asks again."""

    def __init__(self, retry_after: timedelta, detail: str = "rate limited") -> None:
        super().__init__(f"{detail}; retry after {int(retry_after.total_seconds())} s")
        self.retry_after = retry_after


class Transient(PollError):
    """5xx, timeout, connection failure: try again at the next run, with backoff."""


class Rejected(PollError):
    """A 4xx other than 429: credentials revoked, permissions gone, request wrong. Retrying the
    same request will not help, so the operator is alerted."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"HTTP {status}: {detail}")
        self.status = status


class Malformed(PollError):
    """A 2xx whose body is not what the API documents. The body is kept (quarantined)."""

    def __init__(self, detail: str, body: bytes = b"") -> None:
        super().__init__(detail)
        self.body = body
