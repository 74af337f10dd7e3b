"""Cost per million comments on AWS, and the settings and p99 latency of a 50,000-comment burst.

Two steps (docs/cost.md shows the output and the arithmetic):

`--measure N` sends N signed Meta deliveries of 1-5 comments each through the real webhook route
(Chalice's test client) into the embedded AWS (moto, in process, the stack built from infra/),
then drains the ingest queue through the real `evaluate` handler in batches of 10, as Lambda's
event source mapping would. Every AWS call is counted by service and operation (a wrapper on
botocore's `BaseClient._make_api_call`, so Powertools' own clients count too) and its time is
taken out: "our code" is the handler thread's CPU time (`time.thread_time`, so other processes on
a shared machine do not count) minus the CPU time spent inside AWS calls (moto's work). Lambda
gives a function CPU in proportion to its memory (one vCPU at 1,769 MB), so at 512 MB the code's
time is scaled by 1769/512. A share of the comments (`--flagged`, default 5%) carries a
personnummer, so flags, evidence and notifications are in the counts (the seko pack flags more of
the texts than that: the measured share is in the output).
Figures go to bench/data/cost_measured.json.

Without `--measure` the table is computed from that file and the price list below (or
`--prices FILE`, the same keys), so prices can be changed without measuring again.

Run from the repository root:
`.venv/bin/python bench/cost_model.py [--measure 200] [--flagged 0.05] [--prices FILE] [--json]`
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MEASURED = ROOT / "bench" / "data" / "cost_measured.json"

# --- prices ------------------------------------------------------------------------------------
# USD, list prices on demand, no free tier. Taken 2026-12-02 from the AWS pricing pages and their
# worked examples (aws.amazon.com/<service>/pricing). Those pages render region tables through
# pricing tokens, and the reference copies available here show the US East figures only, so
# every eu-north-1 figure must be checked in the AWS Pricing Calculator before a budget relies on
# it; `--prices` takes a corrected file. A wrong price moves its own row only.
PRICES: dict[str, float] = {
    "apigw_rest_per_million": 3.50,  # REST API, first 333 M requests/month
    "lambda_per_million_requests": 0.20,
    "lambda_per_gb_second": 0.0000166667,  # x86, first 6 B GB-s/month
    "sqs_per_million_requests": 0.40,  # standard queue; one request = up to 64 KB
    "ddb_per_million_wru": 0.625,  # on-demand write request units (Nov 2024 price)
    "ddb_per_million_rru": 0.125,  # on-demand read request units
    "ddb_gb_month": 0.25,
    "s3_put_per_thousand": 0.005,  # PUT, COPY, POST, LIST
    "s3_get_per_thousand": 0.0004,  # GET and others
    "s3_gb_month": 0.023,
    "kms_per_10k_requests": 0.03,
    "kms_key_month": 1.00,
    "sns_per_million_publishes": 0.50,  # deliveries to SQS are free
    "secrets_per_10k_calls": 0.05,
    "cw_logs_ingest_per_gb": 0.50,
    "cw_logs_gb_month": 0.03,
    "cw_metric_month": 0.30,  # custom metrics (EMF), first 10,000
}

# Typical in-region latency of one call from Lambda (ms): an assumption, not a measurement (the
# embedded AWS's times say nothing about AWS's). DynamoDB's documented "single-digit
# millisecond" for key operations; S3 first-byte latencies of tens of ms for small objects.
CALL_MS: dict[str, float] = {
    "dynamodb": 6.0,
    "s3": 25.0,
    "sqs": 10.0,
    "sns": 15.0,
    "kms": 8.0,
    "secretsmanager": 15.0,
    "ses": 30.0,
}
DEFAULT_CALL_MS = 15.0

MEMORY_MB = 512  # chalice.json's lambda_memory_size
LOG_BYTES_PER_ITEM = 600  # one JSON line per item per function (Powertools Logger, INFO)
EVALUATE_BATCH = 10


# --- measuring ---------------------------------------------------------------------------------
@contextmanager
def counting() -> Iterator[dict[str, Any]]:
    """Count and time every AWS call made in the block."""
    from botocore.client import BaseClient

    tally: dict[str, Any] = {"calls": Counter(), "seconds": 0.0, "cpu": 0.0}
    original = getattr(BaseClient, "_make_api_call")  # noqa: B009  (private: not in the stubs)

    def counted(self: Any, operation: str, params: Any) -> Any:
        started, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, operation, params)
        finally:
            tally["seconds"] += time.perf_counter() - started
            tally["cpu"] += time.thread_time() - cpu
            tally["calls"][f"{self.meta.service_model.service_name}.{operation}"] += 1
            if operation in ("BatchGetItem", "BatchWriteItem"):
                # DynamoDB bills each item a batch reads or writes, not the call.
                tally["calls"][f"dynamodb.{operation}Items"] += sum(
                    len(v["Keys"]) if operation == "BatchGetItem" else len(v)
                    for v in params.get("RequestItems", {}).values()
                )

    setattr(BaseClient, "_make_api_call", counted)  # noqa: B010
    try:
        yield tally
    finally:
        setattr(BaseClient, "_make_api_call", original)  # noqa: B010


def delivery(i: int, rng: random.Random, flagged: float, page: str) -> tuple[bytes, int]:
    import importlib

    sys.path.insert(0, str(ROOT / "bench"))
    ingest = importlib.import_module("ingest")  # bench/ingest.py: its comment texts and names
    BASE_TIME, NAMES, message_text = ingest.BASE_TIME, ingest.NAMES, ingest.message_text  # noqa: N806

    changes = []
    for j in range(rng.randint(1, 5)):
        text = message_text(rng)
        if rng.random() < flagged:
            text = f"{text} Mitt personnummer är 811218-9876, ring mig."
        value = {
            "item": "comment",
            "verb": "add",
            "comment_id": f"{10**12 + i}_{10**13 + i * 10 + j}",
            "post_id": f"{page}_{10**12 + i}",
            "parent_id": f"{page}_{10**12 + i}",
            "from": {"id": str(7 * 10**15 + rng.randint(0, 10**9)), "name": rng.choice(NAMES)},
            "created_time": BASE_TIME + i,
            "message": text,
        }
        changes.append({"field": "feed", "value": value})
    body = {"object": "page", "entry": [{"id": page, "time": BASE_TIME + i, "changes": changes}]}
    return json.dumps(body, separators=(",", ":")).encode(), len(changes)


def measure(deliveries: int, flagged: float) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "functions"))
    sys.path.insert(0, str(ROOT / "tests"))
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "eu-north-1",
            "UPPSIKT_SETTINGS_FILE": os.devnull,
            "POWERTOOLS_LOG_LEVEL": "WARNING",  # the prod stage's level (chalice.json)
        }
    )
    import logging

    logging.getLogger("uppsikt").setLevel(logging.WARNING)
    from app import evaluate
    from support.stack import moto_stack, sqs_event, sqs_record
    from uppsikt.local.lambda_context import LocalContext

    rng = random.Random(20261202)  # noqa: S311  (reproducible data)
    with moto_stack(os.environ) as stack:  # type: ignore[arg-type]
        page = next(a for a in stack.rt.registry.current().accounts if a.id == "seko-facebook")
        stack.publish_policy()
        stack.post_meta(delivery(-1, rng, 0, page.platform_account_id)[0])  # warm-up
        stack.take_queued()
        webhook_ms, webhook_code_ms, items = [], [], 0
        with counting() as hook:
            for i in range(deliveries):
                body, n = delivery(i, rng, flagged, page.platform_account_id)
                before = hook["cpu"]
                started, cpu = time.perf_counter(), time.thread_time()
                stack.post_meta(body)
                webhook_ms.append((time.perf_counter() - started) * 1000)
                spent = time.thread_time() - cpu - (hook["cpu"] - before)
                webhook_code_ms.append(spent * 1000)
                items += n
        bodies = stack.take_queued()
        batch_ms, batch_code_ms = [], []
        with counting() as consume:
            for start in range(0, len(bodies), EVALUATE_BATCH):
                event = sqs_event(*(sqs_record(b) for b in bodies[start : start + EVALUATE_BATCH]))
                before = consume["cpu"]
                started, cpu = time.perf_counter(), time.thread_time()
                result = evaluate(event, LocalContext("bench-evaluate"))
                batch_ms.append((time.perf_counter() - started) * 1000)
                assert not result.get("batchItemFailures"), result
                spent = time.thread_time() - cpu - (consume["cpu"] - before)
                batch_code_ms.append(spent * 1000)
        flags = stack.rt.dynamodb.scan(TableName=stack.settings.flags_table, Select="COUNT")
        published = len(stack.inbox())  # flags and alerts the topics delivered
    return {
        "deliveries": deliveries,
        "items": items,
        "queued": len(bodies),
        "flagged_share_asked": flagged,
        "flags": flags["Count"],
        "topic_messages": published,
        "webhook": {
            "wall_ms_median": statistics.median(webhook_ms),
            "wall_ms_p99": _p99(webhook_ms),
            "code_ms_median": statistics.median(webhook_code_ms),
            "code_ms_p99": _p99(webhook_code_ms),
            "delivery_code_ms": [round(x, 2) for x in webhook_code_ms],
            "calls": dict(sorted(hook["calls"].items())),
        },
        "evaluate": {
            "batches": len(batch_ms),
            "wall_ms_per_item": sum(batch_ms) / len(bodies),
            "code_ms_per_item": sum(batch_code_ms) / len(bodies),
            # The first batch of a fresh container loads and compiles the packs and the
            # registry from S3: a cold-start cost, kept apart from the steady batches.
            "first_batch_code_ms": batch_code_ms[0],
            "code_ms_per_batch_p99": _p99(batch_code_ms[1:]),
            "code_ms_per_batch_median": statistics.median(batch_code_ms[1:]),
            "batch_code_ms": [round(x, 1) for x in batch_code_ms],
            "calls": dict(sorted(consume["calls"].items())),
        },
    }


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]


# --- the model ---------------------------------------------------------------------------------
# Lambda's CPU share below 1,769 MB (one vCPU there, in proportion to memory): CPU-bound code
# runs this many times slower than on the one full core it was measured on.
CPU_SCALE = max(1.0, 1769 / MEMORY_MB)


BATCH_ITEMS = ("BatchGetItemItems", "BatchWriteItemItems")


def modelled_ms(code_ms: float, calls: dict[str, float]) -> float:
    """Lambda duration: our code's measured CPU time, scaled to the function's CPU share, plus
    each AWS call at its assumed latency."""
    return code_ms * CPU_SCALE + sum(
        n * CALL_MS.get(k.split(".")[0], DEFAULT_CALL_MS)
        for k, n in calls.items()
        if not k.endswith(BATCH_ITEMS)  # the items a batch call carried: not calls
    )


def per_item(calls: dict[str, int], items: int) -> dict[str, float]:
    return {k: v / items for k, v in calls.items()}


def cost_per_million(m: dict[str, Any], p: dict[str, float]) -> dict[str, Any]:
    items, deliveries = m["items"], m["deliveries"]
    hook = per_item(m["webhook"]["calls"], items)
    ev = per_item(m["evaluate"]["calls"], items)
    calls = Counter(hook) + Counter(ev)

    def n(prefix: str, ops: tuple[str, ...] | None = None) -> float:
        return sum(
            v
            for k, v in calls.items()
            if k.startswith(prefix + ".") and (ops is None or k.split(".")[1] in ops)
        )

    hook_ms = modelled_ms(
        m["webhook"]["code_ms_median"], per_item(m["webhook"]["calls"], deliveries)
    )
    ev_ms = modelled_ms(m["evaluate"]["code_ms_per_item"], ev)
    gb = MEMORY_MB / 1024
    million = 1_000_000
    deliveries_per_item = deliveries / items
    ddb_writes = n("dynamodb", ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItemItems"))
    ddb_writes += 2 * n("dynamodb", ("TransactWriteItems",))
    ddb_reads = n("dynamodb", ("GetItem", "Query", "Scan", "BatchGetItemItems"))
    s3_puts = n("s3", ("PutObject", "CopyObject", "ListObjectsV2"))
    s3_gets = n("s3", ("GetObject", "HeadObject"))
    # Lambda's event source mapping: one ReceiveMessage and one DeleteMessageBatch per batch, and
    # its pollers' empty receives (about 5 pollers long-polling 20 s each: ~650 k/month, fixed).
    sqs = n("sqs") + 2 / EVALUATE_BATCH
    rows = {
        "API Gateway (REST)": deliveries_per_item * p["apigw_rest_per_million"],
        "Lambda requests": (deliveries_per_item + 1 / EVALUATE_BATCH)
        * p["lambda_per_million_requests"],
        "Lambda duration": (deliveries_per_item * hook_ms + ev_ms)
        / 1000
        * gb
        * p["lambda_per_gb_second"]
        * million,
        "SQS": sqs * p["sqs_per_million_requests"],
        "DynamoDB writes": ddb_writes * p["ddb_per_million_wru"],
        "DynamoDB reads": ddb_reads * p["ddb_per_million_rru"],
        "S3 requests": s3_puts * p["s3_put_per_thousand"] * 1000
        + s3_gets * p["s3_get_per_thousand"] * 1000,
        # S3 calls KMS for every object it encrypts or decrypts under a customer key without an
        # S3 Bucket Key; SNS with a key likewise per publish (upper bound): neither is a client
        # call, so neither shows in the counts.
        "KMS requests": (n("kms") + s3_puts + s3_gets + n("sns")) * p["kms_per_10k_requests"] * 100,
        "SNS publishes": n("sns") * p["sns_per_million_publishes"],
        "Secrets Manager": n("secretsmanager") * p["secrets_per_10k_calls"] * 100,
        "CloudWatch Logs ingest": 2
        * LOG_BYTES_PER_ITEM
        * million
        / 1e9
        * p["cw_logs_ingest_per_gb"],
    }
    return {
        "rows": {k: round(v, 2) for k, v in rows.items()},
        "total": round(sum(rows.values()), 2),
        "webhook_ms_modelled": round(hook_ms, 1),
        "evaluate_ms_per_item_modelled": round(ev_ms, 1),
        "calls_per_item": {k: round(v, 3) for k, v in sorted(calls.items())},
        "units_per_item": {
            "ddb_wru": round(ddb_writes, 2),
            "ddb_rru": round(ddb_reads, 2),
            "s3_put": round(s3_puts, 2),
            "s3_get": round(s3_gets, 2),
            "sqs": round(sqs, 2),
            "kms": round(n("kms") + s3_puts + s3_gets + n("sns"), 3),
            "sns": round(n("sns"), 3),
        },
    }


def burst(m: dict[str, Any], model: dict[str, Any]) -> dict[str, Any]:
    """50,000 comments in an hour from 500 pages: concurrency, batching, p99 webhook-to-flag."""
    comments, seconds, peak_factor = 50_000, 3600, 4.0
    per_delivery = m["items"] / m["deliveries"]
    mean_rate = comments / seconds  # items/s
    peak_rate = mean_rate * peak_factor  # the busiest minute of the hour
    hook_s = model["webhook_ms_modelled"] / 1000
    hook_p99_s = (
        hook_s + (m["webhook"]["code_ms_p99"] - m["webhook"]["code_ms_median"]) / 1000 * CPU_SCALE
    )
    ev_item_s = model["evaluate_ms_per_item_modelled"] / 1000
    batch_s = EVALUATE_BATCH * ev_item_s
    api_concurrency = peak_rate / per_delivery * hook_s
    evaluate_concurrency = peak_rate * ev_item_s  # busy functions at peak, batches full
    # A cold evaluate container: Lambda's init and our imports (~0.3-0.9 s, docs/benchmarks.md)
    # plus the first batch's loading of packs and registry (measured: first_batch_code_ms).
    cold_s = 0.9 + m["evaluate"]["first_batch_code_ms"] / 1000 * CPU_SCALE
    # The event source mapping waits up to MaximumBatchingWindowInSeconds (1 s, functions.yaml)
    # for a batch of 10 to fill; it starts with 5 pollers, so each sees a fifth of the arrivals.
    pollers, window_s = 5, 1.0
    fill_s = min(window_s, EVALUATE_BATCH / (peak_rate / pollers))
    apigw_s = 0.03  # API Gateway's own overhead per request (typical, not measured)
    # The steady batch at its p99, the item last in its batch; modelled as the p99 of our code
    # plus the batch's AWS calls at their assumed latencies.
    spread_ms = m["evaluate"]["code_ms_per_batch_p99"] - m["evaluate"]["code_ms_per_batch_median"]
    steady_p99_s = batch_s + spread_ms / 1000 * CPU_SCALE
    # p99 with warm containers: webhook p99, batch fill, the batch's p99. A cold container
    # adds cold_s; during a burst's first minute, while the mapping scales up, the p99 item
    # meets one (each new container takes one cold batch), afterwards it does not.
    warm_p99 = apigw_s + hook_p99_s + fill_s + steady_p99_s
    p99 = warm_p99 + cold_s
    return {
        "mean_rate_per_s": round(mean_rate, 1),
        "peak_rate_per_s": round(peak_rate, 1),
        "api_concurrency_peak": round(api_concurrency, 1),
        "evaluate_concurrency_peak": round(evaluate_concurrency, 1),
        "batch_seconds": round(batch_s, 2),
        "p99_webhook_to_flag_warm_s": round(warm_p99, 2),
        "p99_webhook_to_flag_first_minute_s": round(p99, 2),
        "terms_s": {
            "api gateway": apigw_s,
            "webhook p99": round(hook_p99_s, 3),
            "batch fill": round(fill_s, 3),
            "batch of 10 (p99)": round(steady_p99_s, 3),
            "cold container": round(cold_s, 3),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measure", type=int, default=0, metavar="DELIVERIES")
    parser.add_argument("--flagged", type=float, default=0.05)
    parser.add_argument("--prices", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.measure:
        measured = measure(args.measure, args.flagged)
        MEASURED.parent.mkdir(exist_ok=True)
        MEASURED.write_text(json.dumps(measured, indent=2) + "\n")
    measured = json.loads(MEASURED.read_text())
    prices = PRICES | (json.loads(args.prices.read_text()) if args.prices else {})
    model = cost_per_million(measured, prices)
    scale = burst(measured, model)
    if args.json:
        print(json.dumps({"measured": measured, "cost": model, "burst": scale}, indent=2))
        return
    print(
        f"measured: {measured['deliveries']} deliveries, {measured['items']} items; "
        f"webhook code {measured['webhook']['code_ms_median']:.1f} ms/delivery, evaluate "
        f"code {measured['evaluate']['code_ms_per_item']:.1f} ms/item (embedded AWS)"
    )
    print(
        f"modelled Lambda duration: webhook {model['webhook_ms_modelled']} ms/delivery, "
        f"evaluate {model['evaluate_ms_per_item_modelled']} ms/item at {MEMORY_MB} MB\n"
    )
    print("| per million comments | USD |\n| --- | ---: |")
    for name, usd in model["rows"].items():
        print(f"| {name} | {usd:,.2f} |")
    print(f"| **total** | **{model['total']:,.2f}** |\n")
    print("units per item:", json.dumps(model["units_per_item"]))
    print("burst:", json.dumps(scale))


if __name__ == "__main__":
    main()
