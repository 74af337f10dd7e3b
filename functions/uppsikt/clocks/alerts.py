"""The alert a clock's step raises, as the notifier (issue 11's other half) reads it from the
AlertsTopic: a JSON body and the message attributes subscribers filter on."""

from __future__ import annotations

import json

from uppsikt.clocks.machine import AlertType
from uppsikt.clocks.model import Clock
from uppsikt.clocks.ports import AlertSink

# Breaches and escalations are worth more than the rule's own severity: a question unanswered
# past its target is advisory, its escalation is mandatory (the next level must act).
_RAISED = {"advisory": "mandatory", "mandatory": "legal", "legal": "legal"}


def severity_of(clock: Clock, alert: AlertType) -> str:
    if alert in (AlertType.ESCALATED, AlertType.DEADLINE_DUE):
        return _RAISED.get(clock.severity, clock.severity)
    return clock.severity


def alert_body(clock: Clock, alert: AlertType) -> dict[str, str | None]:
    body: dict[str, str | None] = {
        "type": alert.value,
        "org_id": clock.org_id,
        "clock_id": clock.clock_id,
        "kind": clock.subject,
        "severity": severity_of(clock, alert),
        "account_id": clock.account_id,
        "platform": clock.platform,
        "due_at": clock.due_at.isoformat(),
    }
    if clock.excerpt:
        body["excerpt"] = clock.excerpt  # masked when the clock started, names hidden
    return body


def send(sink: AlertSink, clock: Clock, alert: AlertType) -> str:
    body = alert_body(clock, alert)
    subject = f"Uppsikt {alert.value}: {clock.subject} ({clock.org_id})"
    attributes = {"org_id": clock.org_id, "type": alert.value, "severity": str(body["severity"])}
    return sink.publish(subject[:99], json.dumps(body, ensure_ascii=False), attributes)
