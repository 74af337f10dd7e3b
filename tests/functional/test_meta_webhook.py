"""The Meta webhook route over the Chalice test client, against a stack built from infra/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app
from support.paths import EVENTS, SAMPLES
from support.stack import Stack
from uppsikt.platforms.meta import signature
from uppsikt.runtime import PLACEHOLDER

FEED = EVENTS / "meta" / "facebook-feed-comments.json"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with Client(app) as test_client:
        yield test_client


def post(client: Client, body: bytes, sig: str | None) -> Any:
    headers = {"Content-Type": "application/json"}
    if sig is not None:
        headers["X-Hub-Signature-256"] = sig
    return client.http.post("/webhooks/meta", headers=headers, body=body)


def test_the_handshake_echoes_the_challenge_when_the_verify_token_matches(
    client: Client, stack: Stack
) -> None:
    response = client.http.get(
        f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={stack.verify_token}"
        "&hub.challenge=1158201444"
    )
    assert response.status_code == 200
    assert response.body == b"1158201444"
    assert response.headers["Content-Type"] == "text/plain"


def test_the_handshake_accepts_the_underscore_parameter_names(client: Client, stack: Stack) -> None:
    response = client.http.get(
        f"/webhooks/meta?hub_mode=subscribe&hub_verify_token={stack.verify_token}&hub_challenge=77"
    )
    assert (response.status_code, response.body) == (200, b"77")


def test_the_handshake_refuses_a_wrong_verify_token_with_403(client: Client) -> None:
    response = client.http.get(
        "/webhooks/meta?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1"
    )
    assert response.status_code == 403
    assert b"1" not in response.body.replace(b"403", b"")


def test_a_signed_delivery_is_stored_raw_and_split_into_one_message_per_change(
    client: Client, stack: Stack
) -> None:
    body = FEED.read_bytes()
    response = post(client, body, signature.sign(body, stack.app_secret))
    assert response.status_code == 200
    receipt = json.loads(response.body)
    # Three comments are queued; the reaction is counted as ignored.
    assert (receipt["changes"], receipt["enqueued"], receipt["ignored"]) == (4, 3, 1)
    (key,) = stack.keys(stack.settings.raw_bucket, "deliveries/meta/")
    stored = stack.rt.s3.get_object(Bucket=stack.settings.raw_bucket, Key=key)
    assert stored["Body"].read() == body
    assert stored["ServerSideEncryption"] == "aws:kms"
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 3


def test_queued_messages_carry_no_raw_author_id_or_name(client: Client, stack: Stack) -> None:
    body = FEED.read_bytes()
    post(client, body, signature.sign(body, stack.app_secret))
    messages = stack.rt.sqs.receive_message(
        QueueUrl=stack.settings.ingest_queue_url, MaxNumberOfMessages=10
    )["Messages"]
    assert len(messages) == 3
    for message in messages:
        assert "7300112233449876" not in message["Body"]
        assert "Jens Nielsen" not in message["Body"]
        assert json.loads(message["Body"])["event"]["raw"]["key"].startswith("deliveries/meta/")


@pytest.mark.parametrize(
    "header",
    [None, "", "sha256=", "sha1=0123", "sha256=" + "0" * 64],
    ids=["missing", "empty", "no-digest", "sha1-only", "wrong-digest"],
)
def test_a_delivery_without_a_valid_signature_is_refused_and_nothing_is_kept(
    client: Client, stack: Stack, header: str | None
) -> None:
    response = post(client, FEED.read_bytes(), header)
    assert response.status_code == 401
    assert stack.keys(stack.settings.raw_bucket) == []
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0


def test_a_signature_over_a_re_encoded_body_is_refused(client: Client, stack: Stack) -> None:
    escaped = FEED.read_bytes()
    reencoded = json.dumps(json.loads(escaped), ensure_ascii=False).encode()
    response = post(client, escaped, signature.sign(reencoded, stack.app_secret))
    assert response.status_code == 401


def test_a_signed_but_malformed_delivery_is_quarantined_alerted_and_acknowledged(
    client: Client, stack: Stack
) -> None:
    body = (EVENTS / "meta-bad" / "truncated.json").read_bytes()
    response = post(client, body, signature.sign(body, stack.app_secret))
    assert response.status_code == 200
    assert json.loads(response.body)["quarantined"] is True
    (key,) = stack.keys(stack.settings.raw_bucket, "quarantine/meta/")
    kept = stack.rt.s3.get_object(Bucket=stack.settings.raw_bucket, Key=key)["Body"].read()
    assert kept == body
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0
    (alert,) = stack.inbox()
    assert "quarantined" in alert["Subject"]
    assert key in alert["Message"]
    assert "Afbrudt" not in alert["Message"]  # the delivery's text never goes into an alert


def test_a_body_over_the_size_limit_is_refused_with_413(client: Client, stack: Stack) -> None:
    body = b'{"object":"page","entry":[' + b" " * (5 * 1024 * 1024) + b"]}"
    response = post(client, body, signature.sign(body, stack.app_secret))
    assert response.status_code == 413
    assert stack.keys(stack.settings.raw_bucket) == []


def test_dashboard_test_deliveries_are_stored_but_not_queued(client: Client, stack: Stack) -> None:
    sample = SAMPLES / "instagram" / "restfb-wh-comments-2021.json"
    if not sample.exists():
        pytest.skip(f"sample not found at {sample}")
    body = sample.read_bytes()
    response = post(client, body, signature.sign(body, stack.app_secret))
    assert response.status_code == 200
    assert json.loads(response.body)["test"] == 1
    assert len(stack.keys(stack.settings.raw_bucket, "deliveries/")) == 1
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0


def test_a_deployment_still_holding_the_placeholder_secret_refuses_everything(
    client: Client, stack: Stack
) -> None:
    secret = stack.settings.meta_secret_name
    stack.rt.secretsmanager.put_secret_value(
        SecretId=secret,
        SecretString=json.dumps({"app_secret": PLACEHOLDER, "verify_token": PLACEHOLDER}),
    )
    stack.rt.secrets.clear_cache()  # type: ignore[no-untyped-call]
    body = FEED.read_bytes()
    assert post(client, body, signature.sign(body, PLACEHOLDER)).status_code == 401
    handshake = client.http.get(
        f"/webhooks/meta?hub.mode=subscribe&hub.verify_token={PLACEHOLDER}&hub.challenge=1"
    )
    assert handshake.status_code == 403


def test_when_the_queue_is_unavailable_the_delivery_is_kept_and_meta_is_told_to_retry(
    client: Client, stack: Stack
) -> None:
    stack.rt.sqs.delete_queue(QueueUrl=stack.settings.ingest_queue_url)
    body = FEED.read_bytes()
    response = post(client, body, signature.sign(body, stack.app_secret))
    assert response.status_code >= 500  # not acknowledged: Meta retries for 36 hours
    assert len(stack.keys(stack.settings.raw_bucket, "deliveries/meta/")) == 1
