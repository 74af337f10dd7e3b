"""Where data-subject requests and legal holds meet, in both directions (issue 9):

- a pending request keeps what it concerns from the purge (`PendingRequestHolds`, a
  `retention.ports.HoldSource`), so nothing a person asked about disappears before the answer;
- a legal hold keeps what it covers from an erasure (`LegalHoldsKeep`, a `KeepRules`), and the
  erasure records the hold as the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from uppsikt.dsr.model import Concern, PendingHold
from uppsikt.retention.holds import Hold, Scope
from uppsikt.retention.ports import Candidate, HoldSource

# What a pending request looks like among the purge's holds and in its receipts.
PLACED_BY = "data-subject request"
SOURCE = "data_subject_request"


class PendingRequests(Protocol):
    """The requests store as the purge sees it (`dsr.store.Requests` satisfies it)."""

    def pending_holds(self, org_id: str) -> list[PendingHold]: ...


@dataclass(frozen=True)
class PendingRequestHolds:
    """`HoldSource`: each open request holds everything stored under its person's pseudonyms."""

    requests: PendingRequests

    def active_holds(self, org_id: str, now: datetime) -> Sequence[Hold]:
        return [as_hold(p) for p in self.requests.pending_holds(org_id) if p.since <= now]


def as_hold(pending: PendingHold) -> Hold:
    # The purge's candidates name the author by the bare pseudonym; the request by its index key.
    _, _, pseudonym = pending.target.partition("#")
    return Hold(
        hold_id=f"dsr-{pending.request_id}",
        org_id=pending.org_id,
        scope=Scope.AUTHOR,
        target=pseudonym,
        placed_by=PLACED_BY,
        reason=pending.reason,
        started_at=pending.since,
        review_at=pending.review_at,
        source=SOURCE,
    )


@dataclass(frozen=True)
class LegalHoldsKeep:
    """`KeepRules`: a legal hold in force beats an erasure (a hold beats everything)."""

    holds: HoldSource
    clock: Callable[[], datetime]

    def reason_to_keep(self, concern: Concern) -> str | None:
        candidate = Candidate(
            store=concern.store,
            key=concern.key,
            org_id=concern.org_id,
            retention_class=concern.retention_class or "",
            expires_at="",
            account_id=concern.account_id,
            item_ref=concern.item_ref,
            flag_id=concern.flag_id,
            author=concern.author_key.partition("#")[2] if concern.author_key else None,
        )
        for hold in self.holds.active_holds(concern.org_id, self.clock()):
            if hold.source == "legal" and hold.covers(candidate):
                return f"legal hold {hold.hold_id} ({hold.scope.value})"
        return None
