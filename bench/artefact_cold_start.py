"""Cold-start imports from the packaged artefact, as Lambda runs it: with and without bytecode;
and the evaluator's first verdict, with and without the build's compiled regexes.

Lambda's code directory is read-only, so Python cannot cache the bytecode it compiles: unless the
zip ships `.pyc` files, every cold start compiles every module again. This unpacks the artefact
twice (as built, and with every `__pycache__` removed) and times fresh interpreters that see only
the artefact (`-I -S`, no site-packages) and may not write bytecode (`-B`), round-robin.

The second table times what a cold evaluate call does before its first verdict, from the
artefact with its bytecode: import the engine, validate the baseline pack (flattened, as the
policy store holds it), compile it and evaluate one comment. Once as built, once with the
artefact's `uppsikt/rules/precompiled.bin` removed (functions/uppsikt/rules/precompiled.py).

Run from the repository root after `make package`:
`.venv/bin/python bench/artefact_cold_start.py [build/package/deployment.zip] [--rounds N] [--json]`
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVALUATE = (
    "app, uppsikt.evaluate.batch, uppsikt.evaluate.service, uppsikt.adapters.dynamodb, "
    "uppsikt.adapters.batch_reads, uppsikt.adapters.completions, uppsikt.adapters.deferred_items, "
    "uppsikt.policy.store, uppsikt.policy.engine"
)
API = (
    "app, uppsikt.ingest.webhook, uppsikt.adapters.s3, uppsikt.adapters.sqs, uppsikt.adapters.sns, "
    "aws_lambda_powertools.utilities.parameters"
)
PROBE = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
    "import {modules}; print(time.perf_counter() - t)"
)


FIRST_VERDICT = (
    "import sys, time; sys.path.insert(0, sys.argv[1]); t = time.perf_counter(); "
    "from uppsikt.policy.engine import compile_policy; "
    "from uppsikt.policy.model import PolicyDocument; "
    "from pathlib import Path; "
    "doc = PolicyDocument.model_validate_json(Path(sys.argv[2]).read_text()); "
    "policy = compile_policy(doc); "
    "policy.evaluate_text('Tak for et godt møde i går, vi ses til generalforsamlingen'); "
    "print(time.perf_counter() - t)"
)


def flattened_pack(path: Path) -> None:
    """The baseline pack as the policy store holds it: flattened, as JSON."""
    sys.path.insert(0, str(ROOT / "functions"))
    from uppsikt.policy.loader import load_file

    document = load_file(ROOT / "policies" / "nordic-baseline.yaml").document
    path.write_text(document.model_dump_json(), encoding="utf-8")


def timed(code: str, directory: Path, *args: str) -> float:
    """The seconds `code` prints, run in a fresh interpreter that sees only `directory`."""
    out = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-c", code, str(directory), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def first_verdict(directory: Path, pack: Path) -> float:
    return timed(FIRST_VERDICT, directory, str(pack))


def sample(directory: Path, modules: str) -> float:
    return timed(PROBE.format(modules=modules), directory)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", default=ROOT / "build" / "package" / "deployment.zip")
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with_pyc, without_pyc = Path(tmp) / "with", Path(tmp) / "without"
        for target in (with_pyc, without_pyc):
            with zipfile.ZipFile(args.zip) as archive:
                archive.extractall(target)
        for cache in list(without_pyc.rglob("__pycache__")):
            shutil.rmtree(cache)
        shipped = sum(1 for _ in with_pyc.rglob("*.pyc"))
        variants = {
            ("boto3", "shipped .pyc"): (with_pyc, "boto3"),
            ("boto3", "source only"): (without_pyc, "boto3"),
            ("api", "shipped .pyc"): (with_pyc, API),
            ("api", "source only"): (without_pyc, API),
            ("evaluate", "shipped .pyc"): (with_pyc, EVALUATE),
            ("evaluate", "source only"): (without_pyc, EVALUATE),
        }
        times: dict[tuple[str, str], list[float]] = {key: [] for key in variants}
        for _ in range(args.rounds):
            for key, (directory, modules) in variants.items():
                times[key].append(sample(directory, modules))
        without_table = Path(tmp) / "without-table"
        shutil.copytree(with_pyc, without_table)
        table = without_table / "uppsikt" / "rules" / "precompiled.bin"
        shipped_table = table.is_file()
        table.unlink(missing_ok=True)
        pack = Path(tmp) / "pack.json"
        flattened_pack(pack)
        verdicts: dict[str, list[float]] = {"with": [], "without": []}
        for directory in (with_pyc, without_table):  # warm-up: the OS's file cache
            first_verdict(directory, pack)
        for _ in range(args.rounds):
            verdicts["with"].append(first_verdict(with_pyc, pack))
            verdicts["without"].append(first_verdict(without_table, pack))
    medians = {key: statistics.median(values) for key, values in times.items()}
    first = {key: statistics.median(values) for key, values in verdicts.items()}
    if args.json:
        found = {f"{k[0]} / {k[1]}": round(v, 4) for k, v in medians.items()}
        found |= {f"first verdict / {k} compiled regexes": round(v, 4) for k, v in first.items()}
        print(json.dumps(found))
        return
    print(f"Cold imports from {args.zip} ({shipped} .pyc shipped), Python {sys.version.split()[0]}")
    print(f"{args.rounds} rounds, round-robin; -I -S -B: only the artefact, no bytecode written\n")
    print(
        f"{'handler':<10}{'shipped .pyc':>14}{'source only':>14}{'saved':>9}{'× boto3 (pyc)':>15}"
    )
    base = medians[("boto3", "shipped .pyc")]
    for name in ("boto3", "api", "evaluate"):
        warm, cold = medians[(name, "shipped .pyc")], medians[(name, "source only")]
        print(
            f"{name:<10}{warm * 1000:>11.1f} ms{cold * 1000:>11.1f} ms"
            f"{(1 - warm / cold) * 100:>8.0f}%{warm / base:>14.2f}×"
        )
    state = "shipped" if shipped_table else "NOT in the artefact (built by another Python?)"
    print(
        f"\nFirst verdict of a cold evaluator (import the engine, validate, compile and run the"
        f" baseline pack on one comment); the compiled regexes are {state}:"
    )
    print(
        f"  with them {first['with'] * 1000:.1f} ms, without {first['without'] * 1000:.1f} ms"
        f" (medians of {args.rounds} alternating runs; saved"
        f" {(first['without'] - first['with']) * 1000:.1f} ms)"
    )


if __name__ == "__main__":
    main()
