"""Counts in CloudWatch's embedded metric format (EMF), namespace `Uppsikt`.

Code anywhere below a handler calls `count(name, **dimensions)`; the handler's middleware
flushes once per invocation, one EMF line per dimension set (EMF allows one set per line), so a
batch of a hundred evaluations is a handful of lines, not a hundred. Powertools' EMF provider
writes each line, so its validation (names, units, the 29-metric and 9-dimension limits) holds.
Dimensions are codes (platform, severity, outcome, job), never ids or content: each distinct
value is a separate, billed metric.

`METRICS` names every metric and its dimensions; infra/observability.yaml alarms on some of them
and a test checks that every alarm names a metric listed here with exactly these dimensions.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

NAMESPACE = "Uppsikt"

METRICS: dict[str, tuple[str, ...]] = {
    "DeliveriesAccepted": ("platform",),  # signed, stored raw, answered 200
    "DeliveriesQuarantined": ("platform",),  # signed but unreadable or unregistered
    "DeliveriesRejected": ("platform", "status"),  # answered 4xx/5xx (status: the HTTP status)
    "ItemsQueued": ("platform",),  # items a delivery put on the ingest queue
    "ItemsEvaluated": ("outcome",),  # clean, flagged, ignored, dead_lettered, ...
    "FlagsRaised": ("severity",),  # new flags (a redelivery of a flagged item is not counted)
    "DeadLetterSends": ("queue",),  # ingest or notify
    "PollOutcomes": ("status",),  # one per polled stream per run
    "PollFailures": (),  # streams whose run failed or was rejected (alarmed)
    "ItemsPolled": (),  # events the pollers queued
    "PurgeOutcomes": ("outcome",),  # objects and rows deleted, kept (and why), ...
    "ClockAlerts": (),  # alerts the clock tick published
    "ClockSteps": ("step",),  # at_risk, breached, escalated, ...
    "CadenceSilences": (),  # official accounts flagged for silence
    "Heartbeat": ("job",),  # a scheduled job finished (alarmed when missing)
    "JobFailures": ("job",),  # a scheduled job raised
}


def _print(line: str) -> None:
    print(line, flush=True)


class Recorder:
    """Counts gathered during an invocation, written as EMF when flushed."""

    def __init__(self, sink: Callable[[str], None] = _print) -> None:
        self.sink = sink
        self._counts: dict[tuple[tuple[str, str], ...], dict[str, float]] = {}
        self._lock = threading.Lock()

    def count(self, name: str, value: float = 1, **dimensions: str) -> None:
        expected = METRICS.get(name)
        if expected is None or set(dimensions) != set(expected):
            # A programming error: an alarm would silently watch a metric nobody emits.
            raise ValueError(f"metric {name} takes dimensions {expected}")
        if value == 0:
            return
        key = tuple(sorted(dimensions.items()))
        with self._lock:
            metrics = self._counts.setdefault(key, {})
            metrics[name] = metrics.get(name, 0) + value

    def flush(self) -> list[dict[str, Any]]:
        """Write what was counted (one line per dimension set) and start again; returns the
        blobs written."""
        from aws_lambda_powertools.metrics.functions import is_metrics_disabled
        from aws_lambda_powertools.metrics.provider.cloudwatch_emf.cloudwatch import (
            AmazonCloudWatchEMFProvider,
        )

        with self._lock:
            counts, self._counts = self._counts, {}
        blobs: list[dict[str, Any]] = []
        if is_metrics_disabled():  # POWERTOOLS_METRICS_DISABLED: the local stack sets it
            return blobs
        for dimensions, metrics in sorted(counts.items()):
            # No service and no default dimensions: the dimension set is exactly ours, which is
            # what the alarms in infra/observability.yaml name.
            # Powertools would add `service` (from POWERTOOLS_SERVICE_NAME) as a dimension.
            provider = AmazonCloudWatchEMFProvider(namespace=NAMESPACE)
            provider.service = ""
            for name, total in sorted(metrics.items()):
                provider.add_metric(name=name, unit="Count", value=total)
            for key, value in dimensions:
                provider.add_dimension(name=key, value=value)
            blob = dict(provider.serialize_metric_set())
            self.sink(json.dumps(blob, separators=(",", ":")))
            blobs.append(blob)
        return blobs


recorder = Recorder()


def count(name: str, value: float = 1, **dimensions: str) -> None:
    recorder.count(name, value, **dimensions)


def flush() -> list[dict[str, Any]]:
    return recorder.flush()
