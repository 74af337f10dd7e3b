"""The scheduled functions `poll` and `renew_websub`, invoked the way Lambda invokes them (a
scheduled-event dict and a context, which Chalice turns into a `CloudWatchEvent`), against a
stack built from infra/ and a loopback `FakeApi` playing the Mastodon instance and the hub."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from chalice.test import Client

from app import app, audit_checkpoint, clock_tick, poll, renew_websub
from support.events import scheduled_event
from support.paths import EVENTS
from support.stack import ACCOUNT_SECRETS, Stack
from support.tenancy import organisation
from support.tenancy import registry as registry_of
from uppsikt import runtime
from uppsikt.accounts import waiting
from uppsikt.accounts.errors import RegistryUnavailable
from uppsikt.accounts.model import Account
from uppsikt.accounts.store import KEY as REGISTRY_KEY
from uppsikt.accounts.store import publish
from uppsikt.adapters.poll_state import Cursors
from uppsikt.local.fake_api import FakeApi, Reply
from uppsikt.local.lambda_context import LocalContext
from uppsikt.operations.secrets import put_account_secret
from uppsikt.platforms.youtube.websub import topic_for

RECORDED = EVENTS / "poll" / "mastodon"
RUN_1 = RECORDED / "notifications-run-1.json"
RUN_1_TOP = "113541200000000104"  # the newest notification of run 1
INSTANCE_ACCOUNT = "109000000000000001"
TOKEN = "functional-test-mastodon-access-token"
NOTIFICATIONS = "/api/v1/notifications"
PUBLIC_BASE = "https://uppsikt.example.org/api"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeApi]:
    with FakeApi() as fake:
        yield fake


@pytest.fixture
def api(server: FakeApi) -> FakeApi:
    server.reset()
    return server


def invoke_poll() -> dict[str, Any]:
    result: dict[str, Any] = poll(scheduled_event("poll"), LocalContext("uppsikt-test-poll"))
    return result


def invoke_renew() -> dict[str, Any]:
    result: dict[str, Any] = renew_websub(
        scheduled_event("renew_websub"), LocalContext("uppsikt-test-renew_websub")
    )
    return result


def mastodon_account(api: FakeApi, account_id: str = "facket-mastodon") -> Account:
    return Account.model_validate(
        {
            "id": account_id,
            "platform": "mastodon",
            "platform_account_id": INSTANCE_ACCOUNT,
            "name": "Facket på Mastodon",
            "organisation": "facket",
            "secret_name": f"uppsikt/accounts/{account_id}",
            "api_base": api.base_url,
        }
    )


def publish_registry(stack: Stack, *accounts: Account) -> None:
    """Publish, then give the functions a fresh container's runtime (its registry uncached)."""
    publish(
        stack.rt.s3,
        stack.settings.policy_bucket,
        registry_of(*accounts, organisations=(organisation("facket", policy_pack="kommunal"),)),
        stack.rt.pseudonymiser(),
    )
    stack.rt = runtime.Runtime(stack.settings, stack.session)
    runtime.install(stack.rt)


def one_mastodon_account(stack: Stack, api: FakeApi) -> Account:
    account = mastodon_account(api)
    assert account.secret_name is not None
    put_account_secret(
        stack.rt.secretsmanager, account.secret_name, "mastodon", {"access_token": TOKEN}
    )
    publish_registry(stack, account)
    return account


def queued(stack: Stack) -> list[dict[str, Any]]:
    bodies: list[dict[str, Any]] = []
    while True:
        batch = stack.rt.sqs.receive_message(
            QueueUrl=stack.settings.ingest_queue_url, MaxNumberOfMessages=10
        ).get("Messages", [])
        if not batch:
            return bodies
        for message in batch:
            bodies.append(json.loads(message["Body"]))
            stack.rt.sqs.delete_message(
                QueueUrl=stack.settings.ingest_queue_url, ReceiptHandle=message["ReceiptHandle"]
            )


# --- poll ----------------------------------------------------------------------------------------


def test_a_scheduled_poll_stores_the_answer_raw_and_queues_each_mapped_event_once(
    stack: Stack, api: FakeApi
) -> None:
    one_mastodon_account(stack, api)
    api.route("GET", NOTIFICATIONS, Reply.file(RUN_1))

    result = invoke_poll()

    (stream,) = result["streams"]
    assert stream["account_key"] == "facket-mastodon"
    assert stream["stream"] == "mastodon.notifications"
    assert (stream["status"], stream["detail"]) == ("complete", "")
    counts = {k: stream[k] for k in ("pages", "emitted", "already_seen", "ignored", "unmapped")}
    assert counts == {"pages": 1, "emitted": 4, "already_seen": 0, "ignored": 0, "unmapped": 0}
    json.dumps(result)  # what the function returns must serialise

    (request,) = api.calls(NOTIFICATIONS)
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.query["types[]"] == ["mention", "quote"]
    assert "min_id" not in request.query  # the first run ever: the newest page

    (key,) = stack.keys(stack.settings.raw_bucket, "polls/mastodon/")
    digest = hashlib.sha256(RUN_1.read_bytes()).hexdigest()
    # Kept under the account's organisation, which its cursor row names too.
    assert key.startswith("polls/mastodon/facket/facket-mastodon/mastodon.notifications/")
    assert key.endswith(f"/{digest}.json")
    assert stack.rt.raw_deliveries.get(key) == RUN_1.read_bytes()
    head = stack.rt.s3.head_object(Bucket=stack.settings.raw_bucket, Key=key)
    assert head["Metadata"]["org-id"] == "facket"
    cursor = Cursors(stack.rt.dynamodb, stack.settings.poll_state_table)
    assert cursor.load("facket-mastodon", "mastodon.notifications").org_id == "facket"
    rows = stack.rt.dynamodb.scan(TableName=stack.settings.poll_state_table)["Items"]
    ledger = [r for r in rows if r["pk"]["S"].startswith("emitted#")]
    assert len(ledger) == 4
    assert {r["org_id"]["S"] for r in ledger} == {"facket"}

    events = [m["event"] for m in queued(stack)]
    assert sorted(e["item_id"] for e in events) == [
        "113541200000000901",
        "113541200000000902",
        "113541200000000903",
        "113541200000000904",
    ]
    assert {e["account_id"] for e in events} == {INSTANCE_ACCOUNT}
    assert {e["raw"]["key"] for e in events} == {key}
    assert "jonas_b" not in json.dumps(events)  # authors travel as pseudonyms


def test_a_second_poll_with_the_same_answer_queues_nothing_new(stack: Stack, api: FakeApi) -> None:
    one_mastodon_account(stack, api)
    api.route("GET", NOTIFICATIONS, Reply.file(RUN_1))  # even an instance that ignores min_id
    first = invoke_poll()["streams"][0]
    assert first["emitted"] == len(queued(stack)) == 4

    (second,) = invoke_poll()["streams"]

    assert second["status"] == "complete"
    assert (second["emitted"], second["already_seen"]) == (0, 4)
    assert queued(stack) == []
    assert len(stack.keys(stack.settings.raw_bucket, "polls/mastodon/")) == 1
    later = api.calls(NOTIFICATIONS)[-1]
    assert later.query["min_id"] == [RUN_1_TOP]  # the cursor was kept between invocations


def test_a_poll_the_instance_refuses_alerts_the_operator_and_queues_nothing(
    stack: Stack, api: FakeApi
) -> None:
    one_mastodon_account(stack, api)
    api.route("GET", NOTIFICATIONS, Reply.json({"error": "The access token is invalid"}, 401))

    (stream,) = invoke_poll()["streams"]

    assert (stream["status"], stream["detail"]) == ("rejected", "HTTP 401")
    assert queued(stack) == []
    alerts = [m for m in stack.inbox() if "refused to poll" in m.get("Subject", "")]
    assert len(alerts) == 1
    assert "facket-mastodon" in alerts[0]["Subject"]
    assert TOKEN not in json.dumps(alerts)


def test_before_the_first_registry_is_published_every_scheduled_job_succeeds_saying_so_once(
    stack: Stack, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(waiting, "_told", set())  # a fresh container
    stack.rt.s3.delete_object(Bucket=stack.settings.policy_bucket, Key=REGISTRY_KEY)
    jobs = {"poll": poll, "renew_websub": renew_websub, "clock_tick": clock_tick}
    jobs |= {"audit_checkpoint": audit_checkpoint}

    with caplog.at_level(logging.INFO, logger="uppsikt.schedule"):
        for _ in range(2):
            for name, job in jobs.items():
                assert job(scheduled_event(name), LocalContext(f"t-{name}")) == waiting.SKIPPED

    said = [r for r in caplog.records if r.name == "uppsikt.schedule"]
    assert sorted(r.getMessage().split(":")[0] for r in said) == sorted(jobs)
    assert {r.levelno for r in said} == {logging.INFO}
    assert all("uppsikt accounts publish" in r.getMessage() for r in said)


def test_a_published_registry_that_cannot_be_read_still_fails_the_poll(stack: Stack) -> None:
    stack.rt.s3.put_object(
        Bucket=stack.settings.policy_bucket, Key=REGISTRY_KEY, Body=b'{"accounts": 3}'
    )

    with pytest.raises(RegistryUnavailable, match="invalid"):
        invoke_poll()


def test_an_account_whose_secret_is_not_set_yet_does_not_stop_the_poll_of_the_others(
    stack: Stack, api: FakeApi
) -> None:
    waiting = mastodon_account(api, "waiting-mastodon")  # its secret was never stored
    ready = mastodon_account(api, "facket-mastodon")
    assert ready.secret_name is not None
    put_account_secret(
        stack.rt.secretsmanager, ready.secret_name, "mastodon", {"access_token": TOKEN}
    )
    publish_registry(stack, waiting, ready)
    api.route("GET", NOTIFICATIONS, Reply.file(RUN_1))

    streams = invoke_poll()["streams"]

    assert [(s["account_key"], s["status"]) for s in streams] == [
        ("waiting-mastodon", "failed"),
        ("facket-mastodon", "complete"),
    ]
    assert len(queued(stack)) == streams[1]["emitted"] == 4
    assert len(api.calls(NOTIFICATIONS)) == 1  # only the account with credentials asked
    alerts = [m for m in stack.inbox() if "waiting-mastodon" in m.get("Subject", "")]
    assert len(alerts) == 1


# --- renew_websub --------------------------------------------------------------------------------


def test_without_a_public_base_url_the_renewal_says_so_and_asks_no_hub(stack: Stack) -> None:
    assert invoke_renew() == {
        "renewals": [
            {
                "account": "seko-youtube",
                "status": "no_callback",
                "detail": "UPPSIKT_PUBLIC_BASE_URL is empty",
            }
        ]
    }


def test_a_channel_is_subscribed_at_the_hub_and_not_again_once_the_hub_verified_it(
    stack: Stack, api: FakeApi
) -> None:
    settings = stack.settings.model_copy(
        update={"public_base_url": PUBLIC_BASE, "websub_hub_url": api.base_url + "/subscribe"}
    )
    stack.rt = runtime.Runtime(settings, stack.session)
    runtime.install(stack.rt)
    api.route("POST", "/subscribe", Reply(202))

    assert invoke_renew() == {
        "renewals": [{"account": "seko-youtube", "status": "renewed", "detail": ""}]
    }

    (request,) = api.calls("/subscribe")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    sent = parse_qs(request.body.decode())
    topic = topic_for("UCfackNordenDemoKanal001")
    assert sent["hub.mode"] == ["subscribe"]
    assert sent["hub.topic"] == [topic]
    assert sent["hub.callback"] == [f"{PUBLIC_BASE}/webhooks/youtube/seko-youtube"]
    assert sent["hub.secret"] == [ACCOUNT_SECRETS["seko-youtube"]["websub_secret"]]

    # The hub verifies intent at the callback; the route records the lease it grants.
    with Client(app) as client:
        query = (
            f"hub.mode=subscribe&hub.topic={topic}&hub.challenge=ch4ll3nge&hub.lease_seconds=432000"
        )
        response = client.http.get(f"/webhooks/youtube/seko-youtube?{query}")
    assert (response.status_code, response.body) == (200, b"ch4ll3nge")

    assert invoke_renew()["renewals"] == [
        {"account": "seko-youtube", "status": "not_due", "detail": ""}
    ]
    assert len(api.calls("/subscribe")) == 1
