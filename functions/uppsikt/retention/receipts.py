"""Purge receipts (regulation.md §5b row 8b): what a run decided, deleted and kept, per class and
organisation; counts only, never content, ids or personal data.

Each batch (one page of one store) carries three dates, because "deleted" means three things
(review-retention-clocks.md §B2): when it was **decided**, when it was **deleted from the live
store**, and when it is **out of backups**. DynamoDB keeps deleted rows restorable for the
point-in-time-recovery window (35 days); S3 has no backup here once every version is gone. A row
DynamoDB TTL removed before the purge reached it counts as `gone`: TTL acts up to 48 h after the
expiry, so for the stores left to TTL alone the receipt states the later bound, expiry + 48 h +
35 days.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

PITR_WINDOW = timedelta(days=35)
TTL_LAG = timedelta(hours=48)
# Stores that keep no backup of a deleted thing (every S3 version and delete marker is removed).
NO_BACKUP = frozenset({"objects"})
# Stores the purge leaves to DynamoDB TTL: ids, cursors and digests only, kept hours to days.
TTL_ONLY = (
    "IdempotencyTable",
    "PollStateTable",
    "RequestsTable",
    "ReviewTable",
    "AuditTable",
    "ClocksTable",
    "NotifyTable",
)


@dataclass
class Batch:
    seq: int
    store: str
    decided_at: datetime
    deleted_at: datetime | None = None
    # (retention class, outcome) -> how many
    outcomes: Counter[tuple[str, str]] = field(default_factory=Counter)
    # (retention class, reason kept) -> how many
    kept: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def out_of_backups_at(self) -> datetime | None:
        if self.deleted_at is None:
            return None
        return self.deleted_at if self.store in NO_BACKUP else self.deleted_at + PITR_WINDOW

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "store": self.store,
            "decided_at": self.decided_at.isoformat(),
            "deleted_at": self.deleted_at.isoformat() if self.deleted_at else None,
            "out_of_backups_at": (
                self.out_of_backups_at.isoformat() if self.out_of_backups_at else None
            ),
            "outcomes": _nest(self.outcomes),
            "kept": _nest(self.kept),
        }


def _nest(counts: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    nested: dict[str, dict[str, int]] = {}
    for (cls, what), n in sorted(counts.items()):
        nested.setdefault(cls, {})[what] = n
    return nested


@dataclass
class Receipt:
    run_id: str
    org_id: str
    now: datetime  # the run's clock (an input: tests and `--now` move it)
    dry_run: bool
    schedule_version: str
    resumed_from: str | None = None
    complete: bool = False
    batches: list[Batch] = field(default_factory=list)
    # Things of an archive class no expiry index lists: for a public body they wait for hand-over
    # (archive duty); for a union (own posts, row 2) for the channel's closure to start their clock.
    awaiting_handover: int = 0
    archive_duty: bool = True
    reminders: int = 0

    def totals(self) -> dict[str, dict[str, int]]:
        outcomes: Counter[tuple[str, str]] = Counter()
        for b in self.batches:
            outcomes.update(b.outcomes)
            outcomes.update({(c, f"kept:{r}"): n for (c, r), n in b.kept.items()})
        return _nest(outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "org_id": self.org_id,
            "now": self.now.isoformat(),
            "dry_run": self.dry_run,
            "schedule_version": self.schedule_version,
            "resumed_from": self.resumed_from,
            "complete": self.complete,
            "totals": self.totals(),
            "kept_awaiting_handover" if self.archive_duty else "kept_awaiting_closure": (
                self.awaiting_handover
            ),
            "hold_reminders": self.reminders,
            "ttl_only_stores": list(TTL_ONLY),
            # What TTL alone deletes (expired before `now`) is gone by now + 48 h and out of
            # backups 35 days later.
            "ttl_only_out_of_backups_by": (self.now + TTL_LAG + PITR_WINDOW).isoformat(),
            "batches": [b.as_dict() for b in self.batches],
        }

    def render(self) -> str:
        mode = "dry run (nothing deleted)" if self.dry_run else "purge"
        state = "complete" if self.complete else "INCOMPLETE (resumes at the next run)"
        lines = [f"{self.org_id}: {mode} at {self.now.isoformat()}, run {self.run_id}, {state}"]
        for cls, outcomes in self.totals().items():
            parts = ", ".join(f"{what} {n}" for what, n in outcomes.items())
            lines.append(f"  {cls}: {parts}")
        if not self.totals():
            lines.append("  nothing has expired")
        if self.awaiting_handover and self.archive_duty:
            lines.append(f"  kept: archive duty, not yet handed over: {self.awaiting_handover}")
        elif self.awaiting_handover:
            lines.append(f"  kept: own posts, until the channel closes: {self.awaiting_handover}")
        if self.batches and not self.dry_run:
            last = max(
                (b.out_of_backups_at for b in self.batches if b.out_of_backups_at), default=None
            )
            if last:
                lines.append(f"  out of every backup by {last.date().isoformat()}")
        return "\n".join(lines)
