"""X's webhook route: CRC, signed deliveries through the same ingest and evaluation as Meta."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app, evaluate
from support.paths import SAMPLES
from support.stack import REGISTRY, X_CONSUMER_SECRET, Stack, sqs_event, sqs_record
from uppsikt.accounts.registry import load as load_registry
from uppsikt.accounts.store import publish as publish_registry
from uppsikt.adapters.dynamodb import Flags
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import Platform
from uppsikt.platforms.x import signature

X = SAMPLES / "x"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with Client(app) as test_client:
        yield test_client


def post(client: Client, body: bytes, secret: str | None = X_CONSUMER_SECRET) -> Any:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[signature.HEADER] = signature.sign(body, secret)
    return client.http.post("/webhooks/x", headers=headers, body=body)


def queued(stack: Stack) -> list[str]:
    messages = stack.rt.sqs.receive_message(
        QueueUrl=stack.settings.ingest_queue_url, MaxNumberOfMessages=10
    ).get("Messages", [])
    return [m["Body"] for m in messages]


def test_the_crc_answers_with_the_consumer_secrets_hmac(client: Client) -> None:
    response = client.http.get("/webhooks/x?crc_token=challenge_string")
    assert response.status_code == 200
    expected = base64.b64encode(
        hmac.new(X_CONSUMER_SECRET.encode(), b"challenge_string", hashlib.sha256).digest()
    ).decode()
    assert json.loads(response.body) == {"response_token": f"sha256={expected}"}


def test_a_crc_without_a_token_is_a_bad_request(client: Client) -> None:
    assert client.http.get("/webhooks/x").status_code == 400


def test_a_signed_delivery_is_stored_raw_and_queued_without_raw_user_ids(
    client: Client, stack: Stack
) -> None:
    if not X.is_dir():
        pytest.skip(f"samples not found at {X}")
    body = (X / "aaa-v1-incoming_tweet_with_mention.json").read_bytes()
    response = post(client, body)
    assert response.status_code == 200
    assert json.loads(response.body)["enqueued"] == 1
    (key,) = stack.keys(stack.settings.raw_bucket, "deliveries/x/")
    stored = stack.rt.s3.get_object(Bucket=stack.settings.raw_bucket, Key=key)["Body"].read()
    assert stored == body
    (message,) = queued(stack)
    event = json.loads(message)["event"]
    assert (event["platform"], event["object_kind"]) == ("x", "mention")
    assert "14235326" not in message  # the author's raw X id


@pytest.mark.parametrize("secret", [None, "not-the-consumer-secret"], ids=["unsigned", "forged"])
def test_an_unsigned_or_forged_delivery_is_refused_and_nothing_kept(
    client: Client, stack: Stack, secret: str | None
) -> None:
    body = b'{"for_user_id": "602907365", "tweet_create_events": []}'
    assert post(client, body, secret).status_code == 401
    assert stack.keys(stack.settings.raw_bucket) == []


def test_a_signed_body_that_is_not_an_x_delivery_is_quarantined(
    client: Client, stack: Stack
) -> None:
    response = post(client, b'{"hello": "world"}')
    assert response.status_code == 200
    assert json.loads(response.body)["quarantined"] is True
    assert len(stack.keys(stack.settings.raw_bucket, "quarantine/x/")) == 1
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0


def test_a_reply_with_a_personnummer_is_flagged_like_any_other_platform(
    client: Client, stack: Stack
) -> None:
    stack.publish_policy()
    reply = {
        "for_user_id": "602907365",
        "tweet_create_events": [
            {
                "id_str": "1860000000000000001",
                "created_at": "Sat Nov 21 07:00:00 +0000 2026",
                "timestamp_ms": "1763708400000",
                "text": "@seko mitt personnummer är 19811218-9876, kolla mitt ärende",
                "truncated": False,
                "in_reply_to_status_id_str": "1859999999999999999",
                "in_reply_to_user_id_str": "602907365",
                "user": {"id_str": "999000111", "screen_name": "medlem"},
                "entities": {"user_mentions": [{"id_str": "602907365"}]},
            }
        ],
    }
    assert post(client, json.dumps(reply).encode()).status_code == 200
    (body,) = queued(stack)
    result = evaluate(sqs_event(sqs_record(body)), LocalContext("uppsikt-test-evaluate"))
    assert result == {"batchItemFailures": []}
    (flag,) = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert flag["platform"] == "x"
    assert "baseline.national-id" in flag["rule_ids"]


def test_x_is_refused_with_404_where_the_registry_lists_no_x_account(
    client: Client, stack: Stack
) -> None:
    shipped = load_registry(REGISTRY)
    without_x = tuple(a for a in shipped.accounts if a.platform is not Platform.X)
    publish_registry(
        stack.rt.s3,
        stack.settings.policy_bucket,
        shipped.model_copy(update={"accounts": without_x}),
        stack.rt.pseudonymiser(),
    )

    assert client.http.get("/webhooks/x?crc_token=a").status_code == 404
    assert post(client, b"{}").status_code == 404


def test_a_signed_delivery_for_an_x_account_the_registry_does_not_list_is_quarantined(
    client: Client, stack: Stack
) -> None:
    stranger = {
        "for_user_id": "999000111222",
        "tweet_create_events": [
            {"id_str": "1860000000000000002", "text": "Mette Hansen 19811218-9876"}
        ],
    }
    body = json.dumps(stranger).encode()

    response = post(client, body)

    assert response.status_code == 200
    assert json.loads(response.body)["quarantined"] is True
    (key,) = stack.keys(stack.settings.raw_bucket, "quarantine/x/")
    assert stack.keys(stack.settings.raw_bucket, "deliveries/") == []
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0
    (alert,) = stack.inbox()
    assert key in alert["Message"]
    assert "19811218" not in alert["Message"]
    assert "999000111222" not in alert["Message"]


def test_the_shipped_x_account_routes_by_its_for_user_id(client: Client, stack: Stack) -> None:
    body = json.dumps(
        {
            "for_user_id": "1500000000000000001",
            "tweet_create_events": [
                {
                    "id_str": "1860000000000000003",
                    "created_at": "Sat Nov 21 07:00:00 +0000 2026",
                    "text": "@seko hej",
                    "user": {"id_str": "999000111", "screen_name": "medlem"},
                    "entities": {"user_mentions": [{"id_str": "1500000000000000001"}]},
                }
            ],
        }
    ).encode()

    response = post(client, body)

    assert (response.status_code, json.loads(response.body)["enqueued"]) == (200, 1)
    (message,) = queued(stack)
    assert json.loads(message)["event"]["account_id"] == "1500000000000000001"
