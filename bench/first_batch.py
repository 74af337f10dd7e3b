"""A fresh evaluator's first batch: our code's CPU time, with the holiday table and without it.

Each round starts two fresh interpreters, alternating: one evaluates a first batch of 10
comments (5% carry a personnummer; the seko pack flags some more, so due times are computed)
with `clocks/closed_days.json` read, the other with `UPPSIKT_HOLIDAY_TABLE=0`, so the `holidays`
library answers. Inside each, the stack runs on moto in process (`support.stack.moto_stack`), the
policy and registry are published, and the batch goes through the real `evaluate` handler; the
CPU time of AWS calls (moto's work and botocore's) is taken out as in `bench/cost_model.py`. What
remains is a cold container's first batch: the pack's compile, the registry, the clocks.

Run from the repository root: `.venv/bin/python bench/first_batch.py [--rounds 7]`
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE = """
import contextlib, io, os, random, sys, time
sys.path[:0] = [{bench!r}, {functions!r}, {tests!r}]
import cost_model as cm
os.environ.update({{"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "eu-north-1", "UPPSIKT_SETTINGS_FILE": os.devnull,
    "POWERTOOLS_LOG_LEVEL": "WARNING"}})
import logging; logging.getLogger("uppsikt").setLevel(logging.WARNING)
from app import evaluate
from support.stack import moto_stack, sqs_event, sqs_record
from uppsikt.local.lambda_context import LocalContext
rng = random.Random(20261202)
with contextlib.redirect_stdout(io.StringIO()), moto_stack(os.environ) as stack:
    page = next(a for a in stack.rt.registry.current().accounts if a.id == "seko-facebook")
    stack.publish_policy()
    for i in range(6):
        stack.post_meta(cm.delivery(i, rng, 0.05, page.platform_account_id)[0])
    event = sqs_event(*(sqs_record(b) for b in stack.take_queued()[:10]))
    with cm.counting() as calls:
        cpu = time.thread_time()
        result = evaluate(event, LocalContext("bench-first-batch"))
        spent = time.thread_time() - cpu - calls["cpu"]
assert not result.get("batchItemFailures"), result
sys.stderr.write(f"{{spent * 1000:.1f}} {{'holidays' in sys.modules}}\\n")
"""


def once(table: bool) -> tuple[float, bool]:
    env = {**os.environ, "UPPSIKT_HOLIDAY_TABLE": "1" if table else "0"}
    code = ONE.format(
        bench=str(ROOT / "bench"), functions=str(ROOT / "functions"), tests=str(ROOT / "tests")
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    ms, loaded = done.stderr.strip().splitlines()[-1].split()
    return float(ms), loaded == "True"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    runs: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(args.rounds):
        for table in (True, False):
            ms, loaded = once(table)
            assert loaded != table, "the library was imported with the table, or not without"
            runs[table].append(ms)
    print(f"First evaluate batch of a fresh process, our code's CPU (median of {args.rounds}, ms)")
    for table, label in ((True, "holiday table"), (False, "holidays library only")):
        values = sorted(runs[table])
        print(f"  {label:22} {statistics.median(values):7.1f}   (all: {values})")
    ratio = statistics.median(runs[False]) / statistics.median(runs[True])
    print(f"  library only / table  {ratio:7.2f}x")


if __name__ == "__main__":
    main()
