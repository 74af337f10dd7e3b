"""Benchmark the purge on the embedded AWS (moto, in process) against a raw delete loop.

Seeds N stored things of mixed classes and organisations the way the pipeline stores them
(working records, held actions and flags in DynamoDB with their retention attributes; raw
deliveries and evidence in S3 with their expiry inventory rows), moves the clock past every
expiry, and times one `uppsikt purge` run (index pages, hold checks, per-page receipts and
checkpoints, a HEAD per object, every S3 version). Then it seeds the same again and times the
floor: a loop that already knows every key and version and only deletes, with the same delete
operations the purge uses: DeleteItem per row, DeleteObjects per 1,000 object versions. The ratio
is the purge's overhead over the bare deletes on the same backend in the same process.

Seeding is not timed, and takes shortcuts so that 100,000 fits in the time: rows (the inventory
rows as `Governance.record_object` builds them) go 25 to a BatchWriteItem, and objects straight
into the embedded S3's model (same key, body, metadata and versioning as a PutObject).

The embedded AWS makes some calls cost more as the store grows (moto answers every DynamoDB
Query by walking the whole table, and ListObjectVersions by copying the whole bucket); see
docs/retention.md, "Measured".

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
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "functions"))

import boto3  # noqa: E402
from moto import mock_aws  # noqa: E402
from moto.core.models import DEFAULT_ACCOUNT_ID  # noqa: E402
from moto.s3.models import s3_backends  # noqa: E402

from uppsikt import runtime  # noqa: E402
from uppsikt.accounts.registry import load as load_registry  # noqa: E402
from uppsikt.accounts.store import publish as publish_registry  # noqa: E402
from uppsikt.adapters.governance import Governance  # noqa: E402
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
    objects: list[tuple[str, str, str | None]]  # (bucket, key, version id; None: unversioned)


class Recorder:
    """Stands in for the DynamoDB client of a writer: keeps the rows it would put."""

    def __init__(self, pending: dict[str, list[dict[str, Any]]]) -> None:
        self.pending = pending

    def put_item(self, TableName: str, Item: dict[str, Any], **_: Any) -> None:  # noqa: N803
        self.pending[TableName].append(Item)


def put_rows(rt: runtime.Runtime, pending: dict[str, list[dict[str, Any]]]) -> None:
    for table, items in pending.items():
        for start in range(0, len(items), 25):
            requests: Any = [{"PutRequest": {"Item": i}} for i in items[start : start + 25]]
            while requests:
                left = rt.dynamodb.batch_write_item(RequestItems={table: requests})
                requests = left.get("UnprocessedItems", {}).get(table, [])
        items.clear()


def seed(rt: runtime.Runtime, n: int, tag: str) -> Seeded:
    s, schedule = rt.settings, shipped()
    seeded = Seeded([], [])
    pending: dict[str, list[dict[str, Any]]] = {
        s.items_table: [],
        s.flags_table: [],
        s.governance_table: [],
    }
    # The inventory rows exactly as `Governance.record_object` writes them, sent in batches.
    gov = Governance(Recorder(pending), s.governance_table)  # type: ignore[arg-type]
    s3 = s3_backends[DEFAULT_ACCOUNT_ID]["global"]
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
            pending[s.items_table].append(to_item(values))
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
            pending[s.flags_table].append(to_item(values))
            seeded.rows.append((s.flags_table, {"flag_id": {"S": flag_id}}))
        else:
            bucket = s.raw_bucket if kind == "raw" else s.archive_bucket
            cls = "raw_delivery" if kind == "raw" else "policy_removed"
            prefix = "deliveries/facebook" if kind == "raw" else "evidence"
            key = f"{prefix}/{org}/{written:%Y/%m/%d}/{tag}-{i}.json"
            d: Disposition = dispose(schedule, None, cls, written)
            # Straight into the embedded S3's model: the object, its metadata, its version.
            stored = s3.put_object(bucket, key, b"{}")
            stored.set_metadata({f"x-amz-meta-{k}": v for k, v in d.metadata().items()})
            gov.record_object(
                "raw" if kind == "raw" else "archive", key, d, [org], {"account_id": f"acc-{org}"}
            )
            version = stored.version_id if s3.get_bucket(bucket).is_versioned else None
            seeded.objects.append((bucket, key, version))
    put_rows(rt, pending)
    return seeded


def raw_loop(rt: runtime.Runtime, seeded: Seeded) -> None:
    """The floor: every key and version already known; the purge's delete calls and no other
    (DeleteItem per row, DeleteObjects per 1,000 object versions)."""
    for table, row_key in seeded.rows:
        rt.dynamodb.delete_item(TableName=table, Key=row_key)
    by_bucket: dict[str, list[Any]] = {}
    for bucket, key, version in seeded.objects:
        by_bucket.setdefault(bucket, []).append(
            {"Key": key, **({"VersionId": version} if version else {})}
        )
    for bucket, objects in by_bucket.items():
        for start in range(0, len(objects), 1000):
            chunk = objects[start : start + 1000]
            rt.s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})


def left(rt: runtime.Runtime) -> list[str]:
    """What either run should have removed and did not (objects, working records)."""
    s = rt.settings
    found: list[str] = []
    for bucket in (s.raw_bucket, s.archive_bucket):
        listing = rt.s3.list_object_versions(Bucket=bucket, MaxKeys=5)
        versions = [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]
        found += [f"{bucket}: {v.get('Key')}" for v in versions]
    rows = rt.dynamodb.scan(TableName=s.items_table, Limit=5).get("Items", [])
    return found + [f"{s.items_table}: a row" for _ in rows]


class Calls:
    """Counts AWS API calls and the CPU each operation costs (the calling thread's CPU time,
    so neither the machine's load nor the purge's threads blur it)."""

    def __init__(self, rt: runtime.Runtime) -> None:
        self.count = 0
        self.ops: dict[str, list[float]] = {}  # operation -> [calls, CPU seconds]
        self._local = threading.local()
        self._lock = threading.Lock()
        for client in (rt.dynamodb, rt.s3):
            client.meta.events.register("before-call", self._before)
            client.meta.events.register("after-call", self._after)

    def _before(self, **_: Any) -> None:
        self._local.started = time.thread_time()

    def _after(self, model: Any, **_: Any) -> None:
        spent = time.thread_time() - self._local.started
        with self._lock:
            self.count += 1
            entry = self.ops.setdefault(model.name, [0, 0.0])
            entry[0] += 1
            entry[1] += spent

    def reset(self) -> None:
        with self._lock:
            self.count, self.ops = 0, {}

    def per_op(self) -> dict[str, dict[str, float]]:
        """Calls and mean CPU milliseconds per call, per operation."""
        return {
            name: {"calls": int(calls), "ms": round(1000 * cpu / calls, 2)}
            for name, (calls, cpu) in sorted(self.ops.items())
        }


@dataclass
class Timed:
    wall_s: float
    cpu_s: float  # the whole process's CPU time (every thread): what the load does not change
    calls: int
    ops: dict[str, dict[str, float]]


def timed(calls: Calls, run: Callable[[], Any]) -> tuple[Any, Timed]:
    calls.reset()
    wall, cpu = time.perf_counter(), time.process_time()
    result = run()
    spent = Timed(time.perf_counter() - wall, time.process_time() - cpu, calls.count, {})
    spent.ops = calls.per_op()
    return result, spent


def progress(n: int, **figures: Any) -> None:
    """A line per phase on stderr, so a long size shows where it is."""
    print(json.dumps({"items": n, "at": time.strftime("%H:%M:%S"), **figures}), file=sys.stderr)


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
        seed(rt, n, "a")
        seed_s = time.perf_counter() - started
        progress(n, seeded_s=round(seed_s, 1))

        receipts, purge = timed(calls, lambda: rt.purge_all(LATER))
        done = sum(
            count
            for r in receipts
            for outcomes in r.totals().values()
            for what, count in outcomes.items()
            if what in ("deleted", "anonymised", "gone")
        )
        if done != n or not all(r.complete for r in receipts) or left(rt):
            raise SystemExit(f"purge handled {done} of {n}; left: {left(rt)}")
        progress(n, seed_s=round(seed_s, 1), purge_s=round(purge.wall_s, 1), cpu=purge.cpu_s)

        seeded = seed(rt, n, "b")
        _, raw = timed(calls, lambda: raw_loop(rt, seeded))
        if left(rt):
            raise SystemExit(f"raw loop left: {left(rt)}")
        runtime.install(None)
    return {
        "items": n,
        "seed_s": round(seed_s, 2),
        "purge_s": round(purge.wall_s, 2),
        "purge_per_s": round(n / purge.wall_s),
        "raw_s": round(raw.wall_s, 2),
        "raw_per_s": round(n / raw.wall_s),
        "ratio": round(purge.wall_s / raw.wall_s, 2),
        "purge_cpu_s": round(purge.cpu_s, 2),
        "purge_cpu_per_s": round(n / purge.cpu_s),
        "raw_cpu_s": round(raw.cpu_s, 2),
        "raw_cpu_per_s": round(n / raw.cpu_s),
        "cpu_ratio": round(purge.cpu_s / raw.cpu_s, 2),
        "purge_calls_per_item": round(purge.calls / n, 2),
        "raw_calls_per_item": round(raw.calls / n, 2),
        "purge_ops": purge.ops,
        "raw_ops": raw.ops,
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
        f"{'items':>8} {'purge s':>8} {'/s':>5} {'raw s':>7} {'/s':>5} {'ratio':>6}"
        f" {'purge cpu s':>12} {'/s':>5} {'raw cpu s':>10} {'/s':>5} {'ratio':>6}"
    )
    for r in results:
        print(
            f"{r['items']:>8} {r['purge_s']:>8} {r['purge_per_s']:>5} {r['raw_s']:>7} "
            f"{r['raw_per_s']:>5} {r['ratio']:>6} {r['purge_cpu_s']:>12} "
            f"{r['purge_cpu_per_s']:>5} {r['raw_cpu_s']:>10} {r['raw_cpu_per_s']:>5} "
            f"{r['cpu_ratio']:>6}"
        )
    print("CPU ms per call, purge (raw loop):")
    for r in results:
        ops = ", ".join(
            f"{name} {v['ms']}" + (f" ({r['raw_ops'][name]['ms']})" if name in r["raw_ops"] else "")
            for name, v in r["purge_ops"].items()
        )
        print(f"{r['items']:>8}: {ops}")


if __name__ == "__main__":
    main()
