"""LinkedIn, YouTube (WebSub) and Mastodon webhook routes: handshakes, signatures, the registry's
accounts and secrets, and deliveries through the same ingest and evaluation as Meta and X."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client

from app import app, evaluate
from support.paths import EVENTS
from support.stack import ACCOUNT_SECRETS, LINKEDIN_CLIENT_SECRET, Stack, sqs_event, sqs_record
from uppsikt.accounts.store import KEY as REGISTRY_KEY
from uppsikt.adapters.dynamodb import Flags
from uppsikt.local.lambda_context import LocalContext
from uppsikt.platforms.linkedin import challenge
from uppsikt.platforms.linkedin import signature as linkedin_signature
from uppsikt.platforms.mastodon import signature as mastodon_signature
from uppsikt.platforms.youtube import signature as youtube_signature
from uppsikt.platforms.youtube.websub import topic_for

CHANNEL = "UCfackNordenDemoKanal001"
WEBSUB_SECRET = ACCOUNT_SECRETS["seko-youtube"]["websub_secret"]
MASTODON_SECRET = ACCOUNT_SECRETS["kommunal-mastodon"]["webhook_secret"]


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with Client(app) as test_client:
        yield test_client


def queued(stack: Stack) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    while True:
        batch = stack.rt.sqs.receive_message(
            QueueUrl=stack.settings.ingest_queue_url, MaxNumberOfMessages=10
        ).get("Messages", [])
        if not batch:
            return bodies
        bodies += [json.loads(m["Body"]) for m in batch]


def evaluate_all(stack: Stack, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    records = [sqs_record(json.dumps(b)) for b in bodies]
    result: dict[str, Any] = evaluate(sqs_event(*records), LocalContext("uppsikt-dev-evaluate"))
    return result


def post(client: Client, path: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.http.post(path, headers=headers, body=body)


# --- LinkedIn ---------------------------------------------------------------------------------


def test_linkedin_challenge_is_answered_with_the_client_secrets_hmac(client: Client) -> None:
    code = "890e4665-4dfe-4ab1-b689-ed553bceeed0"
    response = client.http.get(f"/webhooks/linkedin?challengeCode={code}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body) == {
        "challengeCode": code,
        "challengeResponse": challenge.response(code, LINKEDIN_CLIENT_SECRET),
    }


@pytest.mark.parametrize("sign", [linkedin_signature.sign_a, linkedin_signature.sign_b])
def test_linkedin_deliveries_signed_either_way_are_stored_and_queued(
    client: Client, stack: Stack, sign: Any
) -> None:
    body = (EVENTS / "linkedin" / "comments.json").read_bytes()
    headers = {
        "Content-Type": "application/json",
        "X-LI-Signature": sign(body, LINKEDIN_CLIENT_SECRET),
    }
    response = post(client, "/webhooks/linkedin", body, headers)
    assert response.status_code == 200, response.body
    receipt = json.loads(response.body)
    assert (receipt["changes"], receipt["enqueued"], receipt["ignored"]) == (3, 2, 1)
    assert stack.keys(stack.settings.raw_bucket, "deliveries/linkedin/") == [receipt["delivery"]]
    messages = queued(stack)
    assert {m["event"]["account_id"] for m in messages} == {"urn:li:organization:5550001"}
    assert "VisitorSe0002" not in json.dumps(messages)  # authors travel as pseudonyms


def test_a_linkedin_delivery_with_a_forged_signature_is_refused_and_not_kept(
    client: Client, stack: Stack
) -> None:
    body = (EVENTS / "linkedin" / "comments.json").read_bytes()
    headers = {"Content-Type": "application/json", "X-LI-Signature": "hmacsha256=" + "0" * 64}
    assert post(client, "/webhooks/linkedin", body, headers).status_code == 401
    assert stack.keys(stack.settings.raw_bucket) == []


def test_a_signed_linkedin_delivery_for_an_unregistered_organisation_is_quarantined(
    client: Client, stack: Stack
) -> None:
    body = (EVENTS / "linkedin" / "comments.json").read_bytes().replace(b"5550001", b"9990009")
    headers = {
        "Content-Type": "application/json",
        "X-LI-Signature": linkedin_signature.sign_a(body, LINKEDIN_CLIENT_SECRET),
    }
    response = post(client, "/webhooks/linkedin", body, headers)
    assert response.status_code == 200
    assert json.loads(response.body)["quarantined"] is True
    assert queued(stack) == []
    alerts = [m for m in stack.inbox() if "quarantined" in m.get("Subject", "")]
    assert len(alerts) == 1
    assert "9990009" not in json.dumps(alerts)


def test_without_a_published_registry_linkedin_is_asked_to_retry(
    client: Client, stack: Stack
) -> None:
    stack.rt.s3.delete_object(Bucket=stack.settings.policy_bucket, Key=REGISTRY_KEY)
    stack.rt.registry._object._cached = None  # a fresh container
    body = (EVENTS / "linkedin" / "comments.json").read_bytes()
    headers = {
        "Content-Type": "application/json",
        "X-LI-Signature": linkedin_signature.sign_a(body, LINKEDIN_CLIENT_SECRET),
    }
    assert post(client, "/webhooks/linkedin", body, headers).status_code == 503


# --- YouTube (WebSub) -------------------------------------------------------------------------


def verification(topic: str, account: str = "seko-youtube", lease: str = "432000") -> str:
    from urllib.parse import urlencode

    query = urlencode(
        {
            "hub.mode": "subscribe",
            "hub.topic": topic,
            "hub.challenge": "ch4ll3nge",
            "hub.lease_seconds": lease,
        }
    )
    return f"/webhooks/youtube/{account}?{query}"


def test_websub_verification_for_our_channel_echoes_the_challenge_and_keeps_the_lease(
    client: Client, stack: Stack
) -> None:
    response = client.http.get(verification(topic_for(CHANNEL)))
    assert (response.status_code, response.body) == (200, b"ch4ll3nge")
    lease = stack.rt.leases.get("seko-youtube")
    assert lease is not None
    assert lease.lease_seconds == 432000


def test_websub_verification_for_another_topic_is_answered_404(
    client: Client, stack: Stack
) -> None:
    response = client.http.get(verification(topic_for("UCsomeoneElsesChannel001")))
    assert response.status_code == 404
    assert stack.rt.leases.get("seko-youtube") is None


def test_websub_for_an_account_not_in_the_registry_is_answered_404(client: Client) -> None:
    assert client.http.get(verification(topic_for(CHANNEL), account="nobody")).status_code == 404


@pytest.mark.parametrize("method", ["sha1", "sha256"])
def test_a_signed_websub_notification_is_stored_and_queued(
    client: Client, stack: Stack, method: str
) -> None:
    body = (EVENTS / "youtube" / "new-video.xml").read_bytes()
    headers = {
        "Content-Type": "application/atom+xml",
        "X-Hub-Signature": youtube_signature.sign(body, WEBSUB_SECRET, method),
    }
    response = post(client, "/webhooks/youtube/seko-youtube", body, headers)
    assert response.status_code == 200, response.body
    (message,) = queued(stack)
    assert message["event"]["item_id"] == "sekoVid0001"
    assert message["event"]["account_id"] == CHANNEL
    # Its `updated` trails `published` by 12 s, as real upload pushes do: an upload, not an edit.
    assert message["event"]["action"] == "created"


def test_a_websub_tombstone_is_queued_as_a_deletion(client: Client, stack: Stack) -> None:
    body = (EVENTS / "youtube" / "deleted-video.xml").read_bytes()
    headers = {
        "Content-Type": "application/atom+xml",
        "X-Hub-Signature": youtube_signature.sign(body, WEBSUB_SECRET),
    }
    assert post(client, "/webhooks/youtube/seko-youtube", body, headers).status_code == 200
    (message,) = queued(stack)
    assert message["event"]["action"] == "deleted"


@pytest.mark.parametrize("header", [None, "sha1=" + "0" * 40, "md5=abc"])
def test_unsigned_or_forged_websub_notifications_are_refused(
    client: Client, stack: Stack, header: str | None
) -> None:
    body = (EVENTS / "youtube" / "new-video.xml").read_bytes()
    headers = {"Content-Type": "application/atom+xml"}
    if header is not None:
        headers["X-Hub-Signature"] = header
    assert post(client, "/webhooks/youtube/seko-youtube", body, headers).status_code == 401
    assert stack.keys(stack.settings.raw_bucket) == []


def test_a_signed_entity_expansion_bomb_is_quarantined_not_parsed(
    client: Client, stack: Stack
) -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<feed xmlns='http://www.w3.org/2005/Atom'><title>&lol2;</title></feed>"
    )
    headers = {
        "Content-Type": "application/atom+xml",
        "X-Hub-Signature": youtube_signature.sign(body, WEBSUB_SECRET),
    }
    response = post(client, "/webhooks/youtube/seko-youtube", body, headers)
    assert response.status_code == 200
    assert json.loads(response.body)["quarantined"] is True
    assert queued(stack) == []


# --- Mastodon (admin webhooks on the organisation's own instance) ------------------------------


def mastodon_post(client: Client, name: str, secret: str = MASTODON_SECRET) -> Any:
    body = (EVENTS / "mastodon" / name).read_bytes()
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature": mastodon_signature.sign(body, secret),
    }
    return post(client, "/webhooks/mastodon/kommunal-mastodon", body, headers)


def test_signed_mastodon_statuses_are_evaluated_and_the_insult_and_the_id_are_flagged(
    client: Client, stack: Stack
) -> None:
    stack.publish_policy()
    for name in ("reply-created.json", "reply-insult.json", "reply-edited.json"):
        assert mastodon_post(client, name).status_code == 200
    messages = queued(stack)
    assert [m["event"]["action"] for m in messages].count("edited") == 1
    assert evaluate_all(stack, messages) == {"batchItemFailures": []}
    flags = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    rules = {rule for flag in flags for rule in flag["rule_ids"]}
    assert len(flags) == 2
    assert {"baseline.national-id", "baseline.harassment"} <= rules, rules


def test_a_mastodon_delivery_signed_with_another_secret_is_refused(
    client: Client, stack: Stack
) -> None:
    assert mastodon_post(client, "reply-created.json", "not-the-webhook-secret").status_code == 401
    assert stack.keys(stack.settings.raw_bucket) == []


def test_a_mastodon_delivery_for_an_unknown_account_path_is_answered_404(client: Client) -> None:
    body = (EVENTS / "mastodon" / "reply-created.json").read_bytes()
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature": mastodon_signature.sign(body, MASTODON_SECRET),
    }
    assert post(client, "/webhooks/mastodon/nobody", body, headers).status_code == 404
