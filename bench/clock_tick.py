"""The due-clock tick over many open clocks on the embedded AWS, beside a raw query of the same
due items in the same run.

Fills the clocks table on moto's server (loopback HTTP, as `uppsikt demo` runs it) with `--open`
running response clocks spread over the next 30 days, `--due` of them due now. Then, in one
process and on the same table:

1. raw: the index query alone (`Clocks.due_raw`: every shard, `next_check_at <= now`, paginated),
   which is the floor for reading what is due;
2. tick: `Tick.run`, which reads the same items, builds clocks, writes each step conditionally
   and publishes its alert to the AlertsTopic.

Both are run on the same due set (the tick runs last, since it moves the clocks) and the ratio
tick/raw printed; `--scan` also times a full scan of the table, what the index avoids. The tick
cost grows with the due clocks, not with the open ones: run with two `--open` sizes to see it.

Run from the repository root: `.venv/bin/python bench/clock_tick.py [--open N] [--due N]
[--scan] [--json]` (develop at the default 2,000; the recorded figure is 100,000).
A benchmark, not a test: it prints figures and fails only if the tick misses a due clock.
"""

from __future__ import annotations

import argparse
import json
import logging
import platform
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from botocore.config import Config

from uppsikt.adapters.clocks import Clocks, clock_item
from uppsikt.clocks.model import Clock, Kind, clock_id_for
from uppsikt.clocks.tick import Tick
from uppsikt.local.stack import EmbeddedAWS

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BATCH = 25  # DynamoDB's BatchWriteItem limit


def make_clock(i: int, due_now: bool) -> Clock:
    ref = f"facebook#104729561234567#bench_{i}"
    # Due ones were asked yesterday; the rest come due over the next 30 days.
    start = NOW - timedelta(days=1) if due_now else NOW + timedelta(minutes=1 + i % 43_200)
    return Clock(
        clock_id=clock_id_for(Kind.RESPONSE, "question", ref),
        org_id="seko",
        kind=Kind.RESPONSE,
        subject="question",
        ref=ref,
        severity="advisory",
        started_at=start,
        at_risk_at=start + timedelta(hours=3),
        due_at=start + timedelta(hours=4),
        escalate_at=start + timedelta(hours=8),
        expires_at=start + timedelta(days=365),
        account_id="104729561234567",
        platform="facebook",
        excerpt="Hej! När öppnar kontoret i [name] igen?",
    )


def fill(store: Clocks, total: int, due: int) -> float:
    started = time.perf_counter()
    pending: list[Any] = []
    for i in range(total):
        pending.append({"PutRequest": {"Item": clock_item(make_clock(i, i < due))}})
        if len(pending) == BATCH or i == total - 1:
            request: Any = {store.table: pending}
            while request:
                answer = store.client.batch_write_item(RequestItems=request)
                request = answer.get("UnprocessedItems") or None
            pending = []
    return time.perf_counter() - started


def timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=2_000, help="open clocks in the table")
    parser.add_argument("--due", type=int, default=200, help="of which due now")
    parser.add_argument("--scan", action="store_true", help="also time a full table scan")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with EmbeddedAWS() as aws:
        rt = aws.runtime
        # moto answers a large scan or query slower than the functions' 5 s read timeout.
        patient = Config(read_timeout=900, retries={"mode": "standard", "total_max_attempts": 1})
        client = aws.session.client("dynamodb", config=patient)
        store = Clocks(client, rt.settings.clocks_table)
        fill_s = fill(store, args.open, args.due)
        raw_s, raw = timed(lambda: sum(1 for _ in store.due_raw(NOW)))
        scan_s = None
        if args.scan:
            paginator = client.get_paginator("scan")
            scan_s, _ = timed(
                lambda: sum(len(p["Items"]) for p in paginator.paginate(TableName=store.table))
            )
        tick = Tick(store=store, alerts=rt.alerts, clock=lambda: NOW)
        tick_s, report = timed(tick.run)
    if report.due != args.due or raw != args.due:
        print(f"the tick read {report.due} and the query {raw} of {args.due} due", file=sys.stderr)
        return 1
    figures = {
        "open_clocks": args.open,
        "due": args.due,
        "fill_s": round(fill_s, 2),
        "raw_query_s": round(raw_s, 3),
        "tick_s": round(tick_s, 3),
        "ratio_tick_to_raw": round(tick_s / raw_s, 1),
        "tick_ms_per_due_clock": round(1000 * tick_s / max(1, args.due), 2),
        "steps": dict(report.steps),
        "alerts": report.alerts,
        "scan_s": None if scan_s is None else round(scan_s, 3),
        "python": platform.python_version(),
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for k, v in figures.items():
            print(f"{k:24} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
