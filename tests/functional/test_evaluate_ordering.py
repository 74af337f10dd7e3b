"""Out-of-order deliveries through the webhook and the evaluate consumer, on the moto stack:
an edit, hide or deletion that arrives before its create is held and reconciled, never dropped."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import evaluate
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import NormalisedEvent
from uppsikt.model.messages import EventMessage

PAGE_ID = "104729561234567"
POST_ID = f"{PAGE_ID}_870011223344"
CPR_TEXT = "Mit CPR er 211062-5629, kan I tjekke om min a-kasse er betalt?"
CLEAN_TEXT = "Tak for et godt møde i går, det var rigtig godt at høre om overenskomsten."
EDITED_TEXT = "Rettelse: mødet var i forgårs, men tak for det alligevel."
CREATED_TIME = 1763711950
_comments = itertools.count(1)


class Lifecycle:
    """One Facebook comment's changes, each delivered through the webhook and queued once."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.comment_id = f"870011223344_98{next(_comments):08d}"
        self.ref = f"facebook#{PAGE_ID}#{self.comment_id}"
        self.roles: dict[str, str] = {}  # event id -> "create", "edit", ...

    def change(self, role: str, verb: str, text: str | None = None, after: int = 0) -> str:
        """Deliver one change; returns its queued message body, not yet evaluated."""
        value: dict[str, Any] = {
            "item": "comment",
            "verb": verb,
            "comment_id": self.comment_id,
            "post_id": POST_ID,
            "parent_id": POST_ID,
            "from": {"id": "7300112233449876"},
        }
        if verb != "remove":  # a removal without a time is ordered by its receipt (and last)
            value["created_time"] = CREATED_TIME + after
        if text is not None:
            value["message"] = text
        body = _deliver(self.stack, value)
        message = EventMessage.model_validate_json(body)
        self.roles[message.event.event_id] = role
        return body

    def items(self) -> Items:
        return Items(self.stack.rt.dynamodb, self.stack.settings.items_table)

    def working(self) -> list[dict[str, Any]]:
        return [i for i in self.items().scan() if i["item_ref"] == self.ref]

    def held(self) -> list[dict[str, Any]]:
        return [i for i in self.items().scan_held() if i["item_ref"] == self.ref]

    def settled(self) -> tuple[object, ...]:
        """How the item ends, with event ids named by role so two lifecycles compare."""
        state = self.items().state(self.ref)
        role = self.roles.get
        flags = Flags(self.stack.rt.dynamodb, self.stack.settings.flags_table).scan()
        return (
            (role(state.current_event_id or ""), state.hidden, state.deleted),
            [role(event_id) for event_id in state.pending],
            sorted((role(i["event_id"]), i["verdict"], i.get("text")) for i in self.working()),
            sorted(str(role(f["event_id"])) for f in flags if f["event_id"] in self.roles),
        )


def _deliver(stack: Stack, value: dict[str, Any]) -> str:
    entry = {
        "id": PAGE_ID,
        "time": CREATED_TIME + 60,
        "changes": [{"field": "feed", "value": value}],
    }
    body = json.dumps({"object": "page", "entry": [entry]}).encode()
    stack.post_meta(body)
    queue = stack.settings.ingest_queue_url
    (message,) = stack.rt.sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    stack.rt.sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return message["Body"]


def consume(*bodies: str) -> None:
    """Evaluate messages one by one, in the order given, as separate invocations."""
    for body in bodies:
        result = evaluate(sqs_event(sqs_record(body)), LocalContext("uppsikt-test-evaluate"))
        assert result == {"batchItemFailures": []}


def consume_batch(*bodies: str) -> None:
    """Evaluate messages in one invocation: one SQS batch, its records in the order given."""
    event = sqs_event(*(sqs_record(body) for body in bodies))
    assert evaluate(event, LocalContext("uppsikt-test-evaluate")) == {"batchItemFailures": []}


def event_of(body: str) -> NormalisedEvent:
    return EventMessage.model_validate_json(body).event


def test_a_deletion_before_its_create_leaves_no_copy_but_keeps_the_flag(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    deletion = item.change("delete", "remove")
    create = item.change("create", "add", CPR_TEXT)
    consume(deletion, create)
    assert sorted((i["action"], i["verdict"]) for i in item.working()) == [
        ("created", "flagged"),
        ("deleted", "recorded"),
    ]
    assert all("text" not in i for i in item.working())
    (flag,) = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert flag["event_id"] == event_of(create).event_id
    assert flag["rule_ids"] == ["baseline.national-id"]
    assert stack.keys(stack.settings.archive_bucket, "evidence/") == [flag["evidence_key"]]
    assert len(stack.inbox()) == 1
    state = item.items().state(item.ref)
    assert state.deleted
    assert state.pending == ()


def test_a_clean_create_after_its_deletion_is_not_kept_at_all(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    consume(item.change("delete", "remove"), item.change("create", "add", CLEAN_TEXT))
    assert [i["action"] for i in item.working()] == ["deleted"]
    assert Flags(stack.rt.dynamodb, stack.settings.flags_table).scan() == []


def test_a_held_deletion_has_a_ttl_and_no_text(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    deletion = item.change("delete", "remove")
    consume(deletion)
    (held,) = item.held()
    assert held["event_id"] == "held#" + event_of(deletion).event_id
    assert held["held_event_id"] == event_of(deletion).event_id
    assert (held["kind"], held["action"]) == ("held", "deleted")
    assert "text" not in held
    assert "author_pseudonym" not in held
    now = datetime.now(UTC).timestamp()
    assert now + 29 * 86400 < held["ttl"] <= now + 30 * 86400 + 60
    assert held["ttl"] == int(datetime.fromisoformat(held["expires_at"]).timestamp())
    # The index lists it, so the item's create can find it.
    assert item.items().state(item.ref).pending == (event_of(deletion).event_id,)


def test_an_edit_before_its_create_stays_the_current_state(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    edit = item.change("edit", "edited", EDITED_TEXT, after=40)
    create = item.change("create", "add", CLEAN_TEXT)
    consume(edit)
    (held,) = item.held()
    assert "text" not in held
    consume(create)
    state = item.items().state(item.ref)
    assert state.current_event_id == event_of(edit).event_id
    current = next(i for i in item.working() if i["event_id"] == state.current_event_id)
    assert current["text"] == EDITED_TEXT
    (held,) = item.held()
    assert held["reconciled_by"] == event_of(create).event_id


def test_an_edit_with_personal_data_before_its_create_is_flagged_at_once(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    consume(item.change("edit", "edited", CPR_TEXT, after=40))
    (flag,) = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert flag["rule_ids"] == ["baseline.national-id"]
    assert len(stack.inbox()) == 1
    assert [h["action"] for h in item.held()] == ["edited"]


def test_a_hide_before_its_create_leaves_the_item_hidden(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    consume(item.change("hide", "hide", after=30), item.change("create", "add", CLEAN_TEXT))
    state = item.items().state(item.ref)
    assert state.hidden
    assert state.created
    assert state.pending == ()


def test_create_edit_delete_in_order_hold_nothing_and_purge_as_before(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    create = item.change("create", "add", CLEAN_TEXT)
    edit = item.change("edit", "edited", EDITED_TEXT, after=40)
    consume(create, edit)
    assert sorted(i["text"] for i in item.working()) == sorted([CLEAN_TEXT, EDITED_TEXT])
    assert item.items().state(item.ref).current_event_id == event_of(edit).event_id
    consume(item.change("delete", "remove"))
    assert [(i["action"], i["verdict"]) for i in item.working()] == [("deleted", "recorded")]
    assert item.held() == []


def test_a_duplicate_create_after_the_reconcile_changes_nothing(stack: Stack) -> None:
    stack.publish_policy()
    item = Lifecycle(stack)
    deletion = item.change("delete", "remove")
    create = item.change("create", "add", CPR_TEXT)
    consume(deletion, create)
    assert len(stack.inbox()) == 1
    before = snapshot(item)
    consume(create)  # Meta retries: caught by idempotency
    assert snapshot(item) == before
    forget_deliveries(stack)  # redelivered past the idempotency window: evaluated again
    consume(create)
    assert snapshot(item) == before
    assert stack.inbox() == []


def snapshot(item: Lifecycle) -> tuple[object, ...]:
    """The item's rows and flags; a re-evaluation renews only its record's times and expiry."""
    renewed = {"evaluated_at", "expires_at", "ttl"}
    working = [{k: v for k, v in i.items() if k not in renewed} for i in item.working()]
    flags = Flags(item.stack.rt.dynamodb, item.stack.settings.flags_table).scan()
    return sorted(working, key=str), item.held(), flags, item.settled()


def lifecycle(stack: Stack, create_text: str, edit_text: str) -> tuple[Lifecycle, dict[str, str]]:
    item = Lifecycle(stack)
    bodies = {
        "create": item.change("create", "add", create_text),
        "edit": item.change("edit", "edited", edit_text, after=40),
        "delete": item.change("delete", "remove"),
    }
    return item, bodies


IN_ORDER = ("create", "edit", "delete")


@pytest.mark.parametrize(
    "deliver", [consume, consume_batch], ids=["a message at a time", "in one batch"]
)
def test_every_order_of_create_edit_and_delete_ends_as_the_in_order_one(
    stack: Stack, deliver: Callable[..., Any]
) -> None:
    """In one batch too: the batch's keys are read before its first record is handled (issue
    13), so what an earlier record of the same batch marks must still be seen by a later one."""
    stack.publish_policy()
    for create_text, edit_text in ((CPR_TEXT, CLEAN_TEXT), (CLEAN_TEXT, CPR_TEXT)):
        expected, bodies = lifecycle(stack, create_text, edit_text)
        consume(*(bodies[role] for role in IN_ORDER))
        for order in itertools.permutations(IN_ORDER):
            item, bodies = lifecycle(stack, create_text, edit_text)
            deliver(*(bodies[role] for role in order))
            assert item.settled() == expected.settled(), order
            assert all(i["verdict"] != "clean" for i in item.working()), order


def forget_deliveries(stack: Stack) -> None:
    """What the idempotency window's end does: the next redelivery is evaluated again."""
    table = stack.settings.idempotency_table
    for row in stack.rt.dynamodb.scan(TableName=table)["Items"]:
        stack.rt.dynamodb.delete_item(TableName=table, Key={"id": row["id"]})


@st.composite
def arrivals(draw: st.DrawFn) -> tuple[tuple[str, ...], str, str, str | None]:
    """An order of create, edit and delete, their texts, and perhaps one redelivered late."""
    order = tuple(draw(st.permutations(IN_ORDER)))
    text = st.sampled_from([CLEAN_TEXT, CPR_TEXT, EDITED_TEXT])
    late = draw(st.one_of(st.none(), st.sampled_from(IN_ORDER)))
    return order, draw(text), draw(text), late


@given(arrivals())
@settings(
    max_examples=8,  # every order is covered above; this varies texts and late redeliveries
    deadline=None,
    # One stack for every example; each example has its own comments, so they do not meet.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_any_arrival_with_a_late_redelivery_ends_as_the_in_order_one(
    stack: Stack, case: tuple[tuple[str, ...], str, str, str | None]
) -> None:
    order, create_text, edit_text, late = case
    stack.publish_policy()
    expected, bodies = lifecycle(stack, create_text, edit_text)
    consume(*(bodies[role] for role in IN_ORDER))
    item, bodies = lifecycle(stack, create_text, edit_text)
    consume(*(bodies[role] for role in order))
    if late is not None:
        forget_deliveries(stack)
        consume(bodies[late])
    assert item.settled() == expected.settled()
    assert all(i["verdict"] != "clean" for i in item.working())
