"""`uppsikt quarantine list|replay` against a stack built from infra/: deliveries quarantined by
the webhook routes are listed without their content and brought back through the same ingest
once the cause is fixed, exactly once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from click.testing import CliRunner

from app import app
from support.paths import EVENTS
from support.stack import REGISTRY, SAMPLE_ACCOUNTS, X_CONSUMER_SECRET, Stack
from uppsikt.accounts.model import Account
from uppsikt.accounts.registry import load as load_registry
from uppsikt.accounts.store import publish as publish_registry
from uppsikt.cli.main import cli
from uppsikt.model.events import Platform
from uppsikt.platforms.x import signature as x_signature

STRANGER = "999000999000111"  # a Page the registry does not list (yet)
OURS = "104729561234567"  # seko-facebook in the shipped registry
CPR_TEXT = "Mit CPR er 211062-5629, hilsen Mette Hansen"


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    with Client(app) as test_client:
        yield test_client


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def comment(page: str, n: int) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "post_id": f"{page}_90109783665270{n}",
            "comment_id": f"90109783665270{n}_90343899308525{n}",
            "parent_id": f"{page}_90109783665270{n}",
            "created_time": 1763712000 + n,
            "from": {"id": "7300112233449876", "name": "Mette Hansen"},
            "message": CPR_TEXT,
        },
    }


def delivery(*pages: str) -> bytes:
    entries = [
        {"id": page, "time": 1763712000, "changes": [comment(page, n)]}
        for n, page in enumerate(pages)
    ]
    return json.dumps({"object": "page", "entry": entries}).encode()


def register(stack: Stack, page: str, platform: Platform = Platform.FACEBOOK) -> None:
    shipped = load_registry(REGISTRY)
    added = Account(
        id="new-account",
        platform=platform,
        platform_account_id=page,
        name="A Page added after its delivery arrived",
        organisation="seko",
    )
    accounts = (*shipped.accounts, *SAMPLE_ACCOUNTS, added)
    publish_registry(
        stack.rt.s3,
        stack.settings.policy_bucket,
        shipped.model_copy(update={"accounts": accounts}),
        stack.rt.pseudonymiser(),
    )


def test_a_delivery_for_an_unlisted_page_is_listed_without_its_content(
    client: Client, stack: Stack
) -> None:
    body = delivery(STRANGER)
    receipt = stack.post_meta(body)
    assert receipt["quarantined"] is True

    code, out = run("quarantine", "list", "--json")

    assert code == 0
    (listed,) = json.loads(out)
    assert listed["key"] == receipt["delivery"]
    assert listed["key"].startswith("quarantine/meta/")
    assert listed["platform"] == "meta"
    assert listed["received_at"]
    assert "registry" in listed["reason"]
    assert (listed["bytes"], listed["entries"]) == (len(body), "0")
    code, text = run("quarantine", "list")
    for said in (out, text):
        for fragment in ("211062", "Mette", "Hansen", STRANGER):
            assert fragment not in said


def test_once_the_page_is_registered_a_replay_queues_it_and_moves_it_out_of_quarantine(
    client: Client, stack: Stack
) -> None:
    key = stack.post_meta(delivery(STRANGER))["delivery"]
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0
    register(stack, STRANGER)

    code, out = run("quarantine", "replay", "--json")

    assert code == 0, out
    (outcome,) = json.loads(out)
    assert (outcome["key"], outcome["status"]) == (key, "replayed")
    assert outcome["moved_to"] == key.replace("quarantine/", "replayed/", 1)
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 1
    assert stack.keys(stack.settings.raw_bucket, "quarantine/") == []
    # The raw bucket is versioned: no version or delete marker of the quarantined copy is left.
    left = stack.rt.s3.list_object_versions(Bucket=stack.settings.raw_bucket, Prefix="quarantine/")
    assert not left.get("Versions")
    assert not left.get("DeleteMarkers")
    assert stack.keys(stack.settings.raw_bucket, "replayed/") == [outcome["moved_to"]]
    (stored,) = stack.keys(stack.settings.raw_bucket, "deliveries/meta/")
    moved = stack.rt.s3.head_object(Bucket=stack.settings.raw_bucket, Key=outcome["moved_to"])
    assert moved["Metadata"]["delivery"] == stored
    assert moved["ServerSideEncryption"] == "aws:kms"

    # Nothing is left to replay: a second replay does nothing, and nothing is queued twice.
    assert run("quarantine", "replay") == (0, "Replayed 0 of 0.\n")
    code, out = run("quarantine", "replay", "--key", key)
    assert code == 1
    assert "failed" in out
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 1


def test_a_partly_quarantined_delivery_replays_only_its_quarantined_entries(
    client: Client, stack: Stack
) -> None:
    receipt = stack.post_meta(delivery(STRANGER, OURS))
    assert (receipt["quarantined"], receipt["enqueued"]) == (True, 1)
    (key,) = stack.keys(stack.settings.raw_bucket, "quarantine/meta/")
    assert run("quarantine", "list", "--json")[1].count('"entries": "0"') == 1
    register(stack, STRANGER)

    code, out = run("quarantine", "replay")

    assert code == 0, out
    assert f"{key}: replayed" in out
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 2  # ours once, the stranger once


def test_a_delivery_still_for_an_unlisted_page_stays_in_quarantine(
    client: Client, stack: Stack
) -> None:
    key = stack.post_meta(delivery(STRANGER))["delivery"]

    code, out = run("quarantine", "replay", "--key", key)

    assert code == 1
    assert f"{key}: still quarantined" in out
    assert stack.keys(stack.settings.raw_bucket, "quarantine/") == [key]
    assert stack.keys(stack.settings.raw_bucket, "replayed/") == []
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 0


def test_an_unreadable_delivery_stays_in_quarantine_with_its_reason(
    client: Client, stack: Stack
) -> None:
    body = (EVENTS / "meta-bad" / "truncated.json").read_bytes()
    key = stack.post_meta(body)["delivery"]

    code, out = run("quarantine", "list", "--json")
    (listed,) = json.loads(out)
    assert "JSON" in listed["reason"]
    code, out = run("quarantine", "replay")

    assert code == 1
    assert f"{key}: still quarantined" in out
    assert stack.keys(stack.settings.raw_bucket, "quarantine/") == [key]


def test_only_quarantined_keys_can_be_replayed(stack: Stack) -> None:
    code, out = run("quarantine", "replay", "--key", "deliveries/meta/2026/11/21/x.json")

    assert code == 1
    assert "failed" in out
    assert "only keys under quarantine/" in out


def test_an_x_delivery_for_an_unlisted_user_is_replayed_once_the_user_is_registered(
    client: Client, stack: Stack
) -> None:
    user = "999000111222"
    body = json.dumps(
        {
            "for_user_id": user,
            "tweet_create_events": [
                {
                    "id_str": "1860000000000000005",
                    "created_at": "Sat Nov 21 07:00:00 +0000 2026",
                    "text": CPR_TEXT,
                    "user": {"id_str": "999000333", "screen_name": "medlem"},
                    "entities": {"user_mentions": [{"id_str": user}]},
                }
            ],
        }
    ).encode()
    response = client.http.post(
        "/webhooks/x",
        headers={
            "Content-Type": "application/json",
            x_signature.HEADER: x_signature.sign(body, X_CONSUMER_SECRET),
        },
        body=body,
    )
    key = json.loads(response.body)["delivery"]
    assert key.startswith("quarantine/x/")
    assert run("quarantine", "replay")[0] == 1  # still not registered: stays
    register(stack, user, Platform.X)

    code, out = run("quarantine", "replay", "--key", key)

    assert code == 0, out
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 1
    (stored,) = stack.keys(stack.settings.raw_bucket, "deliveries/x/")
    assert stored.endswith(key.rsplit("/", 1)[1])
