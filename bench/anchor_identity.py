"""Check that the pack's anchor prefilter changes no hit: every text, with and without it.

The prefilter (functions/uppsikt/rules/anchors.py) lets the policy engine skip a rule whose
anchors are not in a comment. This runs the shipped `nordic-baseline` pack over every text of
DKHate (3,600), our functional suite (bench/data/functional/cases.tsv) and HateCheck (3,728),
once as shipped and once with every rule run (what the engine did before the prefilter), in
no context and in each text's language, and compares the hits: rule ids, kinds, spans,
evidence, confidence and labels must be identical.

Run from the repository root: `.venv/bin/python bench/anchor_identity.py`. Exits 1 on any
difference and prints the first few.
"""

from __future__ import annotations

import csv
import importlib
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "bench"))

SHARED = ROOT.parent / "shared" / "eval-data"


def texts() -> list[tuple[str, str | None]]:
    """(text, language) of every comment of the three sets."""
    sys.dont_write_bytecode = True  # no bench/__pycache__ for scripts imported as modules
    functional_suite = importlib.import_module("functional_suite")
    speed = importlib.import_module("speed")

    out: list[tuple[str, str | None]] = [
        (t, "da") for t in speed.read_comments(SHARED / "dkhate" / "dkhate-full-3600.tsv")
    ]
    out += [(case.text, case.lang) for case in functional_suite.read_cases()]
    with (SHARED / "hatecheck-en" / "test_suite_cases.csv").open(encoding="utf-8") as handle:
        out += [(row["test_case"], "en") for row in csv.DictReader(handle)]
    return out


def main() -> int:
    speed = importlib.import_module("speed")
    from uppsikt.policy.engine import CompiledPolicy
    from uppsikt.rules.registry import RuleContext

    policy: CompiledPolicy = speed.load_pack()
    # The same compiled rules without their anchor bits: every rule runs, as before the prefilter.
    every_rule = replace(policy, rules=tuple(replace(rule, bit=0) for rule in policy.rules))
    items = texts()
    differences = []
    for text, lang in items:
        for context in (RuleContext(), RuleContext(lang=lang)):
            fast = policy.evaluate_text(text, context).hits
            full = every_rule.evaluate_text(text, context).hits
            if fast != full:
                differences.append((text, context.lang, fast, full))
    hits = sum(len(every_rule.evaluate_text(t).hits) for t, _ in items)
    print(f"{len(items)} texts x 2 contexts, {hits} hits without context: ", end="")
    if not differences:
        print("identical with and without the anchor prefilter")
        return 0
    print(f"{len(differences)} differ")
    for text, lang, fast, full in differences[:5]:
        print(f"  lang={lang} {text!r}\n    prefilter: {fast}\n    every rule: {full}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
