"""Events of one item arriving in any order (platforms.md §0 point 4): holding, reconciling, and
the item state folded in event order. The fakes are test_evaluator's; `ItemState.fold` is pure."""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unit.evaluate.test_evaluator import (
    CLEAN_TEXT,
    CPR_TEXT,
    NOW,
    ORGANISATION,
    PAGE_ID,
    FakeItems,
    World,
    event,
    world,
)
from uppsikt.evaluate.service import HOLD_DAYS, Outcome
from uppsikt.model.events import Action, NormalisedEvent, ObjectKind
from uppsikt.model.records import ItemEntry, ItemState, WorkingRecord
from uppsikt.retention.schedule import Schedule, shipped

EDITED_TEXT = "Rettelse: mødet var i forgårs, men tak for det alligevel."
T0 = NOW - timedelta(hours=1)
_items = itertools.count(1)


@pytest.fixture
def w() -> World:
    return world()


def new_item() -> str:
    return f"870011223344_97{next(_items):08d}"


def on(
    item_id: str,
    action: Action,
    text: str | None = None,
    *,
    minute: int = 0,
    timed: bool = True,
    **overrides: Any,
) -> NormalisedEvent:
    """One event of one item; `minute` is its platform time after T0 (None when not `timed`)."""
    fields: dict[str, Any] = {
        "action": action,
        "item_id": item_id,
        "event_time": T0 + timedelta(minutes=minute) if timed else None,
        "idempotency_key": f"facebook:feed:comment:{action.value}:{item_id}:{minute}",
    }
    fields.update(overrides)
    return event(text, **fields)


def item_ref(item_id: str) -> str:
    return f"facebook#{PAGE_ID}#{item_id}"


def texts(w: World, item_id: str) -> list[str | None]:
    return [r.text for r in w.items.records if r.item_ref == item_ref(item_id)]


def entry(event_id: str, action: str, minute: int | None, **fields: Any) -> ItemEntry:
    occurred = None if minute is None else T0 + timedelta(minutes=minute)
    return ItemEntry(
        event_id=event_id, action=action, evaluated_at=NOW, occurred_at=occurred, **fields
    )


# --- the fold: state from records, whatever order they were written in ---------------------------


def test_the_latest_edit_is_current_whatever_order_the_records_come_in() -> None:
    records = [entry("c", "created", 0), entry("e1", "edited", 5), entry("e2", "edited", 9)]
    for order in itertools.permutations(records):
        assert ItemState.fold("ref", order).current_event_id == "e2"


def test_a_create_comes_before_its_edits_even_when_its_clock_says_later() -> None:
    # Meta's created_time on an edit can be older than the create's own; an edit still wins.
    state = ItemState.fold("ref", [entry("c", "created", 10), entry("e", "edited", 3)])
    assert state.current_event_id == "e"
    assert state.created


def test_the_last_hide_or_unhide_by_event_time_decides_whether_the_item_is_hidden() -> None:
    hide, unhide = entry("h", "hidden", 4), entry("u", "unhidden", 6)
    assert not ItemState.fold("ref", [unhide, hide]).hidden
    later_hide = entry("h2", "hidden", 8)
    assert ItemState.fold("ref", [later_hide, unhide, hide]).hidden


def test_a_deletion_is_final_and_leaves_nothing_current() -> None:
    # A deletion timed before an edit (skewed clocks) still ends the item.
    state = ItemState.fold(
        "ref", [entry("d", "deleted", 1), entry("c", "created", 0), entry("e", "edited", 5)]
    )
    assert state.deleted
    assert state.current_event_id is None


def test_a_held_record_and_its_events_own_record_count_as_one_event() -> None:
    own, held = entry("e", "edited", 5), entry("e", "edited", 5, held=True)
    state = ItemState.fold("ref", [held, own])
    assert state.current_event_id == "e"
    assert not state.created
    assert state.pending == ("e",)


def test_pending_lists_the_unreconciled_held_events_in_event_order() -> None:
    state = ItemState.fold(
        "ref",
        [
            entry("d", "deleted", 1, held=True),
            entry("h", "hidden", 7, held=True),
            entry("e", "edited", 3, held=True, reconciled_by="c"),
            entry("e2", "edited", 2, held=True),
        ],
    )
    assert state.pending == ("e2", "h", "d")


def test_a_record_written_before_event_times_were_kept_is_ordered_by_evaluation() -> None:
    old = ItemEntry(event_id="e-old", action="edited", evaluated_at=T0 + timedelta(minutes=30))
    state = ItemState.fold("ref", [old, entry("e", "edited", 10), entry("c", "created", 0)])
    assert state.current_event_id == "e-old"


# --- holding -------------------------------------------------------------------------------------


def test_an_edit_before_its_create_is_evaluated_at_once_and_held(w: World) -> None:
    item = new_item()
    edit = on(item, Action.EDITED, CPR_TEXT, minute=5)
    assert w.handle(edit) is Outcome.FLAGGED
    assert len(w.notifier.published) == 1
    (held,) = w.items.held.values()
    assert (held.event_id, held.action, held.item_ref) == (edit.event_id, "edited", item_ref(item))
    assert held.occurred_at == T0 + timedelta(minutes=5)
    assert held.reconciled_by is None
    assert w.items.state(item_ref(item)).pending == (edit.event_id,)


def test_a_held_action_keeps_no_text_and_expires_with_the_working_capture(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.DELETED, minute=9))
    (held,) = w.items.held.values()
    assert "text" not in held.model_dump()
    assert "author_pseudonym" not in held.model_dump()
    assert held.held_at == NOW
    assert held.expires_at == NOW + timedelta(days=30)


def test_a_held_action_on_an_own_post_still_expires_though_the_post_is_kept(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.DELETED, author=ORGANISATION, kind=ObjectKind.POST))
    (record,) = w.items.records
    assert record.expires_at is None  # own posts are kept (regulation.md §5b row 2)
    (held,) = w.items.held.values()
    assert held.expires_at == NOW + timedelta(days=30)


def _with_working_capture(days: int | None) -> Schedule:
    spec = shipped().classes["working_capture"]
    terms = {t: spec.term(t).model_copy(update={"days": days}) for t in ("union", "authority")}
    classes = {**shipped().classes, "working_capture": spec.model_copy(update=terms)}
    return shipped().model_copy(update={"classes": classes})


@pytest.mark.parametrize(("days", "expected"), [(7, 7), (None, HOLD_DAYS)])
def test_a_hold_lasts_as_long_as_the_working_capture_or_thirty_days_without_one(
    days: int | None, expected: int
) -> None:
    w = world()
    w = dataclasses.replace(
        w, evaluator=dataclasses.replace(w.evaluator, retention=_with_working_capture(days))
    )
    w.handle(on(new_item(), Action.HIDDEN))
    (held,) = w.items.held.values()
    assert held.expires_at == NOW + timedelta(days=expected)


def test_nothing_is_held_once_the_create_is_on_record(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.CREATED, CLEAN_TEXT))
    w.handle(on(item, Action.EDITED, EDITED_TEXT, minute=2))
    w.handle(on(item, Action.HIDDEN, minute=3))
    assert not w.items.held


def test_nothing_is_held_after_a_deletion_and_a_late_edit_leaves_no_copy(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.DELETED, minute=9))
    assert w.handle(on(item, Action.EDITED, EDITED_TEXT, minute=5)) is Outcome.CLEAN
    assert [h.action for h in w.items.held.values()] == ["deleted"]
    assert texts(w, item) == [None]  # only the deletion's record


def test_a_deletion_redelivered_after_its_purge_is_not_held(w: World) -> None:
    # The purge leaves no trace of the create; the deletion's own record shows it was settled.
    item = new_item()
    deletion = on(item, Action.DELETED, minute=9)
    w.handle(on(item, Action.CREATED, CLEAN_TEXT))
    w.handle(deletion)
    w.handle(on(item, Action.UNHIDDEN, minute=4))
    w.handle(deletion)
    assert not w.items.held


@dataclass
class FailingOnce(FakeItems):
    """The table refuses the first working record, as a throttled or timed-out write would."""

    failed: bool = False

    def put(self, record: WorkingRecord) -> None:
        if not self.failed:
            self.failed = True
            raise ConnectionError("the write timed out")
        super().put(record)


def test_a_hold_survives_a_failure_before_the_events_own_record_is_written() -> None:
    w = world()
    items = FailingOnce()
    evaluator = dataclasses.replace(w.evaluator, items=items)
    deletion = on(new_item(), Action.DELETED, minute=9)
    with pytest.raises(ConnectionError):
        evaluator.handle(deletion)
    assert evaluator.handle(deletion) is Outcome.RECORDED  # SQS delivers it again
    assert list(items.held) == [deletion.event_id]
    assert [r.event_id for r in items.records] == [deletion.event_id]


def test_a_redelivered_held_event_does_not_reset_its_reconciliation(w: World) -> None:
    item = new_item()
    deletion = on(item, Action.DELETED, minute=9)
    create = on(item, Action.CREATED, CPR_TEXT)
    w.handle(deletion)
    w.handle(create)
    w.handle(deletion)
    (held,) = w.items.held.values()
    assert held.reconciled_by == create.event_id


# --- reconciling ---------------------------------------------------------------------------------


def test_a_create_after_its_deletion_is_flagged_and_keeps_its_flag_but_no_copy(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.DELETED, minute=9))
    assert w.handle(on(item, Action.CREATED, CPR_TEXT)) is Outcome.FLAGGED
    assert len(w.flags.flags) == len(w.archive.stored) == len(w.notifier.published) == 1
    verdicts = sorted(r.verdict for r in w.items.records)
    assert verdicts == ["flagged", "recorded"]
    assert texts(w, item) == [None, None]
    state = w.items.state(item_ref(item))
    assert state.deleted
    assert state.pending == ()


def test_a_clean_create_after_its_deletion_is_never_written(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.DELETED, minute=9))
    assert w.handle(on(item, Action.CREATED, CLEAN_TEXT)) is Outcome.CLEAN
    assert [r.action for r in w.items.records] == ["deleted"]
    assert [r.action for r in w.items.written] == ["deleted"]


def test_a_create_after_a_newer_edit_does_not_become_current(w: World) -> None:
    item = new_item()
    edit = on(item, Action.EDITED, EDITED_TEXT, minute=5)
    w.handle(edit)
    w.handle(on(item, Action.CREATED, CLEAN_TEXT))
    state = w.items.state(item_ref(item))
    assert state.current_event_id == edit.event_id
    current = next(r for r in w.items.records if r.event_id == state.current_event_id)
    assert current.text == EDITED_TEXT


def test_an_edit_with_no_platform_time_is_ordered_by_its_receipt(w: World) -> None:
    item = new_item()
    received = T0 + timedelta(minutes=8)
    untimed = on(item, Action.EDITED, EDITED_TEXT, minute=99, timed=False, received_at=received)
    timed = on(item, Action.EDITED, CLEAN_TEXT, minute=7)
    w.handle(untimed)
    w.handle(timed)
    w.handle(on(item, Action.CREATED, CLEAN_TEXT))
    assert w.items.state(item_ref(item)).current_event_id == untimed.event_id


def test_a_hide_before_its_create_leaves_the_item_hidden(w: World) -> None:
    item = new_item()
    w.handle(on(item, Action.HIDDEN, minute=4))
    w.handle(on(item, Action.CREATED, CLEAN_TEXT))
    state = w.items.state(item_ref(item))
    assert state.hidden
    assert state.created
    assert texts(w, item).count(CLEAN_TEXT) == 1


def test_the_create_is_reconciled_with_each_held_action(w: World) -> None:
    item = new_item()
    held = [
        on(item, Action.UNHIDDEN, minute=6),
        on(item, Action.HIDDEN, minute=4),
        on(item, Action.EDITED, EDITED_TEXT, minute=2),
    ]
    for e in held:
        w.handle(e)
    create = on(item, Action.CREATED, CLEAN_TEXT)
    w.handle(create)
    assert {h.reconciled_by for h in w.items.held.values()} == {create.event_id}
    assert all(h.reconciled_at == NOW for h in w.items.held.values())
    state = w.items.state(item_ref(item))
    assert (state.hidden, state.current_event_id, state.pending) == (False, held[2].event_id, ())


def test_a_duplicate_create_after_the_reconcile_changes_nothing(w: World) -> None:
    item = new_item()
    create = on(item, Action.CREATED, CPR_TEXT)
    w.handle(on(item, Action.DELETED, minute=9))
    w.handle(create)
    before = ({r.event_id: r for r in w.items.records}, dict(w.items.held), dict(w.flags.flags))
    assert w.handle(create) is Outcome.ALREADY_FLAGGED
    after = ({r.event_id: r for r in w.items.records}, w.items.held, w.flags.flags)
    assert after == before
    assert len(w.notifier.published) == 1


def test_create_edit_delete_in_order_hold_nothing_and_purge_as_before(w: World) -> None:
    item = new_item()
    assert w.handle(on(item, Action.CREATED, CLEAN_TEXT)) is Outcome.CLEAN
    assert w.handle(on(item, Action.EDITED, CPR_TEXT, minute=2)) is Outcome.FLAGGED
    assert w.handle(on(item, Action.DELETED, minute=9)) is Outcome.RECORDED
    assert not w.items.held
    assert sorted((r.action, r.verdict) for r in w.items.records) == [
        ("deleted", "recorded"),
        ("edited", "flagged"),
    ]


# --- any order gives the in-order result ---------------------------------------------------------


def settled(w: World, item_id: str) -> tuple[object, ...]:
    """What an item ends as: its state, its working records, its flags, evidence, notices."""
    ref = item_ref(item_id)
    records = sorted(
        (r.event_id, r.action, r.verdict, r.text, r.flag_id)
        for r in w.items.records
        if r.item_ref == ref
    )
    return (
        w.items.state(ref),
        records,
        sorted(w.flags.flags),
        # A redelivery past the idempotency window archives again, under the same flag.
        sorted({e.flag_id for _, e in w.archive.stored}),
        sorted(attributes["flag_id"] for _, _, attributes in w.notifier.published),
    )


@st.composite
def lifecycles(draw: st.DrawFn) -> tuple[list[NormalisedEvent], list[NormalisedEvent]]:
    """One item's events in platform order, and the same events as they might arrive: shuffled,
    perhaps with one of them redelivered."""
    item = new_item()
    text = st.sampled_from([CLEAN_TEXT, CPR_TEXT, EDITED_TEXT])
    events = [on(item, Action.CREATED, draw(text), minute=0)]
    if draw(st.booleans()):
        events.append(on(item, Action.EDITED, draw(text), minute=2, timed=draw(st.booleans())))
    for action, minute in ((Action.HIDDEN, 3), (Action.UNHIDDEN, 4)):
        if draw(st.booleans()):
            events.append(on(item, action, minute=minute))
    if draw(st.booleans()):
        events.append(on(item, Action.DELETED, minute=9))
    arrivals = list(draw(st.permutations(events)))
    if draw(st.booleans()):
        again = draw(st.sampled_from(events))
        arrivals.insert(draw(st.integers(0, len(arrivals))), again)
    return events, arrivals


def test_every_order_of_create_edit_and_delete_ends_as_the_in_order_one() -> None:
    item = new_item()
    c, e, d = (
        on(item, Action.CREATED, CPR_TEXT),
        on(item, Action.EDITED, CLEAN_TEXT, minute=2),
        on(item, Action.DELETED, minute=9),
    )
    expected = world()
    for x in (c, e, d):
        expected.handle(x)
    for order in itertools.permutations((c, e, d)):
        w = world()
        for x in order:
            w.handle(x)
        assert settled(w, item) == settled(expected, item), [x.action.value for x in order]


@given(lifecycles())
@settings(max_examples=200, deadline=None)
def test_any_arrival_order_ends_as_the_events_applied_in_order(
    lifecycle: tuple[list[NormalisedEvent], list[NormalisedEvent]],
) -> None:
    in_order, arrivals = lifecycle
    expected, actual = world(), world()
    for e in in_order:
        expected.handle(e)
    for e in arrivals:
        actual.handle(e)
    item_id = in_order[0].item_id
    assert settled(actual, item_id) == settled(expected, item_id)
    state = actual.items.state(item_ref(item_id))
    if state.deleted:
        assert all(r.verdict != "clean" for r in actual.items.records)


@dataclass
class CountingHistory(FakeItems):
    """The fake items table, counting the history reads (the `by-item` query on DynamoDB)."""

    reads: int = 0

    def history(self, item_ref: str) -> list[ItemEntry]:
        self.reads += 1
        return super().history(item_ref)


def test_a_create_of_an_item_nothing_else_has_touched_does_not_read_its_history() -> None:
    w = world()
    counting = CountingHistory()
    w = dataclasses.replace(
        w, items=counting, evaluator=dataclasses.replace(w.evaluator, items=counting)
    )
    w.handle(on(new_item(), Action.CREATED, CLEAN_TEXT))
    assert counting.reads == 0
    assert counting.changed == {}


def test_an_event_other_than_a_create_marks_its_item_so_the_create_finds_the_hold() -> None:
    w = world()
    counting = CountingHistory()
    w = dataclasses.replace(
        w, items=counting, evaluator=dataclasses.replace(w.evaluator, items=counting)
    )
    item = new_item()
    w.handle(on(item, Action.HIDDEN, minute=3))
    assert item_ref(item) in counting.changed
    (cls, expires) = counting.changed[item_ref(item)]
    assert (cls, expires) == ("working_capture", NOW + timedelta(days=30))
    create = on(item, Action.CREATED, CLEAN_TEXT)
    w.handle(create)
    assert counting.reads == 2  # the hide's and the create's
    (held,) = counting.held.values()
    assert held.reconciled_by == create.event_id
