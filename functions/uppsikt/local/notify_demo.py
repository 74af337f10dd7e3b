"""The demo's notifications: officers' webhooks as local receivers, the notify queue consumed as
Lambda would, and the digest tick at the officers' digest time.

Seko's desk takes flags in Slack (legal and mandatory at once, advisory in the digest); the
authority's officer takes them in Teams. Whatever evaluation published during the demo is in
the notify queue already (the FlagsTopic and AlertsTopic deliver there raw); this consumes it,
then runs the hourly tick at the next digest time. It reports what each receiver got: the count,
the first immediate message's title and deep link, and the digest's title and lines.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from uppsikt import infra, runtime
from uppsikt.local.event_source import EventSourceMapping
from uppsikt.local.receiver import Receiver
from uppsikt.local.stack import EmbeddedAWS, _chalice_module
from uppsikt.model.verdict import Severity
from uppsikt.notify.routing import next_digest
from uppsikt.operations.notify import add_recipient

# Where the demo's deep links point (a deployment sets PublicBaseUrl).
CONSOLE = "https://uppsikt.example.org"


def run(aws: EmbeddedAWS, problems: list[str]) -> dict[str, Any]:
    settings = aws.settings.model_copy(
        update={"public_base_url": CONSOLE, "notify_allow_loopback_http": True}
    )
    rt = runtime.Runtime(settings, aws.session)
    runtime.install(rt)
    report: dict[str, Any] = {}
    try:
        with Receiver() as receivers:
            slack = add_recipient(
                rt,
                "seko",
                "slack",
                webhook_url=receivers.url("/services/T000/B000/seko-desk"),
                recipient_id="seko-desk",
                lang="sv",
                flags_from=Severity.ADVISORY,
            )
            add_recipient(
                rt,
                "eksempeletaten",
                "teams",
                webhook_url=receivers.url("/workflows/etaten?sig=demo"),
                recipient_id="etaten-officer",
                lang="nb",
                flags_from=Severity.ADVISORY,
            )
            assert settings.notify_queue_url is not None
            source = infra.event_source(infra.load(infra.FUNCTIONS), "Notify")
            mapping = EventSourceMapping(
                sqs=rt.sqs,
                queue_url=settings.notify_queue_url,
                handler=_chalice_module().notify,
                function_name="uppsikt-dev-notify",
                batch_size=int(source["BatchSize"]),
                report_batch_item_failures=True,
            )
            mapping.drain()
            immediate = list(receivers.received)
            tick = rt.notifier.tick(next_digest(slack, datetime.now(UTC)))
            digests = receivers.received[len(immediate) :]
            seko = [d for d in digests if d.path.endswith("/seko-desk")] or digests
            report = {
                "immediate": len(immediate),
                "digests": len(digests),
                "deferred_sent_by_tick": tick.sent,
                "first_immediate": _shown(immediate[0].json()) if immediate else {},
                # Seko's desk's digest is the one shown (the authority's Teams one may come first).
                "first_digest": _shown(seko[0].json()) if seko else {},
            }
    finally:
        runtime.install(aws.runtime)
    if not report.get("immediate"):
        problems.append("no immediate notification reached a receiver")
    if not report.get("digests"):
        problems.append("no digest reached a receiver")
    dlq = rt.sqs.get_queue_attributes(
        QueueUrl=settings.notify_dlq_url or "", AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    report["dead_letters"] = int(dlq)
    if int(dlq):
        problems.append(f"{dlq} notification(s) in the notifier's dead-letter queue")
    return report


def _shown(payload: dict[str, Any]) -> dict[str, Any]:
    """A received Slack message or Teams card: its title, link and text lines."""
    if "blocks" in payload:
        blocks = payload["blocks"]
        title = blocks[0]["text"]["text"]
        links = [e["url"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
        lines = [
            line
            for b in blocks
            if b["type"] == "section" and "text" in b
            for line in b["text"]["text"].split("\n")
        ]
        return {
            "channel": "slack",
            "title": title,
            "link": links[0] if links else "",
            "lines": lines,
        }
    card = payload["attachments"][0]["content"]
    body = card["body"]
    return {
        "channel": "teams",
        "title": body[0]["text"],
        "link": card.get("actions", [{}])[0].get("url", ""),
        "lines": [b["text"] for b in body[2:] if b["type"] == "TextBlock"],
    }


def render(report: dict[str, Any]) -> list[str]:
    if not report:
        return []
    lines = [
        f"  notifier (local receivers) {report['immediate']} at once, "
        f"{report['digests']} digest(s), {report['dead_letters']} dead-lettered"
    ]
    for key in ("first_immediate", "first_digest"):
        shown = report.get(key) or {}
        if shown:
            lines.append(f"    {shown['channel']:<6} {shown['title']}")
            lines += [f"           {line}" for line in shown["lines"][:5]]
            lines.append(f"           → {shown['link']}")
    return lines
