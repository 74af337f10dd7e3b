"""The AWS calls the evaluate consumer makes per item (issue 13: every call goes through one
server, so calls per item are what the pipeline pays), and that reading a batch's keys together
changes nothing about where items end: an edit or a deletion before its create in the same
batch, a restricted author among others."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from app import evaluate
from support.calls import counting, total
from support.faults import failing
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.adapters.batch_reads import BatchReads
from uppsikt.adapters.completions import Completions
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.cli.main import cli
from uppsikt.dsr.store import Requests
from uppsikt.dynamo_values import from_item
from uppsikt.evaluate.ports import Finished
from uppsikt.local.lambda_context import LocalContext

PAGE = "104729561234567"  # Seko on Facebook (policies/registry/accounts.yaml)
POST = f"{PAGE}_9"
CLEAN = "Tack för mötet i Sundsvall i går, det var bra att höra om avtalet."
QUESTION = "Hej! När öppnar kontoret i Malmö igen efter flytten?"
CPR = "Min kollega har CPR 211062-5629, kan ni kolla hennes a-kassa?"
EDITED = "Rättelse: mötet var i förrgår, men tack ändå."
PERSON = "7300998877665544"
_ids = itertools.count(1)


def change(verb: str, comment: str, text: str | None, author: str = "7300112233449876") -> Any:
    value: dict[str, Any] = {
        "item": "comment",
        "verb": verb,
        "comment_id": comment,
        "post_id": POST,
        "parent_id": POST,
        "from": {"id": author},
    }
    if verb != "remove":  # a removal without a time is ordered by its receipt (and last)
        value["created_time"] = 1763711950 + (40 if verb == "edited" else 0)
    if text is not None:
        value["message"] = text
    return {"field": "feed", "value": value}


def queue(stack: Stack, *changes: dict[str, Any]) -> list[str]:
    """Deliver each change through the webhook; the queued bodies, in delivery order."""
    bodies = []
    for c in changes:
        entry = {"id": PAGE, "time": 1763712000, "changes": [c]}
        stack.post_meta(json.dumps({"object": "page", "entry": [entry]}).encode())
        bodies.extend(stack.take_queued())
    return bodies


def consume_batch(*bodies: str) -> None:
    """One invocation with every message in one SQS batch, in the order given."""
    event = sqs_event(*(sqs_record(b) for b in bodies))
    assert evaluate(event, LocalContext("uppsikt-test-evaluate")) == {"batchItemFailures": []}


def comment_id() -> str:
    return f"9_77{next(_ids):06d}"


def working(stack: Stack, comment: str) -> list[dict[str, Any]]:
    ref = f"facebook#{PAGE}#{comment}"
    items = Items(stack.rt.dynamodb, stack.settings.items_table)
    return [i for i in items.scan() if i["item_ref"] == ref]


def test_a_batch_of_ten_creates_reads_its_marks_restrictions_and_threads_in_one_request(
    stack: Stack,
) -> None:
    stack.publish_policy()
    consume_batch(*queue(stack, change("add", comment_id(), CLEAN)))  # warm: registry, pack
    texts = [CLEAN] * 5 + [QUESTION] * 3 + [CPR] * 2
    bodies = queue(stack, *(change("add", comment_id(), t) for t in texts))
    rt = stack.rt
    with counting(rt.dynamodb, rt.s3, rt.sns, rt.sqs) as calls:
        consume_batch(*bodies)
    s = stack.settings
    assert calls["dynamodb.BatchGetItem"] == 1  # with whether the events were finished
    assert calls[f"dynamodb.GetItem[{s.items_table}]"] == 0
    assert calls[f"dynamodb.GetItem[{s.requests_table}]"] == 0
    assert total(calls, "dynamodb.GetItem") == 0
    # Two writes for the batch, none per item: its working records, and what it finished
    # (Powertools' idempotency layer made two writes per item, the records one each).
    assert calls["dynamodb.BatchWriteItem"] == 2
    assert total(calls, f"dynamodb.PutItem[{s.idempotency_table}]") == 0
    assert total(calls, f"dynamodb.UpdateItem[{s.idempotency_table}]") == 0
    assert total(calls, f"dynamodb.PutItem[{s.items_table}]") == 0
    # What each item still writes: a question (the CPR texts ask too) its clock; a flag its
    # evidence, inventory row, flag, notification, notification id and supervision clock.
    # Before the batch read: 2 GetItems more per item, 2 per question.
    questions, flagged = 5, 2
    assert total(calls) <= 3 + questions + flagged * 6, calls
    assert len([i for i in Items(rt.dynamodb, s.items_table).scan() if "verdict" in i]) >= 10
    assert len(Flags(rt.dynamodb, s.flags_table).scan()) == 2


def test_an_edit_then_its_create_in_one_batch_keeps_the_edit_current(stack: Stack) -> None:
    stack.publish_policy()
    comment = comment_id()
    edit, create = queue(stack, change("edited", comment, EDITED), change("add", comment, CLEAN))
    consume_batch(edit, create)
    state = Items(stack.rt.dynamodb, stack.settings.items_table).state(f"facebook#{PAGE}#{comment}")
    assert state.created
    assert state.pending == ()  # the create saw the held edit and reconciled it
    current = next(i for i in working(stack, comment) if i["event_id"] == state.current_event_id)
    assert current["text"] == EDITED


def test_a_deletion_then_its_create_in_one_batch_keeps_no_copy_and_the_flag(
    stack: Stack,
) -> None:
    stack.publish_policy()
    comment = comment_id()
    deletion, create = queue(stack, change("remove", comment, None), change("add", comment, CPR))
    consume_batch(deletion, create)
    assert sorted((i["action"], i["verdict"]) for i in working(stack, comment)) == [
        ("created", "flagged"),
        ("deleted", "recorded"),
    ]
    assert len(Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()) == 1


def test_a_clean_create_after_its_deletion_in_one_batch_is_not_kept(stack: Stack) -> None:
    stack.publish_policy()
    comment = comment_id()
    deletion, create = queue(stack, change("remove", comment, None), change("add", comment, CLEAN))
    consume_batch(deletion, create)
    assert [i["action"] for i in working(stack, comment)] == ["deleted"]


def test_a_restricted_author_in_a_batch_is_stored_unjudged_and_the_others_judged(
    stack: Stack,
) -> None:
    stack.publish_policy()
    restrict = ["dsr", "restrict", "--org", "seko", "--platform", "facebook"]
    result = CliRunner().invoke(cli, [*restrict, "--author-id", PERSON], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    theirs, other = comment_id(), comment_id()
    consume_batch(*queue(stack, change("add", theirs, CPR, PERSON), change("add", other, CPR)))
    assert [i["verdict"] for i in working(stack, theirs)] == ["restricted"]
    assert [i["verdict"] for i in working(stack, other)] == ["flagged"]
    (flag,) = [
        from_item(i) for i in stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Items"]
    ]
    assert flag["event_id"] == working(stack, other)[0]["event_id"]


def test_a_failed_batch_read_leaves_each_record_to_read_its_own(stack: Stack) -> None:
    stack.publish_policy()
    comment = comment_id()
    deletion, create = queue(stack, change("remove", comment, None), change("add", comment, CLEAN))
    consume_batch(deletion)

    refused: list[bool] = []

    def refuse(**_: Any) -> None:
        if refused:  # only the batch's read: the item's history is read the same way
            return
        refused.append(True)
        raise stack.rt.dynamodb.exceptions.ProvisionedThroughputExceededException(
            {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow"}},
            "BatchGetItem",
        )

    stack.rt.dynamodb.meta.events.register_first("before-call.dynamodb.BatchGetItem", refuse)
    try:
        with counting(stack.rt.dynamodb) as calls:
            consume_batch(create)
    finally:
        stack.rt.dynamodb.meta.events.unregister("before-call.dynamodb.BatchGetItem", refuse)
    assert refused
    assert calls[f"dynamodb.GetItem[{stack.settings.items_table}]"] == 1  # its own mark
    assert [i["action"] for i in working(stack, comment)] == ["deleted"]


def test_a_batch_read_of_more_than_a_hundred_keys_answers_every_one(stack: Stack) -> None:
    s = stack.settings
    items = Items(stack.rt.dynamodb, s.items_table)
    refs = [f"facebook#{PAGE}#9_{n}" for n in range(150)]
    for ref in refs[::7]:
        items.mark_changed(ref, "working_capture", None)
    reads = BatchReads(stack.rt.dynamodb, s.items_table, s.requests_table, Requests.restriction_key)
    reads.load(refs, [("seko", "a1" * 16)])
    assert [reads.changes(ref) for ref in refs] == [n % 7 == 0 for n in range(150)]
    assert reads.restriction("seko", "a1" * 16) is False
    assert reads.changes("facebook#elsewhere#1") is None  # not read: the store answers
    reads.clear()
    assert reads.changes(refs[0]) is None


# --- idempotency per batch (`Completions`) ------------------------------------------------------

STATEMENT = (
    "Tack för mötet i Sundsvall, och min kollegas CPR är 211062-5629."  # a flag, no question
)


def test_a_redelivered_batch_is_answered_from_its_completions_in_one_read(stack: Stack) -> None:
    stack.publish_policy()
    bodies = queue(stack, change("add", comment_id(), CLEAN), change("add", comment_id(), CPR))
    consume_batch(*bodies)
    rt = stack.rt
    with counting(rt.dynamodb, rt.s3, rt.sns, rt.sqs) as calls:
        consume_batch(*bodies)  # SQS's at-least-once delivery, or the platform's retry
    assert dict(calls) == {"dynamodb.BatchGetItem": 1}
    assert len(stack.inbox()) == 1


def test_the_same_event_twice_in_one_batch_is_evaluated_once(stack: Stack) -> None:
    stack.publish_policy()
    (body,) = queue(stack, change("add", comment_id(), STATEMENT))
    with counting(stack.rt.dynamodb) as calls:
        consume_batch(body, body)
    assert calls[f"dynamodb.PutItem[{stack.settings.flags_table}]"] == 1
    assert len(stack.inbox()) == 1


def test_completions_are_kept_a_day_with_their_org_and_class_and_no_event_key(
    stack: Stack,
) -> None:
    stack.publish_policy()
    comment = comment_id()
    (body,) = queue(stack, change("add", comment, CLEAN))
    consume_batch(body)
    table = stack.settings.idempotency_table
    (row,) = [from_item(i) for i in stack.rt.dynamodb.scan(TableName=table)["Items"]]
    assert row["outcome"] == "clean"
    assert row["org_id"] == "seko"  # the page's organisation in the registry
    assert row["retention_class"] == "idempotency_record"
    expires = datetime.fromisoformat(row["expires_at"])
    assert int(row["expiration"]) == int(expires.timestamp())  # the table's TTL attribute
    assert timedelta(hours=23) < expires - datetime.now(UTC) <= timedelta(days=1)
    assert comment not in json.dumps(row, default=str)  # a digest, not the platform's ids


def test_an_expired_completion_counts_as_absent(stack: Stack) -> None:
    done = Completions(stack.rt.dynamodb, stack.settings.idempotency_table)
    done.finish({"k1": Finished("clean", "seko"), "k2": Finished("flagged", "seko")})
    assert done.finished(["k1", "k2", "k3"]) == {"k1": "clean", "k2": "flagged"}
    later = Completions(
        stack.rt.dynamodb,
        stack.settings.idempotency_table,
        clock=lambda: datetime.now(UTC) + timedelta(days=1, seconds=1),
    )
    assert later.finished(["k1", "k2"]) == {}  # TTL may not have deleted them yet


@contextmanager
def refusing_writes_to(stack: Stack, table: str) -> Iterator[list[int]]:
    """Every BatchWriteItem that names `table` fails (a 500 outlasting botocore's retries)."""
    refused: list[int] = []

    def refuse(params: dict[str, Any], **_: Any) -> None:
        if table in params.get("RequestItems", {}):
            refused.append(1)
            raise stack.rt.dynamodb.exceptions.InternalServerError(
                {"Error": {"Code": "InternalServerError", "Message": "injected"}}, "BatchWriteItem"
            )

    events = stack.rt.dynamodb.meta.events
    events.register_first("before-parameter-build.dynamodb.BatchWriteItem", refuse)
    try:
        yield refused
    finally:
        events.unregister("before-parameter-build.dynamodb.BatchWriteItem", refuse)


@pytest.mark.parametrize("operation", ["BatchGetItem", "BatchWriteItem"])
def test_completions_that_cannot_be_read_or_written_cost_work_never_a_second_flag(
    stack: Stack, operation: str
) -> None:
    """No question among the texts: a question's clocks read their threads with BatchGetItem."""
    stack.publish_policy()
    bodies = queue(
        stack, change("add", comment_id(), CLEAN), change("add", comment_id(), STATEMENT)
    )
    if operation == "BatchGetItem":
        with failing(stack.rt.dynamodb, operation, times=1000) as injected:
            consume_batch(*bodies)
            consume_batch(*bodies)  # a redelivery: evaluated again, to the same result
        assert injected.injected > 0
    else:  # only the completions' write: the records' own write is the next test's
        with refusing_writes_to(stack, stack.settings.idempotency_table) as refused:
            consume_batch(*bodies)
            consume_batch(*bodies)
        assert refused
    s = stack.settings
    assert len(Flags(stack.rt.dynamodb, s.flags_table).scan()) == 1
    assert len(stack.inbox()) == 1
    clean = [
        i for i in Items(stack.rt.dynamodb, s.items_table).scan() if i.get("verdict") == "clean"
    ]
    assert len(clean) == 1


# --- the batch's working records, written together (`DeferredItems`) -----------------------------


def test_records_the_table_refuses_are_reported_failed_and_written_on_the_retry(
    stack: Stack,
) -> None:
    stack.publish_policy()
    first, second = comment_id(), comment_id()
    bodies = queue(stack, change("add", first, CLEAN), change("add", second, STATEMENT))
    records = [sqs_record(b, message_id=f"m{i}") for i, b in enumerate(bodies)]
    s = stack.settings
    with refusing_writes_to(stack, s.items_table) as refused:
        result = evaluate(sqs_event(*records), LocalContext("uppsikt-test-evaluate"))
    assert refused
    # Neither record is kept, so neither may be deleted from the queue: both come back.
    assert sorted(f["itemIdentifier"] for f in result["batchItemFailures"]) == ["m0", "m1"]
    assert working(stack, first) == working(stack, second) == []
    assert stack.rt.dynamodb.scan(TableName=s.idempotency_table)["Items"] == []  # not finished
    assert len(stack.inbox()) == 1  # the flag went out; the retry must not send it again
    retry = evaluate(sqs_event(*records), LocalContext("uppsikt-test-evaluate"))
    assert retry == {"batchItemFailures": []}
    assert [i["verdict"] for i in working(stack, first)] == ["clean"]
    assert [i["verdict"] for i in working(stack, second)] == ["flagged"]
    assert stack.inbox() == []
