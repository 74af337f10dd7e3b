"""Benchmark the pure Meta ingest path on one 1000-change delivery (Meta's maximum batch).

The timed call is what the Meta route does: Meta's signature check, then the production
`WebhookIngest.accept` with Meta's mapper (size check, JSON parse, each entry and change read
alone, registry look-up per entry, normalise every change, one `model_dump_json` per message),
with in-memory fakes in place of S3, SQS and SNS so the figures show our CPU cost, not network
latency.

Run from the repository root: `.venv/bin/python bench/ingest.py [--repeat N] [--json]`.
This is a benchmark, not a test: it prints figures and fails only if the path misbehaves.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from uppsikt.ingest.common import Receipt
from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta import signature
from uppsikt.platforms.meta.envelope import Envelope
from uppsikt.platforms.meta.mapper import META
from uppsikt.privacy.pseudonym import Pseudonymiser

SEED = 20261121
CHANGES = 1000
WARMUPS = 3
APP_SECRET = "bench-app-secret"  # noqa: S105 - a fixed benchmark value, not a credential
PSEUDONYM_KEY = b"bench-pseudonym-key-0123456789ab"
RECEIVED_AT = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
BASE_TIME = 1_795_000_000  # created_time values near RECEIVED_AT

# Invented Danish, Swedish and Norwegian comment sentences, the languages the accounts receive.
SENTENCES = (
    "Tak for et godt møde i går, det var rigtig godt at høre om overenskomsten.",
    "Hvornår kommer der nyt om lønforhandlingerne for de offentligt ansatte?",
    "Jeg har været medlem i tyve år og har aldrig fået svar så hurtigt som i dag.",
    "Kan I forklare, hvad den nye aftale betyder for os på deltid?",
    "Det er en skam, at så få møder op til generalforsamlingen hvert år.",
    "Min a-kasse har stadig ikke udbetalt dagpenge for oktober måned.",
    "Grymt jobbat med avtalet, äntligen händer det något för oss i vården!",
    "Varför får undersköterskor i Norrland mindre än i Stockholm för samma jobb?",
    "Jag undrar om försäkringen gäller även när man är föräldraledig.",
    "Tack för ett bra medlemsmöte, särskilt delen om arbetsmiljö och scheman.",
    "Det här borde ni ha kommunicerat mycket tidigare till alla skyddsombud.",
    "Hur anmäler jag mig till kursen om arbetsrätt som hölls i våras?",
    "Takk for god informasjon om tariffoppgjøret, dette var til stor hjelp.",
    "Når blir det klart hva lønnsøkningen blir for lærere i kommunene?",
    "Jeg synes forbundet burde jobbe mer for dem som har midlertidige stillinger.",
    "Er det mulig å få hjelp med en sak om oppsigelse før fristen går ut?",
    "Flott at dere tar opp sykefraværet, det er et stort problem på min arbeidsplass.",
    "Hvorfor står det ingenting om pensjon i det siste nyhetsbrevet deres?",
)
NAMES = (
    "Mette Hansen",
    "Jens Nielsen",
    "Anders Berg",
    "Anna Svensson",
    "Per Karlsson",
    "Åsa Lindqvist",
    "Ingrid Solberg",
    "Ole Haugen",
    "Kari Nordmann",
    "Søren Østergaard",
)
PAGES = ("104729561234567", "104729569876543", "104729560001112")


def message_text(rng: random.Random) -> str:
    """A comment of 80-400 characters, built from whole sentences and cut at a word boundary."""
    target = rng.randint(80, 400)
    text = rng.choice(SENTENCES)
    while len(text) < target:
        text = f"{text} {rng.choice(SENTENCES)}"
    cut = text[:target]
    if " " in cut[80:]:  # prefer a word boundary, but never below the 80-character floor
        cut = cut[: cut.rindex(" ")]
    return cut


def build_batch(seed: int = SEED, changes: int = CHANGES, entries: int = 8) -> bytes:
    """One `object: page` delivery: ~70% comments, ~15% replies, ~10% page posts, ~5% reactions."""
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not security
    sizes = [changes // entries + (1 if i < changes % entries else 0) for i in range(entries)]
    serial = iter(range(10**11, 10**12))
    entry_list: list[dict[str, Any]] = []
    for e_index, size in enumerate(sizes):
        page = PAGES[e_index % len(PAGES)]
        entry_time = BASE_TIME + e_index * 60
        posts = [f"{page}_{next(serial)}" for _ in range(rng.randint(2, 6))]
        comments: dict[str, list[str]] = {post: [] for post in posts}
        change_list: list[dict[str, Any]] = []
        for _ in range(size):
            post = rng.choice(posts)
            author = {"id": str(rng.randint(7 * 10**15, 8 * 10**15)), "name": rng.choice(NAMES)}
            created = entry_time - rng.randint(1, 600)
            roll = rng.random()
            value: dict[str, Any]
            if roll < 0.05:
                value = {
                    "item": "reaction",
                    "verb": "add",
                    "reaction_type": rng.choice(("like", "love", "care", "wow")),
                    "post_id": post,
                    "parent_id": post,
                    "from": author,
                    "created_time": created,
                }
            elif roll < 0.15:
                new_post = f"{page}_{next(serial)}"
                value = {
                    "item": "status",
                    "verb": "add",
                    "post_id": new_post,
                    "published": 1,
                    "from": {"id": page, "name": "Fagforbundet Eksempel"},
                    "created_time": created,
                    "message": message_text(rng),
                }
            else:
                comment_id = f"{post.split('_')[1]}_{next(serial)}"
                is_reply = roll < 0.30 and bool(comments[post])
                parent = rng.choice(comments[post]) if is_reply else post
                value = {
                    "item": "comment",
                    "verb": "add",
                    "comment_id": comment_id,
                    "post_id": post,
                    "parent_id": parent,
                    "from": author,
                    "created_time": created,
                    "message": message_text(rng),
                }
                if rng.random() < 0.04:  # the odd photo comment, so attachments are mapped too
                    value["photo"] = f"https://scontent.example/{comment_id}.jpg"
                comments[post].append(comment_id)
            change_list.append({"field": "feed", "value": value})
        entry_list.append({"id": page, "time": entry_time, "changes": change_list})
    # ensure_ascii: Meta signs and sends the \\u-escaped form, so æøå arrive escaped.
    return json.dumps({"object": "page", "entry": entry_list}, separators=(",", ":")).encode()


@dataclass
class MemoryRawStore:
    bucket: str = "bench-raw"
    objects: dict[str, bytes] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.objects[key] = body


@dataclass
class MemoryQueue:
    """Serialises like `IngestQueue._body` does, so the JSON encoding cost stays in the figure."""

    bodies: list[str] = field(default_factory=list)
    messages: list[EventMessage | UnmappedMessage] = field(default_factory=list)

    def send(self, messages: Sequence[EventMessage | UnmappedMessage]) -> None:
        self.messages.extend(messages)  # kept only so serialisation can be timed alone below
        self.bodies.extend(m.model_dump_json() for m in messages)


@dataclass
class MemoryAlerts:
    sent: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.sent.append((subject, details))


def timed_ns(fn: Callable[[], object]) -> int:
    start = time.perf_counter_ns()
    fn()
    return time.perf_counter_ns() - start


def registered(platform: Platform, account_id: str) -> bool:
    return True  # every Page of the benchmark batch is a monitored one


def p90(samples: Sequence[int]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[8]


def run(repeat: int) -> dict[str, Any]:
    body = build_batch()
    header = signature.sign(body, APP_SECRET)
    pseudonymiser = Pseudonymiser(PSEUDONYM_KEY)

    def accept() -> tuple[int, MemoryQueue, Receipt]:
        # Fresh fakes per call, built outside the timed region: only `accept` is inside it, and
        # one call's queue bodies are alive at a time, as in one Lambda invocation.
        queue = MemoryQueue()
        ingest = WebhookIngest(raw_store=MemoryRawStore(), queue=queue, alerts=MemoryAlerts())
        start = time.perf_counter_ns()
        receipt = ingest.accept(
            META,
            body,
            signed=signature.is_valid(body, header, APP_SECRET),
            registered=registered,
            pseudonymiser=pseudonymiser,
            received_at=RECEIVED_AT,
        )
        return time.perf_counter_ns() - start, queue, receipt

    _, queue, receipt = accept()
    # Guard the figures: a quarantine or a short-circuit would make the benchmark meaningless.
    if receipt.quarantined or receipt.changes != CHANGES or receipt.unmapped or receipt.test:
        raise SystemExit(f"ingest did not take the normal path: {receipt.as_dict()}")
    if len(queue.bodies) != receipt.enqueued:
        raise SystemExit("the queue fake did not receive every message")
    messages = queue.messages

    # The parts are timed alone, interleaved with the whole in every round, so noise from other
    # tenants of this shared machine hits all of them alike and the breakdown stays comparable.
    parts: dict[str, Callable[[], object]] = {
        "signature": lambda: signature.is_valid(body, header, APP_SECRET),
        "json_loads": lambda: json.loads(body),
        "envelope_parse": lambda: Envelope.model_validate(json.loads(body)),
        "serialise": lambda: [m.model_dump_json() for m in messages],
    }
    samples: list[int] = []
    part_samples: dict[str, list[int]] = {name: [] for name in parts}
    for i in range(WARMUPS + repeat):
        elapsed, _, _ = accept()
        part_times = {name: timed_ns(fn) for name, fn in parts.items()}
        if i < WARMUPS:
            continue
        samples.append(elapsed)
        for name, ns in part_times.items():
            part_samples[name].append(ns)
    medians = {name: statistics.median(values) for name, values in part_samples.items()}

    batch_ns = statistics.median(samples)
    return {
        "python": platform.python_version(),
        "body_bytes": len(body),
        "entries": len(json.loads(body)["entry"]),
        "changes": receipt.changes,
        "enqueued": receipt.enqueued,
        "ignored": sum(receipt.ignored.values()),
        "queued_json_bytes": sum(len(b.encode()) for b in queue.bodies),
        "warmups": WARMUPS,
        "repeat": repeat,
        "batch_ms_median": batch_ns / 1e6,
        "batch_ms_p90": p90(samples) / 1e6,
        "change_us_median": batch_ns / receipt.changes / 1e3,
        "events_per_s": receipt.changes / (batch_ns / 1e9),
        "signature_ms_median": medians["signature"] / 1e6,
        "json_loads_ms_median": medians["json_loads"] / 1e6,
        "envelope_parse_ms_median": medians["envelope_parse"] / 1e6,
        "serialise_ms_median": medians["serialise"] / 1e6,
    }


def report(figures: dict[str, Any]) -> str:
    batch = figures["batch_ms_median"]
    serialise = figures["serialise_ms_median"]
    # Difference of medians: normalising (pydantic model construction, pseudonym HMACs) + sha256.
    rest = batch - figures["signature_ms_median"] - figures["envelope_parse_ms_median"] - serialise

    def share(ms: float) -> str:
        return f"{ms:8.3f} ms  ({ms / batch:5.1%} of a batch)"

    return "\n".join(
        (
            "Meta ingest benchmark (WebhookIngest.accept with Meta's mapper, in-memory fakes)"
            f" on Python {figures['python']}",
            f"body:                    {figures['body_bytes']:,} bytes, {figures['entries']} "
            f"entries, {figures['changes']} changes ({figures['enqueued']} queued, "
            f"{figures['ignored']} ignored reactions)",
            f"queue messages:          {figures['queued_json_bytes']:,} bytes of JSON",
            f"repetitions:             {figures['repeat']} (after {figures['warmups']} warm-ups)",
            f"batch median:            {batch:8.3f} ms",
            f"batch p90:               {figures['batch_ms_p90']:8.3f} ms",
            f"per change (median):     {figures['change_us_median']:8.2f} µs",
            f"throughput (median):     {figures['events_per_s']:,.0f} changes/s",
            "breakdown (medians; each part timed alone on the same body, between batches):",
            f"  signature check:       {share(figures['signature_ms_median'])}",
            f"  json.loads:            {share(figures['json_loads_ms_median'])}",
            f"  json.loads + Envelope: {share(figures['envelope_parse_ms_median'])}",
            f"  model_dump_json, all:  {share(serialise)}",
            f"  rest (batch − above):  {share(rest)}  normalise, pseudonyms, sha256",
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=50, help="timed repetitions (default 50)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    if args.repeat < 2:
        parser.error("--repeat must be at least 2 (use 30 or more on a shared machine)")
    figures = run(args.repeat)
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
