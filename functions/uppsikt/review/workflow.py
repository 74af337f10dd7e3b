"""The flag workflow: which status may follow which, and what each step is called in the audit.

    open -> in_review (a claim) -> dismissed | confirmed | escalated
    confirmed -> removal_requested -> removal_done
    escalated -> in_review | dismissed | confirmed ; dismissed -> open (reopened)

A decision may also be taken on an open flag directly (bulk decisions, a decision without a
claim): reviewing it is part of deciding it. Nothing ever closes a flag on its own.
"""

from __future__ import annotations

from uppsikt.model.records import FlagStatus
from uppsikt.review.errors import IllegalTransition

S = FlagStatus
_DECISIONS = {S.DISMISSED, S.CONFIRMED, S.ESCALATED}

ALLOWED: dict[FlagStatus, frozenset[FlagStatus]] = {
    S.OPEN: frozenset({S.IN_REVIEW, *_DECISIONS}),
    S.IN_REVIEW: frozenset({S.OPEN, *_DECISIONS}),
    S.ESCALATED: frozenset({S.IN_REVIEW, S.DISMISSED, S.CONFIRMED}),
    S.CONFIRMED: frozenset({S.REMOVAL_REQUESTED, S.OPEN}),
    S.DISMISSED: frozenset({S.OPEN}),
    S.REMOVAL_REQUESTED: frozenset({S.REMOVAL_DONE}),
    S.REMOVAL_DONE: frozenset(),
}

# The audit action each arrival is recorded as (the contract's list).
ACTION: dict[FlagStatus, str] = {
    S.OPEN: "flag.reopened",
    S.IN_REVIEW: "flag.claimed",
    S.DISMISSED: "flag.dismissed",
    S.CONFIRMED: "flag.confirmed",
    S.ESCALATED: "flag.escalated",
    S.REMOVAL_REQUESTED: "flag.removal_requested",
    S.REMOVAL_DONE: "flag.removed",
}

# A decision ends the review: its moment starts the flag record's retention (schedule row 6).
DECIDED = frozenset({S.DISMISSED, S.CONFIRMED})
# Statuses a decision request may ask for (in_review comes only from a claim).
DECIDABLE = frozenset(s for s in FlagStatus if s is not S.IN_REVIEW)


def check(current: FlagStatus, to: FlagStatus) -> None:
    if to not in ALLOWED[current] or (to is S.IN_REVIEW and current is not S.ESCALATED):
        raise IllegalTransition(f"a flag cannot go from {current.value} to {to.value}")


def is_allowed(current: FlagStatus, to: FlagStatus) -> bool:
    try:
        check(current, to)
    except IllegalTransition:
        return False
    return True
