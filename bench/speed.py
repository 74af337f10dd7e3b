"""Benchmark detection speed on one core: the compiled `nordic-baseline` pack against Presidio.

Every text of shared/eval-data/dkhate/dkhate-full-3600.tsv (3,600 Danish comments) goes
through, in interleaved rounds within one run:

- `pack`: `policy.evaluate_text(text)` of `policies/nordic-baseline.yaml` as it is on disk at run
  time, loaded with `uppsikt.policy.loader.load_file` (every rule of the pack, whatever it holds);
- `pack, every rule run`: the same compiled rules without the anchor prefilter
  (functions/uppsikt/rules/anchors.py), i.e. what the engine did before it; same hits
  (`bench/anchor_identity.py` checks that on DKHate, the functional suite and HateCheck);
- `national_id`, `financial_id`, `contact_data`: each detector alone, default params;
- `rule <id>`: each compiled rule of the pack alone (its detector's `find`), to show where the
  pack's time goes (the rest is the engine: scoping, waivers, building the Verdict);
- `presidio-patterns`: Presidio's pattern recognisers for the same identifiers (credit card,
  IBAN, e-mail, SE personnummer, FI personal identity code) in an AnalyzerEngine;
- `presidio+phone`: the same plus Presidio's PhoneRecognizer (libphonenumber's matcher, default
  regions), i.e. everything `bench/quality_ids.py` compares;
- `presidio tokenisation (untimed above)`: making the NlpArtifacts the two above are given,
  shown for scale (our side's folding and scan text are inside `pack`). Neither side runs
  language identification: the pack is called without a language, Presidio with "en".

Presidio runs over an NLP engine whose pipeline is `spacy.blank("en")` (a tokenizer, no model
download). Only the recognisers' analysis is timed: each text's NlpArtifacts are made once
beforehand, untimed, and passed to `AnalyzerEngine.analyze(..., nlp_artifacts=...)`, which then
runs the recognisers, Presidio's context enhancement and its score filtering.

The process is pinned to one CPU and thread pools are limited to one thread, so every figure is
single-core. Every duration is the CPU time of the timing thread (`time.thread_time`), not
wall-clock time: on a shared machine other processes' time slices then do not count (on an idle
machine the two agree). One untimed warm-up pass per variant precedes the rounds; each round
times one full pass per variant, in a rotated order. Reported: median comments/s per variant
and the ratio of the pack to Presidio (median of the per-round ratios, and ratio of the
medians).

By text length: the pack and `presidio-patterns` again, interleaved, on the short (< 60
characters), medium (60-199) and long (200+) comments alone.

Where the time goes (`stage_profile`): what each rule adds to the pack in declared order, and
the shared steps (folding, leetspeak, the scan text, the Aho-Corasick scan, the identifier
gate) alone, per length bucket, each comment's fastest round in CPU time.

Rule regex engines (`rule_engines`): the rules' own big regexes (each lexicon rule's term trie,
each phrase list) compiled by `regex` (PyPI), PCRE2 with its JIT (`pcre2`) and google-re2 when
installed: build time, µs per
comment of one search each, and how many first matches equal `re`'s.

What a perfect prefilter would leave (`ceiling`): each comment's hitting rules timed alone on
it, which bounds what any prefilter could give with the rules as they are.

Anchor engines: the pack's anchors (one literal per term of each text rule) matched by
pyahocorasick (used), ahocorasick-rs, Hyperscan and one `re` alternation (which only finds
non-overlapping matches, so it cannot say which rules are present: shown for scale): build
time and µs per comment of one scan; an engine that is not installed is left out.

Cold start: policy compile time in a fresh interpreter (`python -c`): import the loader, read
and validate the YAML, then time the compile step alone (flatten + `compile_policy`, which
builds every rule's detector); median of `--cold-runs` runs (default 9) after one untimed run
that warms the `.pyc` cache. Then, in as many other fresh interpreters, each rule's params
validation + detector build is timed alone, in declared order, to show where compile time goes.
Some regexes are only built when a comment first needs them (stretched or censored letters,
words with an infix term, the person cues behind a special-category or crime term, the
per-term patterns that name a hit): the first-use figures time `evaluate_text` on a few such
comments, in order, right after the compile in a fresh interpreter, so that cost is shown too.

The cold compile and the first evaluations are timed with the build's compiled regexes
(functions/uppsikt/rules/precompiled.bin, made by `make env` as the package build makes it for
Lambda) and without them (`UPPSIKT_PRECOMPILED=0`), in alternating fresh interpreters.

With `--pack-beside CHECKOUT` the pack of another checkout (its own code and its own
policies/nordic-baseline.yaml) is timed on the same comments in alternating fresh processes,
each pinned to CPU 0: the median pass of each and the median of the pairs' ratios.
`--beside-only` runs the side-by-side comparisons alone (half a minute, not ten).

With `--compile-beside CHECKOUT` the cold compile of another checkout (e.g. the merge base)
is timed too, alternating with this one's, so a change's compile cost shows on the same
machine at the same time.

Run from the repository root: `.venv/bin/python bench/speed.py [--repeat N] [--cold-runs N]
[--compile-beside CHECKOUT] [--pack-beside CHECKOUT] [--json]`. This is a benchmark, not a
test: it prints figures and never fails on a missed target.
"""

from __future__ import annotations

# Thread pools (numpy/thinc under spaCy) read these at import: set them before anything loads.
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))
sys.path.insert(0, str(ROOT / "bench"))

PACK = Path("policies/nordic-baseline.yaml")
COMMENTS = ROOT.parent / "shared" / "eval-data" / "dkhate" / "dkhate-full-3600.tsv"
TARGET_RATIO = 10.0  # the target: the whole pack at least 10x Presidio's recognisers
TARGET_COMPILE_MS = 100.0

# Run in a fresh interpreter from the repository root with PYTHONPATH=functions. The new kinds
# are imported first so a pack using them compiles even before rules/kinds.py imports them.
COLD_SCRIPT = """
import json, time
t0 = time.thread_time()
import uppsikt.rules.contact_data, uppsikt.rules.financial_id
from uppsikt.policy import loader
from uppsikt.policy.compose import flatten
from uppsikt.policy.engine import compile_policy
from pathlib import Path
t1 = time.thread_time()
path = Path({pack!r})
document = loader.read_document(path)
t2 = time.thread_time()
if document.extends is None:
    flat = flatten(document.id, {{document.id: (str(path), document)}})
    policy = compile_policy(flat, file=str(path))
    how = "flatten + compile_policy"
else:
    policy = loader.load_file(path)
    how = "load_file (pack extends another: includes re-reading the YAML)"
t3 = time.thread_time()
print(json.dumps({{"import_s": t1 - t0, "read_s": t2 - t1, "compile_s": t3 - t2,
                  "rules": len(policy.rules), "how": how}}))
"""


# Per rule, cold: the same steps as compile_policy (validate the params, build the detector),
# timed one rule at a time in declared order in a fresh interpreter. Caches shared between rules
# (e.g. compiled regexes) are paid by the first rule that needs them.
COLD_RULES_SCRIPT = """
import json, time
import uppsikt.rules.contact_data, uppsikt.rules.financial_id
from uppsikt.policy import loader
from uppsikt.policy.compose import flatten
from uppsikt.rules.registry import kind_spec
from pathlib import Path
path = Path({pack!r})
document = loader.read_document(path)
rules = ()
if document.extends is None:
    rules = flatten(document.id, {{document.id: (str(path), document)}}).rules
out = {{}}
for spec in rules:
    kind = kind_spec(spec.kind)
    t0 = time.thread_time()
    kind.build(kind.params_model.model_validate(spec.params))
    out[spec.id + " (" + spec.kind + ")"] = time.thread_time() - t0
print(json.dumps(out))
"""


# Comments that each make the pack build what it defers, in this order, after a plain one.
FIRST_USE_TEXTS = (
    ("plain comment", "Tak for et godt møde i går"),
    ("stretched letters", "Du er en idiooooot"),
    ("censored letters", "Hold k*ft, din f*cking idiot"),
    ("infix term + person cues", "Min kollega Eva har fået brystkræft"),
    ("crime term + person cues", "Lederen på sykehjemmet stjeler fra beboerne"),
)

FIRST_USE_SCRIPT = """
import json, time
import uppsikt.rules.contact_data, uppsikt.rules.financial_id
from uppsikt.policy import loader
from pathlib import Path
policy = loader.load_file(Path({pack!r}))
out = {{}}
for name, text in {texts!r}:
    t0 = time.thread_time()
    policy.evaluate_text(text)
    out[name] = time.thread_time() - t0
print(json.dumps(out))
"""


def pin_to_one_cpu() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


def read_comments(path: Path) -> list[str]:
    """The `text` column of the TSV (or, failing a header named so, its longest column)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        rows = list(reader)
    if "text" in header:
        column = header.index("text")
    else:
        column = max(range(len(header)), key=lambda i: sum(len(r[i]) for r in rows if i < len(r)))
    return [row[column] for row in rows if column < len(row)]


def load_pack() -> Any:
    import uppsikt.rules.contact_data
    import uppsikt.rules.financial_id  # noqa: F401  (register the kinds a new pack may use)
    from uppsikt.policy.loader import load_file

    return load_file(PACK)


def time_pass(run: Callable[[str], object], texts: Sequence[str]) -> float:
    started = time.thread_time()
    for text in texts:
        run(text)
    return time.thread_time() - started


def presidio_variants(texts: Sequence[str]) -> tuple[dict[str, Callable[[int], object]], Any]:
    """Presidio runners taking the index of a text (its NlpArtifacts are precomputed)."""
    import importlib

    sys.dont_write_bytecode = True  # no bench/__pycache__ for a script imported as a module
    quality = importlib.import_module("quality_ids")  # bench/quality_ids.py, on sys.path above
    engine, versions = quality.build_presidio()
    artifacts = [engine.nlp_engine.process_text(text, "en") for text in texts]
    pattern_entities = [
        "CREDIT_CARD",
        "IBAN_CODE",
        "EMAIL_ADDRESS",
        "SE_PERSONNUMMER",
        "FI_PERSONAL_IDENTITY_CODE",
    ]
    all_entities = [*pattern_entities, "PHONE_NUMBER"]

    def patterns(i: int) -> object:
        return engine.analyze(
            text=texts[i], language="en", entities=pattern_entities, nlp_artifacts=artifacts[i]
        )

    def with_phone(i: int) -> object:
        return engine.analyze(
            text=texts[i], language="en", entities=all_entities, nlp_artifacts=artifacts[i]
        )

    def tokenise(i: int) -> object:
        return engine.nlp_engine.process_text(texts[i], "en")

    # What the two above are given untimed (spaCy's blank English tokenizer): shown so the
    # comparison's terms are plain; our side's normalisation is timed in `pack`.
    return {
        "presidio-patterns": patterns,
        "presidio+phone": with_phone,
        "presidio tokenisation (untimed above)": tokenise,
    }, versions


def throughput(repeat: int, texts: list[str]) -> dict[str, Any]:
    from dataclasses import replace

    from uppsikt.rules.contact_data import ContactDataDetector, ContactDataParams
    from uppsikt.rules.financial_id import FinancialIdDetector, FinancialIdParams
    from uppsikt.rules.national_id import NationalIdDetector, NationalIdParams

    policy = load_pack()
    every_rule = replace(policy, rules=tuple(replace(rule, bit=0) for rule in policy.rules))
    variants: dict[str, Callable[[str], object]] = {
        "pack": policy.evaluate_text,
        "pack, every rule run": every_rule.evaluate_text,
        "national_id": NationalIdDetector(NationalIdParams()).find,
        "financial_id": FinancialIdDetector(FinancialIdParams()).find,
        "contact_data": ContactDataDetector(ContactDataParams()).find,
    }
    for rule in policy.rules:  # where the pack's time goes: each compiled rule's detector alone
        variants[f"rule {rule.spec.id}"] = rule.detector.find
    indices = [str(i) for i in range(len(texts))]
    presidio_error = None
    versions: dict[str, str] = {}
    try:
        runners, versions = presidio_variants(texts)
        for name, runner in runners.items():
            variants[name] = lambda key, runner=runner: runner(int(key))  # type: ignore[misc]
    except ImportError as exc:
        presidio_error = f"presidio-analyzer not installed ({exc.name}); only our side is timed"

    def inputs(name: str) -> Sequence[str]:
        return indices if name.startswith("presidio") else texts

    for name, run in variants.items():  # warm-up: regex caches, lazy imports, branch caches
        time_pass(run, inputs(name))
    names = list(variants)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for round_no in range(repeat):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            seconds[name].append(time_pass(variants[name], inputs(name)))

    n = len(texts)
    per_variant = {
        name: {
            "median_s": statistics.median(times),
            "comments_per_s": n / statistics.median(times),
            "us_per_comment": 1e6 * statistics.median(times) / n,
        }
        for name, times in seconds.items()
    }
    ratios = {}
    for other in ("presidio-patterns", "presidio+phone"):
        if other in seconds:
            per_round = [p / o for p, o in zip(seconds[other], seconds["pack"], strict=True)]
            ratios[f"pack vs {other}"] = {
                "median_of_round_ratios": statistics.median(per_round),
                "ratio_of_medians": per_variant[other]["median_s"]
                / per_variant["pack"]["median_s"],
            }
    by_length = {}
    if "presidio-patterns" in variants:
        buckets = {
            "short (< 60 chars)": (0, 60),
            "medium (60-199)": (60, 200),
            "long (200+)": (200, 10**9),
        }
        for bucket, (low, high) in buckets.items():
            chosen = [i for i, t in enumerate(texts) if low <= len(t) < high]
            subset = [texts[i] for i in chosen]
            keys = [str(i) for i in chosen]
            pack_s, presidio_s = [], []
            for _ in range(repeat):
                pack_s.append(time_pass(policy.evaluate_text, subset))
                presidio_s.append(time_pass(variants["presidio-patterns"], keys))
            by_length[bucket] = {
                "comments": len(subset),
                "pack_us": 1e6 * statistics.median(pack_s) / len(subset),
                "presidio_us": 1e6 * statistics.median(presidio_s) / len(subset),
                "ratio": statistics.median(p / q for p, q in zip(presidio_s, pack_s, strict=True)),
            }
    presidio_us = per_variant.get("presidio-patterns", {}).get("us_per_comment")
    return {
        "comments": n,
        "rounds": repeat,
        "by_length": by_length,
        "ceiling": ceiling(policy, texts, repeat, presidio_us),
        "anchor_engines": anchor_engines(policy, texts, repeat),
        "rule_engines": rule_engines(policy, texts, repeat),
        "stages": stage_profile(policy, texts, repeat),
        "pack_rules": [f"{c.spec.id} ({c.spec.kind})" for c in policy.rules],
        "variants": per_variant,
        "ratios": ratios,
        "presidio_versions": versions,
        "presidio_error": presidio_error,
    }


def stage_profile(policy: Any, texts: list[str], repeat: int) -> dict[str, Any]:
    """Where the pack's time goes, per length bucket, in µs per comment.

    Rules: the policy made of the pack's first k rules, for k = 0 .. all, each timed on every
    comment (`evaluate_text`, caches cold for that comment: all comments pass between two
    calls on the same one); a rule's figure is what adding it costs, including the shared work
    it is the first to need (the first lexicon rule pays for the folding, leetspeak and the
    anchor scan of its kind). `engine, no rules` is the empty policy: the verdict alone.
    Stages: the shared steps timed alone on every comment (not cached): folding
    (`text._fold`), leetspeak undone, the lexicon's check for stretched or censored letters,
    the identifier gate, the scan text and the Aho-Corasick scan. Every call is timed alone
    in CPU time (`time.thread_time_ns`, less the cost of reading it) and each comment keeps its
    fastest round: on a shared machine another process's cache traffic then counts least.
    """
    from dataclasses import replace

    from uppsikt.rules import idtext, lexicon
    from uppsikt.rules.anchors import AnchorScan, scan_text
    from uppsikt.rules.text import _fold, deobfuscate, normalise

    clock = time.thread_time_ns  # CPU time: a time slice lost to another process is not in it
    overhead = min(-clock() + clock() for _ in range(1000))  # one reading, subtracted below
    n = len(texts)
    policies = [replace(policy, rules=policy.rules[:k]) for k in range(len(policy.rules) + 1)]
    names = ["engine, no rules", *(f"rule {rule.spec.id}" for rule in policy.rules)]
    groups = [
        getattr(rule.detector, "anchor_needs", None) or rule.detector.anchors
        for rule in policy.rules
        if rule.bit
    ]
    scan = AnchorScan(groups)
    stage_names = (
        "fold (casefold, accents, offsets)",
        "leetspeak undone",
        "lexicon: stretched/censored check",
        "identifier gate (digit or @)",
        "scan text (every gap one space)",
        "anchor scan (Aho-Corasick)",
    )
    best = {name: [10**12] * n for name in (*names, *stage_names)}
    for part in policies:  # warm-up: automata, lazily compiled regexes
        for text in texts[:50]:
            part.evaluate_text(text)
    for _ in range(repeat):
        for name, part in zip(names, policies, strict=True):
            row = best[name]
            evaluate = part.evaluate_text
            for i, text in enumerate(texts):
                t0 = clock()
                evaluate(text)
                ns = clock() - t0
                row[i] = min(row[i], ns)
        for i, text in enumerate(texts):
            t0 = clock()
            folded = _fold(text).text
            t1 = clock()
            undone = deobfuscate(folded)
            t2 = clock()
            normalise(text)  # untimed: the check reads the cached normalised text
            t3 = clock()
            lexicon._anchor_text.__wrapped__(text)
            t4 = clock()
            idtext.may_hold_identifier.__wrapped__(text)
            t5 = clock()
            scanned = scan_text(undone)
            t6 = clock()
            scan.present(scanned)
            t7 = clock()
            durations = (t1 - t0, t2 - t1, t4 - t3, t5 - t4, t6 - t5, t7 - t6)
            for name, ns in zip(stage_names, durations, strict=True):
                best[name][i] = min(best[name][i], ns)
    # Each rule's figure: the policy with it less the policy without it.
    cumulative = {name: list(best[name]) for name in names}
    for k in range(len(names) - 1, 0, -1):
        best[names[k]] = [
            a - b for a, b in zip(cumulative[names[k]], cumulative[names[k - 1]], strict=True)
        ]
    best["total"] = cumulative[names[-1]]
    for name in (names[0], "total", *stage_names):
        best[name] = [ns - overhead for ns in best[name]]
    buckets = {"all": (0, 10**9), "short": (0, 60), "medium": (60, 200), "long": (200, 10**9)}
    out: dict[str, Any] = {"rules": names, "stages": list(stage_names)}
    for bucket, (low, high) in buckets.items():
        chosen = [i for i, t in enumerate(texts) if low <= len(t) < high]
        if not chosen:
            continue
        out[bucket] = {
            "comments": len(chosen),
            "us": {
                name: sum(row[i] for i in chosen) / 1000 / len(chosen) for name, row in best.items()
            },
        }
    return out


def ceiling(
    policy: Any, texts: list[str], repeat: int, presidio_us: float | None
) -> dict[str, Any]:
    """What a perfect, free prefilter would leave: each comment's hitting rules alone.

    For each comment, the rules that find something in it (every rule run, no context) are
    timed on it alone, their detectors' `find` in declared order, and nothing else: no
    folding for the rules that do not hit, no anchor scan, no verdict. Each comment keeps
    its fastest round (CPU time); its caches are cold, as all comments pass between two
    calls on the same one. A prefilter that let no other rule run, and cost nothing, would
    leave the pack at this figure, so it bounds what any prefilter can give with the rules
    as they are (docs/quality.md, "Where the time goes")."""
    from uppsikt.rules.registry import NO_CONTEXT

    clock = time.thread_time_ns
    overhead = min(-clock() + clock() for _ in range(1000))
    hitting = [
        [rule.detector.find for rule in policy.rules if rule.detector.find(text, NO_CONTEXT)]
        for text in texts
    ]
    best = [10**12] * len(texts)
    for _ in range(repeat):
        for i, text in enumerate(texts):
            finds = hitting[i]
            t0 = clock()
            for find in finds:
                find(text, NO_CONTEXT)
            best[i] = min(best[i], clock() - t0 - overhead)
    us = sum(best) / 1000 / len(texts)
    return {
        "comments_with_a_hit": sum(1 for finds in hitting if finds),
        "rule_hits": sum(len(finds) for finds in hitting),
        "us_per_comment": us,
        "us_per_comment_with_a_hit": sum(best) / 1000 / max(1, sum(1 for f in hitting if f)),
        "presidio_ratio": presidio_us / us if presidio_us else None,
    }


def _rule_patterns(policy: Any) -> list[tuple[str, Any, bool]]:
    """(rule, compiled regex, whether it reads the text with leetspeak undone) of each lexicon
    rule's term trie and each phrase list of the pack (shared ones once)."""
    from uppsikt.rules.lexicon import LexiconDetector

    patterns: list[tuple[str, Any, bool]] = []
    for rule in policy.rules:
        detector = rule.detector
        if isinstance(detector, LexiconDetector):
            patterns.append((rule.spec.id, detector._pattern(0), True))
        matcher = getattr(detector, "_matcher", None)
        regex = getattr(matcher, "_regex", None)
        if regex is not None and all(regex is not p for _, p, _ in patterns):
            patterns.append((rule.spec.id, regex, False))
    return patterns


def _other_regex_engines() -> dict[str, Callable[[str, int], Any]]:
    engines: dict[str, Callable[[str, int], Any]] = {}
    try:
        import regex as regex_module  # type: ignore[import-untyped, import-not-found, unused-ignore]

        engines["regex (PyPI)"] = regex_module.compile
    except ImportError:
        pass
    try:
        import pcre2  # type: ignore[import-untyped, import-not-found, unused-ignore]

        def pcre2_compile(source: str, flags: int) -> Any:
            # The regexes here are str patterns (Unicode either way); only IGNORECASE carries.
            return pcre2.compile(source, pcre2.IGNORECASE if flags & 2 else 0, jit=True)

        engines["pcre2 (JIT)"] = pcre2_compile
    except ImportError:
        pass
    try:
        import re2  # type: ignore[import-untyped, import-not-found, unused-ignore]  # google-re2

        options = re2.Options()
        options.max_mem = 256 << 20
        engines["google-re2"] = lambda source, flags: re2.compile(source, options)
    except ImportError:
        pass
    return engines


def rule_engines(policy: Any, texts: list[str], repeat: int) -> dict[str, Any]:
    """The rules' own big regexes (each lexicon rule's term trie, each phrase list) in other
    engines: compile time, and µs per comment of one search from the start in each, over the
    texts the rules search (" " + the normalised text). `regex` (PyPI) takes `re`'s syntax;
    RE2 is tried pattern by pattern, and the ones it cannot compile are counted. Each engine's
    first match is compared with `re`'s (span), to show whether it could stand in."""
    import re

    from uppsikt.rules.text import normalise

    patterns = _rule_patterns(policy)
    padded = {
        True: [" " + normalise(t).text for t in texts],
        False: [" " + normalise(t, leet=False).text for t in texts],
    }
    engines = _other_regex_engines()
    out: dict[str, Any] = {
        "_patterns": {
            "count": len(patterns),
            "characters": sum(len(p.pattern) for _, p, _ in patterns),
        }
    }

    def scan(compiled: list[tuple[Any, bool]]) -> tuple[float, list[tuple[int, int] | None]]:
        passes, firsts = [], []
        for round_no in range(repeat):
            started = time.thread_time()
            found = []
            for pattern, leet in compiled:
                search = pattern.search
                for text in padded[leet]:
                    m = search(text)
                    if round_no == 0:
                        found.append(m.span() if m is not None else None)
            passes.append(time.thread_time() - started)
            if round_no == 0:
                firsts = found
        return 1e6 * statistics.median(passes) / len(texts), firsts

    started = time.thread_time()
    reference = [(re.compile(p.pattern, p.flags), leet) for _, p, leet in patterns]
    build = time.thread_time() - started
    us, expected = scan(reference)
    out["re (used)"] = {"build_ms": 1000 * build, "us_per_comment": us, "compiled": len(patterns)}
    n = len(texts)
    for name, compile_ in engines.items():
        compiled, kept, failed = [], [], 0
        started = time.thread_time()
        for index, (_, pattern, leet) in enumerate(patterns):
            flags = pattern.flags & ~re.UNICODE  # `regex` reads str patterns as Unicode anyway
            source = pattern.pattern
            if name == "google-re2":  # RE2 writes a code point \x{2010}, not \u2010
                source = re.sub(r"\\u([0-9a-fA-F]{4})", r"\\x{\1}", source)
            try:
                compiled.append((compile_(source, flags), leet))
                kept.append(index)
            except Exception:  # any engine's refusal counts as "cannot compile"
                failed += 1
        build = time.thread_time() - started
        row: dict[str, Any] = {"build_ms": 1000 * build, "compiled": len(compiled)}
        row["failed"] = failed
        if compiled:
            row["us_per_comment"], spans = scan(compiled)
            # `re` on the same patterns, for a like-for-like time, and the first matches.
            row["re_us_same_patterns"], _ = scan([reference[i] for i in kept])
            same = [expected[i * n + j] for i in kept for j in range(n)]
            row["same_first_match"] = sum(a == b for a, b in zip(spans, same, strict=True))
            row["searches"] = len(same)
        out[name] = row
    return out


def anchor_engines(policy: Any, texts: list[str], repeat: int) -> dict[str, dict[str, float]]:
    """Build ms and µs per comment of one scan for the pack's anchors, per engine."""
    import re

    from uppsikt.rules.anchors import AnchorScan, scan_text
    from uppsikt.rules.text import normalise

    groups = [rule.detector.anchors for rule in policy.rules if rule.bit]
    anchors = sorted({a for group in groups for a in group})
    scanned = [scan_text(normalise(t, leet=False).text) for t in texts]
    engines: dict[str, tuple[Callable[[], Any], Callable[[Any, str], object]]] = {
        "pyahocorasick (used)": (lambda: AnchorScan(groups), lambda e, t: e.present(t)),
        "re alternation, first match only": (
            lambda: re.compile("|".join(re.escape(a) for a in sorted(anchors, key=len)[::-1])),
            lambda e, t: e.search(t),
        ),
    }
    try:
        import ahocorasick_rs

        engines["ahocorasick-rs"] = (
            lambda: ahocorasick_rs.AhoCorasick(anchors),
            lambda e, t: e.find_matches_as_indexes(t, overlapping=True),
        )
    except ImportError:
        pass
    try:
        import re2  # type: ignore[import-untyped, import-not-found, unused-ignore]  # google-re2

        def re2_build() -> Any:
            options = re2.Options()
            options.literal = True  # anchors are plain strings
            found = re2.Set.SearchSet(options)
            for anchor in anchors:
                found.Add(anchor)
            found.Compile()
            return found

        engines["google-re2 Set"] = (re2_build, lambda e, t: e.Match(t))
    except ImportError:
        pass
    try:
        import hyperscan

        def hs_build() -> Any:
            db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            db.compile(
                expressions=[re.escape(a).encode() for a in anchors],
                ids=list(range(len(anchors))),
                elements=len(anchors),
                flags=[hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_UTF8] * len(anchors),
            )
            return db

        def hs_scan(db: Any, text: str) -> object:
            found: list[int] = []
            db.scan(text.encode(), match_event_handler=lambda i, *_: found.append(i))
            return found

        engines["hyperscan"] = (hs_build, hs_scan)
    except ImportError:
        pass
    out = {}
    for name, (build, scan) in engines.items():
        started = time.thread_time()
        engine = build()
        built = time.thread_time() - started
        passes = []
        for _ in range(repeat):
            started = time.thread_time()
            for text in scanned:
                scan(engine, text)
            passes.append(time.thread_time() - started)
        out[name] = {
            "build_ms": 1000 * built,
            "us_per_comment": 1e6 * statistics.median(passes) / len(scanned),
        }
    out["_anchors"] = {"count": len(anchors), "rules": len(groups)}
    return out


def cold_compile(runs: int) -> dict[str, Any]:
    """Cold compile and first evaluations in fresh interpreters, with the build's compiled
    regexes (functions/uppsikt/rules/precompiled.bin, from `make env`) and without them
    (UPPSIKT_PRECOMPILED=0), alternating; the per-rule figures with them."""
    table = ROOT / "functions" / "uppsikt" / "rules" / "precompiled.bin"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "functions")}
    env.pop("UPPSIKT_PRECOMPILED", None)
    without = {**env, "UPPSIKT_PRECOMPILED": "0"}

    def run(code: str, environ: dict[str, str]) -> Any:
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env=environ,
            check=True,
            capture_output=True,
            text=True,
        )
        return json.loads(done.stdout)

    code = COLD_SCRIPT.format(pack=str(PACK))
    run(code, env)  # warm .pyc
    samples, samples_without = [], []
    for _ in range(runs):
        samples.append(run(code, env))
        samples_without.append(run(code, without))
    per_rule: dict[str, list[float]] = {}
    rules_code = COLD_RULES_SCRIPT.format(pack=str(PACK))
    for _ in range(runs):
        for rule, seconds in run(rules_code, env).items():
            per_rule.setdefault(rule, []).append(seconds)
    first_use: dict[str, list[float]] = {}
    first_use_without: dict[str, list[float]] = {}
    first_code = FIRST_USE_SCRIPT.format(pack=str(PACK), texts=FIRST_USE_TEXTS)
    for _ in range(runs):
        for name, seconds in run(first_code, env).items():
            first_use.setdefault(name, []).append(seconds)
        for name, seconds in run(first_code, without).items():
            first_use_without.setdefault(name, []).append(seconds)

    def medians(found: dict[str, list[float]]) -> dict[str, float]:
        return {name: round(1000 * statistics.median(times), 2) for name, times in found.items()}

    return {
        "runs": runs,
        "table": table.is_file(),
        "first_use_ms_median": medians(first_use),
        "first_use_ms_median_without_table": medians(first_use_without),
        "per_rule_build_ms_median": medians(per_rule),
        "how": samples[0]["how"],
        "rules": samples[0]["rules"],
        "compile_ms_median": 1000 * statistics.median(s["compile_s"] for s in samples),
        "compile_ms_all": [round(1000 * s["compile_s"], 2) for s in samples],
        "compile_ms_median_without_table": 1000
        * statistics.median(s["compile_s"] for s in samples_without),
        "compile_ms_all_without_table": [round(1000 * s["compile_s"], 2) for s in samples_without],
        "import_ms_median": 1000 * statistics.median(s["import_s"] for s in samples),
        "read_ms_median": 1000 * statistics.median(s["read_s"] for s in samples),
    }


def _alternating(
    other: Path, runs: int, code_for: Callable[[Path], str], **env: str
) -> dict[str, list[Any]]:
    """What `code_for(checkout)` prints (JSON) in a fresh interpreter per run, this checkout
    and `other` alternating, each with its own code (PYTHONPATH=<checkout>/functions)."""
    samples: dict[str, list[Any]] = {"this checkout": [], str(other): []}
    for _ in range(runs):
        for name, root in (("this checkout", ROOT), (str(other), other)):
            done = subprocess.run(
                [sys.executable, "-c", code_for(root)],
                cwd=root,
                env={**os.environ, "PYTHONPATH": str(root / "functions"), **env},
                check=True,
                capture_output=True,
                text=True,
            )
            samples[name].append(json.loads(done.stdout))
    return samples


def compile_beside(other: Path, runs: int) -> dict[str, Any]:
    """The cold compile here and in another checkout (e.g. the merge base), alternating fresh
    interpreters, so that a change's compile cost is seen on the same machine at the same time."""
    code = COLD_SCRIPT.format(pack=str(PACK))
    samples = _alternating(other, runs, lambda root: code, PYTHONDONTWRITEBYTECODE="1")
    return {
        name: statistics.median(1000 * sample["compile_s"] for sample in values)
        for name, values in samples.items()
    }


# One process per checkout and run: its own code and pack, pinned to CPU 0, one warm-up pass,
# then the median of `rounds` passes over every comment (CPU time of the timing thread).
PACK_ROUNDS_SCRIPT = """
import json, os, statistics, sys, time
from pathlib import Path
os.sched_setaffinity(0, {{0}})
import uppsikt.rules.contact_data, uppsikt.rules.financial_id
from uppsikt.policy.loader import load_file
texts = json.loads(Path({texts!r}).read_text(encoding="utf-8"))
evaluate = load_file(Path({pack!r})).evaluate_text
for text in texts:
    evaluate(text)
passes = []
for _ in range({rounds}):
    started = time.thread_time()
    for text in texts:
        evaluate(text)
    passes.append(time.thread_time() - started)
print(json.dumps(1e6 * statistics.median(passes) / len(texts)))
"""


def pack_beside(other: Path, runs: int, rounds: int, texts: list[str]) -> dict[str, Any]:
    """The pack's µs per comment here and in another checkout (e.g. the merge base), in
    alternating fresh processes, each with its own code and its own copy of the pack."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "texts.json"
        corpus.write_text(json.dumps(texts), encoding="utf-8")
        samples = _alternating(
            other,
            runs,
            lambda root: PACK_ROUNDS_SCRIPT.format(
                texts=str(corpus), pack=str(root / PACK), rounds=rounds
            ),
        )
    here, there = samples["this checkout"], samples[str(other)]
    return {
        "us_per_comment": dict(samples),
        "median_us": {name: statistics.median(values) for name, values in samples.items()},
        "speedup_median_of_pairs": statistics.median(
            b / a for a, b in zip(here, there, strict=True)
        ),
    }


def print_rule_engines(found: dict[str, Any]) -> None:
    rules = dict(found)
    meta = rules.pop("_patterns")
    print(
        f"\nRule regex engines ({meta['count']} regexes of the lexicon and phrase rules,"
        f" {meta['characters']:,} characters; one search from the start per comment each)"
    )
    for name, row in rules.items():
        scanned = f"scan {row['us_per_comment']:>6.2f} µs" if "us_per_comment" in row else ""
        if "re_us_same_patterns" in row and row["failed"]:
            scanned += f" (re on the same {row['compiled']}: {row['re_us_same_patterns']:.2f} µs)"
        failed = f"  cannot compile {row['failed']}" if row.get("failed") else ""
        same = (
            f"  same first match {row['same_first_match']}/{row['searches']}"
            if "same_first_match" in row
            else ""
        )
        print(
            f"  {name:<34} build {row['build_ms']:>6.1f} ms  {scanned}"
            f"  compiled {row['compiled']}{failed}{same}"
        )


def print_report(report: dict[str, Any]) -> None:
    speed, cold = report["throughput"], report["cold_start"]
    print(f"Speed on one core ({report['cpu']}), {report['python']}, {report['date']}")
    print(
        f"{speed['comments']} comments from {COMMENTS.name}, {speed['rounds']} interleaved rounds"
    )
    print(f"pack {PACK} ({len(speed['pack_rules'])} rules): {', '.join(speed['pack_rules'])}")
    if speed["presidio_error"]:
        print(f"  {speed['presidio_error']}")
    if speed["presidio_versions"]:
        versions = ", ".join(f"{k} {v}" for k, v in speed["presidio_versions"].items())
        print(f"Presidio: {versions}; AnalyzerEngine over spacy.blank('en'), artifacts untimed")
    print(f"\n{'variant':<34} {'comments/s':>12} {'µs/comment':>11} {'median pass':>12}")
    for name, row in speed["variants"].items():
        print(
            f"{name:<34} {row['comments_per_s']:>12,.0f} {row['us_per_comment']:>11.2f}"
            f" {1000 * row['median_s']:>10.1f}ms"
        )
    for name, ratio in speed["ratios"].items():
        print(
            f"{name}: the pack runs at {ratio['median_of_round_ratios']:.2f}x Presidio's speed"
            f" (median of round ratios; ratio of medians {ratio['ratio_of_medians']:.2f}x;"
            f" target >= {TARGET_RATIO:.0f}x)"
        )
    if speed["by_length"]:
        print("\nBy comment length (µs per comment, median of rounds; ratio: median of rounds)")
        for bucket, row in speed["by_length"].items():
            print(
                f"  {bucket:<20} {row['comments']:>5} comments  pack {row['pack_us']:>7.2f}"
                f"  presidio-patterns {row['presidio_us']:>7.2f}  pack {row['ratio']:.2f}x"
            )
    stages = speed["stages"]
    buckets = [b for b in ("all", "short", "medium", "long") if b in stages]
    print(
        "\nWhere the time goes (µs per comment, each comment's fastest round; see stage_profile):"
        "\n  what each rule adds in declared order (with the shared work it is first to need),"
        " then the shared steps alone"
    )
    header = "".join(f"{b + ' ' + str(stages[b]['comments']):>14}" for b in buckets)
    print(f"  {'':<46}{header}")
    for name in [*stages["rules"], "total", *stages["stages"]]:
        cells = "".join(f"{stages[b]['us'][name]:>14.2f}" for b in buckets)
        print(f"  {name:<46}{cells}")
    top = speed["ceiling"]
    print(
        "\nWhat a perfect, free prefilter would leave (each comment's hitting rules alone; see"
        f" ceiling): {top['us_per_comment']:.2f} µs per comment over all"
        f" ({top['comments_with_a_hit']} comments with {top['rule_hits']} rule hits,"
        f" {top['us_per_comment_with_a_hit']:.1f} µs each)"
        + (
            f"; at most {top['presidio_ratio']:.1f}x presidio-patterns with the rules as they are"
            if top["presidio_ratio"]
            else ""
        )
    )
    engines = dict(speed["anchor_engines"])
    meta = engines.pop("_anchors")
    print(
        f"\nAnchor engines ({meta['count']} anchors of {meta['rules']} text rules; one scan"
        " per comment over the whole set)"
    )
    for name, row in engines.items():
        print(
            f"  {name:<34} build {row['build_ms']:>6.1f} ms  scan {row['us_per_comment']:>5.2f} µs"
        )
    print_rule_engines(speed["rule_engines"])
    table = "with" if cold["table"] else "MISSING (run `make env`):"
    print(
        f"\nCold compile of the pack in a fresh interpreter ({cold['how']}, {cold['rules']} rules):"
        f" median {cold['compile_ms_median']:.2f} ms over {cold['runs']} runs {table} the"
        f" build's compiled regexes (target <= {TARGET_COMPILE_MS:.0f} ms);"
        f" all: {cold['compile_ms_all']}"
    )
    print(
        f"  without them (UPPSIKT_PRECOMPILED=0), alternating: median"
        f" {cold['compile_ms_median_without_table']:.2f} ms;"
        f" all: {cold['compile_ms_all_without_table']}"
    )
    print(
        f"  for scale: imports {cold['import_ms_median']:.1f} ms, reading + validating the YAML"
        f" {cold['read_ms_median']:.1f} ms (medians; not part of the compile figure)"
    )
    if cold["per_rule_build_ms_median"]:
        print("  per rule, cold, in declared order (params + build; median ms):")
        for rule, ms in cold["per_rule_build_ms_median"].items():
            print(f"    {rule:<58} {ms:>9.2f}")
    if cold["first_use_ms_median"]:
        total = sum(cold["first_use_ms_median"].values())
        print(
            "  first evaluations after the compile, in this order (what is built on first need;"
            f" median ms; {total:.1f} ms in all):"
        )
        without = cold["first_use_ms_median_without_table"]
        print(f"    {'':<58} {'with':>9} {'without':>9}")
        for name, ms in cold["first_use_ms_median"].items():
            print(f"    {name:<58} {ms:>9.2f} {without[name]:>9.2f}")
        print(f"    {'in all':<58} {total:>9.2f} {sum(without.values()):>9.2f}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=7, help="interleaved rounds (default 7)")
    parser.add_argument("--cold-runs", type=int, default=9, help="fresh interpreters (min 7)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--beside-only",
        action="store_true",
        help="only the side-by-side comparisons (--pack-beside, --compile-beside)",
    )
    parser.add_argument(
        "--pack-beside",
        type=Path,
        metavar="CHECKOUT",
        help="also time the pack of another checkout, alternating processes (e.g. the merge base)",
    )
    parser.add_argument(
        "--compile-beside",
        type=Path,
        metavar="CHECKOUT",
        help="also time the cold compile of another checkout, alternating (e.g. the merge base)",
    )
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    cpu = pin_to_one_cpu()
    texts = read_comments(COMMENTS)
    report: dict[str, Any] = {
        "date": date.today().isoformat(),
        "cpu": cpu,
        "python": f"Python {platform.python_version()}",
    }
    if not args.beside_only:
        report["throughput"] = throughput(max(1, args.repeat), texts)
        report["cold_start"] = cold_compile(max(7, args.cold_runs))
    if args.compile_beside is not None:
        report["compile_beside"] = compile_beside(args.compile_beside.resolve(), args.cold_runs)
    if args.pack_beside is not None:
        report["pack_beside"] = pack_beside(
            args.pack_beside.resolve(), max(3, args.cold_runs), max(1, args.repeat), texts
        )
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if not args.beside_only:
            print_report(report)
        if "compile_beside" in report:
            print("Cold compile side by side (median ms, alternating fresh interpreters):")
            for name, ms in report["compile_beside"].items():
                print(f"  {name:<40} {ms:>8.2f}")
        if "pack_beside" in report:
            beside = report["pack_beside"]
            print("The pack side by side (µs per comment, median pass; alternating processes):")
            for name, values in beside["us_per_comment"].items():
                runs = ", ".join(f"{v:.2f}" for v in values)
                print(f"  {name:<40} {beside['median_us'][name]:>8.2f}  ({runs})")
            print(
                "  this checkout is"
                f" {beside['speedup_median_of_pairs']:.2f}x as fast (median of pair ratios)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
