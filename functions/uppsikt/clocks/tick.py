"""The scheduled tick (every five minutes): move every due clock, and alert once per step.

It reads only the clocks whose next check has come (`ClockStore.due`, an index query by due
time; never a scan). Each step is written only if the clock is still in the state the tick read
(`ClockStore.transition`), so two ticks running at once, or a reply stopping a clock while the
tick moves it, never record a breach twice or alert for a stopped clock; the alert goes after
the write. A supervision clock asks the flags table first whether the flag has been reviewed
(`Reviews.first_reviewed_at`): then it stops instead of alerting.

Each step is written with its alert as `pending_alert` (an outbox on the clock row), then the
alert is published and cleared. If publishing fails, the error propagates (the invocation fails
and shows in its metrics) and the pending alert keeps the clock due, so the next tick publishes
it: an alert may go out twice, never not at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from uppsikt.clocks.alerts import send
from uppsikt.clocks.machine import AlertType, advance, stop
from uppsikt.clocks.model import Clock, Kind, StopReason
from uppsikt.clocks.ports import AlertSink, ClockStore, Reviews

MARGIN_S = 20.0  # left for the cadence check and the reply


@dataclass
class TickReport:
    due: int = 0
    steps: Counter[str] = field(default_factory=Counter)
    alerts: int = 0
    lost_races: int = 0
    reviewed: int = 0
    cut_short: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "due": self.due,
            "steps": dict(self.steps),
            "alerts": self.alerts,
            "lost_races": self.lost_races,
            "reviewed": self.reviewed,
            "cut_short": self.cut_short,
        }


@dataclass(frozen=True)
class Tick:
    store: ClockStore
    alerts: AlertSink
    clock: Callable[[], datetime]
    reviews: Reviews | None = None

    def run(self, seconds_left: Callable[[], float] | None = None) -> TickReport:
        """`seconds_left`: the invocation's remaining time; the tick stops with `MARGIN_S` to
        spare, and what it did not reach is still due at the next tick."""
        now = self.clock()
        report = TickReport()
        for found in self.store.due(now):
            clock = found
            if seconds_left is not None and seconds_left() < MARGIN_S:
                report.cut_short = True
                break
            report.due += 1
            if clock.pending_alert is not None:  # left by a tick that could not publish it
                clock = self._publish(clock, AlertType(clock.pending_alert), report)
            if clock.kind is Kind.SUPERVISION and self.reviews is not None:
                reviewed = self.reviews.first_reviewed_at(clock.ref)
                if reviewed is not None:
                    stopped = stop(clock, reviewed, StopReason.REVIEWED)
                    if stopped is not None and self.store.transition(clock, stopped):
                        report.reviewed += 1
                    continue
            for step in advance(clock, now):
                after = step.after
                if step.alert is not None:
                    after = after.evolve(pending_alert=step.alert.value)
                if not self.store.transition(step.before, after):
                    report.lost_races += 1  # stopped or moved by someone else meanwhile
                    break
                report.steps[after.state.value] += 1
                if step.alert is not None:
                    self._publish(after, step.alert, report)
        return report

    def _publish(self, clock: Clock, alert: AlertType, report: TickReport) -> Clock:
        send(self.alerts, clock, alert)
        report.alerts += 1
        self.store.alert_sent(clock)
        return clock.evolve(pending_alert=None)
