"""Run the functional test suite (bench/data/functional/cases.tsv) against the shipped pack.

Every case is one sentence written for one functionality (a direct threat, a passive threat, a
counter-speech reply, a film title, …) in one language, with the verdict kind the
`nordic-baseline` pack should report. The pack is loaded as it ships, through
`uppsikt.policy.loader.load_file`, and each case is judged as a visitor's comment with the
case's language in the rule context.

A case passes when:
- `expected` is `threat`, `hate` or `harassment`: that kind is among the verdict's hit kinds
  (a threat reported only as harassment does not pass);
- `expected` is `none`: no `threat`, `hate` or `harassment` hit fires. Profanity-only hits (the
  advisory `tone` kind of `baseline.profanity`) and any other kind (contact data, spam, …) do
  not fail a must-not-flag case: swearing is a note for the moderator, not a finding of abuse,
  and "Fuck, what a speech" is meant to get that note. How often `tone` fires on must-not-flag
  cases is reported beside the accuracy.

Run from the repository root: `.venv/bin/python bench/functional_suite.py [--json]`.
This is a benchmark, not a test: it prints figures and never fails on a missed target.
Method and recorded figures: docs/quality/functional.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uppsikt.policy.engine import CompiledPolicy
from uppsikt.policy.loader import load_file
from uppsikt.rules.registry import RuleContext

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "policies" / "nordic-baseline.yaml"
CASES = ROOT / "bench" / "data" / "functional" / "cases.tsv"
LANGUAGES = ("da", "sv", "nb", "nn", "en")
ABUSE_KINDS = frozenset({"threat", "hate", "harassment"})
TONE = "tone"
TOP_FAILURES = 10


@dataclass(frozen=True)
class Case:
    id: str
    lang: str
    functionality: str
    target: str
    expected: str
    text: str


@dataclass(frozen=True)
class Outcome:
    case: Case
    kinds: frozenset[str]

    @property
    def passed(self) -> bool:
        if self.case.expected == "none":
            return not self.kinds & ABUSE_KINDS
        return self.case.expected in self.kinds

    @property
    def tone_only(self) -> bool:
        return TONE in self.kinds and not self.kinds & ABUSE_KINDS


def read_cases(path: Path = CASES) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Case(**{field: row[field] for field in Case.__dataclass_fields__}) for row in reader
        ]


def judge(policy: CompiledPolicy, case: Case) -> Outcome:
    # A visitor's comment on a union's page, in the case's language and its country.
    context = RuleContext(official=False, lang=case.lang, org_type="union")
    verdict = policy.evaluate_text(case.text, context)
    return Outcome(case, frozenset(hit.kind for hit in verdict.hits))


def functionality_order(cases: list[Case]) -> list[str]:
    return list(dict.fromkeys(case.functionality for case in cases))


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    cells: dict[tuple[str, str], list[bool]] = defaultdict(list)
    per_lang: dict[str, list[bool]] = defaultdict(list)
    per_expected: dict[tuple[str, str], list[bool]] = defaultdict(list)
    per_target: dict[tuple[str, str], list[bool]] = defaultdict(list)
    failures: Counter[str] = Counter()
    tone_on_clean: Counter[str] = Counter()
    for outcome in outcomes:
        case = outcome.case
        cells[case.functionality, case.lang].append(outcome.passed)
        per_lang[case.lang].append(outcome.passed)
        per_expected[case.expected, case.lang].append(outcome.passed)
        if case.expected != "none":
            per_target[case.target, case.lang].append(outcome.passed)
        if not outcome.passed:
            failures[case.functionality] += 1
        if case.expected == "none" and outcome.tone_only:
            tone_on_clean[case.lang] += 1
    functionalities = functionality_order([o.case for o in outcomes])
    totals: Counter[str] = Counter(o.case.functionality for o in outcomes)
    clean: Counter[str] = Counter(o.case.lang for o in outcomes if o.case.expected == "none")
    return {
        "cases": len(outcomes),
        "pack": PACK.name,
        "functionalities": functionalities,
        "cells": {
            f"{functionality}/{lang}": _rate(cells[functionality, lang])
            for functionality in functionalities
            for lang in LANGUAGES
        },
        "per_language": {lang: _rate(per_lang[lang]) for lang in LANGUAGES},
        "per_expected": {
            f"{expected}/{lang}": _rate(per_expected[expected, lang])
            for expected in ("threat", "hate", "none")
            for lang in LANGUAGES
        },
        "per_target_flag_cases": {
            f"{target}/{lang}": _rate(per_target[target, lang])
            for target in sorted({target for target, _ in per_target})
            for lang in LANGUAGES
        },
        "overall": _rate([o.passed for o in outcomes]),
        "top_failures": [
            {"functionality": name, "failed": count, "of": totals[name]}
            for name, count in failures.most_common(TOP_FAILURES)
        ],
        "tone_on_clean": {
            lang: {"tone_only": tone_on_clean[lang], "of": clean[lang]} for lang in LANGUAGES
        },
        "failed_ids": sorted(o.case.id for o in outcomes if not o.passed),
    }


def _rate(passes: list[bool]) -> dict[str, Any]:
    n = len(passes)
    return {"passed": sum(passes), "of": n, "accuracy": round(sum(passes) / n, 4) if n else None}


def _cell(rate: dict[str, Any]) -> str:
    if not rate["of"]:
        return "–"
    return f"{100 * rate['accuracy']:.0f}% ({rate['passed']}/{rate['of']})"


def render(summary: dict[str, Any], expected_of: dict[str, str]) -> str:
    header = "| functionality | expected | " + " | ".join(LANGUAGES) + " |"
    rule = "| --- | --- | " + " | ".join("---" for _ in LANGUAGES) + " |"
    lines = [
        f"Functional suite: {summary['cases']} cases, pack {summary['pack']}",
        "",
        header,
        rule,
    ]
    for functionality in summary["functionalities"]:
        cells = [_cell(summary["cells"][f"{functionality}/{lang}"]) for lang in LANGUAGES]
        lines.append(
            f"| {functionality} | {expected_of[functionality]} | " + " | ".join(cells) + " |"
        )
    for expected in ("threat", "hate", "none"):
        cells = [_cell(summary["per_expected"][f"{expected}/{lang}"]) for lang in LANGUAGES]
        lines.append(f"| **all `{expected}` cases** | {expected} | " + " | ".join(cells) + " |")
    cells = [_cell(summary["per_language"][lang]) for lang in LANGUAGES]
    lines.append("| **overall** | | " + " | ".join(f"**{c}**" for c in cells) + " |")
    lines += ["", f"All languages: {_cell(summary['overall'])}", ""]
    lines += ["Cases that should be flagged (threat, hate), by target:", ""]
    lines += ["| target | | " + " | ".join(LANGUAGES) + " |", rule]
    targets = dict.fromkeys(key.split("/")[0] for key in summary["per_target_flag_cases"])
    for target in targets:
        cells = [_cell(summary["per_target_flag_cases"][f"{target}/{lang}"]) for lang in LANGUAGES]
        lines.append(f"| {target} | | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Most frequent failure functionalities:")
    for row in summary["top_failures"]:
        lines.append(f"  {row['functionality']}: {row['failed']} of {row['of']} failed")
    lines += ["", "Must-not-flag cases with a profanity (tone) hit only, counted as passed:"]
    lines.append(
        "  "
        + ", ".join(
            f"{lang} {row['tone_only']}/{row['of']}"
            for lang, row in summary["tone_on_clean"].items()
        )
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    args = parser.parse_args(argv)
    cases = read_cases()
    policy = load_file(PACK)
    outcomes = [judge(policy, case) for case in cases]
    summary = summarise(outcomes)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        expected_of = {case.functionality: case.expected for case in cases}
        print(render(summary, expected_of))
    return 0


if __name__ == "__main__":
    sys.exit(main())
