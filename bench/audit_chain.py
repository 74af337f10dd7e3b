"""The audit chain on the embedded AWS (moto, in process): append latency, a week's report, and
verify over a chain with hourly checkpoints. moto is far slower than DynamoDB per call; the
figures bound the code's own cost and show how each step grows with the chain.

Run from the repository root:
`.venv/bin/python bench/audit_chain.py [--entries N] [--json]`
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(name, None)
    os.environ.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",  # noqa: S106 - moto
        AWS_DEFAULT_REGION="eu-north-1",
    )
    from support.stack import moto_stack
    from uppsikt.audit.chain import write_checkpoint
    from uppsikt.audit.log import AuditLog

    sub = "6f1c2d3e-0000-4000-8000-00000000000a"
    start = datetime(2026, 11, 16, 7, 0, tzinfo=UTC)
    with moto_stack(os.environ) as stack:  # type: ignore[arg-type]
        clock = [start]
        log = AuditLog(stack.rt.dynamodb, stack.settings.audit_table, clock=lambda: clock[0])
        per_hour = 20
        appends: list[float] = []
        for n in range(args.entries):
            clock[0] = start + timedelta(minutes=60 * n / per_hour)
            began = time.perf_counter()
            log.append(
                "seko",
                actor=sub,
                role="officer",
                action="flag.viewed",
                target=f"F-{n}",
                at=clock[0],
            )
            appends.append(time.perf_counter() - began)
            if (n + 1) % per_hour == 0:
                write_checkpoint(
                    log,
                    stack.rt.checkpoint_store,
                    stack.rt.audit_signer,
                    "seko",
                    clock[0] + timedelta(minutes=1),
                )
        now = clock[0] + timedelta(minutes=5)
        began = time.perf_counter()
        result = stack.rt.verify_audit("seko", now)
        verify_s = time.perf_counter() - began
        report_s: list[float] = []
        for _ in range(2):  # the first imports fpdf2 and the holiday tables
            began = time.perf_counter()
            stack.rt.supervision_reports.export("seko", "2026-W47", "pdf", "sv", as_of=now)
            report_s.append(time.perf_counter() - began)
    figures = {
        "entries": result.entries,
        "checkpoints": result.checkpoints,
        "verified": result.ok,
        "append_median_ms": round(statistics.median(appends) * 1000, 2),
        "append_p95_ms": round(sorted(appends)[int(0.95 * len(appends)) - 1] * 1000, 2),
        "verify_s": round(verify_s, 2),
        "report_pdf_first_s": round(report_s[0], 2),
        "report_pdf_again_s": round(report_s[1], 2),
    }
    print(json.dumps(figures, indent=1) if args.json else figures)


if __name__ == "__main__":
    main()
