"""Faults on the embedded AWS: duplicates, disorder, poison, transient and throttled services,
and a function killed mid-batch. In every case `reconcile` and the stores must show each item
ending exactly once in exactly one place (evaluated record, flag, or dead letter with a reason).
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.faults import Consumer, failing
from support.stack import Stack
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.operations.dlq import list_dead_letters, redrive
from uppsikt.operations.reconcile import Reconciliation, reconcile

PAGE_ID = "104729561234567"
POST_ID = f"{PAGE_ID}_870011223344"
CPR_TEXT = "Mit CPR er 211062-5629, kan I tjekke om min a-kasse er betalt?"
CLEAN_TEXT = "Tak for et godt møde i går, det var rigtig godt at høre om overenskomsten."
_ids = itertools.count(1)


def comment(text: str, verb: str = "add", comment_id: str | None = None) -> dict[str, Any]:
    value: dict[str, Any] = {
        "item": "comment",
        "verb": verb,
        "comment_id": comment_id or f"870011223344_77{next(_ids):08d}",
        "post_id": POST_ID,
        "parent_id": POST_ID,
        "from": {"id": "7300112233449876"},
        "created_time": 1763711950 + next(_ids),
    }
    if verb != "remove":
        value["message"] = text
    return value


def delivery(*values: dict[str, Any]) -> bytes:
    changes = [{"field": "feed", "value": v} for v in values]
    entry = {"id": PAGE_ID, "time": 1763712000, "changes": changes}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def mixed(clean: int = 3, cpr: int = 2) -> bytes:
    """A delivery of clean comments and comments that must be flagged."""
    values = [comment(CLEAN_TEXT) for _ in range(clean)] + [comment(CPR_TEXT) for _ in range(cpr)]
    return delivery(*values)


@pytest.fixture
def since() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


@pytest.fixture
def live(stack: Stack) -> Stack:
    stack.publish_policy()
    return stack


def redriven(stack: Stack, since: datetime) -> Reconciliation:
    """Redrive the dead-letter queue, let the consumer drain it, and reconcile (`settled`)."""
    redrive(stack.rt.sqs, stack.settings.ingest_dlq_url, stack.settings.ingest_queue_url)
    Consumer(stack).drain()
    return settled(stack, since)


def settled(stack: Stack, since: datetime) -> Reconciliation:
    """Reconcile, and check the stores agree: one record per event, one flag per flagged event,
    and every flag notified exactly once."""
    result = reconcile(stack.rt, since)
    items = Items(stack.rt.dynamodb, stack.settings.items_table).scan()
    records = Counter(i["event_id"] for i in items if "kind" not in i)
    assert all(n == 1 for n in records.values())
    flags = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert all(f.get("notification_id") for f in flags), "a flag was never notified"
    notified = Counter(
        json.loads(m["Message"])["flag_id"]
        for m in stack.inbox()
        if m.get("Subject", "").startswith("Uppsikt") and "flag" in m.get("Subject", "")
    )
    assert sorted(notified) == sorted(f["flag_id"] for f in flags)
    assert result.total.flagged == len(flags)
    return result


def test_a_clean_run_reconciles_with_no_gap(live: Stack, since: datetime) -> None:
    live.post_meta(mixed(clean=3, cpr=2))
    Consumer(live).drain()
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.items, result.total.evaluated, result.total.flagged) == (5, 3, 2)
    assert result.total.deliveries == 1


def test_reconcile_reports_an_item_that_never_reached_an_outcome(
    live: Stack, since: datetime
) -> None:
    live.post_meta(mixed(clean=2, cpr=0))
    live.take_queued()  # lost between the queue and evaluation
    result = reconcile(live.rt, since)
    assert not result.ok
    assert result.total.missing == 2
    assert len(result.missing_ids) == 2


def test_an_item_dead_lettered_twice_is_a_gap_until_redriven_and_then_ends_once(
    live: Stack, since: datetime
) -> None:
    live.post_meta(mixed(clean=1, cpr=0))
    (body,) = live.take_queued()
    for _ in range(2):  # as two failed deliveries of the same message would leave it
        live.rt.sqs.send_message(QueueUrl=live.settings.ingest_dlq_url, MessageBody=body)
    stuck = reconcile(live.rt, since)
    assert (stuck.total.duplicated, stuck.total.unfinished, stuck.ok) == (1, 0, False)
    assert "duplicated (dead-lettered twice)" in stuck.render()
    result = redriven(live, since)
    assert result.ok, result.render()
    assert (result.total.items, result.total.evaluated, result.total.dead_lettered) == (1, 1, 0)


def test_the_same_delivery_three_times_ends_once(live: Stack, since: datetime) -> None:
    body = mixed(clean=2, cpr=1)
    receipts = [live.post_meta(body) for _ in range(3)]
    assert len({r["delivery"] for r in receipts}) == 1  # stored once, under its digest
    Consumer(live).drain()
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.items, result.total.evaluated, result.total.flagged) == (3, 2, 1)


def test_a_deletion_or_edit_before_its_create_ends_once(live: Stack, since: datetime) -> None:
    deleted, edited = f"870011223344_66{next(_ids):08d}", f"870011223344_66{next(_ids):08d}"
    live.post_meta(delivery(comment("", verb="remove", comment_id=deleted)))
    live.post_meta(delivery(comment(CLEAN_TEXT + " (rettet)", verb="edited", comment_id=edited)))
    Consumer(live).drain()
    live.post_meta(delivery(comment(CLEAN_TEXT, comment_id=deleted)))
    live.post_meta(delivery(comment(CPR_TEXT, comment_id=edited)))
    Consumer(live).drain()
    result = settled(live, since)
    assert result.ok, result.render()
    # The deleted item's create is not kept (retention row 1); the edited one's create flags.
    assert result.total.purged == 1
    assert (result.total.items, result.total.flagged) == (4, 1)


def test_a_poison_message_and_an_unmappable_change_fail_alone(live: Stack, since: datetime) -> None:
    broken = {"item": "comment", "verb": "add", "comment_id": 12, "post_id": None}
    live.post_meta(delivery(comment(CLEAN_TEXT), broken, comment(CPR_TEXT)))
    live.rt.sqs.send_message(QueueUrl=live.settings.ingest_queue_url, MessageBody="{not json")
    Consumer(live).drain()
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.evaluated, result.total.flagged, result.total.dead_lettered) == (1, 1, 1)
    letters = list_dead_letters(live.rt.sqs, live.settings.ingest_dlq_url)
    assert len(letters) == 2  # the pointer to the broken change, and the poison message
    assert all(letter.permanent and letter.reason for letter in letters)


@pytest.mark.parametrize(
    ("fault", "nth", "code"),
    [
        ("s3.PutObject", 2, "InternalError"),  # the second flag's evidence
        ("dynamodb.PutItem", 4, "InternalServerError"),
        ("sns.Publish", 2, "InternalFailure"),  # the second flag's notification
    ],
)
def test_a_transient_failure_mid_batch_loses_and_repeats_nothing(
    live: Stack, since: datetime, fault: str, nth: int, code: str
) -> None:
    live.post_meta(mixed(clean=3, cpr=3))
    service, operation = fault.split(".")
    client = getattr(live.rt, service)
    # Outlasts botocore's three attempts once, mid-batch: the item fails and SQS retries it.
    with failing(client, operation, nth=nth, times=3, code=code, status=500) as injected:
        consumer = Consumer(live)
        consumer.drain()
    assert injected.injected == 3
    assert consumer.failures >= 1  # the item failed alone and came back
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.evaluated, result.total.flagged, result.total.dead_lettered) == (3, 3, 0)


@pytest.mark.parametrize(
    ("service", "operation", "code"),
    [
        ("dynamodb", "PutItem", "ProvisionedThroughputExceededException"),
        ("dynamodb", "Query", "ThrottlingException"),
        ("sns", "Publish", "Throttling"),
    ],
)
def test_a_throttled_downstream_is_retried_not_lost(
    live: Stack, since: datetime, service: str, operation: str, code: str
) -> None:
    live.post_meta(mixed(clean=2, cpr=2))
    with failing(getattr(live.rt, service), operation, nth=2, times=2, code=code, status=400):
        Consumer(live).drain()  # botocore's own retries absorb two throttles
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.evaluated, result.total.flagged) == (2, 2)


@pytest.mark.parametrize(
    ("service", "operation", "nth"),
    [
        ("dynamodb", "PutItem", 3),  # after some records are written
        ("sns", "Publish", 1),  # after a flag is written, before its notification
        ("dynamodb", "UpdateItem", 1),  # mid-item: a question's thread, or a flag's notification
        ("dynamodb", "BatchWriteItem", 1),  # after every item's work, before the batch's record
    ],
)
def test_a_function_killed_mid_batch_is_redelivered_and_ends_once(
    live: Stack, since: datetime, service: str, operation: str, nth: int
) -> None:
    live.post_meta(mixed(clean=3, cpr=3))
    with failing(getattr(live.rt, service), operation, nth=nth, kill=True):
        consumer = Consumer(live)
        consumer.drain()
    assert consumer.kills == 1
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.evaluated, result.total.flagged, result.total.dead_lettered) == (3, 3, 0)


@pytest.mark.parametrize(
    ("service", "operation"), [("s3", "PutObject"), ("sqs", "SendMessageBatch")]
)
def test_a_failing_store_or_queue_at_ingest_answers_503_so_the_platform_retries(
    live: Stack, since: datetime, service: str, operation: str
) -> None:
    from chalice.test import Client

    from app import app
    from uppsikt.platforms.meta import signature

    body = mixed(clean=2, cpr=1)
    headers = {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature.sign(body, live.app_secret),
    }
    with failing(getattr(live.rt, service), operation, times=3), Client(app) as client:
        response = client.http.post("/webhooks/meta", headers=headers, body=body)
    assert response.status_code == 503, response.body
    assert "InternalError" not in response.body.decode()
    live.post_meta(body)  # the platform's retry
    Consumer(live).drain()
    result = settled(live, since)
    assert result.ok, result.render()
    assert (result.total.deliveries, result.total.items) == (1, 3)


def test_the_cli_exits_1_on_a_gap_and_0_without_one(live: Stack, since: datetime) -> None:
    from click.testing import CliRunner

    from uppsikt.cli.main import cli

    live.post_meta(mixed(clean=2, cpr=1))
    Consumer(live).drain()
    args = ["reconcile", "--since", since.isoformat(), "--json"]
    clean = CliRunner().invoke(cli, args)
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.output)["total"]["items"] == 3
    live.post_meta(mixed(clean=1, cpr=0))
    live.take_queued()  # an item lost between the queue and evaluation
    gap = CliRunner().invoke(cli, args)
    assert gap.exit_code == 1
    assert json.loads(gap.output)["total"]["missing"] == 1
    other = CliRunner().invoke(cli, [*args, "--org", "kommunal"])
    assert other.exit_code == 0  # the gap is Seko's
    assert json.loads(other.output)["total"]["items"] == 0


def test_reconcile_lists_only_the_day_prefixes_since_the_moment_given(
    live: Stack, since: datetime
) -> None:
    live.post_meta(mixed(clean=1, cpr=0))
    old = (since - timedelta(days=3)).strftime("%Y/%m/%d")
    for n in range(5):  # older deliveries: outside the window, never listed
        live.rt.s3.put_object(
            Bucket=live.settings.raw_bucket,
            Key=f"deliveries/meta/seko/{old}/{n:064d}.json",
            Body=b"{}",
        )
    Consumer(live).drain()
    result = reconcile(live.rt, since)
    assert result.ok, result.render()
    assert (result.objects_listed, result.objects_read) == (1, 1)


def test_a_downstream_down_for_every_attempt_dead_letters_and_a_redrive_finishes_once(
    live: Stack, since: datetime
) -> None:
    live.post_meta(mixed(clean=1, cpr=1))
    with failing(live.rt.sns, "Publish", times=1_000, code="InternalFailure") as down:
        Consumer(live).drain()
    assert down.injected >= live.settings.max_receive_count
    (letter,) = list_dead_letters(live.rt.sqs, live.settings.ingest_dlq_url)
    assert "InternalFailure" in letter.reason
    # The flag was written before its notification failed: unfinished until redriven.
    stuck = reconcile(live.rt, since)
    assert (stuck.total.unfinished, stuck.total.duplicated, stuck.ok) == (1, 0, False)
    assert "unfinished (an outcome and a dead letter" in stuck.render()
    result = redriven(live, since)
    assert result.ok, result.render()
    assert (result.total.evaluated, result.total.flagged, result.total.dead_lettered) == (1, 1, 0)
