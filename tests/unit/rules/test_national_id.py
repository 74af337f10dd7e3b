"""The `national_id` rule kind, checked against published third-party test vectors.

Vectors live outside the repo in shared/eval-data/national-ids (see its PROVENANCE.md):
Skatteverket's official test personnummer and samordningsnummer, the personnummer.dev
conformance list, python-stdnum doctest values, NAV's synthetic Norwegian test identities and
Presidio's recogniser cases.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from support.paths import EVAL_DATA
from uppsikt.rules.national_id import (
    DEFAULT_CONTEXT_WORDS,
    NationalIdDetector,
    NationalIdParams,
    cpr_status,
    fodselsnummer_reading,
    hetu_reading,
    is_valid_fodselsnummer,
    is_valid_hetu,
    is_valid_personnummer,
    luhn_ok,
)
from uppsikt.rules.registry import Finding, kind_spec

VECTORS = EVAL_DATA / "national-ids"

if not VECTORS.is_dir():
    pytest.skip(f"test vectors not found at {VECTORS.resolve()}", allow_module_level=True)

BOTH = NationalIdDetector(NationalIdParams(countries=("dk", "se")))
ALL = NationalIdDetector(NationalIdParams())
NO_ONLY = NationalIdDetector(NationalIdParams(countries=("no",)))
FI_ONLY = NationalIdDetector(NationalIdParams(countries=("fi",)))
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
    # The third-party vectors, beside the repository; see their PROVENANCE.md.
    assert VECTORS.resolve() == (EVAL_DATA / "national-ids").resolve()
    assert (VECTORS / "PROVENANCE.md").is_file()


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
    # The list calls "19090527 1474" invalid only for its space: the same digits are a valid row.
    # People do type a space there (issue 12), so the detector reports it; the pure validator
    # above keeps to the list.
    valid_digits = {
        r["long_format"] for r in csv_rows("se-personnummer-meta-list.csv") if r["valid"] == "True"
    }
    spaced = [r for r in rows if r["long_format"].replace(" ", "") in valid_digits]
    assert [r["long_format"] for r in spaced] == ["19090527 1474"]
    rows = [r for r in rows if r not in spaced]
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
        NationalIdParams.model_validate({"countries": ["is"]})
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


# --- All four countries together --------------------------------------------------------------


def test_the_default_covers_all_four_countries() -> None:
    assert NationalIdParams().countries == ("dk", "se", "no", "fi")


def test_every_skatteverket_number_is_still_found_with_all_four_countries() -> None:
    today = date.today()
    failures = []
    for name in (
        "se-skatteverket-testpersonnummer.txt",
        "se-skatteverket-testsamordningsnummer.txt",
    ):
        for number in skatteverket(name):
            short = short_form(number, today)
            finding = found_once(ALL, f"Skriv {short} i fältet.", short)
            if finding is None or "SE " not in finding.label:
                failures.append(short)
    assert failures == []


def test_context_words_cover_every_language() -> None:
    for word in ("cpr", "personnummer", "fødselsnummer", "fnr", "d-nummer", "hetu", "sotu"):
        assert word in DEFAULT_CONTEXT_WORDS
    assert "henkilötunnu" in DEFAULT_CONTEXT_WORDS  # a stem: henkilötunnus, henkilötunnukseni


# --- Norway ----------------------------------------------------------------------------------


def nav_rows() -> list[dict[str, str]]:
    return csv_rows("no-synthetic-fnr-dnr-nav.csv")


def test_the_nav_file_has_twelve_identities_of_each_synthetic_kind() -> None:
    rows = nav_rows()
    assert len(rows) == 12
    kinds = {r["synthetic_kind"] for r in rows}
    assert kinds == {"NAV/Dolly (month+40)", "Skatteetaten/Tenor (month+80)"}


@pytest.mark.parametrize("column", ["fnr", "dnr"])
def test_every_nav_synthetic_number_is_valid_under_the_old_rules(column: str) -> None:
    for row in nav_rows():
        assert fodselsnummer_reading(row[column], rule2032=False) is not None, row[column]
        assert is_valid_fodselsnummer(row[column])


@pytest.mark.parametrize("column", ["fnr", "dnr"])
def test_every_nav_synthetic_number_is_found_in_a_sentence(column: str) -> None:
    for row in nav_rows():
        number = row[column]
        text = f"Hei, fødselsnummeret mitt er {number}, kan dere sjekke saken?"
        finding = found_once(NO_ONLY, text, number)
        assert finding is not None, number
        assert finding.confidence == pytest.approx(0.95), number
        assert not any(ch.isdigit() for ch in finding.label)


def test_nav_numbers_are_labelled_by_their_synthetic_kind_and_d_number() -> None:
    for row in nav_rows():
        [fnr] = ALL.find(f"fnr {row['fnr']}")
        [dnr] = ALL.find(f"d-nr {row['dnr']}")
        if row["synthetic_kind"].startswith("NAV"):
            assert fnr.label == "NO fødselsnummer (H-nummer or synthetic)"
            assert dnr.label == "NO D-nummer (H-nummer or synthetic)"
        else:
            assert fnr.label == "NO fødselsnummer (synthetic, Tenor)"
            assert dnr.label == "NO D-nummer (synthetic, Tenor)"


def test_stdnum_norwegian_vectors_agree_with_stdnum_under_the_old_rules() -> None:
    rows = stdnum_rows("stdnum.no.fodselsnummer")
    assert len(rows) == 21
    for row in rows:
        expected = row["stdnum_2.2_result"] == "valid"
        assert is_valid_fodselsnummer(row["value"], rule2032=False) is expected, row["value"]


def test_stdnum_norwegian_vectors_under_the_2032_rules_differ_only_by_the_century() -> None:
    # 18103970861 has valid check digits, but individual number 708 with year 39 means
    # 2039-10-18 under the old century ranges: stdnum rejects it. A number issued from 2032
    # encodes no century, so 1939-10-18 is possible and it is accepted, at lower confidence.
    century_free = "18103970861"
    for row in stdnum_rows("stdnum.no.fodselsnummer"):
        expected = row["stdnum_2.2_result"] == "valid" or row["value"] == century_free
        assert is_valid_fodselsnummer(row["value"]) is expected, row["value"]
    assert fodselsnummer_reading(century_free) == ("NO fødselsnummer", "2032")
    [finding] = NO_ONLY.find(f"nummer {century_free}")
    assert finding.confidence == pytest.approx(0.8)


def test_stdnum_valid_norwegian_vectors_in_written_forms_are_found() -> None:
    # The detector reads 11 digits with at most a space or dash after the birth date; stdnum
    # also accepts stray separators ("18-06-15-92527"), which the validator alone handles.
    rows = [r for r in stdnum_rows("stdnum.no.fodselsnummer") if r["stdnum_2.2_result"] == "valid"]
    written = [r["value"] for r in rows if len(r["value"].replace(" ", "").replace("-", "")) == 11]
    shaped = [v for v in written if v.isdigit() or (len(v) == 12 and v[6] in " -")]
    assert len(shaped) >= 10
    for value in shaped:
        assert found_once(NO_ONLY, f"Her er {value} ja", value) is not None, value


def test_stdnum_invalid_norwegian_vectors_are_not_found() -> None:
    rows = [r for r in stdnum_rows("stdnum.no.fodselsnummer") if r["stdnum_2.2_result"] != "valid"]
    for row in rows:
        if row["value"] == "18103970861":
            continue  # valid under the 2032 rules, see above
        assert ALL.find(f"fnr {row['value']}") == [], row["value"]


def test_a_k1_remainder_of_one_to_three_is_valid_only_under_the_2032_rules() -> None:
    # Built from 151086 951: K1 chosen so the weighted K1 sum leaves 1, 2 and 3, K2 recomputed.
    for number in ("15108695177", "15108695185", "15108695193"):
        assert not is_valid_fodselsnummer(number, rule2032=False)
        assert fodselsnummer_reading(number) == ("NO fødselsnummer", "2032")
        [finding] = NO_ONLY.find(f"Mitt nummer: {number}")
        assert finding.confidence == pytest.approx(0.8)
        [with_context] = NO_ONLY.find(f"Fødselsnummer: {number}")
        assert with_context.confidence == pytest.approx(0.85)


def test_an_old_rule_number_is_found_with_higher_confidence_than_a_2032_one() -> None:
    [old] = NO_ONLY.find("nummer 15108695088")
    [new] = NO_ONLY.find("nummer 15108695177")
    assert old.confidence == pytest.approx(0.9)
    assert new.confidence < old.confidence


def test_no_k1_digit_can_rescue_a_prefix_whose_k1_would_have_to_be_ten() -> None:
    # Under the old rule K1 = 11 - (S mod 11); S mod 11 = 1 would need K1 = 10: invalid.
    weights = (3, 7, 6, 1, 8, 9, 4, 5, 2)
    prefix = next(
        candidate
        for candidate in (f"010180{serial:03d}" for serial in range(1000))
        if sum(w * int(d) for w, d in zip(weights, candidate, strict=True)) % 11 == 1
    )
    for k1 in "0123456789":
        for k2 in "0123456789":
            assert not is_valid_fodselsnummer(prefix + k1 + k2, rule2032=False)


def test_a_k2_of_ten_is_never_valid() -> None:
    # K2 = 11 - (S mod 11) with the K2 weights over the first ten digits; S mod 11 = 1 would
    # need K2 = 10, so no last digit makes the number valid, under either rule.
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    head = next(
        candidate
        for candidate in (f"1510869{n:03d}" for n in range(1000))
        if sum(w * int(d) for w, d in zip(weights, candidate, strict=True)) % 11 == 1
    )
    assert not any(is_valid_fodselsnummer(head + k2) for k2 in "0123456789")


def test_an_fh_number_has_no_date_and_is_found_only_next_to_a_context_word() -> None:
    fh = "81234567802"  # first digit 8, both check digits valid under the old rule
    assert fodselsnummer_reading(fh) == ("NO FH-nummer", "old")
    assert NO_ONLY.find(f"Nummeret er {fh}") == []
    [finding] = NO_ONLY.find(f"FH-nummer: {fh}")
    assert finding.label == "NO FH-nummer"


def test_norwegian_numbers_may_have_a_space_or_dash_after_the_birth_date() -> None:
    for written in ("151086 95088", "151086-95088", "15108695088"):
        [finding] = NO_ONLY.find(f"fnr: {written}.")
        assert (finding.start, finding.end) == (5, 5 + len(written))
        assert finding.mask.endswith("88")
        assert sum(ch.isdigit() for ch in finding.mask) == 2


def test_an_international_phone_number_is_not_read_as_an_identity_number() -> None:
    assert ALL.find("ring +4721234567 eller +46701234567") == []


def test_an_impossible_date_or_month_offset_is_not_a_norwegian_number() -> None:
    assert not is_valid_fodselsnummer("19575770838")  # month 57: neither +40 nor +80
    assert not is_valid_fodselsnummer("a0gzaB30529")
    assert not is_valid_fodselsnummer("42485176432123")


# --- Finland ---------------------------------------------------------------------------------


def test_stdnum_finnish_vectors_agree_with_stdnum() -> None:
    rows = stdnum_rows("stdnum.fi.hetu")
    assert len(rows) == 15
    for row in rows:
        allow_temporary = row["kwargs"] == "allow_temporary=True"
        expected = row["stdnum_2.2_result"] == "valid"
        got = is_valid_hetu(row["value"], allow_temporary=allow_temporary)
        assert got is expected, row["value"]


def test_stdnum_valid_finnish_vectors_are_found_in_a_sentence() -> None:
    for row in stdnum_rows("stdnum.fi.hetu"):
        if row["stdnum_2.2_result"] == "valid":
            value = row["value"]
            finding = found_once(FI_ONLY, f"Henkilötunnukseni on {value}.", value)
            assert finding is not None, value
            assert finding.label.startswith("FI henkilötunnus")


def test_presidio_finnish_vectors_agree_except_when_glued_to_a_word() -> None:
    cases: list[dict[str, Any]] = [
        json.loads(line)
        for line in (VECTORS / "presidio-recognizer-test-vectors.jsonl").read_text().splitlines()
    ]
    finnish = [c for c in cases if c["entity"] == "FI_PERSONAL_IDENTITY_CODE"]
    assert len(finnish) == 35
    for case in finnish:
        spans = [[f.start, f.end] for f in ALL.find(case["text"]) if f.label.startswith("FI")]
        if case["text"].startswith("My finnish id code is0"):
            assert spans == []  # as for Swedish numbers: a letter directly before the digits
        else:
            assert spans == case["expected_spans"], case["text"]


def test_a_temporary_hetu_is_found_with_lower_confidence_raised_by_context() -> None:
    assert hetu_reading("131052-9993") == "temporary"
    [plain] = FI_ONLY.find("Numero 131052-9993 tässä")
    [with_context] = FI_ONLY.find("Hetu: 131052-9993")
    assert plain.label == "FI henkilötunnus (temporary)"
    assert plain.confidence == pytest.approx(0.6)
    assert with_context.confidence == pytest.approx(0.8)
    [permanent] = FI_ONLY.find("Numero 131052-308T tässä")
    assert permanent.confidence == pytest.approx(0.9)


def test_every_century_sign_is_accepted() -> None:
    # The check character depends only on DDMMYYZZZ, so 131052?308T is valid for every sign.
    for sign in "+-YXWVUABCDEF":
        assert is_valid_hetu(f"131052{sign}308T"), sign
    for sign in "/:.GTZ":
        assert not is_valid_hetu(f"131052{sign}308T"), sign


def test_a_lower_case_hetu_is_found() -> None:
    [finding] = FI_ONLY.find("hetu 131052a308t")
    assert finding.label == "FI henkilötunnus"


def test_a_hetu_with_a_digit_check_and_a_dash_can_also_be_a_cpr_number() -> None:
    number = "131052-1058"  # a permanent HETU and a CPR number passing modulus 11
    assert hetu_reading(number) == "permanent"
    assert cpr_status(number) == "mod11"
    [finding] = ALL.find(f"Nummer {number}")
    assert finding.label == "FI henkilötunnus / DK CPR"
    assert finding.confidence == pytest.approx(0.9)


def test_a_hetu_mask_hides_the_century_sign_too() -> None:
    [dashed] = FI_ONLY.find("hetu 131052-308T")
    assert dashed.mask == "******-**8T"
    [lettered] = FI_ONLY.find("hetu 010594Y9032")
    assert lettered.mask == "*********32"


def test_labels_of_norwegian_and_finnish_findings_carry_no_digits() -> None:
    texts = ("fnr 15108695088", "d-nr 55507608360", "hetu 131052-308T", "FH-nummer 81234567802")
    for text in texts:
        [finding] = ALL.find(text)
        assert not any(ch.isdigit() for ch in finding.label)


def test_a_comment_without_digits_is_scanned_in_a_few_microseconds() -> None:
    import time

    text = ("Tak for et godt møde i går, vi ses til generalforsamlingen! " * 4)[:200]
    ALL.find(text)
    runs = 2000
    started = time.perf_counter()
    for _ in range(runs):
        ALL.find(text)
    per_call = (time.perf_counter() - started) / runs
    assert per_call < 50e-6  # typically ~1 µs; generous for a busy shared machine


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -+./:ABCDEFUVWXYabc"), max_size=60))
def test_any_text_gives_findings_inside_it_and_never_raises(text: str) -> None:
    for finding in ALL.find(text):
        assert 0 <= finding.start < finding.end <= len(text)
        assert len(finding.mask) == finding.end - finding.start
        assert not any(ch.isdigit() for ch in finding.label)
