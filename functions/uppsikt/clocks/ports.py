"""What the clocks need from the outside world; `uppsikt.adapters.clocks` implements these on
DynamoDB and SNS, and the tests on the embedded AWS."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Protocol

from uppsikt.clocks.model import Clock
from uppsikt.model.records import Flag


class ClockStore(Protocol):
    def create(self, clock: Clock) -> bool:
        """Store the clock unless one with its id exists; True when this call stored it."""
        ...

    def get(self, clock_id: str) -> Clock | None: ...

    def due(self, now: datetime) -> Iterator[Clock]:
        """The clocks whose next check is at or before `now`, read from the due-time index."""
        ...

    def transition(self, before: Clock, after: Clock) -> bool:
        """Write `after` only if the stored clock is still in `before`'s state (and, for a
        breach, has none recorded); True when this call wrote it."""
        ...

    def alert_sent(self, clock: Clock) -> bool:
        """Clear `clock.pending_alert` once it is published (the outbox); False when the clock
        has moved meanwhile."""
        ...


class Threads(Protocol):
    """Per thread (a top comment and its replies): the questions below the top comment and the
    latest official human reply, so a reply stops the questions before it and a question that
    arrives after its answer (out of order) starts stopped."""

    def add_question(self, thread: str, clock_id: str, expires_at: datetime) -> None:
        """Note a question in the thread below its top comment (idempotent)."""
        ...

    def questions(self, thread: str) -> list[str]: ...

    def note_reply(self, thread: str, at: datetime, expires_at: datetime) -> None: ...

    def last_reply(self, thread: str) -> datetime | None: ...


class Activity(Protocol):
    """Official accounts' posts: when each last posted, and posts per week by non-admins."""

    def note_post(self, account_id: str, org_id: str, at: datetime, expires_at: datetime) -> None:
        """Keep the latest official post time per account (an older one never wins)."""
        ...

    def last_post(self, account_id: str) -> datetime | None: ...

    def count_post(
        self,
        org_id: str,
        account_id: str,
        week: str,
        event_id: str,
        *,
        by_admin: bool,
        expires_at: datetime,
    ) -> None:
        """Count one official post in its ISO week (once per event, however often delivered)."""
        ...

    def week_counts(
        self, org_id: str, week: str, account_ids: Iterable[str]
    ) -> dict[str, tuple[int, int]]:
        """Per account: (official posts, posts by someone not a designated admin)."""
        ...


class AlertSink(Protocol):
    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        """Send; return the message id."""
        ...


class FlagWriter(Protocol):
    """The flag writer evaluation uses (`adapters.dynamodb.Flags`), for the cadence flag."""

    def create(self, flag: Flag) -> bool: ...

    def mark_notified(self, flag_id: str, message_id: str) -> None: ...


class Reviews(Protocol):
    def first_reviewed_at(self, flag_id: str) -> datetime | None:
        """When an officer first reviewed the flag (the review console sets it), or None."""
        ...
