"""Benchmark the quality and speed of the word lists in policies/lexicons/ (the `lexicon` kind).

Builds one `LexiconDetector` per category and language from the files (terms from
`{category}-{lang}.txt`, `allow` from `allow-{lang}.txt`, prefix mode) and measures them on the
labelled sets in shared/eval-data (see each folder's PROVENANCE.md):

- DKHate / OffensEval 2020 Danish: precision, recall and F1 of the OFF class on the test split
  (held out: never used to choose terms) and, for reference, on the training split (the only
  data the Danish lists were tuned on). A comment counts as predicted OFF when any rule of the
  set fires.
- HateCheck (English): recall on the threat functionalities and on every hateful
  functionality, and the false-positive rate on all non-hateful cases, by functionality.
- Davidson et al. 2017 (English tweets): precision and recall of "offensive or hate" vs
  "neither".
- Speed: comments per second of the Danish rules over the full DKHate corpus, single thread.

Run from the repository root: `.venv/bin/python bench/quality_text.py [--json] [--rounds N]`.
This is a benchmark, not a test: it prints figures and never fails on a missed target.
Method and recorded figures: docs/quality/text.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from uppsikt.rules.lexicon import LexiconDetector, LexiconParams
from uppsikt.rules.registry import RuleContext

ROOT = Path(__file__).resolve().parents[1]
LEXICONS = ROOT / "policies" / "lexicons"
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
DKHATE = EVAL_DATA / "dkhate"
HATECHECK = EVAL_DATA / "hatecheck-en" / "test_suite_cases.csv"
DAVIDSON = EVAL_DATA / "davidson-hate-offensive-en" / "labeled_data.csv"

LANGUAGES = ("da", "sv", "nb", "en")
# Category file stem -> the verdict kind its rule reports as.
REPORT_AS = {"insults": "harassment", "hate": "hate", "threats": "threat", "profanity": "tone"}
CORE = ("insults", "hate", "threats")
WITH_PROFANITY = (*CORE, "profanity")
THREAT_FUNCTIONALITIES = ("threat_dir_h", "threat_norm_h")
# Non-hateful HateCheck cases that are still abusive or profane (abuse of a person, of a
# non-protected group or of an object; profanity). Our insult and profanity rules are meant to
# fire on these, so a second false-positive rate leaves them out.
ABUSIVE_NON_HATEFUL = ("target_indiv_nh", "target_group_nh", "target_obj_nh", "profanity_nh")
TOP_TERMS = 15
TOP_FUNCTIONALITIES = 10
BOOTSTRAP_ROUNDS = 2000
BOOTSTRAP_SEED = 20261121


# --- word lists -------------------------------------------------------------------------------


def read_list(path: Path) -> list[str]:
    """Entries of a lexicon file: one per line, `#` starts a comment, blank lines ignored."""
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = " ".join(line.split("#", 1)[0].split())
        if entry:
            entries.append(entry)
    return entries


@dataclass(frozen=True)
class Rule:
    language: str
    category: str
    detector: LexiconDetector


def build_rule(language: str, category: str) -> Rule | None:
    path = LEXICONS / f"{category}-{language}.txt"
    if not path.exists():
        return None
    allow_path = LEXICONS / f"allow-{language}.txt"
    params = LexiconParams.model_validate(
        {
            "terms": read_list(path),
            "match": "prefix",
            "allow": read_list(allow_path) if allow_path.exists() else [],
            "report_as": REPORT_AS[category],
        }
    )
    return Rule(language, category, LexiconDetector(params))


def build_rules(languages: Iterable[str], categories: Iterable[str]) -> list[Rule]:
    wanted = list(categories)
    rules = [build_rule(lang, cat) for lang in languages for cat in wanted]
    return [rule for rule in rules if rule is not None]


def fired_masks(rules: Sequence[Rule], text: str) -> list[str]:
    """The masked term of every finding of every rule (empty: nothing fired)."""
    return [finding.mask or "?" for rule in rules for finding in rule.detector.find(text)]


def fires(rules: Sequence[Rule], text: str) -> bool:
    return any(rule.detector.find(text) for rule in rules)


# --- data sets --------------------------------------------------------------------------------


def read_offenseval(path: Path) -> list[tuple[str, bool]]:
    """(text, is_offensive) rows of an OffensEval TSV (`id<TAB>tweet<TAB>subtask_a`).

    The training file's last row is separated by spaces instead of tabs; it is read all the same.
    """
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            words = line.split()
            parts = [words[0], " ".join(words[1:-1]), words[-1]]
        rows.append((parts[1], parts[2].strip().upper() == "OFF"))
    return rows


def read_dkhate_full() -> list[str]:
    lines = (DKHATE / "dkhate-full-3600.tsv").read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[1] for line in lines[1:] if line.strip()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- metrics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def f1_interval(predicted: Sequence[bool], gold: Sequence[bool]) -> tuple[float, float]:
    """95% percentile-bootstrap interval of the F1 (seeded, so reruns agree)."""
    rng = random.Random(BOOTSTRAP_SEED)  # noqa: S311 - resampling, not security
    pairs = list(zip(predicted, gold, strict=True))
    values = sorted(
        score(*zip(*rng.choices(pairs, k=len(pairs)), strict=True)).f1
        for _ in range(BOOTSTRAP_ROUNDS)
    )
    return values[int(0.025 * len(values))], values[int(0.975 * len(values)) - 1]


def score(predicted: Sequence[bool], gold: Sequence[bool]) -> Scores:
    pairs = Counter(zip(predicted, gold, strict=True))
    return Scores(
        tp=pairs[True, True], fp=pairs[True, False], fn=pairs[False, True], tn=pairs[False, False]
    )


# --- DKHate -----------------------------------------------------------------------------------

DKHATE_SETS = {
    "da: insults+hate+threats": (("da",), CORE),
    "da: + profanity": (("da",), WITH_PROFANITY),
    "all languages: insults+hate+threats": (LANGUAGES, CORE),
    "all languages: + profanity": (LANGUAGES, WITH_PROFANITY),
}
PACK_SET = "shipped pack: nordic-baseline"
PACK_THREATS = "pack: threat rules"
PACK_HATE = "pack: hate rules"
_Fires = Callable[[str], bool]
ENGLISH = RuleContext(lang="en")
ABUSE_KINDS = frozenset({"harassment", "hate", "threat", "tone"})
# The set whose false positives are itemised (the one a Danish policy would deploy).
FP_TERMS_SET = "da: + profanity"


def evaluate_split(rows: Sequence[tuple[str, bool]]) -> dict[str, Any]:
    gold = [off for _, off in rows]
    sets: dict[str, Any] = {}
    for name, (languages, categories) in DKHATE_SETS.items():
        rules = build_rules(languages, categories)
        masks = [fired_masks(rules, text) for text, _ in rows]
        predicted = [bool(m) for m in masks]
        result = score(predicted, gold).as_dict()
        low, high = f1_interval(predicted, gold)
        result["f1_ci95"] = [round(low, 4), round(high, 4)]
        if name == FP_TERMS_SET:
            fp_terms = Counter(
                term for m, off in zip(masks, gold, strict=True) if m and not off for term in m
            )
            result["fp_terms"] = fp_terms.most_common(TOP_TERMS)
        sets[name] = result
    # The product's own figure: the shipped baseline pack, OFF when any abuse-kind hit fires
    # (its profanity rule reports as `tone`).
    from uppsikt.policy.loader import load_pack

    pack = load_pack(ROOT / "policies", "nordic-baseline")
    verdicts = [pack.evaluate_text(text).hits for text, _ in rows]
    predicted = [any(h.kind in ABUSE_KINDS for h in hits) for hits in verdicts]
    result = score(predicted, gold).as_dict()
    # DKHate has no threat label: how often the pack's threat rules fire on OFF and on NOT.
    threat = [any(h.kind == "threat" for h in hits) for hits in verdicts]
    result["threat_fires_on_off"] = sum(t and g for t, g in zip(threat, gold, strict=True))
    result["threat_fires_on_not"] = sum(t and not g for t, g in zip(threat, gold, strict=True))
    low, high = f1_interval(predicted, gold)
    result["f1_ci95"] = [round(low, 4), round(high, 4)]
    sets[PACK_SET] = result
    per_category = {}
    for category in WITH_PROFANITY:
        rules = build_rules(("da",), (category,))
        hits = [fires(rules, text) for text, _ in rows]
        per_category[category] = {
            "fires_on_off": sum(h and g for h, g in zip(hits, gold, strict=True)),
            "fires_on_not": sum(h and not g for h, g in zip(hits, gold, strict=True)),
        }
    return {
        "comments": len(rows),
        "off": sum(gold),
        "sets": sets,
        "per_category_da": per_category,
    }


def dkhate() -> dict[str, Any]:
    return {
        "test": evaluate_split(read_offenseval(DKHATE / "offenseval-da-test-v1.tsv")),
        "train": evaluate_split(read_offenseval(DKHATE / "offenseval-da-training-v1.tsv")),
    }


# --- HateCheck --------------------------------------------------------------------------------


def hatecheck() -> dict[str, Any]:
    cases = read_csv(HATECHECK)
    threats_only = build_rules(("en",), ("threats",))
    core = build_rules(("en",), CORE)
    profanity_too = build_rules(("en",), WITH_PROFANITY)

    threat_cases = [c for c in cases if c["functionality"] in THREAT_FUNCTIONALITIES]
    # The shipped pack's threat rules (the threat lexicon and the threat constructions), read
    # as an English item: what a deployment that knows the language would flag as `threat`.
    from uppsikt.policy.loader import load_pack

    pack = load_pack(ROOT / "policies", "nordic-baseline")

    def pack_threat(text: str) -> bool:
        return any(h.kind == "threat" for h in pack.evaluate_text(text, ENGLISH).hits)

    def pack_hate(text: str) -> bool:
        return any(h.kind == "hate" for h in pack.evaluate_text(text, ENGLISH).hits)

    predicates: dict[str, _Fires] = {
        "threats-en": lambda text: fires(threats_only, text),
        "insults+hate+threats": lambda text: fires(core, text),
        "+ profanity": lambda text: fires(profanity_too, text),
        PACK_THREATS: pack_threat,
    }
    # The hate rules (the hate lexicon and the hate constructions) on every case, not only the
    # threat functionalities.
    rated: dict[str, _Fires] = predicates | {PACK_HATE: pack_hate}
    threat_recall = {}
    for name, fired in predicates.items():
        recall_by_func = {}
        for func in THREAT_FUNCTIONALITIES:
            subset = [c for c in threat_cases if c["functionality"] == func]
            hits = sum(fired(c["test_case"]) for c in subset)
            recall_by_func[func] = round(hits / len(subset), 4)
        total = sum(fired(c["test_case"]) for c in threat_cases) / len(threat_cases)
        threat_recall[name] = {"all": round(total, 4), **recall_by_func}

    def rates(fired: _Fires, label: str) -> tuple[float, dict[str, tuple[int, int]]]:
        counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for case in cases:
            if case["label_gold"] != label:
                continue
            counts[case["functionality"]][1] += 1
            counts[case["functionality"]][0] += fired(case["test_case"])
        hit = sum(v[0] for v in counts.values())
        total = sum(v[1] for v in counts.values())
        return hit / total, {k: (v[0], v[1]) for k, v in counts.items()}

    fpr: dict[str, Any] = {}
    recall: dict[str, Any] = {}
    for name in ("insults+hate+threats", "+ profanity", PACK_THREATS, PACK_HATE):
        rate, by_func = rates(rated[name], "non-hateful")
        worst = sorted(by_func.items(), key=lambda kv: (-kv[1][0] / kv[1][1], kv[0]))
        clean = [v for f, v in by_func.items() if f not in ABUSIVE_NON_HATEFUL]
        fpr[name] = {
            "non_hateful_cases": sum(v[1] for v in by_func.values()),
            "fpr": round(rate, 4),
            "not_abusive_cases": sum(n for _, n in clean),
            "fpr_not_abusive": round(sum(h for h, _ in clean) / sum(n for _, n in clean), 4),
            "worst": [
                {"functionality": f, "fired": h, "cases": n, "fpr": round(h / n, 4)}
                for f, (h, n) in worst[:TOP_FUNCTIONALITIES]
            ],
        }
        rate, by_func = rates(rated[name], "hateful")
        recall[name] = {
            "hateful_cases": sum(v[1] for v in by_func.values()),
            "recall": round(rate, 4),
            "by_functionality": {
                f: {"fired": h, "cases": n, "recall": round(h / n, 4)}
                for f, (h, n) in sorted(by_func.items())
            },
        }
    return {"threat_recall": threat_recall, "non_hateful_fpr": fpr, "hateful_recall": recall}


# --- Davidson ---------------------------------------------------------------------------------


def davidson() -> dict[str, Any]:
    rows = read_csv(DAVIDSON)
    gold = [row["class"] in ("0", "1") for row in rows]
    result: dict[str, Any] = {"tweets": len(rows), "offensive_or_hate": sum(gold)}
    for name, categories in (("insults+hate+threats", CORE), ("+ profanity", WITH_PROFANITY)):
        rules = build_rules(("en",), categories)
        result[name] = score([fires(rules, row["tweet"]) for row in rows], gold).as_dict()
    return result


# --- speed ------------------------------------------------------------------------------------


def speed(rounds: int) -> dict[str, Any]:
    texts = read_dkhate_full()
    chars = sum(len(t) for t in texts)
    result: dict[str, Any] = {"comments": len(texts), "mean_chars": round(chars / len(texts), 1)}
    for name, (languages, categories) in (
        ("da: + profanity (4 rules)", (("da",), WITH_PROFANITY)),
        ("all languages: + profanity (16 rules)", (LANGUAGES, WITH_PROFANITY)),
    ):
        started = time.perf_counter()
        rules = build_rules(languages, categories)
        build_ms = (time.perf_counter() - started) * 1000
        for text in texts:  # warm-up
            fired_masks(rules, text)
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            for text in texts:
                for rule in rules:
                    rule.detector.find(text)
            samples.append(time.perf_counter() - started)
        median = statistics.median(samples)
        result[name] = {
            "build_ms": round(build_ms, 1),
            "median_s": round(median, 4),
            "comments_per_s": round(len(texts) / median),
            "us_per_comment": round(median / len(texts) * 1e6, 1),
        }
    return result


# --- output -----------------------------------------------------------------------------------


def term_counts() -> dict[str, int]:
    return {path.name: len(read_list(path)) for path in sorted(LEXICONS.glob("*.txt"))}


def pct(value: float) -> str:
    return f"{value * 100:5.1f}%"


def print_tables(report: dict[str, Any]) -> None:
    print(f"# Lexicon quality ({report['python']}, {report['machine']})\n")
    print("## Word lists (entries per file)\n")
    for name, count in report["lists"].items():
        print(f"  {name:24} {count:5}")

    for split in ("test", "train"):
        data = report["dkhate"][split]
        held = "held out" if split == "test" else "tuning data, for reference"
        print(f"\n## DKHate {split} split ({held}): {data['comments']} comments, {data['off']} OFF")
        print(
            f"\n  {'rule set':38} {'P':>6} {'R':>6} {'F1':>6}   TP   FP   FN    TN"
            "   F1 95% bootstrap"
        )
        for name, s in data["sets"].items():
            low, high = s["f1_ci95"]
            print(
                f"  {name:38} {pct(s['precision'])} {pct(s['recall'])} {pct(s['f1'])} "
                f"{s['tp']:4} {s['fp']:4} {s['fn']:4} {s['tn']:5}   {pct(low)} – {pct(high)}"
            )
        packed = data["sets"][PACK_SET]
        print(
            f"\n  Pack threat rules fire on {packed['threat_fires_on_off']} OFF and "
            f"{packed['threat_fires_on_not']} NOT comments"
        )
        print("\n  Danish rule alone: comments it fires on (OFF / NOT)")
        for category, c in data["per_category_da"].items():
            print(f"    {category:10} {c['fires_on_off']:4} / {c['fires_on_not']:4}")
        terms = data["sets"][FP_TERMS_SET]["fp_terms"]
        print(f"\n  Terms firing on false positives ({FP_TERMS_SET}), masked:")
        print("    " + ", ".join(f"{term} ×{n}" for term, n in terms))

    hc = report["hatecheck"]
    print("\n## HateCheck (English lists)\n")
    print(f"  Threat recall        {'all':>7} {'dir':>7} {'norm':>7}")
    for name, r in hc["threat_recall"].items():
        print(f"  {name:20} {pct(r['all'])} {pct(r['threat_dir_h'])} {pct(r['threat_norm_h'])}")
    for name, f in hc["non_hateful_fpr"].items():
        print(f"\n  False-positive rate on {f['non_hateful_cases']} non-hateful cases, {name}:")
        print(
            f"    overall {pct(f['fpr'])}; on the {f['not_abusive_cases']} cases that are not "
            f"abusive either (all but {', '.join(ABUSIVE_NON_HATEFUL)}): "
            f"{pct(f['fpr_not_abusive'])}"
        )
        print("    worst functionalities:")
        for w in f["worst"]:
            print(f"      {w['functionality']:20} {w['fired']:4} / {w['cases']:4}  {pct(w['fpr'])}")
    for name, r in hc["hateful_recall"].items():
        print(f"\n  Recall on {r['hateful_cases']} hateful cases, {name}: {pct(r['recall'])}")
        for func, v in r["by_functionality"].items():
            print(f"      {func:20} {v['fired']:4} / {v['cases']:4}  {pct(v['recall'])}")

    dv = report["davidson"]
    print(
        f"\n## Davidson (English tweets): {dv['tweets']} tweets, "
        f"{dv['offensive_or_hate']} offensive or hate\n"
    )
    for name in ("insults+hate+threats", "+ profanity"):
        s = dv[name]
        print(
            f"  {name:22} P {pct(s['precision'])}  R {pct(s['recall'])}  F1 {pct(s['f1'])}"
            f"  (TP {s['tp']}, FP {s['fp']}, FN {s['fn']}, TN {s['tn']})"
        )

    sp = report["speed"]
    print(
        f"\n## Speed: DKHate full corpus, {sp['comments']} comments "
        f"(mean {sp['mean_chars']} chars), single thread, median of {report['rounds']} rounds\n"
    )
    for name, v in sp.items():
        if isinstance(v, dict):
            print(
                f"  {name:40} {v['comments_per_s']:>8} comments/s  {v['us_per_comment']:6} µs"
                f"/comment  (rules built in {v['build_ms']} ms)"
            )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--rounds", type=int, default=7, help="timing rounds (default 7)")
    args = parser.parse_args(argv)
    report: dict[str, Any] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "rounds": args.rounds,
        "lists": term_counts(),
        "dkhate": dkhate(),
        "hatecheck": hatecheck(),
        "davidson": davidson(),
        "speed": speed(args.rounds),
    }
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
        print()
    else:
        print_tables(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
