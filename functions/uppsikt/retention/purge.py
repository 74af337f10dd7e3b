"""The purge: physically delete what has expired, keep what a hold or archive duty keeps, and
write a receipt of it (regulation.md §5b, review-retention-clocks.md §B2).

How it finds what has expired without scanning: each store answers from an index ordered by
expiry (`ports.ExpiringStore.expired`), one page at a time, per organisation. What it does with
each thing, in the schedule's precedence: a hold (any `HoldSource`: legal holds, pending
data-subject requests) keeps it; archive classes are never listed (no expiry) until handed over;
otherwise the class's action at expiry applies: delete (every S3 version, the row, and what is
derived from it) or anonymise. A store that can dispose of a whole page in few calls
(`ports.PageDisposer`: S3 DeleteObjects, BatchWriteItem) is given the page at once.

Safe to kill at any moment. Before a page is touched, its batch is written to the receipt as
decided and the checkpoint records the page's start; after it, the batch gets its deletion date
and the checkpoint moves past it. A run killed half-way leaves an open checkpoint; the next run
resumes at that page (what was deleted is no longer listed, what remains is deleted now) and
names the run it completes (`resumed_from`). Deletion is idempotent: a thing already gone counts
as `gone`. Time is an input (`now`): a run whose clock is earlier than the last run's is refused
before anything is read, since its decisions would contradict receipts already written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from uppsikt.errors import Conflict, NotFound
from uppsikt.retention.holds import Hold, holding, remind
from uppsikt.retention.ports import (
    Alerts,
    ExpiringStore,
    GovernanceRecords,
    HoldBook,
    HoldSource,
    Outcome,
    PageDisposer,
)
from uppsikt.retention.receipts import Batch, Receipt
from uppsikt.retention.schedule import ORG_TYPES, Action, Schedule, shipped

CLOCK_SKEW = timedelta(minutes=5)  # machines disagree a little; more than that is an error
SAFETY_MARGIN_S = 30.0  # stop this long before the function's timeout
KEPT = {Outcome.LOCKED: "object_lock", Outcome.CHANGED: "expiry_moved"}


class UnknownOrganisation(NotFound):
    """The organisation asked for is not in the registry."""


class ClockWentBack(Conflict):
    """The run's clock is earlier than the last run's: nothing is read or deleted."""


def action_at_expiry(schedule: Schedule, class_name: str) -> Action:
    """Anonymise where every org type's term anonymises; otherwise delete (an archive class is
    listed only once it has been handed over, and then goes)."""
    spec = schedule.get(class_name)
    terms = [spec.term(t).then for t in ORG_TYPES]
    return Action.ANONYMISE if all(t is Action.ANONYMISE for t in terms) else Action.DELETE


@dataclass
class Purge:
    stores: Sequence[ExpiringStore]
    records: GovernanceRecords
    hold_sources: Sequence[HoldSource] = ()
    hold_book: HoldBook | None = None  # legal holds, for their review reminders
    alerts: Alerts | None = None
    schedule: Schedule = field(default_factory=shipped)
    # An organisation's org type ("union", "authority"; None: unknown): who has archive duty.
    org_type: Callable[[str], str | None] | None = None

    def run_all(
        self,
        now: datetime,
        organisations: Collection[str],
        *,
        only: str | None = None,
        dry_run: bool = False,
        time_left: Callable[[], float] | None = None,
        extra: Sequence[str] = (),
    ) -> list[Receipt]:
        """Every organisation (or `only`), then `extra` partitions (e.g. unknown-org objects)."""
        if only is not None and only not in organisations:
            raise UnknownOrganisation("the organisation given is not in the registry")
        targets = [only] if only is not None else [*sorted(organisations), *extra]
        receipts: list[Receipt] = []
        for org_id in targets:
            receipt = self.run(org_id, now, dry_run=dry_run, time_left=time_left)
            receipts.append(receipt)
            if not receipt.complete:
                break  # out of time: the next run resumes here
        return receipts

    def run(
        self,
        org_id: str,
        now: datetime,
        *,
        dry_run: bool = False,
        time_left: Callable[[], float] | None = None,
    ) -> Receipt:
        state = self.records.checkpoint(org_id) or {}
        last = state.get("last_now")
        if last and now < datetime.fromisoformat(last) - CLOCK_SKEW:
            raise ClockWentBack(
                "the purge clock is earlier than the last run's; refusing to purge "
                "(check the system clock or --now)"
            )
        holds: list[Hold] = [h for s in self.hold_sources for h in s.active_holds(org_id, now)]
        resuming = bool(state.get("open")) and not dry_run
        receipt = Receipt(
            run_id=f"{now:%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}",
            org_id=org_id,
            now=now,
            dry_run=dry_run,
            schedule_version=self.schedule.version,
            resumed_from=state.get("run_id") if resuming else None,
        )
        names = [s.name for s in self.stores]
        start_at = names.index(state["store"]) if resuming and state.get("store") in names else 0
        for index, store in enumerate(self.stores):
            if index < start_at:
                continue
            cursor = state.get("cursor") if resuming and index == start_at else None
            while True:
                if time_left is not None and time_left() < SAFETY_MARGIN_S:
                    return self._stop(receipt, store.name, cursor)
                page = store.expired(org_id, now, cursor)
                self._batch(receipt, store, page.candidates, holds, cursor)
                cursor = page.next_cursor
                if not dry_run:
                    self._save(receipt, store.name, cursor, open_=True)
                if cursor is None:
                    break
        receipt.awaiting_handover = sum(s.archived(org_id) for s in self.stores)
        receipt.archive_duty = self.org_type is None or self.org_type(org_id) == "authority"
        if not dry_run:
            receipt.reminders = self._remind(org_id, now)
        receipt.complete = True
        if not dry_run:
            self._save(receipt, None, None, open_=False)
            self.records.put_receipt(org_id, f"{receipt.run_id}#summary", _summary(receipt))
        return receipt

    def _batch(
        self,
        receipt: Receipt,
        store: ExpiringStore,
        candidates: Sequence[Any],
        holds: list[Hold],
        cursor: str | None,
    ) -> None:
        if not candidates:
            return
        batch = Batch(seq=len(receipt.batches), store=store.name, decided_at=receipt.now)
        receipt.batches.append(batch)
        todo = []
        for candidate in candidates:
            if holding(holds, candidate, receipt.now):
                batch.kept[(candidate.retention_class, "hold")] += 1
            else:
                todo.append(candidate)
        if receipt.dry_run:
            for candidate in todo:
                verb = action_at_expiry(self.schedule, candidate.retention_class).value
                batch.outcomes[(candidate.retention_class, f"would_{verb}")] += 1
            return
        # Write-ahead: the decision is on record before anything is deleted.
        self._save(receipt, store.name, cursor, open_=True)
        self._put_batch(receipt, batch)
        pairs = [(c, action_at_expiry(self.schedule, c.retention_class)) for c in todo]
        if isinstance(store, PageDisposer):
            outcomes = store.dispose_page(pairs, receipt.now)
        else:
            outcomes = [store.dispose(c, action, receipt.now) for c, action in pairs]
        for candidate, outcome in zip(todo, outcomes, strict=True):
            if outcome in KEPT:
                batch.kept[(candidate.retention_class, KEPT[outcome])] += 1
            else:
                batch.outcomes[(candidate.retention_class, outcome.value)] += 1
        batch.deleted_at = receipt.now
        self._put_batch(receipt, batch)

    def _put_batch(self, receipt: Receipt, batch: Batch) -> None:
        values = {"run_id": receipt.run_id, "now": receipt.now.isoformat(), **batch.as_dict()}
        self.records.put_receipt(receipt.org_id, f"{receipt.run_id}#{batch.seq:05d}", values)

    def _save(
        self, receipt: Receipt, store: str | None, cursor: str | None, *, open_: bool
    ) -> None:
        self.records.save_checkpoint(
            receipt.org_id,
            {
                "run_id": receipt.resumed_from or receipt.run_id,
                "open": open_,
                "store": store,
                "cursor": cursor,
                "last_now": receipt.now.isoformat(),
            },
        )

    def _stop(self, receipt: Receipt, store: str, cursor: str | None) -> Receipt:
        if not receipt.dry_run:
            self._save(receipt, store, cursor, open_=True)
            self.records.put_receipt(receipt.org_id, f"{receipt.run_id}#summary", _summary(receipt))
        return receipt

    def _remind(self, org_id: str, now: datetime) -> int:
        if self.hold_book is None or self.alerts is None:
            return 0
        reminded = remind(self.hold_book.holds(org_id), self.alerts, now)
        for hold in reminded:
            self.hold_book.save_hold(hold)
        return len(reminded)


def _summary(receipt: Receipt) -> dict[str, Any]:
    values = receipt.as_dict()
    values.pop("batches")
    values["batch_count"] = len(receipt.batches)
    return values
