"""Benchmark the precision of `baseline.special-category-other` and `-self` on our own cases.

The cases are `bench/data/special_category/cases.tsv` (written by us; see its PROVENANCE.md):
Danish, Swedish, Norwegian bokmål and nynorsk, and English, each with third-person disclosures,
self-disclosures, and look-alikes that are not Art. 9 data about anyone (generic and group
talk, organisations, news, negations, questions, innocent compounds). The split is fixed:
every third data line is calibration, the rest is test. Tune on calibration only.

A case counts for a rule when the rule reports anything in it; the shipped `nordic-baseline`
pack is loaded from `policies/` and run with the case's language in the context, as the
pipeline does once the language is identified.

Run from the repository root: `.venv/bin/python bench/quality_special_category.py
[--split test|calibration|all] [--errors] [--json]`. `--errors` lists the wrong calibration
cases (test cases only with `--split test`, for the final report). A benchmark, not a test: it
prints figures and never fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))

from uppsikt.policy.loader import load_pack  # noqa: E402
from uppsikt.rules.registry import RuleContext  # noqa: E402

CASES = ROOT / "bench" / "data" / "special_category" / "cases.tsv"
RULES = {"other": "baseline.special-category-other", "self": "baseline.special-category-self"}
LANGUAGES = ("da", "sv", "nb", "nn", "en")
TYPES = ("other", "self", "generic", "org", "news", "negation", "question", "lookalike")


@dataclass(frozen=True, slots=True)
class Case:
    line: int
    lang: str
    type: str
    expected: str  # "other", "self" or "none"
    text: str

    @property
    def calibration(self) -> bool:
        return self.line % 3 == 0


def read_cases(path: Path = CASES) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Case(i, r["lang"], r["type"], r["expected"], r["text"]) for i, r in enumerate(rows, 1)
        ]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    n: int = 0

    def add(self, fired: bool, wanted: bool) -> None:
        self.n += 1
        self.tp += fired and wanted
        self.fp += fired and not wanted
        self.fn += wanted and not fired

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def fired_by(cases: Sequence[Case]) -> dict[int, set[str]]:
    """Line -> which of the two rules ("other", "self") report something in the case."""
    pack = load_pack(ROOT / "policies", "nordic-baseline")
    detectors = {who: next(r for r in pack.rules if r.spec.id == rid) for who, rid in RULES.items()}
    result: dict[int, set[str]] = {}
    for case in cases:
        context = RuleContext(lang=case.lang)
        result[case.line] = {
            who for who, rule in detectors.items() if rule.detector.find(case.text, context)
        }
    return result


def tally(
    cases: Iterable[Case], fired: dict[int, set[str]], key: str
) -> dict[str, dict[str, Counts]]:
    """Group -> rule ("other"/"self") -> counts; `key` is "lang" or "type"."""
    table: dict[str, dict[str, Counts]] = defaultdict(lambda: {w: Counts() for w in RULES})
    for case in cases:
        group = getattr(case, key)
        for who in RULES:
            wanted = case.expected == who
            table[group][who].add(who in fired[case.line], wanted)
            table["all"][who].add(who in fired[case.line], wanted) if key == "lang" else None
    return table


def pct(value: float | None) -> str:
    return "   -" if value is None else f"{100 * value:5.1f}"


def print_table(title: str, table: dict[str, dict[str, Counts]], order: Sequence[str]) -> None:
    print(f"\n{title}")
    print(
        f"{'':10} {'n':>4} | {'other P':>7} {'R':>5} {'fp':>3} | {'self P':>7} {'R':>5} {'fp':>3}"
    )
    for group in [*order, "all"]:
        if group not in table:
            continue
        o, s = table[group]["other"], table[group]["self"]
        print(
            f"{group:10} {o.n:4} | {pct(o.precision):>7} {pct(o.recall):>5} {o.fp:3} | "
            f"{pct(s.precision):>7} {pct(s.recall):>5} {s.fp:3}"
        )


def by_type(cases: Sequence[Case], fired: dict[int, set[str]]) -> dict[str, dict[str, int]]:
    """Case type -> n, cases where "other" fired, where "self" fired, and cases judged right."""
    out: dict[str, dict[str, int]] = {}
    for kind in TYPES:
        group = [c for c in cases if c.type == kind]
        out[kind] = {
            "n": len(group),
            "other_fired": sum("other" in fired[c.line] for c in group),
            "self_fired": sum("self" in fired[c.line] for c in group),
            "right": sum(_right(c, fired[c.line]) for c in group),
        }
    return out


def _right(case: Case, fired: set[str]) -> bool:
    if case.expected == "none":
        return not fired
    return case.expected in fired and (case.expected == "self" or "self" not in fired)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "calibration", "all"), default="test")
    parser.add_argument("--errors", action="store_true", help="list the wrong cases")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    every = read_cases()
    cases = [
        c for c in every if args.split == "all" or c.calibration == (args.split == "calibration")
    ]
    fired = fired_by(cases)
    langs = tally(cases, fired, "lang")
    types = by_type(cases, fired)
    if args.json:
        print(
            json.dumps(
                {
                    "split": args.split,
                    "cases": len(cases),
                    "by_language": {
                        g: {
                            w: vars(c) | {"precision": c.precision, "recall": c.recall}
                            for w, c in row.items()
                        }
                        for g, row in langs.items()
                    },
                    "by_type": types,
                },
                indent=2,
            )
        )
        return
    print(f"special-category rules of nordic-baseline on {CASES.relative_to(ROOT)}")
    print(f"split: {args.split} ({len(cases)} of {len(every)} cases)")
    print_table("by language (P, R in %; fp = false positives)", langs, LANGUAGES)
    print("\nby case type (cases where each rule fired; right = the expected verdict)")
    print(f"{'':10} {'n':>4} {'other':>6} {'self':>6} {'right':>6}")
    for kind, row in types.items():
        print(
            f"{kind:10} {row['n']:4} {row['other_fired']:6} {row['self_fired']:6} {row['right']:6}"
        )
    if args.errors:
        print("\nwrong cases")
        for case in cases:
            if not _right(case, fired[case.line]):
                got = ",".join(sorted(fired[case.line])) or "none"
                print(
                    f"  {case.line:4} {case.lang} {case.type:9} want {case.expected:5} "
                    f"got {got:10} {case.text}"
                )


if __name__ == "__main__":
    main()
