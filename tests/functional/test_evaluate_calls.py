"""The AWS calls the evaluate consumer makes per item (issue 13: every call goes through one
server, so calls per item are what the pipeline pays), and that reading a batch's keys together
changes nothing about where items end: an edit or a deletion before its create in the same
batch, a restricted author among others."""

from __future__ import annotations

import itertools
import json
from typing import Any

from click.testing import CliRunner

from app import evaluate
from support.calls import counting, total
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.adapters.batch_reads import BatchReads
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.cli.main import cli
from uppsikt.dsr.store import Requests
from uppsikt.dynamo_values import from_item
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
    assert calls["dynamodb.BatchGetItem"] == 1
    assert calls[f"dynamodb.GetItem[{s.items_table}]"] == 0
    assert calls[f"dynamodb.GetItem[{s.requests_table}]"] == 0
    assert total(calls, "dynamodb.GetItem") == 0
    # What each item still writes: idempotency (2), its record; a question (the CPR texts ask
    # too) its clock; a flag its evidence, inventory row, flag, notification, notification id
    # and supervision clock. Before the batch read: 2 GetItems more per item, 2 per question.
    questions, flagged = 5, 2
    assert total(calls) <= 1 + 10 * 3 + questions + flagged * 6, calls
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
