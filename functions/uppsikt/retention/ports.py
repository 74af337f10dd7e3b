"""What the purge, holds and hand-over need from the stores, as ports (adapters implement them).

The core never reads a whole table or bucket: every store answers `expired(org, now, cursor)` from
an index ordered by expiry (DynamoDB `by-expiry`, the S3 expiry inventory) one page at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from uppsikt.retention.holds import Hold
from uppsikt.retention.schedule import Action


class Outcome(StrEnum):
    DELETED = "deleted"  # physically removed now (every version, for an S3 object)
    ANONYMISED = "anonymised"  # personal attributes removed; the row stays for statistics
    GONE = "gone"  # already absent (DynamoDB TTL, or an earlier run killed half-way)
    LOCKED = "locked"  # the store refused: an S3 Object Lock legal hold is on a version
    CHANGED = "changed"  # its expiry moved since it was listed (a new decision, a hold): kept


@dataclass(frozen=True)
class Candidate:
    """One expired thing as an index lists it: ids and class, never content."""

    store: str
    key: str
    org_id: str
    retention_class: str
    expires_at: str  # as stored: the row's ISO moment, or the object's ISO day
    account_id: str | None = None
    item_ref: str | None = None
    flag_id: str | None = None
    author: str | None = None
    # Things derived from it that go with it (evidence of a flag, held actions of an item).
    derived: tuple[str, ...] = ()
    handed_over: bool = False  # an archive-class thing the archive has received


@dataclass(frozen=True)
class Page:
    candidates: Sequence[Candidate]
    next_cursor: str | None  # None: the index has nothing more that has expired


class ExpiringStore(Protocol):
    """A store whose expired things the purge can list by index and dispose of one by one."""

    @property
    def name(self) -> str: ...

    def expired(self, org_id: str, now: datetime, cursor: str | None) -> Page: ...

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome: ...

    def archived(self, org_id: str) -> int:
        """How many of the organisation's things wait for hand-over (archive classes)."""
        ...


@runtime_checkable
class PageDisposer(Protocol):
    """A store that disposes of a whole page in few calls (S3 DeleteObjects, BatchWriteItem);
    the purge uses it instead of `dispose` one by one when a store offers it."""

    def dispose_page(
        self, todo: Sequence[tuple[Candidate, Action]], now: datetime
    ) -> Sequence[Outcome]:
        """One outcome per thing, in order."""
        ...


class HoldSource(Protocol):
    """Anything that keeps things from the purge: legal holds, pending data-subject requests."""

    def active_holds(self, org_id: str, now: datetime) -> Sequence[Hold]: ...


class GovernanceRecords(Protocol):
    """Receipts and the purge checkpoint (the GovernanceTable adapter)."""

    def put_receipt(self, org_id: str, sk_suffix: str, values: dict[str, Any]) -> None: ...

    def checkpoint(self, org_id: str) -> dict[str, Any] | None: ...

    def save_checkpoint(self, org_id: str, values: dict[str, Any]) -> None: ...


class HoldBook(Protocol):
    """Where legal holds are kept (the GovernanceTable adapter)."""

    def holds(self, org_id: str, *, released: bool = False) -> list[Hold]: ...

    def hold(self, org_id: str, hold_id: str) -> Hold: ...

    def save_hold(self, hold: Hold) -> None: ...


class Alerts(Protocol):
    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str: ...


class Locks(Protocol):
    """S3 Object Lock legal holds on the evidence archive."""

    def set(self, key: str, on: bool) -> int: ...


class EvidenceIndex(Protocol):
    """The evidence objects of an organisation, as candidates (from the expiry inventory)."""

    def objects_of(self, org_id: str) -> Iterable[Candidate]: ...
