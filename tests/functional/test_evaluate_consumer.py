"""The evaluate consumer: per-message failures, idempotency, dead letters with reasons, redrive."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from app import evaluate
from support.paths import EVENTS
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.adapters.sqs import ATTEMPTS, PERMANENT, REASON
from uppsikt.local.event_source import EventSourceMapping
from uppsikt.local.lambda_context import LocalContext
from uppsikt.operations.dlq import list_dead_letters, redrive

if TYPE_CHECKING:
    from mypy_boto3_sqs.type_defs import MessageTypeDef

CPR = "211062-5629"


def page_delivery(value: dict[str, Any]) -> bytes:
    """A Facebook Page delivery with one feed change."""
    entry = {
        "id": "104729561234567",
        "time": 1763712000,
        "changes": [{"field": "feed", "value": value}],
    }
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def post(stack: Stack, body: bytes) -> dict[str, Any]:
    return stack.post_meta(body)


def ingest(stack: Stack, name: str) -> list[str]:
    """POST a sample delivery through the app and return the queued message bodies."""
    stack.post_meta((EVENTS / "meta" / name).read_bytes())
    return stack.take_queued()


def invoke(event: dict[str, Any]) -> dict[str, Any]:
    result = evaluate(event, LocalContext("uppsikt-test-evaluate"))
    assert isinstance(result, dict)
    return result


def flags(stack: Stack) -> list[dict[str, Any]]:
    return Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()


def dead_letters(stack: Stack) -> list[MessageTypeDef]:
    response = stack.rt.sqs.receive_message(
        QueueUrl=stack.settings.ingest_dlq_url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
    )
    return list(response.get("Messages", []))


def test_a_batch_is_evaluated_into_working_records_flags_and_notifications(stack: Stack) -> None:
    stack.publish_policy()
    bodies = ingest(stack, "facebook-feed-comments.json")
    result = invoke(sqs_event(*(sqs_record(b) for b in bodies)))
    assert result == {"batchItemFailures": []}
    raised = flags(stack)
    assert sorted(rule for f in raised for rule in f["rule_ids"]) == [
        "baseline.harassment",
        "baseline.national-id",
    ]
    cpr_flag = next(f for f in raised if "baseline.national-id" in f["rule_ids"])
    assert cpr_flag["status"] == "open"
    assert cpr_flag["severity"] == "legal"
    assert cpr_flag["policy_version"].startswith("2026.11.1+")
    evidence = json.loads(
        stack.rt.s3.get_object(Bucket=stack.settings.archive_bucket, Key=cpr_flag["evidence_key"])[
            "Body"
        ].read()
    )
    assert CPR in evidence["event"]["text"]  # the archive keeps the evidence, encrypted
    assert evidence["hits"][0]["evidence"].endswith("29")
    assert CPR not in evidence["hits"][0]["evidence"]
    head = stack.rt.s3.head_object(
        Bucket=stack.settings.archive_bucket, Key=cpr_flag["evidence_key"]
    )
    assert head["ServerSideEncryption"] == "aws:kms"
    items = Items(stack.rt.dynamodb, stack.settings.items_table).scan()
    assert sorted(i["verdict"] for i in items) == ["clean", "flagged", "flagged"]
    clean = next(i for i in items if i["verdict"] == "clean")
    assert clean["retention_class"] == "working_capture"
    assert clean["ttl"] > 0
    assert all("text" not in i for i in items if i["verdict"] == "flagged")
    inbox = stack.inbox()
    assert len(inbox) == 2
    assert {json.loads(n["Message"])["flag_id"] for n in inbox} == {f["flag_id"] for f in raised}


def test_notifications_and_logs_carry_no_personal_data(
    stack: Stack, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.publish_policy()
    bodies = ingest(stack, "facebook-feed-comments.json")
    invoke(sqs_event(*(sqs_record(b) for b in bodies)))
    notifications = json.dumps(stack.inbox(), ensure_ascii=False)
    logs = capsys.readouterr()
    for secret in (CPR, "5629", "Jens", "Nielsen", "7300112233449876", "Anders Berg"):
        assert secret not in notifications
        assert secret not in logs.out + logs.err
    assert "national_id" in notifications  # but the officer is told what kind of problem it is


def test_a_duplicate_delivery_produces_one_flag_and_one_notification(stack: Stack) -> None:
    stack.publish_policy()
    bodies = ingest(stack, "facebook-feed-comments.json")
    cpr_body = next(b for b in bodies if CPR in b)
    # The same change delivered twice in one batch, then again later (Meta retries).
    first = invoke(sqs_event(sqs_record(cpr_body), sqs_record(cpr_body)))
    second = invoke(sqs_event(sqs_record(cpr_body)))
    assert first == second == {"batchItemFailures": []}
    assert len(flags(stack)) == 1
    assert len(stack.inbox()) == 1


def test_a_poison_message_is_dead_lettered_with_its_reason_while_the_rest_succeeds(
    stack: Stack,
) -> None:
    stack.publish_policy()
    good = ingest(stack, "facebook-feed-comments.json")
    poison = sqs_record("{not json")
    wrong_shape = sqs_record(json.dumps({"type": "event", "event": {"platform": "myspace"}}))
    result = invoke(sqs_event(sqs_record(good[0]), poison, wrong_shape, sqs_record(good[1])))
    assert result == {"batchItemFailures": []}  # dead-lettered at once: retrying cannot help
    letters = dead_letters(stack)
    assert len(letters) == 2
    reasons = {m["Body"]: m["MessageAttributes"][REASON]["StringValue"] for m in letters}
    assert "Invalid JSON" in reasons["{not json"] or "invalid JSON" in reasons["{not json"]
    assert all(m["MessageAttributes"][PERMANENT]["StringValue"] == "true" for m in letters)
    assert len(Items(stack.rt.dynamodb, stack.settings.items_table).scan()) == 2


def test_a_failing_message_is_retried_and_dead_lettered_on_its_last_attempt(stack: Stack) -> None:
    bodies = ingest(stack, "facebook-feed-own-post.json")  # no policy published yet
    record = sqs_record(bodies[0], receive_count=1)
    result = invoke(sqs_event(record))
    assert result == {"batchItemFailures": [{"itemIdentifier": record["messageId"]}]}
    assert dead_letters(stack) == []
    last = sqs_record(bodies[0], receive_count=stack.settings.max_receive_count)
    assert invoke(sqs_event(last)) == {"batchItemFailures": []}
    (letter,) = dead_letters(stack)
    assert "no stored policy" in letter["MessageAttributes"][REASON]["StringValue"]
    assert letter["MessageAttributes"][ATTEMPTS]["StringValue"] == str(
        stack.settings.max_receive_count
    )
    assert letter["MessageAttributes"][PERMANENT]["StringValue"] == "false"


def test_an_unmappable_change_is_dead_lettered_naming_what_is_missing(stack: Stack) -> None:
    stack.publish_policy()
    value = {"item": "comment", "verb": "add", "post_id": "1_2", "message": "Ring til Jens"}
    assert post(stack, page_delivery(value))["unmapped"] == 1
    (queued,) = stack.rt.sqs.receive_message(QueueUrl=stack.settings.ingest_queue_url)["Messages"]
    assert invoke(sqs_event(sqs_record(queued["Body"]))) == {"batchItemFailures": []}
    (letter,) = dead_letters(stack)
    reason = letter["MessageAttributes"][REASON]["StringValue"]
    assert "comment_id" in reason
    assert "Jens" not in reason


def test_an_oversized_message_travels_by_claim_check_and_is_evaluated(stack: Stack) -> None:
    stack.publish_policy()
    text = "Mit CPR er 211062-5629. " + "Langt indlæg om overenskomsten. " * 8000
    value = {
        "item": "comment",
        "verb": "add",
        "comment_id": "9_9",
        "post_id": "104729561234567_9",
        "parent_id": "104729561234567_9",
        "created_time": 1763711999,
        "from": {"id": "55"},
        "message": text,
    }
    post(stack, page_delivery(value))
    (queued,) = stack.rt.sqs.receive_message(QueueUrl=stack.settings.ingest_queue_url)["Messages"]
    assert json.loads(queued["Body"])["type"] == "claim"
    assert invoke(sqs_event(sqs_record(queued["Body"]))) == {"batchItemFailures": []}
    assert [f["rule_ids"] for f in flags(stack)] == [["baseline.national-id"]]


def test_dead_letters_are_listed_with_reasons_and_redriven_after_the_fix(stack: Stack) -> None:
    # An operator forgot to publish the policy: every message fails until it is dead-lettered.
    ingest_bodies = ingest(stack, "instagram-comments.json")
    for body in ingest_bodies:
        stack.rt.sqs.send_message(QueueUrl=stack.settings.ingest_queue_url, MessageBody=body)
    mapping = EventSourceMapping(
        sqs=stack.rt.sqs,
        queue_url=stack.settings.ingest_queue_url,
        handler=evaluate,
        function_name="uppsikt-test-evaluate",
        batch_size=10,
        report_batch_item_failures=True,
    )
    mapping.drain(max_polls=50)
    letters = list_dead_letters(stack.rt.sqs, stack.settings.ingest_dlq_url)
    assert len(letters) == 3
    assert all("no stored policy" in d.reason for d in letters)
    assert all(
        d.summary == "event instagram/comment/created" or d.summary.startswith("event ")
        for d in letters
    )
    assert flags(stack) == []
    # Listing did not consume them.
    assert len(list_dead_letters(stack.rt.sqs, stack.settings.ingest_dlq_url)) == 3

    stack.publish_policy()  # the fix
    moved = redrive(stack.rt.sqs, stack.settings.ingest_dlq_url, stack.settings.ingest_queue_url)
    assert len(moved) == 3
    mapping.drain(max_polls=50)
    assert list_dead_letters(stack.rt.sqs, stack.settings.ingest_dlq_url) == []
    assert sorted(r for f in flags(stack) for r in f["rule_ids"]) == [
        "baseline.harassment",
        "baseline.national-id",
        "baseline.special-category-self",  # "kolla mitt medlemskap": their own membership
    ]


def test_an_observed_deletion_purges_the_clean_working_copy_but_keeps_flagged_records(
    stack: Stack,
) -> None:
    stack.publish_policy()
    created = ingest(stack, "facebook-feed-comments.json")
    invoke(sqs_event(*(sqs_record(b) for b in created)))
    items = Items(stack.rt.dynamodb, stack.settings.items_table)
    clean = next(i for i in items.scan() if i["verdict"] == "clean")
    assert clean["text"]
    comment_id = clean["item_ref"].split("#")[-1]
    post_id = "104729561234567_870011223344"
    removal = {"item": "comment", "verb": "remove", "comment_id": comment_id,
               "post_id": post_id, "parent_id": post_id}  # fmt: skip
    post(stack, page_delivery(removal))
    (queued,) = stack.rt.sqs.receive_message(QueueUrl=stack.settings.ingest_queue_url)["Messages"]
    assert invoke(sqs_event(sqs_record(queued["Body"]))) == {"batchItemFailures": []}
    after = items.scan()
    of_item = [i for i in after if i["item_ref"] == clean["item_ref"]]
    assert [i["verdict"] for i in of_item] == ["recorded"]  # the deletion, without any text
    assert "text" not in of_item[0]
    assert sum(1 for i in after if i["verdict"] == "flagged") == 2
