"""A malformed element of a Meta delivery costs only itself, end to end: its siblings are
evaluated, it is dead-lettered with its reason; and an unmapped pointer is mapped again, by the
same mapper as on arrival, from the stored raw delivery (`Runtime.remap`)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from chalice.test import Client

from app import app, evaluate
from support.stack import X_CONSUMER_SECRET, Stack, sqs_event, sqs_record
from uppsikt.adapters.dynamodb import Flags
from uppsikt.adapters.sqs import REASON
from uppsikt.local.event_source import EventSourceMapping
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import Platform, RawPointer
from uppsikt.model.messages import UnmappedMessage
from uppsikt.platforms.meta import signature
from uppsikt.platforms.x import signature as x_signature

PAGE = "104729561234567"  # seko-facebook
CPR = "211062-5629"
CONTEXT = LocalContext("uppsikt-test-evaluate")


def comment(n: int, text: str) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "post_id": f"{PAGE}_5{n}",
            "comment_id": f"5{n}_7{n}",
            "parent_id": f"{PAGE}_5{n}",
            "created_time": 1763712000 + n,
            "from": {"id": f"73001122334498{n}"},
            "message": text,
        },
    }


def send(client: Client, path: str, body: bytes, header: str, value: str) -> dict[str, Any]:
    response = client.http.post(
        path, headers={"Content-Type": "application/json", header: value}, body=body
    )
    assert response.status_code == 200
    receipt: dict[str, Any] = json.loads(response.body)
    return receipt


def drain(stack: Stack) -> None:
    EventSourceMapping(
        sqs=stack.rt.sqs,
        queue_url=stack.settings.ingest_queue_url,
        handler=evaluate,
        function_name="uppsikt-test-evaluate",
        batch_size=10,
        report_batch_item_failures=True,
    ).drain(max_polls=20)


def dead_letter_reasons(stack: Stack) -> list[str]:
    response = stack.rt.sqs.receive_message(
        QueueUrl=stack.settings.ingest_dlq_url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
    )
    return [m["MessageAttributes"][REASON]["StringValue"] for m in response.get("Messages", [])]


def test_an_entry_with_a_malformed_time_is_dead_lettered_while_its_siblings_are_evaluated(
    stack: Stack,
) -> None:
    stack.publish_policy()
    bad = {"id": PAGE, "time": f"Mette Hansen {CPR}", "changes": [comment(1, "Hej")]}
    good = {"id": PAGE, "time": 1763712000, "changes": [comment(2, f"Mit CPR er {CPR}")]}
    body = json.dumps({"object": "page", "entry": [bad, good]}).encode()

    with Client(app) as client:
        receipt = send(
            client,
            "/webhooks/meta",
            body,
            "X-Hub-Signature-256",
            signature.sign(body, stack.app_secret),
        )
    drain(stack)

    assert (receipt["quarantined"], receipt["enqueued"], receipt["unmapped"]) == (False, 2, 1)
    (flag,) = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert flag["rule_ids"] == ["baseline.national-id"]
    (reason,) = dead_letter_reasons(stack)
    assert "time" in reason
    assert "Mette" not in reason
    assert CPR not in reason


def test_an_unmapped_pointer_to_a_change_that_maps_now_is_evaluated(stack: Stack) -> None:
    stack.publish_policy()
    body = json.dumps(
        {
            "object": "page",
            "entry": [
                {"id": PAGE, "time": 1763712000, "changes": [comment(1, "Hej"), comment(2, CPR)]}
            ],
        }
    ).encode()
    key = "deliveries/meta/2026/11/21/remap-test.json"
    stack.rt.raw_deliveries.put_delivery(key, body, {"platform": "meta"})
    pointer = UnmappedMessage(
        platform=Platform.FACEBOOK,
        raw=RawPointer(bucket=stack.settings.raw_bucket, key=key, entry_index=0, change_index=1),
        received_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        error="an earlier mapper could not read it",
    )

    result = evaluate(sqs_event(sqs_record(pointer.model_dump_json())), CONTEXT)

    assert result == {"batchItemFailures": []}
    (flag,) = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert flag["platform"] == "facebook"
    assert dead_letter_reasons(stack) == []


def test_an_x_pointer_without_an_account_finds_it_in_the_registry(stack: Stack) -> None:
    stack.publish_policy()
    body = json.dumps(
        {
            "for_user_id": "1500000000000000001",
            "tweet_create_events": [
                {
                    "id_str": "1860000000000000009",
                    "created_at": "Sat Nov 21 07:00:00 +0000 2026",
                    "text": "@seko mitt personnummer är 19811218-9876",
                    "user": {"id_str": "999000111", "screen_name": "medlem"},
                    "entities": {"user_mentions": [{"id_str": "1500000000000000001"}]},
                }
            ],
        }
    ).encode()
    with Client(app) as client:
        stored = send(
            client,
            "/webhooks/x",
            body,
            x_signature.HEADER,
            x_signature.sign(body, X_CONSUMER_SECRET),
        )["delivery"]
    stack.rt.sqs.purge_queue(QueueUrl=stack.settings.ingest_queue_url)
    # A pointer queued before pointers carried their account.
    pointer = UnmappedMessage(
        platform=Platform.X,
        raw=RawPointer(bucket=stack.settings.raw_bucket, key=stored, entry_index=0, change_index=0),
        received_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        error="an earlier mapper could not read it",
    )

    result = evaluate(sqs_event(sqs_record(pointer.model_dump_json())), CONTEXT)

    assert result == {"batchItemFailures": []}
    assert dead_letter_reasons(stack) == []
    (flag,) = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert flag["platform"] == "x"
