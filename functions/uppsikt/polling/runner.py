"""The poll runner: one stream of one account, page by page, the same way for every platform.

Each page goes through these steps in this order, and restarts are safe because of it:

1. the answer is mapped (pure, nothing written yet), then stored raw, because a page cannot be
   fetched again exactly as it was;
2. its new items are queued (the ledger drops items queued before);
3. the ledger records what was queued;
4. the cursor moves on (a conditional write, so only one run moves a stream at a time).

A crash after step 2 or 3 leaves the cursor on the same page, so the next run fetches that page
again. The ledger, and behind it evaluation's idempotency on the same idempotency key that
webhooks use, makes the repeat harmless. In the other order, a crash could move the cursor past
items that were never queued, and those would be lost for good.

Nothing here logs. The returned `PollOutcome` holds counts and short, content-free details, and
that is what the handler logs.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from uppsikt.diagnostics import describe
from uppsikt.ingest.ports import Alerts, LookupStore, MessageQueue, RawStore
from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import Result
from uppsikt.platforms.results import items_of, to_messages
from uppsikt.polling.errors import (
    CursorConflict,
    Malformed,
    PollError,
    RateLimited,
    Rejected,
    Transient,
)
from uppsikt.polling.http import DEFAULT_TIMEOUT
from uppsikt.polling.ports import (
    Cursor,
    CursorStore,
    Fetched,
    Http,
    HttpRequest,
    HttpResponse,
    Ledger,
    LookupSource,
    PollAccount,
    Source,
)
from uppsikt.privacy.pseudonym import Pseudonymiser

Status = Literal["complete", "partial", "waiting", "rate_limited", "failed", "rejected", "busy"]
Message = EventMessage | UnmappedMessage

GONE = frozenset({404, 410})  # a looked-up item that was deleted before we got to it


@dataclass(frozen=True)
class PollOutcome:
    """What one run did. Counts and short reasons only: no content, no ids, safe to log."""

    account_key: str
    stream: str
    status: Status
    pages: int = 0  # answers read (pages, or items for lookups); failed requests not counted
    emitted: int = 0  # events queued
    already_seen: int = 0  # items the ledger had seen (a repeated page, an item that moved)
    ignored: int = 0
    unmapped: int = 0  # items queued as pointers because they could not be mapped
    vanished: int = 0  # ids missing from a complete sweep that the previous sweep had
    gone: int = 0  # looked-up items that had been deleted (404)
    detail: str = ""
    ignored_reasons: Mapping[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        values = asdict(self)
        values["ignored_reasons"] = dict(self.ignored_reasons)
        return values


@dataclass
class _Tally:
    pages: int = 0
    emitted: int = 0
    already_seen: int = 0
    ignored: Counter[str] = field(default_factory=Counter)
    unmapped: int = 0
    vanished: int = 0
    gone: int = 0

    def outcome(self, run: _Run, status: Status, detail: str = "") -> PollOutcome:
        return PollOutcome(
            account_key=run.account.account_key,
            stream=run.stream,
            status=status,
            pages=self.pages,
            emitted=self.emitted,
            already_seen=self.already_seen,
            ignored=sum(self.ignored.values()),
            unmapped=self.unmapped,
            vanished=self.vanished,
            gone=self.gone,
            detail=detail,
            ignored_reasons=dict(self.ignored),
        )


@dataclass(frozen=True)
class _Run:
    """The names one run uses for storage keys, contexts and alerts."""

    platform: Platform
    stream: str
    account: PollAccount
    pseudonymiser: Pseudonymiser

    def path(self, now: datetime) -> str:
        # The organisation after the platform: one organisation's answers are one prefix each.
        key = self.account.account_key
        org = f"{self.account.org_id}/" if self.account.org_id else ""
        return f"{self.platform.value}/{org}{key}/{self.stream}/{now:%Y/%m/%d}"

    def raw_key(self, now: datetime, body: bytes, extension: str, prefix: str = "") -> str:
        digest = hashlib.sha256(body).hexdigest()
        return f"polls/{self.path(now)}/{prefix}{digest}.{extension}"

    def metadata(self, now: datetime, body: bytes) -> dict[str, str]:
        return {
            "platform": self.platform.value,
            "account": self.account.account_key,
            **({"org-id": self.account.org_id} if self.account.org_id else {}),
            "stream": self.stream,
            "sha256": hashlib.sha256(body).hexdigest(),
            "received-at": now.isoformat(),
        }

    def context(self, bucket: str, key: str, now: datetime) -> DeliveryContext:
        return DeliveryContext(
            self.platform,
            self.account.platform_account_id,
            bucket,
            key,
            now,
            self.pseudonymiser,
        )


@dataclass(frozen=True)
class _Bounded:
    """The poller's timeout applies to every request a source sends, whatever it asks for."""

    http: Http
    limit: float

    def send(self, request: HttpRequest, *, timeout: float) -> HttpResponse:
        return self.http.send(request, timeout=min(timeout, self.limit))


def _extension(content_type: str) -> str:
    return "xml" if "xml" in content_type.lower() else "json"


def _sniffed_extension(body: bytes) -> str:
    # A malformed answer has no trusted content type: markup is kept as .xml, the rest as .json.
    return "xml" if body.lstrip()[:1] == b"<" else "json"


@dataclass(frozen=True)
class Poller:
    http: Http
    cursors: CursorStore
    ledger: Ledger
    lookups: LookupStore
    raw_store: RawStore
    queue: MessageQueue
    alerts: Alerts
    clock: Callable[[], datetime]
    max_pages: int = 20
    timeout: float = DEFAULT_TIMEOUT
    # After a 5xx or a timeout the stream rests briefly (only `not_before` changes). The schedule
    # interval is the real backoff; this only stops an immediate re-run from hammering the API.
    transient_backoff: timedelta = timedelta(seconds=30)
    # Seconds kept free before the deadline, on top of one request's timeout, for the writes
    # that follow a page (raw store, queue, ledger, cursor).
    deadline_margin: float = 5.0

    # --- streams ------------------------------------------------------------------------------

    def poll(
        self,
        source: Source,
        account: PollAccount,
        pseudonymiser: Pseudonymiser,
        *,
        deadline: Callable[[], float] | None = None,
    ) -> PollOutcome:
        """Fetch pages until the sweep completes, `max_pages` is reached, or `deadline` (the
        seconds left, e.g. from the Lambda context) is too close for another page."""
        run = _Run(source.platform, source.stream, account, pseudonymiser)
        tally = _Tally()
        http = _Bounded(self.http, self.timeout)
        cursor = self.cursors.load(account.account_key, source.stream)
        try:
            while True:
                waiting = self._waiting(cursor)
                if waiting:
                    return tally.outcome(run, "waiting", waiting)
                if tally.pages >= self.max_pages:
                    return tally.outcome(run, "partial", f"stopped after {self.max_pages} pages")
                if self._out_of_time(deadline):
                    return tally.outcome(run, "partial", "stopped before the deadline")
                fetched = source.fetch(http, account, cursor)
                tally.pages += 1
                cursor = self._page(source, run, cursor, fetched, tally)
                if not cursor.mid_sweep:
                    return tally.outcome(run, "complete")
        except PollError as exc:
            return self._stopped(run, cursor, exc, tally)

    def _page(
        self, source: Source, run: _Run, cursor: Cursor, fetched: Fetched, tally: _Tally
    ) -> Cursor:
        now = self.clock()
        key = run.raw_key(now, fetched.body, _extension(fetched.content_type))
        ctx = run.context(self.raw_store.bucket, key, now)
        results = self._map(run, lambda: source.map(fetched.body, ctx, cursor), fetched.body)
        self.raw_store.put_delivery(key, fetched.body, run.metadata(now, fetched.body))
        outgoing = self._collect(ctx, results, tally)

        listing = {**cursor.listing, **fetched.listed}
        if fetched.next_page is not None:
            pending = fetched.position if fetched.position is not None else cursor.pending
            moved = replace(
                cursor, page=fetched.next_page, pending=pending, listing=listing, not_before=None
            )
        else:
            if source.diffs_listings and cursor.snapshot:
                outgoing += self._vanished(
                    source, run, cursor.snapshot, listing=listing, now=now, tally=tally
                )
            # The latest mark reported wins, as it does mid-sweep: sources report a running mark
            # on every page (or one on their first page only), so the last is the highest.
            position = next(
                (p for p in (fetched.position, cursor.pending) if p is not None), cursor.position
            )
            moved = replace(
                cursor,
                position=position,
                page=None,
                pending=None,
                snapshot=listing if source.diffs_listings else cursor.snapshot,
                listing={},
                not_before=None,
            )
        self._send(run, outgoing, tally)
        moved = replace(moved, org_id=run.account.org_id)
        return self.cursors.save(run.account.account_key, run.stream, moved, cursor.version)

    def _vanished(
        self,
        source: Source,
        run: _Run,
        snapshot: Mapping[str, str],
        *,
        listing: Mapping[str, str],
        now: datetime,
        tally: _Tally,
    ) -> list[tuple[str, Message]]:
        """Items of the last complete sweep missing from this one, recorded and mapped like a
        fetched page. Only complete sweeps are compared: a partial one misses items by design."""
        missing = sorted(set(snapshot) - set(listing))
        if not missing:
            return []
        record = {
            "stream": run.stream,
            "account": run.account.account_key,
            "vanished": [{"id": item, "fingerprint": snapshot[item]} for item in missing],
        }
        body = json.dumps(record, sort_keys=True).encode()
        key = run.raw_key(now, body, "json", prefix="vanished-")
        ctx = run.context(self.raw_store.bucket, key, now)
        results = self._map(run, lambda: source.vanished(body, ctx), body)
        self.raw_store.put_delivery(key, body, {**run.metadata(now, body), "kind": "vanished"})
        tally.vanished += len(missing)
        return self._collect(ctx, results, tally)

    # --- lookups ------------------------------------------------------------------------------

    def poll_lookups(
        self,
        source: LookupSource,
        account: PollAccount,
        pseudonymiser: Pseudonymiser,
        limit: int = 25,
        *,
        deadline: Callable[[], float] | None = None,
    ) -> PollOutcome:
        """Resolve up to `limit` pending references. The stream's cursor row only carries its
        rate-limit wait. An item deleted meanwhile (404) is done and counted as gone; an
        unreadable answer is quarantined and its reference stays pending."""
        run = _Run(source.platform, source.stream, account, pseudonymiser)
        tally = _Tally()
        http = _Bounded(self.http, self.timeout)
        cursor = self.cursors.load(account.account_key, source.stream)
        waiting = self._waiting(cursor)
        if waiting:
            return tally.outcome(run, "waiting", waiting)
        args = (source.platform, account.platform_account_id, source.stream)
        unreadable = 0
        try:
            for ref in self.lookups.pending(*args, limit):
                if self._out_of_time(deadline):
                    return tally.outcome(run, "partial", "stopped before the deadline")
                try:
                    fetched = source.fetch_one(http, account, ref)
                    tally.pages += 1
                    self._lookup(source, run, fetched, tally)
                except Rejected as exc:
                    if exc.status not in GONE:
                        raise
                    tally.gone += 1
                except Malformed as exc:
                    self._quarantine(run, exc)
                    unreadable += 1
                    continue  # stays pending: nothing is dropped without the operator knowing
                self.lookups.done(*args, ref)
        except PollError as exc:
            return self._stopped(run, cursor, exc, tally)
        if unreadable:
            return tally.outcome(run, "failed", f"{unreadable} answer(s) quarantined")
        return tally.outcome(run, "complete")

    def _lookup(self, source: LookupSource, run: _Run, fetched: Fetched, tally: _Tally) -> None:
        now = self.clock()
        key = run.raw_key(now, fetched.body, _extension(fetched.content_type))
        ctx = run.context(self.raw_store.bucket, key, now)
        results = self._map(run, lambda: source.map(fetched.body, ctx, Cursor()), fetched.body)
        self.raw_store.put_delivery(key, fetched.body, run.metadata(now, fetched.body))
        self._send(run, self._collect(ctx, results, tally), tally)

    # --- shared steps -------------------------------------------------------------------------

    def _waiting(self, cursor: Cursor) -> str:
        if cursor.not_before is not None and cursor.not_before > self.clock():
            return f"waiting until {cursor.not_before.isoformat()}"
        return ""

    def _out_of_time(self, deadline: Callable[[], float] | None) -> bool:
        return deadline is not None and deadline() < self.timeout + self.deadline_margin

    @staticmethod
    def _map(run: _Run, mapping: Callable[[], list[Result]], body: bytes) -> list[Result]:
        try:
            return mapping()
        except (ValueError, RecursionError) as exc:
            raise Malformed(
                f"{run.stream}: the answer cannot be read: {describe(exc)}", body
            ) from exc

    @staticmethod
    def _collect(
        ctx: DeliveryContext, results: list[Result], tally: _Tally
    ) -> list[tuple[str, Message]]:
        """Each result as (ledger key, message); `Ignored` only counted."""
        outgoing = to_messages(items_of(ctx, results), ctx.received_at)
        tally.ignored.update(outgoing.ignored)
        return outgoing.keyed

    def _send(self, run: _Run, outgoing: list[tuple[str, Message]], tally: _Tally) -> None:
        """Queue what the ledger has not seen, then mark it (never the other way round: a key
        marked before its message is queued could lose the message)."""
        keys = list(dict.fromkeys(key for key, _ in outgoing))
        seen = self.ledger.seen(keys) if keys else set()
        fresh: list[Message] = []
        sent: list[str] = []
        for key, message in outgoing:
            if key in seen or key in sent:
                tally.already_seen += 1
                continue
            sent.append(key)
            fresh.append(message)
        if not fresh:
            return
        self.queue.send(fresh)
        self.ledger.mark(sent, org_id=run.account.org_id)
        tally.emitted += sum(isinstance(m, EventMessage) for m in fresh)
        tally.unmapped += sum(isinstance(m, UnmappedMessage) for m in fresh)

    def _rest(self, run: _Run, cursor: Cursor, wait: timedelta) -> datetime:
        """Save the cursor unchanged but for `not_before`."""
        until = self.clock() + wait
        resting = replace(cursor, not_before=until, org_id=run.account.org_id)
        self.cursors.save(run.account.account_key, run.stream, resting, cursor.version)
        return until

    def _stopped(self, run: _Run, cursor: Cursor, exc: PollError, tally: _Tally) -> PollOutcome:
        """The outcome of a run that an API error ended; `cursor` is the last one saved."""
        try:
            if isinstance(exc, RateLimited):
                until = self._rest(run, cursor, exc.retry_after)
                return tally.outcome(run, "rate_limited", f"waiting until {until.isoformat()}")
            if isinstance(exc, Transient):
                if self.transient_backoff > timedelta(0):
                    self._rest(run, cursor, self.transient_backoff)
                return tally.outcome(run, "failed", describe(exc))
        except CursorConflict as conflict:
            exc = conflict
        if isinstance(exc, CursorConflict):
            return tally.outcome(run, "busy", "another run holds this stream")
        if isinstance(exc, Rejected):
            self.alerts.alert(
                f"Uppsikt: {run.platform.value} refused to poll {run.account.account_key}: "
                f"HTTP {exc.status}",
                {**self._names(run), "status": str(exc.status), "error": describe(exc)},
            )
            return tally.outcome(run, "rejected", f"HTTP {exc.status}")
        if isinstance(exc, Malformed):
            return tally.outcome(run, "failed", self._quarantine(run, exc))
        self.alerts.alert(
            f"Uppsikt: polling {run.platform.value} {run.account.account_key} failed",
            {**self._names(run), "error": describe(exc)},
        )
        return tally.outcome(run, "failed", describe(exc))

    def _quarantine(self, run: _Run, exc: Malformed) -> str:
        """Keep an unreadable answer where no consumer reads it and tell the operator (as
        webhook ingest does with an unreadable delivery). The alert names where the body is,
        never what it says."""
        details = {**self._names(run), "error": describe(exc)}
        if exc.body:
            now = self.clock()
            digest = hashlib.sha256(exc.body).hexdigest()
            key = f"quarantine/polls/{run.path(now)}/{digest}.{_sniffed_extension(exc.body)}"
            metadata = {**run.metadata(now, exc.body), "quarantined": "true"}
            self.raw_store.put_delivery(key, exc.body, metadata)
            details |= {"quarantine_key": key, "bytes": str(len(exc.body))}
        self.alerts.alert(
            f"Uppsikt: an unreadable {run.platform.value} answer for "
            f"{run.account.account_key} was quarantined",
            details,
        )
        return "answer quarantined" if exc.body else describe(exc)

    @staticmethod
    def _names(run: _Run) -> dict[str, str]:
        return {
            "platform": run.platform.value,
            "account": run.account.account_key,
            "stream": run.stream,
        }
