"""The clock's state machine, with time as an input: every transition and what it announces."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from uppsikt.clocks.machine import AlertType, advance, stop
from uppsikt.clocks.model import Clock, Kind, State, StopReason

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
H = timedelta(hours=1)


def clock(kind: Kind = Kind.RESPONSE, *, escalate: bool = True, **changes: object) -> Clock:
    base = Clock(
        clock_id="c1",
        org_id="seko",
        kind=kind,
        subject="question",
        ref="facebook#1#2",
        severity="advisory",
        started_at=T0,
        at_risk_at=T0 + 3 * H,
        due_at=T0 + 4 * H,
        escalate_at=T0 + 8 * H if escalate else None,
        expires_at=T0 + timedelta(days=365),
    )
    return base.evolve(**changes)


def states(steps: list) -> list[tuple[State, AlertType | None]]:  # type: ignore[type-arg]
    return [(s.after.state, s.alert) for s in steps]


def test_a_running_clock_before_its_at_risk_moment_does_not_move() -> None:
    assert advance(clock(), T0 + 2 * H) == []
    assert clock().next_check_at == T0 + 3 * H


def test_running_becomes_at_risk_at_its_threshold_and_says_so() -> None:
    (step,) = advance(clock(), T0 + 3 * H)
    assert (step.before.state, step.after.state, step.alert) == (
        State.RUNNING,
        State.AT_RISK,
        AlertType.AT_RISK,
    )
    assert step.after.next_check_at == T0 + 4 * H


def test_at_risk_becomes_breached_at_the_due_moment_and_records_when() -> None:
    (step,) = advance(clock(state=State.AT_RISK), T0 + 4 * H)
    assert (step.after.state, step.alert) == (State.BREACHED, AlertType.BREACHED)
    assert step.after.breached_at == T0 + 4 * H
    assert step.after.next_check_at == T0 + 8 * H


def test_breached_becomes_escalated_at_the_escalation_moment_and_then_rests() -> None:
    (step,) = advance(clock(state=State.BREACHED, breached_at=T0 + 4 * H), T0 + 9 * H)
    assert (step.after.state, step.alert) == (State.ESCALATED, AlertType.ESCALATED)
    assert step.after.escalated_at == T0 + 8 * H
    assert step.after.next_check_at is None
    assert advance(step.after, T0 + 100 * H) == []


def test_a_late_tick_takes_every_step_but_does_not_announce_a_risk_already_past() -> None:
    assert states(advance(clock(), T0 + 10 * H)) == [
        (State.AT_RISK, None),
        (State.BREACHED, AlertType.BREACHED),
        (State.ESCALATED, AlertType.ESCALATED),
    ]


def test_a_clock_without_escalation_rests_once_breached() -> None:
    steps = advance(clock(escalate=False), T0 + 50 * H)
    assert states(steps)[-1] == (State.BREACHED, AlertType.BREACHED)
    assert steps[-1].after.next_check_at is None


def test_a_clock_whose_risk_and_due_moments_coincide_goes_straight_to_breached() -> None:
    same = clock(at_risk_at=T0 + 4 * H)
    assert same.next_check_at == T0 + 4 * H
    assert states(advance(same, T0 + 4 * H)) == [(State.BREACHED, AlertType.BREACHED)]


@pytest.mark.parametrize(
    ("kind", "alert"),
    [
        (Kind.RESPONSE, AlertType.BREACHED),
        (Kind.SUPERVISION, AlertType.SUPERVISION_LAG),
        (Kind.DEADLINE, AlertType.DEADLINE_DUE),
    ],
)
def test_each_kind_announces_its_breach_in_its_own_words(kind: Kind, alert: AlertType) -> None:
    (step,) = advance(clock(kind, state=State.AT_RISK), T0 + 4 * H)
    assert step.alert is alert


@pytest.mark.parametrize("state", [State.RUNNING, State.AT_RISK, State.BREACHED, State.ESCALATED])
def test_any_state_but_stopped_can_be_stopped_and_leaves_the_due_index(state: State) -> None:
    stopped = stop(clock(state=state), T0 + H, StopReason.ANSWERED)
    assert stopped is not None
    assert (stopped.state, stopped.stop_reason, stopped.stopped_at) == (
        State.STOPPED,
        StopReason.ANSWERED,
        T0 + H,
    )
    assert stopped.next_check_at is None
    assert advance(stopped, T0 + 100 * H) == []


def test_a_stopped_clock_keeps_its_first_reason() -> None:
    stopped = stop(clock(), T0 + H, StopReason.DELETED)
    assert stopped is not None
    assert stop(stopped, T0 + 2 * H, StopReason.ANSWERED) is None


def test_a_tick_running_out_of_time_stops_and_leaves_the_rest_due() -> None:
    from uppsikt.clocks.tick import Tick

    due = [clock(clock_id=f"c{i}") for i in range(3)]
    written: list[str] = []

    class Store:
        def due(self, now: datetime) -> list[Clock]:
            return due

        def transition(self, before: Clock, after: Clock) -> bool:
            written.append(before.clock_id)
            return True

        def alert_sent(self, clock: Clock) -> bool:
            return True

    class Sink:
        def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
            return "m"

    left = iter([60.0, 60.0, 5.0])
    report = Tick(store=Store(), alerts=Sink(), clock=lambda: T0 + 4 * H).run(lambda: next(left))  # type: ignore[arg-type]
    assert (report.due, report.cut_short) == (2, True)
    assert sorted(set(written)) == ["c0", "c1"]
