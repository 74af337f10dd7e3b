"""Benchmark Lambda cold-start imports: each handler module against a bare `import boto3`.

Every sample is a fresh interpreter that times only its own `import` statement (interpreter start
is the same for every variant, so it is left out). The variants run round-robin within each round
so a busy neighbour on this shared machine slows all of them alike, and the ratios stay fair.

Run from the repository root: `.venv/bin/python bench/cold_start.py [--rounds N] [--json]`.
This is a benchmark, not a test: it prints figures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATIO = 1.5  # the target: handler import ≤ 1.5 × bare `import boto3`

# What the API handler (`app.app`) and the SQS consumer (`app.evaluate`) import lazily on their
# first call (see `uppsikt.runtime`): a real cold invocation pays these on top of `import app`.
API_LAZY = (
    "uppsikt.ingest.webhook",
    "uppsikt.adapters.s3",
    "uppsikt.adapters.sqs",
    "uppsikt.adapters.sns",
    "aws_lambda_powertools.utilities.parameters",
)
EVALUATE_LAZY = (
    "uppsikt.evaluate.batch",
    "uppsikt.evaluate.service",
    "uppsikt.adapters.dynamodb",
    "uppsikt.adapters.batch_reads",
    "uppsikt.adapters.completions",
    "uppsikt.adapters.deferred_items",
    "uppsikt.policy.store",
    "uppsikt.policy.engine",
)
VARIANTS: dict[str, tuple[str, ...]] = {
    "boto3": ("boto3",),
    "app": ("app",),
    "app + api lazy": ("app", *API_LAZY),
    "app + evaluate lazy": ("app", *EVALUATE_LAZY),
    # Observability (issue 13): the Logger and metrics alone, and the Tracer a first invocation
    # builds in Lambda (bench/tracer_probe.py: the X-Ray SDK imported, botocore patched).
    "observability": ("uppsikt.observability.invocation",),
    "app + tracer": ("app", "bench.tracer_probe"),
}
BASELINE = "boto3"
PROBE = "import time; t = time.perf_counter(); import {modules}; print(time.perf_counter() - t)"


def child_env() -> dict[str, str]:
    # As in the Lambda zip, the handler module sits at the top of the import path.
    env = dict(os.environ)
    env["PYTHONPATH"] = "functions"
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the warm-up round must be able to write .pyc
    return env


def import_seconds(modules: Sequence[str], env: dict[str, str]) -> float:
    code = PROBE.format(modules=", ".join(modules))
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"importing {', '.join(modules)} failed:\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])


def pyc_is_warm(env: dict[str, str]) -> bool:
    # After the warm-up round the bytecode of our modules and of site-packages (uv does not
    # compile it at install) must be cached, as it is in a packaged Lambda zip.
    code = (
        "import importlib.util as u, os, app, boto3, botocore, pydantic;"
        "print(all(os.path.exists(u.cache_from_source(m.__file__))"
        " for m in (app, boto3, botocore, pydantic)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() == "True"


def run(rounds: int) -> dict[str, Any]:
    env = child_env()
    for modules in VARIANTS.values():  # untimed: compiles and caches every module's bytecode
        import_seconds(modules, env)
    samples: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name, modules in VARIANTS.items():
            samples[name].append(import_seconds(modules, env))

    base = samples[BASELINE]
    base_median = statistics.median(base)
    variants: dict[str, dict[str, Any]] = {}
    for name, values in samples.items():
        median = statistics.median(values)
        # Paired ratios (same round, seconds apart) are less exposed to drift than medians.
        paired = statistics.median(v / b for v, b in zip(values, base, strict=True))
        variants[name] = {
            "imports": list(VARIANTS[name]),
            "median_s": median,
            "min_s": min(values),
            "max_s": max(values),
            "ratio_to_boto3": median / base_median,
            "paired_ratio_to_boto3": paired,
            "meets_target": None if name == BASELINE else median / base_median <= TARGET_RATIO,
        }
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "cpus": os.cpu_count(),
        "rounds": rounds,
        "warmup_rounds": 1,
        "pyc_warm": pyc_is_warm(env),
        "target_ratio": TARGET_RATIO,
        "variants": variants,
    }


def report(figures: dict[str, Any]) -> str:
    warm = "warm" if figures["pyc_warm"] else "COLD (bytecode could not be cached)"
    lines = [
        f"Cold-start import benchmark on Python {figures['python']}, {figures['cpus']} CPUs",
        f"{figures['rounds']} rounds, round-robin, after {figures['warmup_rounds']} untimed "
        f"warm-up round: .pyc caches {warm}, as in a packaged Lambda zip",
        "each sample: a fresh `python -c` timing only its import statement (PYTHONPATH=functions)",
        "",
        f"{'variant':<22}{'median s':>10}{'min s':>9}{'max s':>9}{'× boto3':>9}{'paired':>8}"
        f"  target ≤{figures['target_ratio']}×",
    ]
    for name, v in figures["variants"].items():
        verdict = {None: "baseline", True: "met", False: "MISSED"}[v["meets_target"]]
        lines.append(
            f"{name:<22}{v['median_s']:>10.4f}{v['min_s']:>9.4f}{v['max_s']:>9.4f}"
            f"{v['ratio_to_boto3']:>8.2f}×{v['paired_ratio_to_boto3']:>7.2f}×  {verdict}"
        )
    lines += [
        "",
        "× boto3: ratio of medians; paired: median of per-round ratios.",
        "api lazy:      " + ", ".join(API_LAZY),
        "evaluate lazy: " + ", ".join(EVALUATE_LAZY),
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=21, help="timed rounds (default 21)")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1 (use 15 or more on a shared machine)")
    figures = run(args.rounds)
    print(json.dumps(figures, indent=2) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
