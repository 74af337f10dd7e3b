"""Handler results read as metrics (uppsikt/observability/signals.py), and the metric catalogue
that the alarms rely on."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from uppsikt.notify.incoming import ForTheOperator, parse
from uppsikt.observability import metrics, signals
from uppsikt.observability.metrics import Recorder


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    fresh = Recorder(sink=lambda line: None)
    monkeypatch.setattr(metrics, "recorder", fresh)
    return fresh


def totals(recorder: Recorder) -> dict[str, float]:
    found: dict[str, float] = {}
    for blob in recorder.flush():
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        (dims,) = directive["Dimensions"]
        suffix = "".join(f"[{blob[d]}]" for d in dims)
        for metric in directive["Metrics"]:
            found[metric["Name"] + suffix] = sum(blob[metric["Name"]])
    return found


def test_failed_and_refused_streams_count_as_poll_failures(recorder: Recorder) -> None:
    signals.polled(
        {
            "streams": [
                {"status": "complete", "emitted": 3},
                {"status": "failed", "emitted": 0},
                {"status": "rejected", "emitted": 0},
                {"status": "rate_limited", "emitted": 1},
            ]
        }
    )
    assert totals(recorder) == {
        "PollOutcomes[complete]": 1,
        "PollOutcomes[failed]": 1,
        "PollOutcomes[rejected]": 1,
        "PollOutcomes[rate_limited]": 1,
        "PollFailures": 2,
        "ItemsPolled": 4,
    }


def test_purge_outcomes_are_summed_over_retention_classes(recorder: Recorder) -> None:
    receipt = {
        "totals": {"working_capture": {"deleted": 4}, "evidence": {"deleted": 1, "kept:hold": 2}}
    }
    signals.purged({"receipts": [receipt, receipt]})
    assert totals(recorder) == {"PurgeOutcomes[deleted]": 10, "PurgeOutcomes[kept:hold]": 4}


def test_a_clock_tick_counts_its_alerts_steps_and_silences(recorder: Recorder) -> None:
    signals.ticked({"alerts": 2, "steps": {"at_risk": 1, "breached": 1}, "silences": [{}]})
    assert totals(recorder) == {
        "ClockAlerts": 2,
        "ClockSteps[at_risk]": 1,
        "ClockSteps[breached]": 1,
        "CadenceSilences": 1,
    }


def test_a_dimension_value_that_is_not_a_code_is_counted_as_other(recorder: Recorder) -> None:
    signals.polled({"streams": [{"status": "Jens Nielsen 211062-5629", "emitted": 0}]})
    assert totals(recorder) == {"PollOutcomes[other]": 1}


def test_a_metric_outside_the_catalogue_or_with_other_dimensions_is_refused(
    recorder: Recorder,
) -> None:
    with pytest.raises(ValueError, match="Heartbeat"):
        metrics.count("Heartbeat")
    with pytest.raises(ValueError, match="Unknown"):
        metrics.count("Unknown")


def test_a_flush_writes_one_emf_line_per_dimension_set_and_starts_again() -> None:
    lines: list[str] = []
    recorder = Recorder(sink=lines.append)
    recorder.count("FlagsRaised", severity="legal")
    recorder.count("FlagsRaised", severity="legal")
    recorder.count("FlagsRaised", severity="advisory")
    recorder.count("ItemsEvaluated", outcome="clean")
    recorder.flush()
    assert len(lines) == 3
    legal = next(json.loads(x) for x in lines if '"legal"' in x)
    assert legal["FlagsRaised"] == [2.0]
    assert legal["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["severity"]]
    assert recorder.flush() == []


# The alerts topic carries CloudWatch alarm notifications and Lambda failure-destination records
# to the notifier's queue too: they are the operator's (AlertEmail), not dead letters.
ALARM = {
    "AlarmName": "uppsikt-PollHeartbeatAlarm-1A2B3C",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 3 datapoints were less than the threshold (1.0).",
    "Trigger": {"MetricName": "Heartbeat", "Namespace": "Uppsikt"},
}
FAILED_RUN = {
    "version": "1.0",
    "requestContext": {"condition": "RetriesExhausted", "approximateInvokeCount": 3},
    "requestPayload": {"detail-type": "Scheduled Event", "source": "aws.events"},
    "responsePayload": {"errorType": "RegistryUnavailable", "errorMessage": "..."},
}


@pytest.mark.parametrize("message", [ALARM, FAILED_RUN], ids=["alarm", "failed-run"])
def test_alarm_and_failed_run_messages_are_left_to_the_operators_email(
    message: dict[str, object],
) -> None:
    with pytest.raises(ForTheOperator):
        parse(json.dumps(message), {}, datetime(2026, 12, 2, tzinfo=UTC))


def test_the_dimensions_are_exactly_ours_even_with_a_powertools_service_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Lambda sets POWERTOOLS_SERVICE_NAME (chalice.json); Powertools would add it as a dimension,
    # and the heartbeat alarm, which names `job` only, would watch a metric nobody emits.
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "uppsikt")
    recorder = Recorder(sink=lambda line: None)
    recorder.count("Heartbeat", job="poll")
    (blob,) = recorder.flush()
    assert blob["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["job"]]


def test_with_metrics_disabled_a_flush_writes_nothing_and_forgets_the_counts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")  # the local stack's setting
    lines: list[str] = []
    recorder = Recorder(sink=lines.append)
    recorder.count("PollFailures")
    assert recorder.flush() == []
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED")
    assert recorder.flush() == []
    assert lines == []
