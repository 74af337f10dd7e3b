"""The review API's latency on the embedded AWS holding many flags across organisations.

Seeds `--flags` open flags spread over the registry's organisations (rows as evaluation writes
them; evidence for the first few of each), serves the review API on loopback as `uppsikt demo
--serve` does, signs an officer in through Cognito, and times over HTTP, with the ID token
verified against the pool's JWKS on every call:

- the first page of the open queue (50 flags, with the per-severity counts),
- the next page (its cursor),
- a flag's detail (evidence from the archive, history, an audit entry),
- a decision (claim-free transition to dismissed with a template, history and audit),

each beside a raw DynamoDB Query of the same page on the same index in the same run (the ratio
says what the API adds: HTTP, token check, shaping, counts, audit).

Run from the repository root (develop with the default 2,000; the recorded figures use 50,000):
`.venv/bin/python bench/review.py [--flags 50000] [--rounds 30] [--json]`
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))

ORGS = ("seko", "kommunal", "eksempeletaten")
PAGE = 50


def timed(call: Callable[[], Any], rounds: int) -> tuple[list[float], Any]:
    samples: list[float] = []
    last = None
    for _ in range(rounds):
        start = time.perf_counter()
        last = call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples, last


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 1),
    }


def main() -> None:  # noqa: PLR0915 - one scenario, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flags", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    from botocore.config import Config

    from uppsikt.accounts.registry import load as load_registry
    from uppsikt.local.review_seed import DEMO_PASSWORD, seed_flags
    from uppsikt.local.stack import EmbeddedAWS
    from uppsikt.review.model import Role

    with EmbeddedAWS() as aws:
        aws.publish_policy()
        aws.publish_registry(load_registry(ROOT / "policies" / "registry" / "accounts.yaml"))
        rt = aws.runtime
        # moto answers a Query in time proportional to the whole table (tens of seconds at 50,000
        # flags), past the deployed clients' 5 s read timeout: this run's client waits longer.
        rt.__dict__["dynamodb"] = aws.session.client(
            "dynamodb",
            config=Config(connect_timeout=2, read_timeout=600, retries={"total_max_attempts": 1}),
        )
        rt.directory.add_user("bench-officer", DEMO_PASSWORD, [("seko", Role.OFFICER)])
        started = time.perf_counter()
        per_org = args.flags // len(ORGS)
        seeded = {
            org: seed_flags(rt, org, per_org, with_evidence=args.rounds + 5, batch=True)
            for org in ORGS
        }
        seed_seconds = time.perf_counter() - started
        url = aws.serve_review()

        def call(method: str, path: str, body: Any = None, token: str | None = None) -> Any:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            data = None if body is None else json.dumps(body).encode()
            request = urllib.request.Request(  # noqa: S310 - the loopback server above
                url + path, data=data, headers=headers, method=method
            )
            with urllib.request.urlopen(request, timeout=900) as response:  # noqa: S310
                return json.loads(response.read())

        token = call(
            "POST", "/auth/login", {"username": "bench-officer", "password": DEMO_PASSWORD}
        )["id_token"]
        first = f"/orgs/seko/flags?status=open&limit={PAGE}"
        call("GET", first, token=token)  # warm: JWKS fetched and cached, registry read

        def raw(start: dict[str, Any] | None = None) -> Any:
            params: dict[str, Any] = {
                "TableName": aws.settings.flags_table,
                "IndexName": "by-org-status",
                "KeyConditionExpression": "org_status = :h",
                "ExpressionAttributeValues": {":h": {"S": "seko#open"}},
                "ScanIndexForward": False,
                "Limit": PAGE,
            }
            if start:
                params["ExclusiveStartKey"] = start
            return rt.dynamodb.query(**params)

        results: dict[str, Any] = {}
        api_first, page = timed(lambda: call("GET", first, token=token), args.rounds)
        raw_first, raw_page = timed(raw, args.rounds)
        cursor = page["next_cursor"]
        api_next, _ = timed(
            lambda: call("GET", f"{first}&cursor={cursor}", token=token), args.rounds
        )
        raw_next, _ = timed(lambda: raw(raw_page["LastEvaluatedKey"]), args.rounds)
        with_evidence = [s.flag_id for s in seeded["seko"][: args.rounds]]
        detail_ids = iter(with_evidence)
        api_detail, _ = timed(
            lambda: call("GET", f"/orgs/seko/flags/{next(detail_ids)}", token=token), args.rounds
        )
        raw_get, _ = timed(
            lambda: rt.dynamodb.get_item(
                TableName=aws.settings.flags_table, Key={"flag_id": {"S": with_evidence[0]}}
            ),
            args.rounds,
        )
        decision_ids = iter(s.flag_id for s in seeded["seko"][args.rounds : 2 * args.rounds])
        api_decision, _ = timed(
            lambda: call(
                "POST",
                f"/orgs/seko/flags/{next(decision_ids)}/transitions",
                {"to": "dismissed", "template": "no_violation"},
                token=token,
            ),
            args.rounds,
        )
        results = {
            "flags": per_org * len(ORGS),
            "organisations": len(ORGS),
            "seed_seconds": round(seed_seconds, 1),
            "rounds": args.rounds,
            "first_page": {**summary(api_first), "raw": summary(raw_first)},
            "next_page": {**summary(api_next), "raw": summary(raw_next)},
            "detail": {**summary(api_detail), "raw_get_item": summary(raw_get)},
            "decision": summary(api_decision),
        }
        for name in ("first_page", "next_page"):
            entry = results[name]
            entry["ratio"] = round(entry["median_ms"] / max(entry["raw"]["median_ms"], 0.01), 1)
        results["detail"]["ratio"] = round(
            results["detail"]["median_ms"]
            / max(results["detail"]["raw_get_item"]["median_ms"], 0.01),
            1,
        )
    if args.json:
        print(json.dumps(results, indent=2))
        return
    seeded_in = results["seed_seconds"]
    print(f"{results['flags']} flags in {len(ORGS)} organisations (seeded in {seeded_in} s)")
    for name in ("first_page", "next_page", "detail", "decision"):
        entry = results[name]
        line = f"{name:<11} median {entry['median_ms']:>8} ms  p95 {entry['p95_ms']:>8} ms"
        base = entry.get("raw") or entry.get("raw_get_item")
        if base:
            line += (
                f"   raw {base['median_ms']:>7} ms (p95 {base['p95_ms']})  ratio {entry['ratio']}x"
            )
        print(line)


if __name__ == "__main__":
    main()
