"""The clock's state machine: pure, with time as an input.

    running ──at_risk_at──► at_risk ──due_at──► breached ──escalate_at──► escalated
       └──────────────┴───────────────┴── stop(reason) ──► stopped ◄──────┘ (not from escalated
                                                                               by the tick)

`advance` moves a clock as far as `now` allows, one step at a time, and says which alerts the
steps raise. A late tick that finds a clock past its due moment does not announce "at risk"
before "breached": the at-risk alert is only worth sending while there is time left. `stop`
ends a clock in any open state, and an escalated one too (the question may still be answered;
the record then shows both). Each breach is recorded once: the store writes a step only if the
clock is still in the state this module read (`ClockStore.transition`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from uppsikt.clocks.model import Clock, Kind, State, StopReason


class AlertType(StrEnum):
    AT_RISK = "clock.at_risk"
    BREACHED = "clock.breached"
    ESCALATED = "clock.escalated"
    DEADLINE_DUE = "deadline.due"
    SUPERVISION_LAG = "supervision.lag"


@dataclass(frozen=True, slots=True)
class Step:
    before: Clock
    after: Clock
    alert: AlertType | None


def _breach_alert(kind: Kind) -> AlertType:
    if kind is Kind.DEADLINE:
        return AlertType.DEADLINE_DUE
    if kind is Kind.SUPERVISION:
        return AlertType.SUPERVISION_LAG
    return AlertType.BREACHED


def advance(clock: Clock, now: datetime) -> list[Step]:
    """Every step from `clock`'s state that `now` has reached, in order."""
    steps: list[Step] = []
    current = clock
    while (check := current.next_check_at) is not None and check <= now:
        if current.state is State.RUNNING and current.at_risk_at < current.due_at:
            after = current.evolve(state=State.AT_RISK)
            # Only worth saying while the due moment is still ahead.
            alert = AlertType.AT_RISK if now < current.due_at else None
        elif current.state in (State.RUNNING, State.AT_RISK):
            after = current.evolve(state=State.BREACHED, breached_at=current.due_at)
            alert = _breach_alert(current.kind)
        else:  # BREACHED, with an escalation moment
            after = current.evolve(state=State.ESCALATED, escalated_at=current.escalate_at)
            alert = AlertType.ESCALATED
        steps.append(Step(current, after, alert))
        current = after
    return steps


def stop(clock: Clock, now: datetime, reason: StopReason) -> Clock | None:
    """The stopped clock, or None when it was stopped already (the first reason stands)."""
    if clock.state is State.STOPPED:
        return None
    return clock.evolve(state=State.STOPPED, stopped_at=now, stop_reason=reason)
