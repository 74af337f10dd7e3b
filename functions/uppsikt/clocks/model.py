"""A clock: something that must happen by a moment (an answer, a post, a review, a reply to a
data subject), and where it stands.

Every instant a clock passes through is computed when it starts (in the organisation's business
time where that applies: `business_time.due_at`), so the state machine (`machine.py`) compares
moments and nothing else. A clock row holds no text beyond a masked excerpt with names hidden,
no author, and its retention class and expiry from the moment it is written.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

CLOCK_RECORD = "clock_record"  # retention class of clock rows (policies/retention/schedule.yaml)


class Kind(StrEnum):
    RESPONSE = "response"  # a visitor's question, until an official human reply
    SUPERVISION = "supervision"  # a flag, until an officer first reviews it
    DEADLINE = "deadline"  # a data-subject request, a hold's review, a breach notification


class State(StrEnum):
    RUNNING = "running"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    ESCALATED = "escalated"
    STOPPED = "stopped"


class StopReason(StrEnum):
    ANSWERED = "answered"  # a human reply from an official account in the thread
    FORWARDED = "forwarded"  # an officer forwarded the question to the right unit
    NOT_A_QUESTION = "not_a_question"  # an officer overrode the detection
    DELETED = "deleted"  # the question was deleted
    REVIEWED = "reviewed"  # the flag was reviewed
    DONE = "done"  # a deadline met


# The order a clock moves in; STOPPED can follow any state but itself.
ORDER = (State.RUNNING, State.AT_RISK, State.BREACHED, State.ESCALATED)


@dataclass(frozen=True, slots=True)
class Clock:
    clock_id: str
    org_id: str
    kind: Kind
    subject: str  # what runs: "question", "flag", "dsr", "hold_review", "breach"
    ref: str  # what it is about: an item ref, a flag id, a request's reference
    severity: str  # the rule's (or the deadline's) severity, for alert routing
    started_at: datetime
    at_risk_at: datetime
    due_at: datetime
    escalate_at: datetime | None  # None: a breach is final, nobody above to escalate to
    expires_at: datetime
    state: State = State.RUNNING
    account_id: str | None = None
    platform: str | None = None
    thread: str | None = None  # a question's thread (its top comment's item ref)
    excerpt: str | None = None  # masked, names hidden
    breached_at: datetime | None = None
    escalated_at: datetime | None = None
    stopped_at: datetime | None = None
    stop_reason: StopReason | None = None
    retention_class: str = CLOCK_RECORD
    # The outbox: an alert written with its step and not yet published. It keeps the clock due,
    # so a tick that fails to publish leaves the alert for the next tick instead of losing it.
    pending_alert: str | None = None

    @property
    def next_check_at(self) -> datetime | None:
        """When the tick must look at this clock next; None once nothing more can happen."""
        if self.pending_alert is not None:
            return self.started_at  # at once: an alert is waiting to go out
        if self.state is State.RUNNING:
            return min(self.at_risk_at, self.due_at)
        if self.state is State.AT_RISK:
            return self.due_at
        if self.state is State.BREACHED:
            return self.escalate_at
        return None

    @property
    def open(self) -> bool:
        return self.state not in (State.STOPPED, State.ESCALATED)

    def evolve(self, **changes: object) -> Clock:
        return replace(self, **changes)  # type: ignore[arg-type]


def clock_id_for(kind: Kind, subject: str, ref: str) -> str:
    """Derived from what the clock is about, so every event of one item finds its clock (an edit,
    a reply, a deletion, or any of them arriving before the question itself)."""
    return hashlib.sha256(f"{kind}#{subject}#{ref}".encode()).hexdigest()[:32]
