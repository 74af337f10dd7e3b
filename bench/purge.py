"""Benchmark the purge on the embedded AWS (moto, in process) against a raw delete loop.

Seeds N stored things of mixed classes and organisations the way the pipeline stores them
(working records, held actions and flags in DynamoDB with their retention attributes; raw
deliveries and evidence in S3 with their expiry inventory rows), moves the clock past every
expiry, and times one `uppsikt purge` run (index reads, hold checks, per-page receipts and
checkpoints, every S3 version). Then it seeds the same again and times the floor: a loop that
already knows every key and only calls DeleteItem and DeleteObject. The ratio is the purge's
overhead over the bare deletes on the same backend in the same process.

Run from the repository root:
`.venv/bin/python bench/purge.py [--sizes 1000,10000,100000] [--json]`.
This is a benchmark, not a test: it prints figures and fails only if the purge leaves anything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "functions"))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402

from uppsikt import runtime  # noqa: E402
from uppsikt.accounts.registry import load as load_registry  # noqa: E402
from uppsikt.accounts.store import publish as publish_registry  # noqa: E402
from uppsikt.dynamo_values import to_item  # noqa: E402
from uppsikt.local.provision import provision  # noqa: E402
from uppsikt.retention.schedule import Disposition, dispose, row_values, shipped  # noqa: E402
from uppsikt.settings import load_settings  # noqa: E402

ORGS = ("seko", "kommunal", "eksempeletaten")
WRITTEN = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATER = WRITTEN + timedelta(days=4 * 365)
# The mix of what is stored, per 10 things: 5 working records, 1 held action, 1 flag,
# 2 raw deliveries, 1 evidence object.
MIX = ("item",) * 5 + ("held", "flag", "raw", "raw", "evidence")


@dataclass
class Seeded:
    rows: list[tuple[str, dict[str, Any]]]  # (table, key)
    objects: list[tuple[str, str]]  # (bucket, key)


def seed(rt: runtime.Runtime, n: int, tag: str) -> Seeded:
    s, schedule = rt.settings, shipped()
    ddb, s3, gov = rt.dynamodb, rt.s3, rt.governance
    seeded = Seeded([], [])
    for i in range(n):
        kind, org = MIX[i % len(MIX)], ORGS[i % len(ORGS)]
        written = WRITTEN + timedelta(seconds=i)
        ref = f"facebook#acc-{org}#{tag}-{i // 10}"
        if kind in ("item", "held"):
            event_id = f"{'held#' if kind == 'held' else ''}{tag}-{i}"
            values = {
                "event_id": event_id,
                "org_id": org,
                "item_ref": ref,
                "account_id": f"acc-{org}",
                "evaluated_at": written.isoformat(),
                "verdict": "clean",
                "text": "x" * 80,
                "expires_at": (written + timedelta(days=30)).isoformat(),
                **row_values("working_capture", written + timedelta(days=30)),
            }
            if kind == "held":
                values["kind"] = "held"
            ddb.put_item(TableName=s.items_table, Item=to_item(values))
            seeded.rows.append((s.items_table, {"event_id": {"S": event_id}}))
        elif kind == "flag":
            flag_id = f"F-{tag}-{i}"
            expires = written + timedelta(days=1095)
            values = {
                "flag_id": flag_id,
                "org_id": org,
                "event_id": f"{tag}-{i}",
                "created_at": written.isoformat(),
                "expires_at": expires.isoformat(),
                **row_values("flag_record", expires),
            }
            ddb.put_item(TableName=s.flags_table, Item=to_item(values))
            seeded.rows.append((s.flags_table, {"flag_id": {"S": flag_id}}))
        else:
            bucket = s.raw_bucket if kind == "raw" else s.archive_bucket
            cls = "raw_delivery" if kind == "raw" else "policy_removed"
            prefix = "deliveries/facebook" if kind == "raw" else "evidence"
            key = f"{prefix}/{org}/{written:%Y/%m/%d}/{tag}-{i}.json"
            d: Disposition = dispose(schedule, None, cls, written)
            s3.put_object(Bucket=bucket, Key=key, Body=b"{}", Metadata=d.metadata())
            gov.record_object(
                "raw" if kind == "raw" else "archive", key, d, [org], {"account_id": f"acc-{org}"}
            )
            seeded.objects.append((bucket, key))
    return seeded


def raw_loop(rt: runtime.Runtime, seeded: Seeded) -> None:
    """The floor: every key already known, one delete call each (every version for S3)."""
    for table, row_key in seeded.rows:
        rt.dynamodb.delete_item(TableName=table, Key=row_key)
    for bucket, key in seeded.objects:
        listing = rt.s3.list_object_versions(Bucket=bucket, Prefix=key)
        for v in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
            rt.s3.delete_object(Bucket=bucket, Key=key, VersionId=v["VersionId"])


class Calls:
    """Counts AWS API calls: a figure the machine's load does not change."""

    def __init__(self, rt: runtime.Runtime) -> None:
        self.count = 0
        for client in (rt.dynamodb, rt.s3):
            client.meta.events.register("before-call", self._count)

    def _count(self, **_: Any) -> None:
        self.count += 1

    def since(self, start: int) -> int:
        return self.count - start


def measure(n: int) -> dict[str, Any]:
    with mock_aws():
        session = boto3.Session(region_name="eu-north-1")
        os.environ.update(provision(session, f"bench-purge-{n}"))
        rt = runtime.Runtime(load_settings(), session)
        registry = load_registry(REPO / "policies" / "registry" / "accounts.yaml")
        publish_registry(rt.s3, rt.settings.policy_bucket, registry, rt.pseudonymiser())
        runtime.install(rt)
        calls = Calls(rt)
        started = time.perf_counter()
        seeded = seed(rt, n, "a")
        seed_s = time.perf_counter() - started

        started, mark = time.perf_counter(), calls.count
        receipts = rt.purge_all(LATER)
        purge_s = time.perf_counter() - started
        purge_calls = calls.since(mark)
        done = sum(
            count
            for r in receipts
            for outcomes in r.totals().values()
            for what, count in outcomes.items()
            if what in ("deleted", "anonymised", "gone")
        )
        if done != n or not all(r.complete for r in receipts):
            raise SystemExit(f"purge handled {done} of {n}")

        seeded = seed(rt, n, "b")
        started, mark = time.perf_counter(), calls.count
        raw_loop(rt, seeded)
        raw_s = time.perf_counter() - started
        raw_calls = calls.since(mark)
        runtime.install(None)
    return {
        "items": n,
        "seed_s": round(seed_s, 2),
        "purge_s": round(purge_s, 2),
        "purge_per_s": round(n / purge_s),
        "raw_s": round(raw_s, 2),
        "raw_per_s": round(n / raw_s),
        "ratio": round(purge_s / raw_s, 2),
        "purge_calls_per_item": round(purge_calls / n, 2),
        "raw_calls_per_item": round(raw_calls / n, 2),
        "load_avg_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",  # noqa: S106 - moto's dummy credentials
        AWS_DEFAULT_REGION="eu-north-1",
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    os.environ.pop("AWS_PROFILE", None)
    results = []
    for size in args.sizes.split(","):
        results.append(measure(int(size)))
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)  # progress, size by size
    if args.json:
        print(json.dumps({"python": platform.python_version(), "results": results}, indent=1))
        return
    print(f"purge on the embedded AWS (moto in process), Python {platform.python_version()}")
    print(
        f"{'items':>8} {'purge s':>9} {'items/s':>8} {'raw loop s':>11} {'items/s':>8} {'ratio':>6}"
    )
    for r in results:
        print(
            f"{r['items']:>8} {r['purge_s']:>9} {r['purge_per_s']:>8} "
            f"{r['raw_s']:>11} {r['raw_per_s']:>8} {r['ratio']:>6}"
        )


if __name__ == "__main__":
    main()
