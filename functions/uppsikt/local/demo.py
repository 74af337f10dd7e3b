"""`uppsikt demo`: the whole pipeline on the embedded AWS, from signed webhooks to flags.

It replays every delivery in events/meta/ over HTTP, re-sends one (as Meta's retries do), sends one
with a forged signature (refused, nothing stored) and the malformed ones in events/meta-bad/
(quarantined), runs the queue consumer until the queue is empty, and reports what the stores hold.
Exit status 0 means every accepted change was processed and nothing is in a dead-letter queue.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from uppsikt import infra
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.local.replay import Sent, handshake, post_delivery, replay_folder, replay_x, x_crc
from uppsikt.local.stack import EmbeddedAWS

EVENTS = infra.REPO / "events"


@dataclass
class Summary:
    handshake_ok: bool = False
    x_crc_ok: bool = False
    deliveries_sent: int = 0
    deliveries_accepted: int = 0
    deliveries_refused: dict[str, int] = field(default_factory=dict)
    deliveries_stored: int = 0
    deliveries_by_platform: dict[str, int] = field(default_factory=dict)
    items_by_platform: dict[str, int] = field(default_factory=dict)
    quarantined: int = 0
    changes: int = 0
    test_changes: int = 0
    ignored_changes: int = 0
    messages_enqueued: int = 0
    messages_processed: int = 0
    items_evaluated: int = 0
    flags_by_rule: dict[str, int] = field(default_factory=dict)
    flags: int = 0
    notifications_sent: int = 0
    dead_letters: int = 0
    policy_version: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "ok": self.ok}

    def render(self) -> str:
        lines = [
            "Uppsikt demo on the embedded AWS",
            f"  policy published           {self.policy_version}",
            f"  Meta handshake / X CRC     {'ok' if self.handshake_ok else 'FAILED'} / "
            f"{'ok' if self.x_crc_ok else 'FAILED'}",
            f"  deliveries sent            {self.deliveries_sent}",
            f"    accepted (2xx)           {self.deliveries_accepted}",
            f"    refused                  {self.deliveries_refused or 0}",
            f"    stored raw (distinct)    {self.deliveries_stored}  "
            + ", ".join(f"{p} {n}" for p, n in sorted(self.deliveries_by_platform.items())),
            f"    quarantined (malformed)  {self.quarantined}",
            f"  changes received           {self.changes}",
            f"    dashboard tests skipped  {self.test_changes}",
            f"    ignored (reactions, …)   {self.ignored_changes}",
            f"  queue messages             {self.messages_enqueued} sent, "
            f"{self.messages_processed} processed",
            f"  items evaluated            {self.items_evaluated}  "
            + ", ".join(f"{p} {n}" for p, n in sorted(self.items_by_platform.items())),
            f"  flags raised               {self.flags}",
        ]
        lines += [f"    {rule:<34}{n}" for rule, n in sorted(self.flags_by_rule.items())]
        lines += [
            f"  notifications sent         {self.notifications_sent}",
            f"  messages in dead-letter q. {self.dead_letters}",
            f"  took                       {self.seconds:.1f} s",
            "  result                     "
            + ("OK: every accepted change processed, nothing lost" if self.ok else "PROBLEMS"),
        ]
        lines += [f"    - {p}" for p in self.problems]
        return "\n".join(lines)


def _count(aws: EmbeddedAWS, prefix: str) -> int:
    paginator = aws.runtime.s3.get_paginator("list_objects_v2")
    return sum(
        page.get("KeyCount", 0)
        for page in paginator.paginate(Bucket=aws.settings.raw_bucket, Prefix=prefix)
    )


def _tally(summary: Summary, sent: list[Sent]) -> None:
    for item in sent:
        summary.deliveries_sent += 1
        if 200 <= item.status < 300 and isinstance(item.body, dict):
            summary.deliveries_accepted += 1
            summary.changes += int(item.body.get("changes", 0))
            summary.test_changes += int(item.body.get("test", 0))
            summary.ignored_changes += int(item.body.get("ignored", 0))
            summary.messages_enqueued += int(item.body.get("enqueued", 0))
        else:
            key = str(item.status)
            summary.deliveries_refused[key] = summary.deliveries_refused.get(key, 0) + 1


def run(aws: EmbeddedAWS, base_url: str) -> Summary:
    started = time.monotonic()
    summary = Summary()
    summary.policy_version = aws.publish_policy()
    app_secret = aws.set_meta_app_secret()
    status, body = handshake(base_url, aws.meta_verify_token(), "424242")
    summary.handshake_ok = status == 200 and body == "424242"
    if not summary.handshake_ok:
        summary.problems.append(f"handshake answered {status}")

    x_secret = aws.set_x_consumer_secret()
    status, body = x_crc(base_url)
    summary.x_crc_ok = status == 200 and body.startswith('{"response_token": "sha256=')
    if not summary.x_crc_ok:
        summary.problems.append(f"X CRC answered {status}")

    sent = replay_folder(base_url, EVENTS / "meta", app_secret)
    sent += replay_x(base_url, EVENTS / "x", x_secret)
    first = sorted((EVENTS / "meta").glob("*.json"))[0]
    sent.append(post_delivery(base_url, first.read_bytes(), app_secret, "retry of " + first.name))
    forged = post_delivery(base_url, first.read_bytes(), "not-the-app-secret", "forged")
    sent += replay_folder(base_url, EVENTS / "meta-bad", app_secret)
    _tally(summary, sent)
    _tally(summary, [forged])
    if forged.status != 401:
        summary.problems.append(f"a forged signature was answered {forged.status}, not 401")
    for item in sent:
        if not 200 <= item.status < 300:
            summary.problems.append(f"{item.name} was answered {item.status}")

    mapping = aws.evaluate_mapping()
    mapping.drain()
    summary.messages_processed = mapping.counters.succeeded
    summary.deliveries_stored = _count(aws, "deliveries/")
    for platform in ("meta", "x"):
        summary.deliveries_by_platform[platform] = _count(aws, f"deliveries/{platform}/")
    summary.quarantined = _count(aws, "quarantine/")

    items = Items(aws.runtime.dynamodb, aws.settings.items_table).scan()
    flags = Flags(aws.runtime.dynamodb, aws.settings.flags_table).scan()
    summary.items_evaluated = len(items)
    summary.items_by_platform = dict(Counter(str(item["platform"]) for item in items))
    summary.flags = len(flags)
    by_rule: Counter[str] = Counter(rule for flag in flags for rule in flag["rule_ids"])
    summary.flags_by_rule = dict(by_rule)
    summary.notifications_sent = sum(1 for flag in flags if flag.get("notification_id"))
    attrs = aws.runtime.sqs.get_queue_attributes(
        QueueUrl=aws.settings.ingest_dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    summary.dead_letters = int(attrs["ApproximateNumberOfMessages"])

    if summary.dead_letters:
        summary.problems.append(f"{summary.dead_letters} message(s) in the dead-letter queue")
    if summary.messages_processed != summary.messages_enqueued:
        summary.problems.append(
            f"{summary.messages_enqueued} messages queued, {summary.messages_processed} processed"
        )
    if summary.notifications_sent != summary.flags:
        summary.problems.append("a flag was raised without a notification")
    summary.seconds = time.monotonic() - started
    return summary


def main(serve: bool = False) -> Summary:
    with EmbeddedAWS() as aws:
        base_url = aws.serve_app()
        summary = run(aws, base_url)
        if serve:
            _serve(aws, base_url, summary)
        return summary


def _serve(aws: EmbeddedAWS, base_url: str, summary: Summary) -> None:
    env_file = infra.REPO / ".uppsikt" / "demo.env"
    env_file.parent.mkdir(exist_ok=True)
    env_file.write_text("".join(f"export {k}={v}\n" for k, v in sorted(aws.environment.items())))
    print(summary.render())
    print(f"\nServing on {base_url} (webhook: {base_url}/webhooks/meta). Ctrl-C stops.")
    print(f"For `uppsikt dlq …` against this stack: source {env_file}")
    mapping = aws.evaluate_mapping()
    try:
        while True:
            if mapping.poll_once() == 0:
                time.sleep(1.0)
    except KeyboardInterrupt:
        print("stopped")
