"""The `national_id` rule kind, checked against published third-party test vectors.

Vectors live outside the repo in shared/eval-data/national-ids (see its PROVENANCE.md):
Skatteverket's official test personnummer and samordningsnummer, the personnummer.dev
conformance list, python-stdnum doctest values and Presidio's recogniser cases.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.national_id import (
    NationalIdDetector,
    NationalIdParams,
    cpr_status,
    is_valid_personnummer,
    luhn_ok,
)
from uppsikt.rules.registry import Finding, kind_spec

VECTORS = Path(__file__).resolve().parents[3] / ".." / "shared" / "eval-data" / "national-ids"

if not VECTORS.is_dir():
    pytest.skip(f"test vectors not found at {VECTORS.resolve()}", allow_module_level=True)

BOTH = NationalIdDetector(NationalIdParams())
DK_ONLY = NationalIdDetector(NationalIdParams(countries=("dk",)))
SE_ONLY = NationalIdDetector(NationalIdParams(countries=("se",)))


@cache
def skatteverket(name: str) -> tuple[str, ...]:
    lines = (VECTORS / name).read_text(encoding="utf-8").split()
    return tuple(line for line in lines if line)


def csv_rows(name: str) -> list[dict[str, str]]:
    with (VECTORS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t" if name.endswith(".tsv") else ","))


def short_form(number12: str, today: date) -> str:
    """YYMMDD-NNNC, with '+' once the holder has turned 100, as Skatteverket writes it."""
    year, month, day = int(number12[:4]), int(number12[4:6]), int(number12[6:8])
    if day > 60:
        day -= 60
    turned_100 = (year + 100, month, day) <= (today.year, today.month, today.day)
    return number12[2:8] + ("+" if turned_100 else "-") + number12[8:]


def found_once(det: NationalIdDetector, text: str, number: str) -> Finding | None:
    findings = det.find(text)
    if len(findings) != 1:
        return None
    start = text.index(number)
    finding = findings[0]
    return finding if (finding.start, finding.end) == (start, start + len(number)) else None


def test_vectors_folder_is_the_shared_eval_data() -> None:
    assert VECTORS.resolve() == Path("/work/shared/eval-data/national-ids").resolve()


def test_skatteverket_lists_are_loaded_in_full() -> None:
    assert len(skatteverket("se-skatteverket-testpersonnummer.txt")) == 41_129
    assert len(skatteverket("se-skatteverket-testsamordningsnummer.txt")) == 2_264


@pytest.mark.parametrize(
    "name", ["se-skatteverket-testpersonnummer.txt", "se-skatteverket-testsamordningsnummer.txt"]
)
def test_every_skatteverket_test_number_validates_in_both_forms(name: str) -> None:
    today = date.today()
    failures = [
        number
        for number in skatteverket(name)
        if not (is_valid_personnummer(number) and is_valid_personnummer(short_form(number, today)))
    ]
    assert failures == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("se-skatteverket-testpersonnummer.txt", "SE personnummer"),
        ("se-skatteverket-testsamordningsnummer.txt", "SE samordningsnummer"),
    ],
)
def test_every_skatteverket_test_number_is_found_in_a_sentence_in_12_digit_form(
    name: str, kind: str
) -> None:
    failures = []
    for number in skatteverket(name):
        text = f"Hej! Mitt nummer är {number}, ring mig."
        finding = found_once(SE_ONLY, text, number)
        if finding is None or finding.label != kind or finding.confidence < 0.9:
            failures.append(number)
    assert failures == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("se-skatteverket-testpersonnummer.txt", "SE personnummer"),
        ("se-skatteverket-testsamordningsnummer.txt", "SE samordningsnummer"),
    ],
)
def test_every_skatteverket_test_number_is_found_in_a_sentence_in_10_digit_form(
    name: str, kind: str
) -> None:
    today = date.today()
    failures = []
    for number in skatteverket(name):
        short = short_form(number, today)
        text = f"Skriv {short} i fältet."
        finding = found_once(BOTH, text, short)
        # A 10-digit number can also be a Danish CPR; the Swedish reading must be there.
        if finding is None or kind not in finding.label:
            failures.append(short)
    assert failures == []


def test_a_context_word_raises_swedish_confidence() -> None:
    number = skatteverket("se-skatteverket-testpersonnummer.txt")[20_000]
    [plain] = SE_ONLY.find(f"Här: {number}")
    [with_context] = SE_ONLY.find(f"Mitt personnummer: {number}")
    assert plain.confidence == pytest.approx(0.9)
    assert with_context.confidence == pytest.approx(0.95)


def test_personnummer_meta_list_rows_are_valid_exactly_when_the_list_says_so() -> None:
    rows = [r for r in csv_rows("se-personnummer-meta-list.csv") if r["type"] in ("ssn", "con")]
    assert rows
    formats = ("long_format", "short_format", "separated_format", "separated_long")
    for row in rows:
        for fmt in formats:
            assert is_valid_personnummer(row[fmt]) is (row["valid"] == "True"), (row[fmt], fmt)


def test_invalid_rows_of_the_meta_list_are_not_reported_as_personnummer() -> None:
    rows = [r for r in csv_rows("se-personnummer-meta-list.csv") if r["valid"] == "False"]
    assert len(rows) >= 5
    formats = ("long_format", "short_format", "separated_format", "separated_long")
    for row in rows:
        for fmt in formats:
            findings = BOTH.find(f"nummer {row[fmt]} här")
            assert not any("SE" in f.label for f in findings), (row[fmt], findings)


def stdnum_rows(module: str) -> list[dict[str, str]]:
    return [r for r in csv_rows("stdnum-doctest-vectors.csv") if r["module"] == module]


def test_stdnum_swedish_vectors_in_accepted_forms_agree_with_stdnum() -> None:
    # stdnum also strips stray dashes ("8803-20-0016"); we only accept the written forms.
    rows = [r for r in stdnum_rows("stdnum.se.personnummer") if len(r["value"]) in (10, 11)]
    rows = [r for r in rows if r["value"].replace("-", "").isdigit() and r["value"][4] != "-"]
    assert len(rows) >= 10
    for row in rows:
        expected = row["stdnum_2.2_result"] == "valid"
        assert is_valid_personnummer(row["value"]) is expected, row["value"]


def test_stdnum_danish_vectors_are_found_exactly_when_valid() -> None:
    rows = stdnum_rows("stdnum.dk.cpr")
    assert len(rows) == 3
    for row in rows:
        value = row["value"]
        findings = DK_ONLY.find(f"CPR-nr. {value}")
        if row["stdnum_2.2_result"] == "valid":
            assert cpr_status(value) != "invalid"
            assert [f.label for f in findings] == ["DK CPR"]
        else:
            assert cpr_status(value) == "invalid"
            assert findings == []


def test_os2datascanner_cpr_candidates_marked_as_passing_mod11_are_found_without_context() -> None:
    rows = [
        r
        for r in csv_rows("dk-cpr-context-cases-os2datascanner.tsv")
        if r["passes_mod11_or_exception"] == "yes"
    ]
    assert len(rows) == 20
    for row in rows:
        number = row["cpr_candidate"]
        assert cpr_status(number) in ("mod11", "exception_date"), number
        finding = found_once(DK_ONLY, f"Anders And {number}", number)
        assert finding is not None, number
        assert finding.label == "DK CPR"


def test_a_cpr_failing_mod11_is_date_only_and_needs_a_context_word() -> None:
    # From the os2datascanner cases: a date-valid CPR without a valid check digit.
    assert cpr_status("250501-1987") == "date_only"
    assert DK_ONLY.find("250501-1987") == []
    [finding] = DK_ONLY.find("cpr-nr 250501-1987")
    assert finding.confidence == pytest.approx(0.7)


def test_a_mod11_failing_cpr_with_an_exception_birth_date_is_found_with_lower_confidence() -> None:
    exception, regular = "010160-0001", "010180-0008"
    assert cpr_status(exception) == "exception_date"
    assert cpr_status(regular) == "mod11"
    [low] = DK_ONLY.find(f"Her er det: {exception}")
    [high] = DK_ONLY.find(f"Her er det: {regular}")
    assert low.label == high.label == "DK CPR"
    assert 0.5 <= low.confidence < high.confidence


def test_cpr_century_follows_the_seventh_digit() -> None:
    # 7th digit 5-8 with YY > 57 is the 1800s; with YY <= 57 it would be in the future.
    assert cpr_status("211062-5629") == "mod11"
    assert cpr_status("2110525629", today=date(2026, 1, 1)) == "invalid"
    assert cpr_status("2110525629", today=date(2060, 1, 1)) != "invalid"


def test_a_cpr_shaped_string_with_an_impossible_date_is_not_found_as_cpr() -> None:
    assert cpr_status("320180-1234") == "invalid"
    assert DK_ONLY.find("Mit cpr er 320180-1234") == []


def test_the_same_digits_can_be_a_swedish_samordningsnummer() -> None:
    # 32-01-80 is no Danish date, but 1932-01-20 (+60) with a valid Luhn digit is Swedish.
    [finding] = BOTH.find("320180-1234")
    assert finding.label == "SE samordningsnummer"


def test_a_number_valid_in_both_countries_is_reported_once_naming_both() -> None:
    [finding] = BOTH.find("cpr: 250501-1987")
    assert finding.label in ("SE personnummer / DK CPR", "DK CPR / SE personnummer")
    assert (finding.start, finding.end) == (5, 16)


def test_digits_inside_a_card_number_are_not_found() -> None:
    cpr = "0101800008"
    assert len(BOTH.find(f"kort {cpr}")) == 1
    assert BOTH.find(f"kort 4571{cpr}12") == []
    assert BOTH.find(f"kort 4571-{cpr}-12") == []


def test_presidio_credit_card_vectors_yield_no_national_id() -> None:
    cases = [
        json.loads(line)
        for line in (VECTORS / "presidio-recognizer-test-vectors.jsonl").read_text().splitlines()
    ]
    cards = [c for c in cases if c["entity"] == "CREDIT_CARD"]
    assert cards
    for case in cards:
        assert BOTH.find(case["text"]) == [], case["text"]


def test_presidio_swedish_personnummer_vectors_agree_except_when_glued_to_a_word() -> None:
    cases: list[dict[str, Any]] = [
        json.loads(line)
        for line in (VECTORS / "presidio-recognizer-test-vectors.jsonl").read_text().splitlines()
    ]
    swedish = [c for c in cases if c["entity"] == "SE_PERSONNUMMER"]
    assert len(swedish) == 18
    for case in swedish:
        spans = [[f.start, f.end] for f in SE_ONLY.find(case["text"])]
        if case["text"].startswith("My swedish id code is1"):
            assert spans == []  # deliberately stricter: a letter directly before the digits
        else:
            assert spans == case["expected_spans"], case["text"]


def test_libphonenumber_example_numbers_are_not_national_ids() -> None:
    rows = csv_rows("phone-example-numbers-libphonenumber.csv")
    assert rows
    for row in rows:
        for column in ("e164", "international", "national"):
            assert BOTH.find(f"ring {row[column]}") == [], row[column]


def test_a_swedish_mobile_number_with_an_impossible_date_is_not_found() -> None:
    assert BOTH.find("ring 0731234567 eller 0761234567") == []


def test_digits_directly_next_to_letters_or_longer_digit_runs_are_not_found() -> None:
    assert BOTH.find("abc0101800008") == []
    assert BOTH.find("0101800008xyz") == []
    assert BOTH.find("10101800008") == []
    assert BOTH.find("01018000081") == []
    assert BOTH.find("v1.0101800008") == []


def test_comma_separated_numbers_are_each_found() -> None:
    assert len(BOTH.find("0101800008,0202800009")) == 2


def test_mask_keeps_only_the_last_two_characters_and_the_separator() -> None:
    [dashed] = BOTH.find("cpr 010180-0008")
    assert dashed.mask == "******-**08"
    [compact] = BOTH.find("pnr 198803200016")
    assert compact.mask == "**********16"
    [plus] = BOTH.find("090527+1474")
    assert plus.mask == "******+**74"


def test_label_never_contains_the_number() -> None:
    for text in ("010180-0008", "198803200016", "250501-1987 cpr"):
        for finding in BOTH.find(text):
            assert not any(ch.isdigit() for ch in finding.label)
            assert not any(ch.isdigit() for ch in finding.mask[:-2])


def test_min_confidence_filters_lower_confidence_readings() -> None:
    strict = NationalIdDetector(NationalIdParams(countries=("dk",), min_confidence=0.8))
    assert strict.find("010160-0001") == []
    assert len(strict.find("010180-0008")) == 1


def test_date_only_cpr_is_never_reported_without_context_even_at_zero_threshold() -> None:
    lax = NationalIdDetector(NationalIdParams(countries=("dk",), min_confidence=0.0))
    assert lax.find("250501-1987") == []


def test_custom_context_words_replace_the_defaults() -> None:
    custom = NationalIdDetector(NationalIdParams(countries=("dk",), context_words=("kundenr",)))
    assert custom.find("cpr 250501-1987") == []
    assert len(custom.find("kundenr 250501-1987")) == 1


def test_luhn_ok_agrees_with_stdnum_decimal_vectors() -> None:
    rows = [r for r in stdnum_rows("stdnum.luhn") if not r["kwargs"]]
    assert len(rows) >= 5
    for row in rows:
        assert luhn_ok(row["value"]) is (row["stdnum_2.2_result"] == "valid"), row["value"]


def test_luhn_ok_rejects_empty_and_non_digit_input() -> None:
    assert not luhn_ok("")
    assert not luhn_ok("8803200O16")
    assert not luhn_ok("٠١٠١")


def test_is_valid_personnummer_rejects_other_shapes() -> None:
    assert not is_valid_personnummer("8803-20-0016")
    assert not is_valid_personnummer("880320 0016")
    assert not is_valid_personnummer("")


def test_unknown_params_and_countries_are_rejected() -> None:
    with pytest.raises(ValidationError):
        NationalIdParams.model_validate({"countries": ["no"]})
    with pytest.raises(ValidationError):
        NationalIdParams.model_validate({"countries": []})
    with pytest.raises(ValidationError):
        NationalIdParams.model_validate({"threshold": 0.5})


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("national_id")
    assert spec is not None
    assert spec.params_model is NationalIdParams
    assert spec.vocabulary == "national_id"
    assert len(spec.build(NationalIdParams()).find("pnr 880320-0016")) == 1
