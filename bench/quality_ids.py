"""Benchmark the quality of `national_id`, `financial_id` and `contact_data` on third-party vectors.

(a) Found rates: every valid vector in shared/eval-data/national-ids (Skatteverket's test
    personnummer and samordningsnummer in a sentence, NAV's synthetic Norwegian numbers, the
    valid python-stdnum doctest rows of the relevant modules, the valid personnummer-meta rows)
    -> share found by the detector (and, for stdnum, share accepted by our pure validator);
    invalid vectors -> how many are still reported. Danish CPR numbers that fail modulus 11 are
    listed on their own, with the confidence they get with and without a context word.
(b) Presidio's recogniser test cases: span-level precision and recall per entity type for our
    detectors, side by side with Presidio itself run on the same texts in the same process.
(d) Spellings: the valid vectors of (a) rewritten as people type or paste them (a space, an en
    dash, a non-breaking hyphen or a dash between spaces after the birth date; zero-width
    characters or soft hyphens between the digits; full-width or Arabic-Indic digits), the
    libphonenumber Nordic subscriber numbers regrouped (by two, run together, over a line
    break), and the invalid vectors in the same spellings (which must stay unreported).

Run from the repository root: `.venv/bin/python bench/quality_ids.py [--json] [--no-presidio]`.
Presidio is optional (`.venv/bin/python -m pip install presidio-analyzer`); without it only our
side is printed. No spaCy model is downloaded: Presidio's AnalyzerEngine runs over an NLP engine
whose pipeline is `spacy.blank("en")` (a tokenizer only, so no NER), and tldextract uses the
public-suffix snapshot it ships instead of fetching the list. This is a benchmark, not a test:
it prints figures and never fails on a missed target.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "functions"))

from uppsikt.rules.contact_data import ContactDataDetector, ContactDataParams  # noqa: E402
from uppsikt.rules.financial_id import (  # noqa: E402
    FinancialIdDetector,
    FinancialIdParams,
    is_valid_iban,
    is_valid_no_kontonr,
)
from uppsikt.rules.national_id import (  # noqa: E402
    NationalIdDetector,
    NationalIdParams,
    cpr_status,
    is_valid_fodselsnummer,
    is_valid_hetu,
    is_valid_personnummer,
)
from uppsikt.rules.registry import Finding  # noqa: E402

VECTORS = ROOT.parent / "shared" / "eval-data" / "national-ids"

NATIONAL = NationalIdDetector(NationalIdParams())
FINANCIAL = FinancialIdDetector(FinancialIdParams())
CONTACT = ContactDataDetector(ContactDataParams())

Detect = Callable[[str], Sequence[Finding]]


@dataclass
class Tally:
    """How many vectors of one source were tried, and how many were found (or reported)."""

    source: str
    total: int = 0
    found: int = 0
    validator: int | None = None  # accepted by our pure validator, where one applies
    note: str = ""
    misses: list[str] = field(default_factory=list)

    def add(self, hit: bool, value: str) -> None:
        self.total += 1
        if hit:
            self.found += 1
        elif len(self.misses) < 5:
            self.misses.append(value)

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source,
            "vectors": self.total,
            "found": self.found,
            "rate": round(self.found / self.total, 4) if self.total else None,
        }
        if self.validator is not None:
            out["validator_accepts"] = self.validator
        if self.note:
            out["note"] = self.note
        if self.misses:
            out["first_misses"] = self.misses
        return out


def read_lines(name: str) -> list[str]:
    return [line for line in (VECTORS / name).read_text(encoding="utf-8").split() if line]


def read_csv(name: str) -> list[dict[str, str]]:
    with (VECTORS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t" if name.endswith(".tsv") else ","))


def found_in(detect: Detect, text: str, value: str, label: str) -> bool:
    """The value, at its exact place in the text, is reported with `label` among its readings."""
    start = text.index(value)
    return any(
        (f.start, f.end) == (start, start + len(value)) and label in f.label for f in detect(text)
    )


def short_form(number12: str, today: date) -> str:
    """YYMMDD-NNNC, with '+' once the holder has turned 100, as Skatteverket writes it."""
    year, month, day = int(number12[:4]), int(number12[4:6]), int(number12[6:8])
    if day > 60:
        day -= 60
    turned_100 = (year + 100, month, day) <= (today.year, today.month, today.day)
    return number12[2:8] + ("+" if turned_100 else "-") + number12[8:]


# --- (a) found rates -------------------------------------------------------------------------

# stdnum module -> (detector, label every finding must carry, validator)
STDNUM_MODULES: dict[str, tuple[Detect, str, Callable[[str], bool]]] = {
    "stdnum.dk.cpr": (NATIONAL.find, "DK CPR", lambda v: cpr_status(v) != "invalid"),
    "stdnum.se.personnummer": (NATIONAL.find, "SE ", is_valid_personnummer),
    "stdnum.no.fodselsnummer": (NATIONAL.find, "NO ", is_valid_fodselsnummer),
    "stdnum.fi.hetu": (NATIONAL.find, "FI henkilötunnus", is_valid_hetu),
    "stdnum.iban": (FINANCIAL.find, "IBAN", is_valid_iban),
    "stdnum.no.iban": (FINANCIAL.find, "IBAN (NO)", is_valid_iban),
    "stdnum.no.kontonr": (FINANCIAL.find, "NO bank account", is_valid_no_kontonr),
}


def valid_vectors() -> list[Tally]:
    today = date.today()
    tallies: list[Tally] = []
    for name, kind in (
        ("se-skatteverket-testpersonnummer.txt", "SE personnummer"),
        ("se-skatteverket-testsamordningsnummer.txt", "SE samordningsnummer"),
    ):
        numbers = read_lines(name)
        long_tally = Tally(f"Skatteverket {kind}, YYYYMMDDNNNC in a sentence")
        short_tally = Tally(f"Skatteverket {kind}, YYMMDD-NNNC in a sentence")
        for number in numbers:
            text = f"Hej! Mitt nummer är {number}, ring mig."
            long_tally.add(found_in(NATIONAL.find, text, number, kind), number)
            short = short_form(number, today)
            text = f"Skriv {short} i fältet."
            short_tally.add(found_in(NATIONAL.find, text, short, kind), short)
        tallies += [long_tally, short_tally]

    nav = read_csv("no-synthetic-fnr-dnr-nav.csv")
    for column, label in (("fnr", "NO fødselsnummer"), ("dnr", "NO D-nummer")):
        tally = Tally(f"NAV synthetic {column} (Dolly +40, Tenor +80)")
        for row in nav:
            text = f"Hei, nummeret mitt er {row[column]}, takk."
            tally.add(found_in(NATIONAL.find, text, row[column], label), row[column])
        tallies.append(tally)

    stdnum = read_csv("stdnum-doctest-vectors.csv")
    for module, (detect, label, validate) in STDNUM_MODULES.items():
        rows = [r for r in stdnum if r["module"] == module and r["stdnum_2.2_result"] == "valid"]
        tally = Tally(f"{module} valid rows", validator=0)
        for row in rows:
            value = row["value"]
            accepted = (
                is_valid_hetu(value, allow_temporary=True)
                if module == "stdnum.fi.hetu"
                else validate(value)
            )
            tally.validator = (tally.validator or 0) + int(accepted)
            tally.add(found_in(detect, f"Nummer: {value} .", value, label), value)
        if module == "stdnum.se.personnummer":
            tally.note = "8803-20-0016 is a stdnum-only spelling; we read the written forms"
        if module == "stdnum.no.fodselsnummer":
            tally.note = "stray separators (18-06-15-92527) pass the validator, not the detector"
        if module == "stdnum.no.kontonr":
            tally.note = "0000.4090403 (postgiro, 4+7) passes the validator, not the detector"
        if module == "stdnum.iban":
            tally.note = "every registered country; spaced, compact and odd groupings"
        tallies.append(tally)

    meta = read_csv("se-personnummer-meta-list.csv")
    tally = Tally(
        "personnummer-meta valid rows (ssn, con) x 4 formats",
        note="interim numbers (letter in the serial) are out of scope",
    )
    for row in meta:
        if row["valid"] != "True" or row["type"] not in ("ssn", "con"):
            continue
        for fmt in ("long_format", "short_format", "separated_format", "separated_long"):
            value = row[fmt]
            tally.add(found_in(NATIONAL.find, f"nummer {value} här", value, "SE "), value)
    tallies.append(tally)
    return tallies


def invalid_vectors() -> list[Tally]:
    """Invalid vectors still reported with the reading they are invalid for (target 0)."""
    tallies: list[Tally] = []
    stdnum = read_csv("stdnum-doctest-vectors.csv")
    for module, (detect, label, _) in STDNUM_MODULES.items():
        rows = [
            r
            for r in stdnum
            if r["module"] == module
            and r["stdnum_2.2_result"] != "valid"
            and not r["kwargs"]
            and "country-specific" not in r["expected_in_test"]
        ]
        tally = Tally(f"{module} invalid rows")
        for row in rows:
            value = row["value"]
            text = f"Nummer: {value} ."
            reported = any(label in f.label for f in detect(text))
            tally.add(not reported, value)  # "found" = correctly not reported
        if module == "stdnum.no.fodselsnummer":
            tally.note = "18103970861: valid under the 2032 rules (no century), reported at 0.8"
        if module == "stdnum.no.iban":
            tally.note = "GR16...: a valid Greek IBAN, invalid only as a Norwegian one"
        if module == "stdnum.fi.hetu":
            tally.note = "131052-9993: a temporary number (900-999), reported at 0.6 by design"
        tallies.append(tally)
    meta = read_csv("se-personnummer-meta-list.csv")
    tally = Tally(
        "personnummer-meta invalid rows x 4 formats",
        note="19090527 1474 is invalid in the list only for its space; reported by design",
    )
    for row in meta:
        if row["valid"] == "True":
            continue
        for fmt in ("long_format", "short_format", "separated_format", "separated_long"):
            value = row[fmt]
            reported = any("SE " in f.label for f in NATIONAL.find(f"nummer {value} här"))
            tally.add(not reported, value)
    tallies.append(tally)
    return tallies


def cpr_confidences() -> list[dict[str, Any]]:
    """Danish CPR-shaped numbers that fail modulus 11 are never dismissed: they are reported with
    lower confidence (exception birth dates), or only next to a context word (date only). Also
    shown: os2datascanner's P-nr cases (production-unit numbers that look like CPR numbers),
    run on their own line from the source document."""
    dk = NationalIdDetector(NationalIdParams(countries=("dk",)))

    def confidence(text: str) -> float | None:
        found = dk.find(text)
        return found[0].confidence if found else None

    out = []
    samples = [
        ("250501-1987", "date only (os2datascanner)"),
        ("010160-0001", "exception date 1960-01-01"),
        ("010180-0008", "passes modulus 11"),
    ]
    for number, group in samples:
        out.append(
            {
                "number": number,
                "group": group,
                "status": cpr_status(number),
                "bare": confidence(f"Nummer {number} her"),
                "with_cpr_word": confidence(f"CPR-nr. {number} her"),
            }
        )
    for row in read_csv("dk-cpr-context-cases-os2datascanner.tsv"):
        if row["case"] != "pnr":
            continue
        number, line = row["cpr_candidate"], row["line_in_document"]
        out.append(
            {
                "number": number,
                "group": "P-nr look-alike, own line",
                "status": cpr_status(number),
                "bare": confidence(line),
                "with_cpr_word": None,
            }
        )
    return out


# --- (d) spellings ---------------------------------------------------------------------------


def _digits_in(value: str, zero: int) -> str:
    return "".join(chr(zero + int(ch)) if ch.isdigit() else ch for ch in value)


def _between_digits(value: str, invisible: str) -> str:
    return "".join(
        ch + invisible if ch.isdigit() and i + 1 < len(value) and value[i + 1].isdigit() else ch
        for i, ch in enumerate(value)
    )


# How a number written DDMMYY-SSSS (or YYMMDD-NNNC, YYYYMMDD-NNNC) is rewritten: the separator
# after the birth date, or the characters between its digits.
SPELLINGS: dict[str, Callable[[str], str]] = {
    "space": lambda v: v.replace("-", " ", 1),
    "en dash": lambda v: v.replace("-", "\u2013", 1),
    "non-breaking hyphen": lambda v: v.replace("-", "\u2011", 1),
    "minus sign": lambda v: v.replace("-", "\u2212", 1),
    "dash between spaces": lambda v: v.replace("-", " - ", 1),
    "no-break space": lambda v: v.replace("-", "\u00a0", 1),
    "zero-width space between digits": lambda v: _between_digits(v, "\u200b"),
    "soft hyphen between digits": lambda v: _between_digits(v, "\u00ad"),
    "word joiner between digits": lambda v: _between_digits(v, "\u2060"),
    "full-width digits": lambda v: _digits_in(v, 0xFF10),
    "Arabic-Indic digits": lambda v: _digits_in(v, 0x0660),
}
SPELLING_SAMPLE = 2000  # Skatteverket numbers per kind (every 20th), to keep the run short


def spelling_vectors() -> list[dict[str, Any]]:
    """(value written DDMMYY-SSSS-like, label, context sentence) for every kind of number."""
    today = date.today()
    cases: list[tuple[str, str, str]] = []  # (group, value with "-" after the birth date, label)
    for name, kind in (
        ("se-skatteverket-testpersonnummer.txt", "SE personnummer"),
        ("se-skatteverket-testsamordningsnummer.txt", "SE samordningsnummer"),
    ):
        numbers = read_lines(name)
        step = max(1, len(numbers) // SPELLING_SAMPLE)
        for number in numbers[::step][:SPELLING_SAMPLE]:
            short = short_form(number, today)
            if "+" not in short:
                cases.append((f"Skatteverket {kind}, YYMMDD-NNNC", short, kind))
                cases.append(
                    (f"Skatteverket {kind}, YYYYMMDD-NNNC", number[:8] + "-" + number[8:], kind)
                )
    stdnum = read_csv("stdnum-doctest-vectors.csv")
    for row in stdnum:
        value = row["value"]
        if row["module"] == "stdnum.dk.cpr" and row["stdnum_2.2_result"] == "valid":
            cases.append(("stdnum dk.cpr valid", value, "DK CPR"))
    for row in read_csv("no-synthetic-fnr-dnr-nav.csv"):
        for column, label in (("fnr", "NO fødselsnummer"), ("dnr", "NO D-nummer")):
            cases.append(
                (
                    "NAV synthetic fnr/dnr, DDMMYY-IIIKK",
                    row[column][:6] + "-" + row[column][6:],
                    label,
                )
            )
    out: list[dict[str, Any]] = []
    groups = list(dict.fromkeys(group for group, _, _ in cases))
    for spelling, rewrite in SPELLINGS.items():
        for group in groups:
            tally = Tally(f"{group}: {spelling}")
            for case_group, value, label in cases:
                if case_group != group:
                    continue
                written = rewrite(value)
                text = f"Mit nummer er {written}, tak."
                tally.add(found_in(NATIONAL.find, text, written, label), repr(written))
            out.append(tally.row())
    # Invalid vectors in the same spellings must stay unreported with the reading they fail.
    invalid = [
        (r["value"], "SE ")
        for r in read_csv("se-personnummer-meta-list.csv")
        if r["valid"] == "False" and "-" in r["separated_format"]
        for r in [
            {
                "value": r["separated_format"],
                "valid": r["valid"],
                "separated_format": r["separated_format"],
            }
        ]
    ]
    invalid += [
        (r["value"], "DK CPR" if r["module"] == "stdnum.dk.cpr" else "SE ")
        for r in stdnum
        if r["module"] in ("stdnum.dk.cpr", "stdnum.se.personnummer")
        and r["stdnum_2.2_result"] != "valid"
        and "-" in r["value"]
    ]
    for spelling, rewrite in SPELLINGS.items():
        tally = Tally(f"invalid (personnummer-meta, stdnum): {spelling}")
        for value, label in invalid:
            text = f"Nummer: {rewrite(value)} ."
            tally.add(not any(label in f.label for f in NATIONAL.find(text)), repr(rewrite(value)))
        out.append(tally.row())
    return out


def phone_spellings() -> list[dict[str, Any]]:
    """libphonenumber's DK and NO mobile and fixed-line example numbers (8 digits) and SE mobile
    and fixed-line numbers, regrouped as people write them, in a sentence without a context
    word and with one."""
    rows = read_csv("phone-example-numbers-libphonenumber.csv")
    numbers = [
        (r["region"], r["national"].replace(" ", ""))
        for r in rows
        if r["region"] in ("DK", "NO") and r["type"] in ("FIXED_LINE", "MOBILE")
    ]
    spellings: dict[str, Callable[[str], str]] = {
        "grouped by two (53 38 02 06)": lambda d: " ".join(d[i : i + 2] for i in range(0, 8, 2)),
        "run together (53380206)": lambda d: d,
        "3-2-3 (533 80 206)": lambda d: f"{d[:3]} {d[3:5]} {d[5:]}",
        "by two over a line break": lambda d: f"{d[:2]} {d[2:4]}\n{d[4:6]} {d[6:]}",
        "halves over a line break": lambda d: f"{d[:4]}\n{d[4:]}",
        "+45/+47, by two with no-break spaces": lambda d: "\u00a0".join(
            ["+45" if d in dk else "+47"] + [d[i : i + 2] for i in range(0, 8, 2)]
        ),
    }
    dk = {d for region, d in numbers if region == "DK"}
    out = []
    for name, spell in spellings.items():
        for sentence in ("Han har {} derhjemme", "Ring til ham på {} i aften"):
            tally = Tally(f"DK/NO {name}, '{sentence.split(' {}')[0]} …'")
            for region, digits in numbers:
                written = spell(digits)
                text = sentence.format(written)
                tally.add(found_in(CONTACT.find, text, written, region), repr(written))
            out.append(tally.row())
    se = [
        r["national"] for r in rows if r["region"] == "SE" and r["type"] in ("FIXED_LINE", "MOBILE")
    ]
    for sentence in ("Hon har {} hemma", "Ring henne på {} i kväll"):
        tally = Tally(f"SE mobile/fixed as printed (070-123 45 67), '{sentence.split(' {}')[0]} …'")
        for written in se:
            tally.add(found_in(CONTACT.find, sentence.format(written), written, "SE"), written)
        out.append(tally.row())
    return out


def account_spellings() -> list[dict[str, Any]]:
    """The two Danish account numbers of the issue's description (reg + konto) and the NO
    kontonr vectors, with and without a context word; the NO ones also with dashes."""
    out = []
    dk = ["3401 1122334455", "9940-9088756291", "3401.1122334455", "3401\u20131122334455"]
    for sentence in ("Reg.nr. og konto: {}", "Send pengene til {}"):
        tally = Tally(f"DK reg + konto, '{sentence.split(' {}')[0]} …'")
        for written in dk:
            text = sentence.format(written)
            tally.add(found_in(FINANCIAL.find, text, written, "DK bank account"), repr(written))
        out.append(tally.row())
    stdnum = read_csv("stdnum-doctest-vectors.csv")
    no = [
        r["value"]
        for r in stdnum
        if r["module"] == "stdnum.no.kontonr"
        and r["stdnum_2.2_result"] == "valid"
        and len(r["value"].replace(".", "").replace(" ", "")) == 11
    ]
    no_written = [v.replace(".", "-") for v in no] + [v.replace(".", "\u00a0") for v in no]
    tally = Tally("NO kontonr (stdnum) with dashes / no-break spaces")
    for written in no_written:
        text = f"Betal til {written} takk"
        tally.add(found_in(FINANCIAL.find, text, written, "NO bank account"), repr(written))
    out.append(tally.row())
    return out


# --- (b) Presidio's cases, span level --------------------------------------------------------

OURS: dict[str, tuple[Detect, Callable[[str], bool]]] = {
    "CREDIT_CARD": (FINANCIAL.find, lambda label: label.startswith("payment card")),
    "IBAN_CODE": (FINANCIAL.find, lambda label: label.startswith("IBAN")),
    "EMAIL_ADDRESS": (CONTACT.find, lambda label: label.startswith("e-mail")),
    "PHONE_NUMBER": (CONTACT.find, lambda label: label.startswith("phone")),
    "SE_PERSONNUMMER": (NATIONAL.find, lambda label: "SE " in label),
    "FI_PERSONAL_IDENTITY_CODE": (NATIONAL.find, lambda label: "FI " in label),
}
SKIPPED = {"SE_ORGANISATIONSNUMMER": "a company number, not personal data: no detector of ours"}


def presidio_cases() -> dict[str, list[tuple[str, list[tuple[int, int]]]]]:
    """Cases per entity; a text listed more than once (Presidio's phone leniency variants, where
    stricter settings expect fewer numbers) keeps the union of its expected spans."""
    lines = (VECTORS / "presidio-recognizer-test-vectors.jsonl").read_text().splitlines()
    by_entity: dict[str, dict[str, set[tuple[int, int]]]] = {}
    for line in lines:
        case = json.loads(line)
        texts = by_entity.setdefault(case["entity"], {})
        texts.setdefault(case["text"], set()).update(tuple(s) for s in case["expected_spans"])
    return {
        entity: [(text, sorted(spans)) for text, spans in texts.items()]
        for entity, texts in by_entity.items()
    }


def score(
    cases: Iterable[tuple[str, list[tuple[int, int]]]],
    predict: Callable[[str], list[tuple[int, int]]],
) -> dict[str, Any]:
    """Span-level precision and recall: an expected span is found by a predicted span that
    overlaps at least half of it; each predicted span can find one expected span."""
    tp = fp = fn = 0
    for text, expected in cases:
        predicted = predict(text)
        unused = list(predicted)
        for start, end in expected:
            need = (end - start) / 2
            match = next(
                (p for p in unused if min(end, p[1]) - max(start, p[0]) >= need),
                None,
            )
            if match is None:
                fn += 1
            else:
                tp += 1
                unused.remove(match)
        fp += len(unused)
    return {
        "expected": tp + fn,
        "predicted": tp + fp,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def our_predictor(entity: str) -> Callable[[str], list[tuple[int, int]]]:
    detect, wanted = OURS[entity]
    return lambda text: [(f.start, f.end) for f in detect(text) if wanted(f.label)]


def build_presidio(
    phone_regions: tuple[str, ...] | None = None,
) -> tuple[Any, dict[str, str]]:
    """Presidio's AnalyzerEngine over a blank English spaCy pipeline, with the predefined
    recognisers for the entity types compared here (the phone recogniser with its default
    regions US, GB, DE, FR, IL, IN, CA, BR unless `phone_regions` is given). Returns the engine
    and the versions installed."""
    os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")  # use the bundled snapshot
    from importlib.metadata import version

    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        FiPersonalIdentityCodeRecognizer,
        IbanRecognizer,
        PhoneRecognizer,
        SePersonnummerRecognizer,
    )

    nlp_engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank:en"}])
    # Instead of load(), which would fetch en_core_web_lg: a tokenizer-only pipeline.
    nlp_engine.nlp = {"en": spacy.blank("en")}  # type: ignore[assignment, unused-ignore]
    registry = RecognizerRegistry(supported_languages=["en"])
    phone_kwargs: dict[str, Any] = {}
    if phone_regions is not None:
        phone_kwargs["supported_regions"] = phone_regions
    for recognizer in (
        CreditCardRecognizer(supported_language="en"),
        IbanRecognizer(supported_language="en"),
        EmailRecognizer(supported_language="en"),
        PhoneRecognizer(supported_language="en", **phone_kwargs),
        SePersonnummerRecognizer(supported_language="en"),
        FiPersonalIdentityCodeRecognizer(supported_language="en"),
    ):
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    versions = {
        "presidio-analyzer": version("presidio-analyzer"),
        "spacy": version("spacy"),
        "phonenumbers": version("phonenumbers"),
        "tldextract": version("tldextract"),
    }
    return engine, versions


def nordic_phones(with_presidio: bool) -> list[dict[str, Any]]:
    """Recall on libphonenumber's example numbers: Nordic ones (excluding the service ranges and
    short numbers that are not a person's, see tests/unit/rules/test_contact_data.py) and, as a
    check on precision, how many of the other countries' numbers are reported at all."""
    not_subscriber = {
        ("NO", "UAN"),
        ("SE", "PREMIUM_RATE"),
        ("SE", "VOICEMAIL"),
        # Service ranges of the plans, not a person's number (see contact_data.py).
        ("DK", "TOLL_FREE"),
        ("DK", "PREMIUM_RATE"),
        ("NO", "TOLL_FREE"),
        ("NO", "PREMIUM_RATE"),
        ("NO", "SHARED_COST"),
        ("NO", "VOIP"),
        ("NO", "PERSONAL_NUMBER"),
        ("NO", "VOICEMAIL"),
        ("SE", "TOLL_FREE"),
        ("SE", "SHARED_COST"),
        ("SE", "PAGER"),
    }
    rows = read_csv("phone-example-numbers-libphonenumber.csv")
    groups: dict[str, list[tuple[str, str]]] = {"DK/NO/SE/FI subscriber numbers": []}
    groups["IS/GB/US/DE numbers (outside the Nordic plans)"] = []
    for row in rows:
        nordic = row["region"] in ("DK", "NO", "SE", "FI")
        if nordic and (row["region"], row["type"]) in not_subscriber:
            continue
        key = "DK/NO/SE/FI subscriber numbers" if nordic else list(groups)[1]
        for column in ("e164", "international", "national"):
            value = row[column]
            groups[key].append((f"Ring mig på {value} i morgen", value))
    predictors: dict[str, Callable[[str], list[tuple[int, int]]]] = {
        "ours": our_predictor("PHONE_NUMBER")
    }
    if with_presidio:
        try:
            engine, _ = build_presidio()
            predictors["presidio"] = presidio_predictor(engine, "PHONE_NUMBER")
            predictors["presidio_nordic"] = presidio_predictor(
                build_presidio(phone_regions=("DK", "NO", "SE", "FI"))[0], "PHONE_NUMBER"
            )
        except ImportError:
            pass
    out = []
    for name, items in groups.items():
        cases = [(text, [(text.index(v), text.index(v) + len(v))]) for text, v in items]
        result: dict[str, Any] = {"numbers": name, "n": len(cases)}
        for side, predict in predictors.items():
            result[side] = score(cases, predict)["recall"]
        out.append(result)
    return out


def presidio_predictor(engine: Any, entity: str) -> Callable[[str], list[tuple[int, int]]]:
    def predict(text: str) -> list[tuple[int, int]]:
        results = engine.analyze(text=text, language="en", entities=[entity])
        return sorted({(r.start, r.end) for r in results})

    return predict


def compare(with_presidio: bool) -> dict[str, Any]:
    cases = presidio_cases()
    engine = None
    versions: dict[str, str] = {}
    error = None
    if with_presidio:
        try:
            engine, versions = build_presidio()
        except ImportError as exc:
            error = f"presidio-analyzer not installed ({exc.name}); only our side is shown"
    rows = []
    for entity in (*OURS, *SKIPPED):
        if entity in SKIPPED:
            rows.append({"entity": entity, "skipped": SKIPPED[entity]})
            continue
        entity_cases = cases.get(entity, [])
        row: dict[str, Any] = {
            "entity": entity,
            "texts": len(entity_cases),
            "ours": score(entity_cases, our_predictor(entity)),
        }
        if engine is not None:
            row["presidio"] = score(entity_cases, presidio_predictor(engine, entity))
        rows.append(row)
    return {"rows": rows, "presidio_versions": versions, "presidio_error": error}


# --- Output ----------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def print_report(report: dict[str, Any]) -> None:
    print(f"National-ID / financial / contact detectors: quality on {VECTORS}")
    print(f"Date: {report['date']}\n")
    print("(a) Valid vectors: found by the detector (exact span, expected label)")
    print(f"{'source':<62} {'vectors':>7} {'found':>7} {'rate':>7} {'validator':>9}")
    for row in report["valid"]:
        validator = row.get("validator_accepts")
        print(
            f"{row['source']:<62} {row['vectors']:>7} {row['found']:>7} {pct(row['rate']):>7}"
            f" {'' if validator is None else validator:>9}"
        )
        if row.get("note"):
            print(f"{'':<4}note: {row['note']}")
        if row.get("first_misses"):
            print(f"{'':<4}missed: {', '.join(row['first_misses'])}")
    print("\n(a) Invalid vectors: still reported with the reading they fail (target 0)")
    print(f"{'source':<62} {'vectors':>7} {'reported':>8}")
    for row in report["invalid"]:
        reported = row["vectors"] - row["found"]
        print(f"{row['source']:<62} {row['vectors']:>7} {reported:>8}")
        if row.get("first_misses"):
            print(f"{'':<4}reported: {', '.join(row['first_misses'])}")
        if row.get("note"):
            print(f"{'':<4}note: {row['note']}")
    print("\n(a) Danish CPR: confidence without / with a context word ('-' = not reported)")
    print(f"{'number':<13} {'group':<28} {'status':<15} {'bare':>5} {'with cpr':>8}")
    for row in report["cpr_confidences"]:
        bare, worded = row["bare"], row["with_cpr_word"]
        print(
            f"{row['number']:<13} {row['group']:<28} {row['status']:<15}"
            f" {'-' if bare is None else bare:>5} {'-' if worded is None else worded:>8}"
        )
    comparison = report["presidio_comparison"]
    print("\n(b) Presidio's recogniser cases, span level (found = overlap >= 50% of expected)")
    if comparison["presidio_error"]:
        print(f"    {comparison['presidio_error']}")
    if comparison["presidio_versions"]:
        versions = ", ".join(f"{k} {v}" for k, v in comparison["presidio_versions"].items())
        print(f"    Presidio side: {versions}; AnalyzerEngine over spacy.blank('en')")
    print(
        f"{'entity':<27} {'texts':>5} {'exp':>4} | {'ours P':>7} {'ours R':>7} {'tp/fp/fn':>10}"
        f" | {'Presidio P':>10} {'Presidio R':>10} {'tp/fp/fn':>10}"
    )
    for row in comparison["rows"]:
        if "skipped" in row:
            print(f"{row['entity']:<27} skipped: {row['skipped']}")
            continue
        ours = row["ours"]
        counts = f"{ours['tp']}/{ours['fp']}/{ours['fn']}"
        line = (
            f"{row['entity']:<27} {row['texts']:>5} {ours['expected']:>4} |"
            f" {pct(ours['precision']):>7} {pct(ours['recall']):>7} {counts:>10}"
        )
        if "presidio" in row:
            theirs = row["presidio"]
            counts = f"{theirs['tp']}/{theirs['fp']}/{theirs['fn']}"
            line += f" | {pct(theirs['precision']):>10} {pct(theirs['recall']):>10} {counts:>10}"
        print(line)
    phones = report["nordic_phone_examples"]
    print(
        "\n(c) libphonenumber example numbers in 'Ring mig på <number> i morgen': share reported"
        "\n    (all three written forms). Presidio with its default phone regions, and with"
        "\n    regions DK, NO, SE, FI. Presidio's PHONE cases in (b) are US/BR/IN/IL/JP/CN/GB/"
        "\n    DE/IT/GR/FR numbers, outside our Nordic-only scope."
    )
    print(f"{'numbers':<48} {'n':>4} | {'ours':>7} {'Presidio':>9} {'Presidio, Nordic':>17}")
    for row in phones:
        print(
            f"{row['numbers']:<48} {row['n']:>4} | {pct(row['ours']):>7}"
            f" {pct(row.get('presidio')):>9} {pct(row.get('presidio_nordic')):>17}"
        )
    print_spellings(report)


def print_spellings(report: dict[str, Any]) -> None:
    print(
        "\n(d) Spellings: valid vectors as people type or paste them, found at their exact span"
        "\n    with the expected label; invalid vectors in the same spellings, correctly unreported"
    )
    for key in ("spellings", "phone_spellings", "account_spellings"):
        print(f"{'source':<74} {'n':>5} {'found':>6} {'rate':>7}")
        for row in report[key]:
            print(
                f"{row['source']:<74} {row['vectors']:>5} {row['found']:>6} {pct(row['rate']):>7}"
            )
            if row.get("first_misses") and row["rate"] is not None and row["rate"] < 1:
                print(f"{'':<4}missed: {', '.join(row['first_misses'][:3])}")
        print()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-presidio", action="store_true", help="skip the Presidio side")
    args = parser.parse_args(argv)
    if not VECTORS.is_dir():
        print(f"no test vectors at {VECTORS}", file=sys.stderr)
        return 2
    report = {
        "date": date.today().isoformat(),
        "valid": [t.row() for t in valid_vectors()],
        "invalid": [t.row() for t in invalid_vectors()],
        "cpr_confidences": cpr_confidences(),
        "nordic_phone_examples": nordic_phones(not args.no_presidio),
        "presidio_comparison": compare(not args.no_presidio),
        "spellings": spelling_vectors(),
        "phone_spellings": phone_spellings(),
        "account_spellings": account_spellings(),
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
