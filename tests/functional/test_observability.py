"""What the functions say while they run (uppsikt/observability): one JSON line per event with
its correlation id, INFO lines in the API function, EMF counts for a real run on the embedded
AWS, a heartbeat from each scheduled job, and no personal data anywhere in any of it."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from app import app, audit_checkpoint, evaluate, poll
from support.events import scheduled_event
from support.paths import REPO
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.accounts.errors import RegistryUnavailable
from uppsikt.accounts.store import KEY as REGISTRY_KEY
from uppsikt.local.lambda_context import LocalContext
from uppsikt.observability import metrics
from uppsikt.observability.metrics import NAMESPACE

NAME, CPR = "Jens Nielsen", "211062-5629"
TEXT = f"Mit CPR er {CPR}, kan I tjekke om min a-kasse er betalt?"
PERSONAL = (NAME, "Jens", "Nielsen", CPR, "5629", "a-kasse er betalt", "7300112233449876")


@dataclass
class Captured:
    """The JSON lines the `uppsikt` logger's one handler wrote, and the EMF blobs flushed."""

    stream: io.StringIO = field(default_factory=io.StringIO)
    blobs: list[str] = field(default_factory=list)

    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]

    def emf(self) -> list[dict[str, Any]]:
        return [json.loads(blob) for blob in self.blobs]

    def totals(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """Every metric value by name and dimensions, summed over the blobs."""
        found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        for blob in self.emf():
            (directive,) = blob["_aws"]["CloudWatchMetrics"]
            (dimensions,) = directive["Dimensions"]
            dims = tuple(sorted((d, blob[d]) for d in dimensions))
            for metric in directive["Metrics"]:
                key = (metric["Name"], dims)
                found[key] = found.get(key, 0) + sum(blob[metric["Name"]])
        return found


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[Captured]:
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)  # as in Lambda
    seen = Captured()
    tree = logging.getLogger("uppsikt")
    handler = tree.powertools_handler  # type: ignore[attr-defined]
    previous = handler.setStream(seen.stream)
    level = tree.level
    tree.setLevel(logging.INFO)  # as in Lambda (the local stack turns it down to WARNING)
    sink, metrics.recorder.sink = metrics.recorder.sink, seen.blobs.append
    metrics.flush()  # nothing left over from an earlier test
    seen.blobs.clear()
    try:
        yield seen
    finally:
        handler.setStream(previous)
        tree.setLevel(level)
        metrics.recorder.sink = sink


def delivery() -> bytes:
    """A Facebook Page delivery: a named commenter writing their CPR, and a clean comment."""
    value = {
        "item": "comment",
        "verb": "add",
        "post_id": "104729561234567_870011223344",
        "parent_id": "104729561234567_870011223344",
        "created_time": 1763711970,
    }
    changes = [
        {
            "field": "feed",
            "value": {
                **value,
                "comment_id": "870011223344_870055669901",
                "from": {"id": "7300112233449876", "name": NAME},
                "message": TEXT,
            },
        },
        {
            "field": "feed",
            "value": {
                **value,
                "comment_id": "870011223344_870055669902",
                "from": {"id": "7300112233440001", "name": "Mette Hansen"},
                "message": "Tak for et godt møde i går.",
            },
        },
    ]
    entry = {"id": "104729561234567", "time": 1763712000, "changes": changes}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def poison() -> str:
    """A queue message that can never be evaluated, carrying the personal data in its body."""
    return json.dumps({"kind": "event", "event": {"text": TEXT, "author_name": NAME}})


def run_pipeline(stack: Stack) -> list[str]:
    """Webhook in, then the consumer over what it queued plus one poison message; returns the
    message ids in the batch."""
    stack.publish_policy()
    stack.post_meta(delivery())
    records = [sqs_record(body) for body in stack.take_queued()] + [sqs_record(poison())]
    result = evaluate(sqs_event(*records), LocalContext("uppsikt-test-evaluate"))
    assert len(result["batchItemFailures"]) == 0
    return [r["messageId"] for r in records]


def test_in_a_fresh_api_function_a_line_is_written_once_as_json_and_info_gets_through() -> None:
    # A fresh interpreter, as a cold Lambda container: the runtime's handler on the root logger
    # first (Lambda installs one before it imports the handler module), then `import app`.
    probe = (
        "import json, logging, sys;"
        "logging.basicConfig(stream=sys.stderr, level=logging.INFO);"
        "import app;"
        "tree = logging.getLogger('uppsikt');"
        "logging.getLogger('uppsikt.evaluate').info('probe line');"
        "print(json.dumps([app.app.configure_logs, len(tree.handlers),"
        " logging.getLogger('uppsikt.webhooks').getEffectiveLevel()]))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERTOOLS_")}
    env["PYTHONPATH"] = str(REPO / "functions")
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    configure_logs, handlers, level = json.loads(result.stdout.splitlines()[-1])
    assert (result.stdout + result.stderr).count("probe line") == 1  # once, as JSON
    assert json.loads(result.stdout.splitlines()[0])["message"] == "probe line"
    assert configure_logs is False  # Chalice adds no handler and no ERROR level of its own
    assert handlers == 1
    assert level == logging.INFO


def test_each_evaluated_message_is_logged_once_as_json_under_its_own_message_id(
    stack: Stack, captured: Captured
) -> None:
    message_ids = run_pipeline(stack)
    lines = captured.lines()
    assert all(line["service"] == "uppsikt" and "level" in line for line in lines)
    evaluated = [line for line in lines if line["message"] == "evaluated"]
    dead = [line for line in lines if line["message"] == "dead-lettered"]
    assert sorted(line["correlation_id"] for line in evaluated + dead) == sorted(message_ids)
    accepted = [line for line in lines if line["message"] == "delivery accepted"]
    assert len(accepted) == 1  # the API function's INFO line, once
    assert accepted[0]["level"] == "INFO"
    assert accepted[0]["correlation_id"]  # the request's id
    assert accepted[0]["correlation_id"] not in message_ids
    assert all(line["function_request_id"] for line in evaluated + dead + accepted)


def test_nothing_personal_reaches_a_log_line_or_a_metric(
    stack: Stack, captured: Captured, capfd: pytest.CaptureFixture[str]
) -> None:
    run_pipeline(stack)
    written = capfd.readouterr()
    everything = captured.stream.getvalue() + "".join(captured.blobs) + written.out + written.err
    assert "dead-lettered" in everything  # it did log
    assert "evaluated" in everything
    for value in PERSONAL:
        assert value not in everything


def test_a_run_on_the_embedded_aws_emits_emf_counts_for_deliveries_items_flags_and_dead_letters(
    stack: Stack, captured: Captured
) -> None:
    run_pipeline(stack)
    for blob in captured.emf():
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == NAMESPACE
        assert isinstance(blob["_aws"]["Timestamp"], int)
        for metric in directive["Metrics"]:
            assert metric["Unit"] == "Count"
            assert metric["Name"] in blob
    totals = captured.totals()
    assert totals[("DeliveriesAccepted", (("platform", "facebook"),))] == 1
    assert totals[("ItemsQueued", (("platform", "facebook"),))] == 2
    assert totals[("ItemsEvaluated", (("outcome", "flagged"),))] == 1
    assert totals[("ItemsEvaluated", (("outcome", "clean"),))] == 1
    assert totals[("ItemsEvaluated", (("outcome", "dead_lettered"),))] == 1
    assert totals[("FlagsRaised", (("severity", "legal"),))] == 1
    assert totals[("DeadLetterSends", (("queue", "ingest"),))] == 1


def test_a_forged_delivery_is_counted_as_rejected_with_its_status(
    stack: Stack, captured: Captured
) -> None:
    from chalice.test import Client

    with Client(app) as client:
        response = client.http.post(
            "/webhooks/meta",
            headers={"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=00"},
            body=delivery(),
        )
    assert response.status_code == 401
    assert captured.totals() == {
        ("DeliveriesRejected", (("platform", "facebook"), ("status", "401"))): 1
    }


def test_a_scheduled_job_that_finishes_emits_its_heartbeat_under_the_events_id(
    stack: Stack, captured: Captured
) -> None:
    event = scheduled_event()
    audit_checkpoint(event, LocalContext("uppsikt-test-audit-checkpoint"))
    assert captured.totals()[("Heartbeat", (("job", "audit_checkpoint"),))] == 1
    done = [line for line in captured.lines() if line["message"] == "scheduled job done"]
    assert [line["correlation_id"] for line in done] == [event["id"]]


def test_a_scheduled_job_that_fails_emits_no_heartbeat_but_a_failure_and_still_raises(
    stack: Stack, captured: Captured
) -> None:
    # Published but unreadable (a registry not yet published is waited for quietly instead).
    stack.rt.s3.put_object(
        Bucket=stack.settings.policy_bucket, Key=REGISTRY_KEY, Body=b"\x00 not a registry"
    )
    with pytest.raises(RegistryUnavailable):
        poll(scheduled_event(), LocalContext("uppsikt-test-poll"))
    totals = captured.totals()
    assert totals == {("JobFailures", (("job", "poll"),)): 1}
    (failed,) = [line for line in captured.lines() if line["message"] == "scheduled job failed"]
    assert failed["level"] == "ERROR"
    assert failed["error"].startswith("RegistryUnavailable")
