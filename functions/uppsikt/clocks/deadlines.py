"""Deadlines: a clock that runs in calendar time towards a legal due moment.

- `dsr`: a data-subject request is answered within one month of receipt (GDPR Art. 12(3));
- `hold_review`: a legal hold is reviewed on its review date;
- `breach`: a personal-data breach is notified to the authority within 72 hours of becoming
  aware of it (Art. 33(1)); `uppsikt breach register --org --aware-at` starts it.

Each is at risk a lead time before it is due (`AT_RISK_BEFORE`), and raises `deadline.due` when
the moment passes unmet; nobody sits above a legal deadline, so it does not escalate. `met`
stops one.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from uppsikt.clocks.machine import stop
from uppsikt.clocks.model import CLOCK_RECORD, Clock, Kind, StopReason, clock_id_for
from uppsikt.clocks.ports import ClockStore
from uppsikt.errors import BadRequest, NotFound

KINDS = ("dsr", "hold_review", "breach")
AT_RISK_BEFORE = {
    "dsr": timedelta(days=7),
    "hold_review": timedelta(days=14),
    "breach": timedelta(hours=24),
}
SEVERITY = {"dsr": "mandatory", "hold_review": "mandatory", "breach": "legal"}
BREACH_HOURS = 72
# Deadline clocks are kept a year past their due moment (the DSR file or breach record itself
# has its own, longer class).
KEEP = timedelta(days=365)


class UnknownDeadline(BadRequest):
    """The deadline kind is not one of dsr, hold_review, breach."""


class NoSuchDeadline(NotFound):
    """No deadline clock for that kind, organisation and reference."""


def one_month_after(moment: datetime) -> datetime:
    """The same day next month, or that month's last day (31 January: 28 or 29 February)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def breach_due(aware_at: datetime) -> datetime:
    return aware_at + timedelta(hours=BREACH_HOURS)


def start_deadline(
    store: ClockStore, kind: str, org_id: str, ref: str, due: datetime, *, now: datetime
) -> Clock:
    """Start (once: the same kind, organisation and reference give the same clock) and return
    the deadline's clock."""
    if kind not in KINDS:
        raise UnknownDeadline("kind must be one of dsr, hold_review, breach")
    clock = Clock(
        clock_id=clock_id_for(Kind.DEADLINE, kind, f"{org_id}#{ref}"),
        org_id=org_id,
        kind=Kind.DEADLINE,
        subject=kind,
        ref=ref,
        severity=SEVERITY[kind],
        started_at=now,
        at_risk_at=max(now, due - AT_RISK_BEFORE[kind]),
        due_at=due,
        escalate_at=None,
        expires_at=due + KEEP,
        retention_class=CLOCK_RECORD,
    )
    if store.create(clock):
        return clock
    existing = store.get(clock.clock_id)
    assert existing is not None  # create only fails when it exists
    return existing


def met(store: ClockStore, kind: str, org_id: str, ref: str, now: datetime) -> Clock:
    clock = store.get(clock_id_for(Kind.DEADLINE, kind, f"{org_id}#{ref}"))
    if clock is None:
        raise NoSuchDeadline("no deadline for that kind and reference")
    stopped = stop(clock, now, StopReason.DONE)
    if stopped is None:
        return clock
    store.transition(clock, stopped)
    return stopped
