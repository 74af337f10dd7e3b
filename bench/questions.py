"""Question detection on our labelled comments: precision and recall per language, and speed.

Data: bench/data/questions/cases.tsv, 60 comments per language (da, sv, nb, nn, en) written by
us (see PROVENANCE.md there). A comment is positive when it asks the organisation something and
wants an answer; rhetorical and ironic questions and questions to other commenters are negative.

Two parts, never mixed: *calib* (within each language, lines 0, 3, 6 ... counted from 0 in file
order) is the only part the cues and weights of `uppsikt.clocks.questions` were adjusted on;
*test* (the rest) is reported as it comes. The test part is printed only with `--test`, so that
tuning runs (`--calib-errors`) show calibration mistakes and nothing else.

Also: microseconds per comment (median of `--rounds` passes over every line, each comment timed
with its labelled language and again with none, i.e. every language's lists), and the holidays
library's import and first-call cost in fresh interpreters (`--cold`), for business time.

Run from the repository root: `.venv/bin/python bench/questions.py [--test] [--calib-errors]
[--rounds N] [--cold]`. A benchmark, not a test: it prints figures and fails on nothing.
Figures: docs/quality/questions.md.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from uppsikt.clocks.questions import QUESTION_LANGS, detect_question

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "bench" / "data" / "questions" / "cases.tsv"
# Written for the response clocks; before its cues were added it scored 58 % precision and 84 %
# recall (docs/clocks.md), so its figures now are calibration figures:
# 10 per language, 5 member questions and 5 not, 3 of them rhetorical.
FRESH = ROOT / "bench" / "data" / "questions" / "member-questions.tsv"
SAMPLE = ROOT / "bench" / "data" / "questions" / "dkhate-sample.tsv"
DKHATE_TEST = ROOT.parent / "shared" / "eval-data" / "dkhate" / "offenseval-da-test-v1.tsv"


@dataclass(frozen=True)
class Case:
    lang: str
    split: str
    label: bool
    kind: str
    text: str


def load(path: Path = CASES) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Case(r["lang"], r["split"], r["label"] == "question", r["kind"], r["text"])
            for r in csv.DictReader(fh, delimiter="\t")
        ]


def pct(num: int, den: int) -> str:
    return f"{100 * num / den:5.1f}" if den else "    -"


def score(cases: list[Case], title: str, *, known_lang: bool, errors: bool) -> None:
    print(f"\n{title} ({'labelled language' if known_lang else 'language unknown: all lists'})")
    print(f"{'lang':6} {'n':>4} {'tp':>3} {'fp':>3} {'fn':>3} {'prec':>6} {'recall':>6} {'F1':>6}")
    totals = [0, 0, 0, 0]
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: list[tuple[Case, str]] = []
    for lang in QUESTION_LANGS:
        rows = [c for c in cases if c.lang == lang]
        tp = fp = fn = 0
        for c in rows:
            guess = detect_question(c.text, c.lang if known_lang else None)
            tp += guess.is_question and c.label
            fp += guess.is_question and not c.label
            fn += (not guess.is_question) and c.label
            by_kind[c.kind][0] += guess.is_question == c.label
            by_kind[c.kind][1] += 1
            if guess.is_question != c.label:
                wrong.append((c, " ".join(guess.cues) or "-"))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        print(
            f"{lang:6} {len(rows):4} {tp:3} {fp:3} {fn:3} {pct(tp, tp + fp):>6} "
            f"{pct(tp, tp + fn):>6} {100 * f1:6.1f}"
        )
        totals = [totals[0] + len(rows), totals[1] + tp, totals[2] + fp, totals[3] + fn]
    n, tp, fp, fn = totals
    print(
        f"{'all':6} {n:4} {tp:3} {fp:3} {fn:3} {pct(tp, tp + fp):>6} {pct(tp, tp + fn):>6} "
        f"{100 * 2 * tp / (2 * tp + fp + fn):6.1f}"
    )
    print(
        "  correct by kind: " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(by_kind.items()))
    )
    if errors:
        for c, cues in wrong:
            print(f"  {'FN' if c.label else 'FP'} {c.lang} {c.kind:12} {c.text!r}  [{cues}]")


def dkhate() -> None:
    """Real Danish comments (DKHate test split, Reddit and Facebook): how often the detector
    fires, and precision and misses on the 40 + 40 comments we labelled by hand (seed 11,
    drawn from what the detector flagged and did not flag when the cues were frozen)."""
    if not DKHATE_TEST.exists():
        print(f"\nDKHate: {DKHATE_TEST} not found; skipped")
        return
    with DKHATE_TEST.open(encoding="utf-8", newline="") as fh:
        texts = {
            r["id"]: r["tweet"] for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        }
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        labels = list(csv.DictReader(fh, delimiter="\t"))
    flagged_all = sum(detect_question(t, "da").is_question for t in texts.values())
    marks = sum("?" in t for t in texts.values())
    print(
        f"\nDKHate test split, {len(texts)} real Danish comments (not addressed to an organisation)"
    )
    print(
        f"  flagged as questions: {flagged_all} ({pct(flagged_all, len(texts)).strip()}%); "
        f"with '?': {marks}"
    )
    for sample in ("flagged", "unflagged"):
        rows = [r for r in labels if r["sample"] == sample]
        asks = sum(r["label"] == "question" for r in rows)
        now = sum(detect_question(texts[r["id"]], "da").is_question for r in rows)
        print(
            f"  hand-labelled {sample:9} sample: {len(rows)} comments, {asks} information-seeking "
            f"questions ({pct(asks, len(rows)).strip()}%); flagged today: {now}"
        )


def speed(cases: list[Case], rounds: int) -> None:
    per_pass: dict[str, list[float]] = {"labelled language": [], "language unknown": []}
    for _ in range(rounds):
        for name, known in (("labelled language", True), ("language unknown", False)):
            t0 = time.perf_counter()
            for c in cases:
                detect_question(c.text, c.lang if known else None)
            per_pass[name].append((time.perf_counter() - t0) / len(cases) * 1e6)
    print(f"\nSpeed: {len(cases)} comments, {rounds} passes, one core")
    for name, values in per_pass.items():
        print(f"  {name:18} {statistics.median(values):6.1f} µs per comment (median pass)")


COLD = {
    "import uppsikt.clocks": "import uppsikt.clocks",
    "first detect_question (import + da lists)": (
        "from uppsikt.clocks import detect_question; detect_question('Hvornår åbner I?', 'da')"
    ),
    "import holidays": "import holidays",
    "first closed_days (import + DK 2026)": (
        "from uppsikt.clocks.business_time import closed_days; closed_days('dk', 2026)"
    ),
    "four countries, one year each": (
        "from uppsikt.clocks.business_time import closed_days\n"
        "for j in ('dk', 'se', 'no', 'fi'): closed_days(j, 2026)"
    ),
    # The same two without the table the clocks read first (clocks/closed_days.json).
    "first closed_days, library only": (
        "import os; os.environ['UPPSIKT_HOLIDAY_TABLE'] = '0'\n"
        "from uppsikt.clocks.business_time import closed_days; closed_days('dk', 2026)"
    ),
    "four countries, library only": (
        "import os; os.environ['UPPSIKT_HOLIDAY_TABLE'] = '0'\n"
        "from uppsikt.clocks.business_time import closed_days\n"
        "for j in ('dk', 'se', 'no', 'fi'): closed_days(j, 2026)"
    ),
}


def cold(rounds: int) -> None:
    """Import and first-call costs, with bytecode caches (as the Lambda artefact ships them,
    `uppsikt package`) and without (every module compiled from source)."""
    with tempfile.TemporaryDirectory() as cache:
        modes = {
            "with .pyc": {"PYTHONPYCACHEPREFIX": cache, "PYTHONDONTWRITEBYTECODE": ""},
            "source only": {"PYTHONDONTWRITEBYTECODE": "1", "PYTHONPYCACHEPREFIX": cache + "/x"},
        }
        for env in modes.values():
            for code in COLD.values():
                _run(code + "\nprint(0)", env)  # writes the caches in the pyc mode
        print(f"\nCold start in fresh interpreters (median of {rounds}, ms)")
        print(f"  {'':40} " + " ".join(f"{m:>12}" for m in modes))
        for name, code in COLD.items():
            cells = [_fresh(code, rounds, env) for env in modes.values()]
            print(f"  {name:40} " + " ".join(f"{c:12.1f}" for c in cells))
        code = (
            "import time; from uppsikt.clocks.business_time import closed_days\n"
            "closed_days('dk', 2026); t = time.perf_counter(); closed_days('dk', 2027)\n"
            "print((time.perf_counter() - t) * 1000)"
        )
        later = statistics.median(float(_run(code, modes["with .pyc"])) for _ in range(rounds))
        print(f"  {'a further year once loaded':40} {later:12.2f}")
    size()


def size() -> None:
    import holidays

    root = Path(holidays.__file__).parent
    files = [f for f in root.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    installed = sum(f.stat().st_size for f in files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in files:
            zf.write(f, f.relative_to(root.parent))
    mo = [f for f in files if f.suffix == ".mo"]
    print(
        f"\nholidays {importlib.metadata.version('holidays')}: {len(files)} files, "
        f"{installed / 1e6:.1f} MB installed, "
        f"{len(buffer.getvalue()) / 1e6:.1f} MB zipped (without .pyc); of which {len(mo)} .mo "
        f"translations, {sum(f.stat().st_size for f in mo) / 1e6:.1f} MB. Its one dependency, "
        "python-dateutil, is in the artefact already (botocore)."
    )


def _fresh(code: str, rounds: int, env: dict[str, str]) -> float:
    timer = f"import time; t = time.perf_counter()\n{code}\nprint((time.perf_counter() - t) * 1000)"
    return statistics.median(float(_run(timer, env)) for _ in range(rounds))


def _run(code: str, env: dict[str, str]) -> str:
    full = {k: v for k, v in os.environ.items() if k not in env} | {
        k: v for k, v in env.items() if v
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=full
    )
    return out.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--test", action="store_true", help="also score the test part")
    parser.add_argument("--calib-errors", action="store_true", help="list calibration mistakes")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--cold", action="store_true", help="holidays import and first call")
    parser.add_argument(
        "--fresh", action="store_true", help="score the member-questions set written for clocks"
    )
    args = parser.parse_args()
    cases = load()
    print(f"Question detection, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}")
    calib = [c for c in cases if c.split == "calib"]
    test = [c for c in cases if c.split == "test"]
    score(calib, "Calibration part", known_lang=True, errors=args.calib_errors)
    score(calib, "Calibration part", known_lang=False, errors=False)
    if args.test:
        score(test, "Test part", known_lang=True, errors=True)
        score(test, "Test part", known_lang=False, errors=False)
    if args.test:
        dkhate()
    if args.fresh:
        score(
            load(FRESH),
            "Member questions (clocks set: the rhetorical and word-order cues were added on it)",
            known_lang=True,
            errors=True,
        )
        return
    speed(cases, args.rounds)
    if args.cold:
        cold(args.rounds)


if __name__ == "__main__":
    main()
