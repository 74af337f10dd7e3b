"""Load on the local stack: N signed deliveries over HTTP, end to end, beside raw SQS and DynamoDB.

What it does, in one process (the way `uppsikt demo` runs the stack):

1. starts the embedded AWS (moto's server on loopback, every resource from infra/), publishes the
   policies and the shipped registry, sets each app and account secret, serves the Chalice app
   and does the handshakes;
2. times two raw loops against the same embedded AWS before any load: SQS send, receive and
   delete of one message at a time on a queue held at a steady depth (`--sqs-depth`), and single
   DynamoDB puts into a table of the items table's shape;
3. starts the local event-source mapping (`uppsikt.local.event_source`) in the background, as
   Lambda's pollers would run beside the API, then sends N signed deliveries (mixed platforms:
   Facebook and Instagram via Meta, X, LinkedIn, Mastodon with 1-5 comments each, YouTube with
   one video) from `--concurrency` threads, each delivery with fresh ids;
4. waits until the ingest queue is empty and reports: accept throughput, webhook latency
   p50/p95/p99/max, end-to-end items/s per 1,000 items (the first and last thousand compared),
   the AWS calls per item and per delivery (a botocore `before-call` hook on the runtime's
   clients, split by who made them), and the reconciliation: every queued item counted
   directly in the stores as a working record (clean, flagged, recorded) or a dead letter.

Run from the repository root: `.venv/bin/python bench/load.py [-n N] [--concurrency C]
[--pollers P] [--json]`. Profile it with py-spy (`py-spy record --subprocesses --nonblocking
-f raw -o load.txt -- .venv/bin/python bench/load.py -n 300`). A benchmark, not a test: it
prints figures and exits 1 only when an item is unaccounted for.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import secrets
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from uppsikt import infra
from uppsikt.accounts.registry import load as load_registry
from uppsikt.adapters.dynamodb import HELD_PREFIX, SHADOW_PREFIX
from uppsikt.local.pollers import Pollers, count_calls
from uppsikt.local.replay import handshake, linkedin_challenge, websub_verify, x_crc
from uppsikt.local.stack import EmbeddedAWS
from uppsikt.model.events import Platform
from uppsikt.platforms.linkedin import signature as li_signature
from uppsikt.platforms.mastodon import signature as m_signature
from uppsikt.platforms.meta import signature as meta_signature
from uppsikt.platforms.x import signature as x_signature
from uppsikt.platforms.youtube import signature as yt_signature
from uppsikt.platforms.youtube import websub

SEED = 20261202
MAX_SECONDS = 3 * 3600  # a guard: a run that has not drained by then reports what it has
BASE_TIME = 1_795_000_000
SENTENCES = (
    "Tak for et godt møde i går, det var rigtig godt at høre om overenskomsten.",
    "Hvornår kommer der nyt om lønforhandlingerne for de offentligt ansatte?",
    "Grymt jobbat med avtalet, äntligen händer det något för oss i vården!",
    "Varför får undersköterskor i Norrland mindre än i Stockholm för samma jobb?",
    "Takk for god informasjon om tariffoppgjøret, dette var til stor hjelp.",
    "Når blir det klart hva lønnsøkningen blir for lærere i kommunene?",
    "Hvilken idiot skriver sit cpr-nummer på Facebook?",  # flagged: an insult
    "Mit CPR er 211062-5629, kan I tjekke om min a-kasse er betalt?",  # flagged: an id number
)
# Share of deliveries per platform; the rest of the mix is Facebook.
MIX = (("facebook", 0.40), ("instagram", 0.10), ("x", 0.15), ("linkedin", 0.15))
MIX_SINGLE = (("mastodon", 0.10), ("youtube", 0.10))


@dataclass(frozen=True)
class Delivery:
    platform: str
    path: str
    body: bytes
    headers: dict[str, str]
    items: int


@dataclass
class Secrets:
    meta: str
    x: str
    linkedin: str
    youtube: str
    mastodon: str
    youtube_account: str
    mastodon_account: str


class Deliveries:
    """Signed deliveries with fresh ids, built the way each platform sends them."""

    def __init__(self, keys: Secrets, seed: int = SEED) -> None:
        self.keys = keys
        self.rng = random.Random(seed)  # noqa: S311 - reproducible load, not security
        self.serial = iter(range(10**14, 10**15))

    def _text(self) -> str:
        return self.rng.choice(SENTENCES)

    def _n(self) -> str:
        return str(next(self.serial))

    def make(self) -> Delivery:
        roll, acc = self.rng.random(), 0.0
        for name, share in MIX + MIX_SINGLE:
            acc += share
            if roll < acc:
                build: Callable[[], Delivery] = getattr(self, name)
                return build()
        return self.facebook()

    def _meta(self, obj: str, page: str, changes: list[dict[str, Any]]) -> Delivery:
        body = json.dumps(
            {"object": obj, "entry": [{"id": page, "time": BASE_TIME, "changes": changes}]}
        ).encode()
        sig = meta_signature.sign(body, self.keys.meta)
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sig}
        return Delivery("meta", "/webhooks/meta", body, headers, len(changes))

    def facebook(self) -> Delivery:
        page = self.rng.choice(("104729561234567", "100200300400500"))
        post = f"{page}_{self._n()}"
        changes = [
            {
                "field": "feed",
                "value": {
                    "item": "comment",
                    "verb": "add",
                    "comment_id": f"{post.split('_')[1]}_{self._n()}",
                    "post_id": post,
                    "parent_id": post,
                    "from": {"id": self._n(), "name": "Anna Svensson"},
                    "created_time": BASE_TIME - self.rng.randint(1, 600),
                    "message": self._text(),
                },
            }
            for _ in range(self.rng.randint(1, 5))
        ]
        return self._meta("page", page, changes)

    def instagram(self) -> Delivery:
        account = "17841400123456789"
        media = self._n()
        changes = [
            {
                "field": "comments",
                "value": {
                    "id": self._n(),
                    "from": {"id": self._n(), "username": "medlem"},
                    "media": {"id": media, "media_product_type": "FEED"},
                    "text": self._text(),
                },
            }
            for _ in range(self.rng.randint(1, 5))
        ]
        return self._meta("instagram", account, changes)

    def x(self) -> Delivery:
        events = [
            {
                "id_str": self._n(),
                "created_at": "Sat Nov 21 07:10:00 +0000 2026",
                "timestamp_ms": "1763709000000",
                "text": "@SekoForbundet " + self._text(),
                "truncated": False,
                "in_reply_to_status_id_str": "1860000000000000000",
                "in_reply_to_user_id_str": "1500000000000000001",
                "user": {"id_str": self._n(), "screen_name": "medlem"},
                "entities": {
                    "user_mentions": [
                        {"id_str": "1500000000000000001", "screen_name": "SekoForbundet"}
                    ]
                },
            }
            for _ in range(self.rng.randint(1, 5))
        ]
        body = json.dumps(
            {"for_user_id": "1500000000000000001", "tweet_create_events": events}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            x_signature.HEADER: x_signature.sign(body, self.keys.x),
        }
        return Delivery("x", "/webhooks/x", body, headers, len(events))

    def linkedin(self) -> Delivery:
        activity = self._n()
        notes = []
        for _ in range(self.rng.randint(1, 5)):
            comment = f"urn:li:comment:(urn:li:activity:{activity},{self._n()})"
            notes.append(
                {
                    "notificationId": int(self._n()) % 2**31,
                    "action": "COMMENT",
                    "organizationalEntity": "urn:li:organization:5550001",
                    "subscriber": "urn:li:person:SekoAdmin0001",
                    "sourcePost": f"urn:li:activity:{activity}",
                    "generatedActivity": comment.replace(
                        "urn:li:comment:(urn:li:", "urn:li:comment:("
                    ),
                    "decoratedGeneratedActivity": {
                        "comment": {
                            "entity": comment,
                            "owner": f"urn:li:person:V{self._n()}",
                            "text": self._text(),
                            "object": f"urn:li:activity:{activity}",
                        }
                    },
                    "lastModifiedAt": 1763712000000,
                }
            )
        body = json.dumps(
            {"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": notes}
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-LI-Signature": li_signature.sign_a(body, self.keys.linkedin),
        }
        return Delivery("linkedin", "/webhooks/linkedin", body, headers, len(notes))

    def mastodon(self) -> Delivery:
        sid = self._n()
        body = json.dumps(
            {
                "event": "status.created",
                "created_at": "2026-11-21T07:30:01.000Z",
                "object": {
                    "id": sid,
                    "created_at": "2026-11-21T07:30:00.000Z",
                    "in_reply_to_id": "111000000000000100",
                    "in_reply_to_account_id": "109000000000000001",
                    "sensitive": False,
                    "spoiler_text": "",
                    "visibility": "public",
                    "language": "sv",
                    "uri": f"https://social.kommunal.example/users/lisa/statuses/{sid}",
                    "url": f"https://social.kommunal.example/@lisa/{sid}",
                    "edited_at": None,
                    "content": f"<p>{self._text()}</p>",
                    "account": {
                        "id": self._n(),
                        "username": "lisa",
                        "acct": "lisa",
                        "display_name": "Lisa",
                        "url": "https://social.kommunal.example/@lisa",
                    },
                    "media_attachments": [],
                    "mentions": [],
                    "tags": [],
                },
            }
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature": m_signature.sign(body, self.keys.mastodon),
        }
        path = f"/webhooks/mastodon/{self.keys.mastodon_account}"
        return Delivery("mastodon", path, body, headers, 1)

    def youtube(self) -> Delivery:
        video = f"v{self._n()}"
        channel = "UCfackNordenDemoKanal001"
        body = f"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns="http://www.w3.org/2005/Atom">
  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>
  <link rel="self" href="https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel}"/>
  <title>YouTube video feed</title>
  <updated>2026-11-21T06:40:12+00:00</updated>
  <entry>
    <id>yt:video:{video}</id>
    <yt:videoId>{video}</yt:videoId>
    <yt:channelId>{channel}</yt:channelId>
    <title>{self._text()}</title>
    <link rel="alternate" href="https://www.youtube.com/watch?v={video}"/>
    <author><name>Seko</name><uri>https://www.youtube.com/channel/{channel}</uri></author>
    <published>2026-11-21T06:40:00+00:00</published>
    <updated>2026-11-21T06:40:12+00:00</updated>
  </entry>
</feed>
""".encode()
        headers = {
            "Content-Type": "application/atom+xml",
            "X-Hub-Signature": yt_signature.sign(body, self.keys.youtube),
        }
        path = f"/webhooks/youtube/{self.keys.youtube_account}"
        return Delivery("youtube", path, body, headers, 1)


# --- AWS calls, counted per caller -----------------------------------------------------------


class CallCounter:
    """The API's AWS calls (the runtime's clients in this process; the pollers count their own
    in their processes, `uppsikt.local.pollers.count_calls`)."""

    def __init__(self, clients: list[Any]) -> None:
        self.calls: Counter[str] = Counter()
        self.enabled = False
        seen: Counter[str] = Counter()
        for client in clients:
            count_calls(client, seen)
        self._seen = seen

    def start(self) -> None:
        self._base = Counter(self._seen)

    def stop(self) -> None:
        self.calls = self._seen - self._base


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used so far (Linux's /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU seconds per part of the local stack over the load: the embedded AWS's server, the
    pollers, and this process (the API, its senders and the driver)."""

    def __init__(self, parts: dict[str, list[int]]) -> None:
        self.parts = parts
        self._start = self._read()
        self.used: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        return {name: sum(cpu_seconds(p) for p in pids) for name, pids in self.parts.items()}

    def stop(self) -> None:
        end = self._read()
        self.used = {name: end[name] - self._start[name] for name in self.parts}


# --- raw loops against the same embedded AWS -------------------------------------------------


def raw_sqs(aws: EmbeddedAWS, depth: int, seconds: float) -> float:
    """Messages/s of one send + receive + delete at a time, on a queue kept at `depth`."""
    sqs = aws.session.client("sqs")
    url = sqs.create_queue(QueueName=f"bench-raw-{secrets.token_hex(4)}")["QueueUrl"]
    for start in range(0, depth, 10):
        entries = [{"Id": str(i), "MessageBody": "x" * 400} for i in range(min(10, depth - start))]
        sqs.send_message_batch(QueueUrl=url, Entries=entries)  # type: ignore[arg-type]
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 400)
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
        for m in got:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            done += 1
    rate = done / (time.perf_counter() - began)
    sqs.delete_queue(QueueUrl=url)
    return rate


def raw_dynamodb(aws: EmbeddedAWS, seconds: float) -> float:
    """Single puts/s of a 1 KiB row into a table keyed like the items table."""
    ddb = aws.session.client("dynamodb")
    name = f"bench-raw-{secrets.token_hex(4)}"
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "event_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "event_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    done, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        ddb.put_item(
            TableName=name,
            Item={"event_id": {"S": secrets.token_hex(16)}, "text": {"S": "x" * 1000}},
        )
        done += 1
    rate = done / (time.perf_counter() - began)
    ddb.delete_table(TableName=name)
    return rate


# --- the pipeline under load -----------------------------------------------------------------


@dataclass
class Progress:
    """Items the consumer has finished, stamped as they finish."""

    marks: list[tuple[float, int]] = field(default_factory=list)
    done: int = 0
    began: float = 0.0
    baseline: int = 0  # finished before the clock started (the warm-up)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, n: int) -> None:
        with self.lock:
            self.done += n
            self.marks.append((time.perf_counter(), self.done))

    def per_step(self, step: int) -> list[float]:
        """Items/s of each successive `step` items finished."""
        rates, last_t, next_at = [], self.began, step
        for t, done in self.marks:
            while done >= next_at:
                rates.append(step / max(t - last_t, 1e-9))
                last_t, next_at = t, next_at + step
        return rates


def _watch(pollers: Pollers, progress: Progress, stop: threading.Event) -> None:
    """Stamp the pollers' running total of finished messages every 50 ms."""
    last = progress.baseline
    while not stop.is_set():
        done = pollers.done
        if done != last:
            progress.add(done - last)
            last = done
        time.sleep(0.05)


def in_flight(aws: EmbeddedAWS) -> int:
    attrs = aws.runtime.sqs.get_queue_attributes(
        QueueUrl=aws.settings.ingest_queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(
        attrs["ApproximateNumberOfMessagesNotVisible"]
    )


def _post(base_url: str, delivery: Delivery) -> tuple[float, int, dict[str, Any]]:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        base_url + delivery.path, data=delivery.body, method="POST", headers=delivery.headers
    )
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    took = time.perf_counter() - began
    try:
        body = json.loads(text)
    except ValueError:
        body = {}
    return took, status, body if isinstance(body, dict) else {}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def setup(aws: EmbeddedAWS) -> tuple[str, Secrets]:
    registry = load_registry(infra.REPO / "policies" / "registry" / "accounts.yaml")
    youtube = next(a for a in registry.accounts if a.platform is Platform.YOUTUBE)
    mastodon = next(a for a in registry.accounts if a.platform is Platform.MASTODON)
    aws.set_account_secret(youtube, {"websub_secret": secrets.token_hex(16)})
    aws.set_account_secret(mastodon, {"webhook_secret": secrets.token_hex(16)})
    aws.publish_policy()
    aws.publish_registry(registry)
    keys = Secrets(
        meta=aws.set_meta_app_secret(),
        x=aws.set_x_consumer_secret(),
        linkedin=aws.set_linkedin_client_secret(),
        youtube=aws.account_secret(youtube, "websub_secret"),
        mastodon=aws.account_secret(mastodon, "webhook_secret"),
        youtube_account=youtube.id,
        mastodon_account=mastodon.id,
    )
    base_url = aws.serve_app()
    checks = [
        handshake(base_url, aws.meta_verify_token(), "1")[0],
        x_crc(base_url)[0],
        linkedin_challenge(base_url, "c")[0],
        websub_verify(base_url, youtube.id, websub.topic_for(youtube.platform_account_id), "c")[0],
    ]
    if any(status != 200 for status in checks):
        raise RuntimeError(f"a handshake failed: {checks}")
    return base_url, keys


def reconcile(aws: EmbeddedAWS) -> dict[str, int]:
    """What the stores hold, counted directly: working records by verdict, flags, dead letters."""
    rt = aws.runtime
    verdicts: Counter[str] = Counter()
    paginator = rt.dynamodb.get_paginator("scan")
    for page in paginator.paginate(
        TableName=aws.settings.items_table,
        ProjectionExpression="event_id, verdict",
    ):
        for row in page["Items"]:
            key = row["event_id"]["S"]
            if key.startswith((HELD_PREFIX, SHADOW_PREFIX)) or "#" in key:
                continue
            verdicts[row.get("verdict", {}).get("S", "?")] += 1
    flags = sum(
        page["Count"]
        for page in paginator.paginate(TableName=aws.settings.flags_table, Select="COUNT")
    )
    dlq = int(
        rt.sqs.get_queue_attributes(
            QueueUrl=aws.settings.ingest_dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
        )["Attributes"]["ApproximateNumberOfMessages"]
    )
    return {**{f"records_{k}": v for k, v in sorted(verdicts.items())}, "flags": flags, "dlq": dlq}


@dataclass
class Result:
    n: int
    concurrency: int
    pollers: int
    sqs_depth: int
    max_backlog: int = 0
    raw_sqs_per_s: float = 0.0
    raw_ddb_per_s: float = 0.0
    raw_sqs_after_per_s: float = 0.0
    raw_ddb_after_per_s: float = 0.0
    accepted: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    items_queued: int = 0
    warmup_items: int = 0  # queued and drained before the clock started; reconciled too
    send_seconds: float = 0.0
    accept_per_s: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    e2e_seconds: float = 0.0
    e2e_items_per_s: float = 0.0
    step: int = 1000
    per_step: list[float] = field(default_factory=list)
    first_last_ratio: float = 0.0
    while_sending_per_s: float = 0.0  # items finished per second while deliveries came in
    after_sending_per_s: float = 0.0  # and after the last one, until the queue was empty
    ratio_to_sqs: float = 0.0
    ratio_to_ddb: float = 0.0
    calls_per_item: dict[str, float] = field(default_factory=dict)
    calls_per_delivery: dict[str, float] = field(default_factory=dict)
    consumer_calls: dict[str, int] = field(default_factory=dict)
    webhook_calls: dict[str, int] = field(default_factory=dict)
    stores: dict[str, int] = field(default_factory=dict)
    poll_errors: dict[str, int] = field(default_factory=dict)
    unaccounted: int = 0
    cpu_seconds: dict[str, float] = field(default_factory=dict)

    def render(self) -> str:
        lat = self.latency_ms
        steps = " ".join(f"{r:.0f}" for r in self.per_step)
        lines = [
            f"load: {self.n} deliveries, {self.items_queued} items queued, concurrency "
            f"{self.concurrency}, {self.pollers} poller(s), backlog bound "
            f"{self.max_backlog or 'none'}",
            f"  raw SQS send+receive+delete at depth {self.sqs_depth}: "
            f"{self.raw_sqs_per_s:.0f} msg/s before the load, {self.raw_sqs_after_per_s:.0f} after",
            f"  raw DynamoDB put: {self.raw_ddb_per_s:.0f} puts/s before, "
            f"{self.raw_ddb_after_per_s:.0f} after",
            f"  accepted {self.accepted} ({self.refused or 'none refused'}) in "
            f"{self.send_seconds:.1f} s: {self.accept_per_s:.1f} deliveries/s",
            f"  webhook latency ms: p50 {lat['p50']:.0f}  p95 {lat['p95']:.0f}  "
            f"p99 {lat['p99']:.0f}  max {lat['max']:.0f}",
            f"  end to end: {self.items_queued} items in {self.e2e_seconds:.1f} s = "
            f"{self.e2e_items_per_s:.1f} items/s; {self.ratio_to_sqs:.2f}x the raw SQS round "
            f"trip, {self.ratio_to_ddb:.2f}x the raw put",
            f"  items/s per {self.step:,} items: {steps}",
            f"  last/first {self.step:,}: {self.first_last_ratio:.2f}; items/s while sending "
            f"{self.while_sending_per_s:.1f}, after {self.after_sending_per_s:.1f}",
            "  AWS calls per item (consumer): "
            f"{self.calls_per_item.get('consumer', 0):.2f}; per delivery (webhook): "
            f"{self.calls_per_delivery.get('webhook', 0):.2f} "
            f"({self.calls_per_item.get('webhook', 0):.2f} per item)",
            "    consumer: " + ", ".join(f"{k} {v}" for k, v in self.consumer_calls.items()),
            "    webhook:  " + ", ".join(f"{k} {v}" for k, v in self.webhook_calls.items()),
            "  CPU ms per item during the load: "
            + ", ".join(
                f"{k} {1000 * v / max(self.items_queued, 1):.1f}"
                for k, v in self.cpu_seconds.items()
            )
            + f" (of {self.e2e_seconds:.0f} s wall on {os.cpu_count()} cores)",
            f"  stores: {self.stores}; failed polls: {self.poll_errors or 'none'}",
            f"  reconciliation: {self.items_queued} queued (+{self.warmup_items} in the warm-up), "
            f"{self.unaccounted} unaccounted",
        ]
        return "\n".join(lines)


@dataclass(frozen=True)
class Options:
    n: int = 10_000
    concurrency: int = 8
    pollers: int = 4
    sqs_depth: int = 100
    raw_seconds: float = 5.0
    warmup: int = 5  # deliveries per poller, drained before the clock starts
    max_backlog: int = 0  # items accepted but not finished before senders wait; 0: no bound


def run(options: Options, progress_out: Callable[[str], None] | None = None) -> Result:
    o = options
    shared = ("n", "concurrency", "pollers", "sqs_depth", "max_backlog")
    result = Result(**{name: getattr(o, name) for name in shared})
    with EmbeddedAWS() as aws:
        base_url, keys = setup(aws)
        result.raw_sqs_per_s = raw_sqs(aws, o.sqs_depth, o.raw_seconds)
        result.raw_ddb_per_s = raw_dynamodb(aws, o.raw_seconds)
        rt = aws.runtime
        counter = CallCounter([rt.s3, rt.sqs, rt.dynamodb, rt.sns, rt.kms, rt.secretsmanager])
        deliveries = Deliveries(keys)
        batch = [deliveries.make() for _ in range(o.n)]
        progress = Progress()
        with Pollers(aws.environment, o.pollers) as workers:
            result.warmup_items = _warm_up(aws, base_url, deliveries, workers, o)
            progress.baseline = workers.done
            counter.start()
            parts = {"api+senders": [os.getpid()], "pollers": workers.pids}
            if aws.server_pid:
                parts["embedded AWS"] = [aws.server_pid]
            meter = CpuMeter(parts)
            latencies = _load(
                aws,
                base_url,
                batch=batch,
                workers=workers,
                progress=progress,
                result=result,
                o=o,
                progress_out=progress_out,
            )
            counter.stop()
            meter.stop()
            result.cpu_seconds = meter.used
        result.raw_sqs_after_per_s = raw_sqs(aws, o.sqs_depth, o.raw_seconds)
        result.raw_ddb_after_per_s = raw_dynamodb(aws, o.raw_seconds)
        _summarise(result, latencies, progress, workers.totals.calls, counter.calls)
        result.poll_errors = dict(workers.totals.errors)
        result.stores = reconcile(aws)
        records = sum(v for k, v in result.stores.items() if k.startswith("records_"))
        queued = result.items_queued + result.warmup_items
        result.unaccounted = queued - records - result.stores["dlq"]
    return result


def _warm_up(
    aws: EmbeddedAWS, base_url: str, deliveries: Deliveries, workers: Pollers, o: Options
) -> int:
    """A few deliveries per poller, drained before the clock starts: each poller process has
    then imported the app and read the policies (a cold start, as a new Lambda container's)."""
    queued = 0
    for delivery in [deliveries.make() for _ in range(o.warmup * o.pollers)]:
        queued += int(_post(base_url, delivery)[2].get("enqueued", 0))
    while workers.done < queued or in_flight(aws) > 0:
        time.sleep(0.2)
    return queued


def _load(
    aws: EmbeddedAWS,
    base_url: str,
    *,
    batch: list[Delivery],
    workers: Pollers,
    progress: Progress,
    result: Result,
    o: Options,
    progress_out: Callable[[str], None] | None,
) -> list[float]:
    """Send every delivery from `o.concurrency` threads, then wait until the queue is empty."""
    stop = threading.Event()
    began = progress.began = time.perf_counter()
    watcher = threading.Thread(target=_watch, args=(workers, progress, stop), daemon=True)
    watcher.start()
    latencies: list[float] = []
    queued = [0]  # items the API has accepted so far, across senders
    lock = threading.Lock()

    def send(delivery: Delivery) -> tuple[float, int, dict[str, Any]]:
        # With a bound, a sender waits while the backlog (accepted, not yet finished) is over
        # it, so the stack is offered what it can hold rather than a growing queue.
        while o.max_backlog and queued[0] - (workers.done - progress.baseline) > o.max_backlog:
            time.sleep(0.02)
        took, status, body = _post(base_url, delivery)
        with lock:
            queued[0] += int(body.get("enqueued", 0)) if 200 <= status < 300 else 0
        return took, status, body

    with ThreadPoolExecutor(o.concurrency, thread_name_prefix="sender") as pool:
        for took, status, body in pool.map(send, batch):
            latencies.append(took)
            if 200 <= status < 300:
                result.accepted += 1
                result.items_queued += int(body.get("enqueued", 0))
            else:
                result.refused[str(status)] = result.refused.get(str(status), 0) + 1
            if progress_out and len(latencies) % 1000 == 0:
                progress_out(f"  sent {len(latencies)}, evaluated {workers.done}")
    result.send_seconds = time.perf_counter() - began
    while workers.done - progress.baseline < result.items_queued or in_flight(aws) > 0:
        time.sleep(0.2)
        if time.perf_counter() - began > MAX_SECONDS or workers.alive() == 0:
            break
    result.e2e_seconds = time.perf_counter() - began
    stop.set()
    watcher.join()
    return latencies


def _summarise(
    result: Result,
    latencies: list[float],
    progress: Progress,
    consumer: Counter[str],
    webhook: Counter[str],
) -> None:
    result.accept_per_s = result.accepted / result.send_seconds
    ms = [t * 1000 for t in latencies]
    result.latency_ms = {
        "p50": _pct(ms, 0.50),
        "p95": _pct(ms, 0.95),
        "p99": _pct(ms, 0.99),
        "max": max(ms),
        "mean": statistics.fmean(ms),
    }
    result.e2e_items_per_s = result.items_queued / result.e2e_seconds
    # Per 1,000 items as asked; a small run is cut in fifths so it still shows a trend.
    result.step = 1000 if result.items_queued >= 3000 else max(result.items_queued // 5, 1)
    result.per_step = progress.per_step(result.step)
    if len(result.per_step) >= 2:
        result.first_last_ratio = result.per_step[-1] / result.per_step[0]
    sent_at = progress.began + result.send_seconds
    # The marks count from the clock's start (the warm-up left out).
    by_then = max((done for t, done in progress.marks if t <= sent_at), default=0)
    result.while_sending_per_s = by_then / result.send_seconds
    after = result.e2e_seconds - result.send_seconds
    result.after_sending_per_s = (result.items_queued - by_then) / after if after > 0 else 0.0
    # The raw loops ran before and after the load; the ratios are to their mean.
    sqs_rate = (result.raw_sqs_per_s + result.raw_sqs_after_per_s) / 2
    ddb_rate = (result.raw_ddb_per_s + result.raw_ddb_after_per_s) / 2
    result.ratio_to_sqs = result.e2e_items_per_s / sqs_rate
    result.ratio_to_ddb = result.e2e_items_per_s / ddb_rate
    result.consumer_calls = dict(sorted(consumer.items()))
    result.webhook_calls = dict(sorted(webhook.items()))
    # The pollers count from their start, the warm-up included; the API's count starts after it.
    items = {"consumer": result.items_queued + result.warmup_items, "webhook": result.items_queued}
    for role, total in (("consumer", consumer.total()), ("webhook", webhook.total())):
        result.calls_per_item[role] = total / max(items[role], 1)
    result.calls_per_delivery["webhook"] = webhook.total() / max(result.accepted, 1)


def main(argv: list[str] | None = None) -> int:
    # moto's server logs a line per request; at this volume the printing itself costs.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="signed deliveries to send")
    parser.add_argument("--concurrency", type=int, default=8, help="sender threads")
    parser.add_argument(
        "--pollers", type=int, default=4, help="event-source poller processes (Lambda's: 5)"
    )
    parser.add_argument("--sqs-depth", type=int, default=100, help="raw SQS loop queue depth")
    parser.add_argument("--raw-seconds", type=float, default=5.0, help="each raw loop's time")
    parser.add_argument(
        "--max-backlog",
        type=int,
        default=0,
        help="senders wait while more items than this are accepted but unfinished (0: no bound)",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    options = Options(
        **{f: getattr(args, f) for f in Options.__dataclass_fields__ if hasattr(args, f)}
    )
    result = run(options, lambda line: print(line, file=sys.stderr, flush=True))
    print(json.dumps(result.__dict__, indent=2) if args.json else result.render())
    return 0 if result.unaccounted == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
