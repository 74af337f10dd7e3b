"""What a poller needs: an HTTP port, a stream's cursor, and the stream itself (a `Source`).

A source knows one platform API: which request to send next given the cursor, and how to map
the answer. The runner (`polling.runner`) does the rest the same way for every stream: the
answer is stored raw before anything is queued, items already emitted are skipped, and the
cursor moves only after the page's items are queued, so a restart mid-page repeats that page
and never skips one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from uppsikt.model.events import Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result


@dataclass(frozen=True)
class HttpRequest:
    method: str
    url: str
    params: tuple[tuple[str, str], ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | None = None


@dataclass(frozen=True)
class HttpResponse:
    status: int
    headers: Mapping[str, str]  # names lower-cased
    body: bytes


class Http(Protocol):
    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        """The response, whatever its status; `Transient` for a timeout or connection failure."""


@dataclass(frozen=True)
class PollAccount:
    """One registry account as a poller sees it: ids, where its API is, and its credentials."""

    account_key: str  # the registry's id, e.g. `seko-youtube`
    platform: Platform
    platform_account_id: str
    api_base: str | None  # instance or API root where the platform has more than one
    credentials: Mapping[str, str]  # from the account's secret; never logged
    org_id: str | None = None  # the organisation that owns the account (the tenant)


@dataclass(frozen=True)
class Cursor:
    """Where one stream of one account stands. Saved after every page.

    `position` is the high-water mark of the last complete sweep. A sweep that stops early keeps
    `page` (the continuation token) and `pending` (the mark it will commit when it completes).
    `snapshot` holds item id → fingerprint for streams that see edits, hides and deletions only
    by comparing listings; `listing` accumulates the current sweep's ids until it completes.
    """

    position: str | None = None
    page: str | None = None
    pending: str | None = None
    snapshot: Mapping[str, str] = field(default_factory=dict)
    listing: Mapping[str, str] = field(default_factory=dict)
    not_before: datetime | None = None  # set from Retry-After; the runner waits until then
    version: int = 0  # optimistic lock: two runs of one stream never both move it
    org_id: str | None = None  # whose account the stream is, stored on its row

    @property
    def mid_sweep(self) -> bool:
        return self.page is not None


@dataclass(frozen=True)
class Fetched:
    """One answer from the platform, as received, and where the sweep goes next."""

    body: bytes  # exactly as received: stored raw before anything is queued
    next_page: str | None  # None when this sweep is complete
    position: str | None  # the high-water mark this page reaches (committed at sweep end)
    listed: Mapping[str, str] = field(default_factory=dict)  # id → fingerprint, for diffing
    content_type: str = "application/json"


@dataclass(frozen=True)
class Lease:
    """A WebSub subscription as the hub last verified it (YouTube pushes instead of polling)."""

    verified_at: datetime
    lease_seconds: int


class CursorStore(Protocol):
    def load(self, account_key: str, stream: str) -> Cursor:
        """The stream's cursor; an empty `Cursor` (version 0) when it has none yet."""

    def save(self, account_key: str, stream: str, cursor: Cursor, expected_version: int) -> Cursor:
        """Store `cursor` if the stored version is still `expected_version`. Returns the cursor
        with its new version; raises `CursorConflict` otherwise."""


class Ledger(Protocol):
    """Idempotency keys of the items already queued by pollers."""

    def seen(self, keys: Sequence[str]) -> set[str]: ...

    def mark(self, keys: Sequence[str], org_id: str | None = None) -> None: ...


class Source(Protocol):
    """One polled stream of one platform (e.g. YouTube comment threads)."""

    @property
    def platform(self) -> Platform: ...

    @property
    def stream(self) -> str:
        """A short stable name, e.g. `youtube.comments`; part of the cursor's key."""

    @property
    def diffs_listings(self) -> bool:
        """True when vanished items (deletions, hides) are found by comparing complete sweeps."""

    def fetch(self, http: Http, account: PollAccount, cursor: Cursor) -> Fetched:
        """Ask for the next page after `cursor` (its `page` when mid-sweep)."""

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        """One result per item of a fetched body; `ValueError` when the body cannot be read.
        `cursor.snapshot` is the last complete listing, so an item whose fingerprint changed
        can be mapped as an edit or a hide."""

    def vanished(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        """Map the runner's record of items missing from a complete sweep (see `runner`):
        `{"stream": ..., "vanished": [{"id": ..., "fingerprint": ...}, ...]}`. Sources that do
        not diff listings return []."""


class LookupSource(Protocol):
    """A stream that fetches items one by one from references left by earlier events (an
    Instagram mention arrives with ids only; its text and author are looked up later)."""

    @property
    def platform(self) -> Platform: ...

    @property
    def stream(self) -> str: ...

    def fetch_one(self, http: Http, account: PollAccount, ref: str) -> Fetched:
        """Fetch the item `ref` names (its form is the source's own, e.g. `media:comment`)."""

    def map(self, body: bytes, ctx: DeliveryContext, cursor: Cursor) -> list[Result]:
        """As `Source.map`; called with an empty cursor."""
