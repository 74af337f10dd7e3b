"""The `financial_id` rule kind, checked against published third-party test vectors.

Vectors live outside the repo in shared/eval-data/national-ids (see its PROVENANCE.md): the
python-stdnum doctest values for `iban`, `no.iban`, `no.kontonr` and `luhn` (most IBANs are the
SWIFT registry's sample numbers) and Presidio's CREDIT_CARD and IBAN_CODE recogniser cases.
"""

from __future__ import annotations

import csv
import json
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from support.paths import EVAL_DATA
from uppsikt.rules.financial_id import (
    IBAN_BBAN_FORMATS,
    FinancialIdDetector,
    FinancialIdParams,
    card_brand,
    iban_length,
    is_valid_bankgiro,
    is_valid_card,
    is_valid_iban,
    is_valid_no_kontonr,
    mask_financial,
)
from uppsikt.rules.national_id import luhn_ok
from uppsikt.rules.registry import kind_spec

VECTORS = EVAL_DATA / "national-ids"

if not VECTORS.is_dir():
    pytest.skip(f"test vectors not found at {VECTORS}", allow_module_level=True)

DETECTOR = FinancialIdDetector(FinancialIdParams())
CARDS = FinancialIdDetector(FinancialIdParams(types=("card",)))
IBANS = FinancialIdDetector(FinancialIdParams(types=("iban",)))
ACCOUNTS = FinancialIdDetector(FinancialIdParams(types=("no_account",)))


def stdnum_rows(module: str) -> list[dict[str, str]]:
    with (VECTORS / "stdnum-doctest-vectors.csv").open(encoding="utf-8", newline="") as handle:
        return [r for r in csv.DictReader(handle) if r["module"] == module]


@cache
def presidio_cases() -> tuple[dict[str, Any], ...]:
    lines = (VECTORS / "presidio-recognizer-test-vectors.jsonl").read_text().splitlines()
    return tuple(json.loads(line) for line in lines)


def spans(detector: FinancialIdDetector, text: str, prefix: str) -> list[list[int]]:
    return [[f.start, f.end] for f in detector.find(text) if f.label.startswith(prefix)]


def test_vectors_folder_is_the_shared_eval_data() -> None:
    # The third-party vectors, beside the repository; see their PROVENANCE.md.
    assert VECTORS.resolve() == (EVAL_DATA / "national-ids").resolve()
    assert (VECTORS / "PROVENANCE.md").is_file()


# --- IBAN ------------------------------------------------------------------------------------


def test_the_registry_table_gives_the_nordic_lengths_of_regulation_md() -> None:
    assert (iban_length("DK"), iban_length("FI"), iban_length("NO"), iban_length("SE")) == (
        18,
        18,
        15,
        24,
    )
    assert iban_length("FO") == iban_length("GL") == 18
    assert iban_length("QQ") is None
    assert len(IBAN_BBAN_FORMATS) >= 80


def test_every_registry_length_is_within_the_iso_maximum() -> None:
    for country in IBAN_BBAN_FORMATS:
        length = iban_length(country)
        assert length is not None
        assert 15 <= length <= 34, country


def test_stdnum_iban_vectors_agree_with_stdnum_except_the_spanish_national_check() -> None:
    rows = stdnum_rows("stdnum.iban")
    assert len(rows) == 219
    for row in rows:
        expected = row["stdnum_2.2_result"] == "valid"
        if "country-specific BBAN check" in row["expected_in_test"]:
            expected = True  # we check ISO 13616 and the registry, not Spain's own digits
        assert is_valid_iban(row["value"]) is expected, row["value"]


def test_every_valid_stdnum_iban_is_found_in_a_sentence_with_its_exact_span() -> None:
    rows = [r for r in stdnum_rows("stdnum.iban") if r["stdnum_2.2_result"] == "valid"]
    assert len(rows) >= 190
    failures = []
    for row in rows:
        value = row["value"]
        text = f"Please pay to IBAN {value}. Thanks"
        found = [(f.start, f.end, f.label) for f in DETECTOR.find(text)]
        if found != [(19, 19 + len(value), f"IBAN ({value[:2]})")]:
            failures.append((value, found))
    assert failures == []


def test_invalid_stdnum_ibans_are_not_reported() -> None:
    rows = [
        r
        for r in stdnum_rows("stdnum.iban")
        if r["stdnum_2.2_result"] != "valid" and "country-specific" not in r["expected_in_test"]
    ]
    assert len(rows) >= 20
    for row in rows:
        assert DETECTOR.find(f"IBAN {row['value']}") == [], row["value"]


def test_stdnum_norwegian_iban_vectors_agree_including_the_account_check_digit() -> None:
    rows = stdnum_rows("stdnum.no.iban")
    assert len(rows) == 4
    for row in rows:
        valid_norwegian = is_valid_iban(row["value"]) and row["value"].startswith("NO")
        assert valid_norwegian is (row["stdnum_2.2_result"] == "valid"), row["value"]
    # NO23 8601 1117 946 passes mod-97 but its account number fails mod-11.
    assert not is_valid_iban("NO23 8601 1117 946")


@pytest.mark.parametrize(
    "case",
    [c for c in presidio_cases() if c["entity"] == "IBAN_CODE"],
    ids=lambda c: c["text"][:40],
)
def test_presidio_iban_vectors_give_the_expected_spans(case: dict[str, Any]) -> None:
    assert spans(IBANS, case["text"], "IBAN") == case["expected_spans"]


def test_an_iban_ends_at_its_registered_length_even_if_a_word_follows() -> None:
    text = "this is an iban VG96 VPVG 0000 0123 4567 8901 X in a sentence"
    [finding] = DETECTOR.find(text)
    assert text[finding.start : finding.end] == "VG96 VPVG 0000 0123 4567 8901"


def test_an_iban_running_on_into_more_characters_is_not_reported() -> None:
    assert DETECTOR.find("NO9386011117947123") == []
    assert DETECTOR.find("NO93 8601 1117 9471") == []


def test_lower_case_letters_where_the_registry_wants_upper_case_are_rejected() -> None:
    assert is_valid_iban("LV80 BANK 0000 4351 9500 1")
    assert not is_valid_iban("LV80 bANK 0000 4351 9500 1")


def test_an_iban_is_masked_except_its_country_code_and_last_four() -> None:
    [finding] = DETECTOR.find("Send pengene til NO93 8601 1117 947 i dag")
    assert finding.mask == "NO** **** ***7 947"
    assert finding.label == "IBAN (NO)"
    assert finding.confidence == pytest.approx(0.95)


# --- Payment cards ---------------------------------------------------------------------------


def test_card_brands_follow_the_iin_prefixes() -> None:
    examples = {
        "4111111111111111": "Visa",
        "5555555555554444": "Mastercard",
        "2221000000000009": "Mastercard",
        "371449635398431": "American Express",
        "30569309025904": "Diners Club",
        "6011000400000000": "Discover",
        "3528000700000000": "JCB",
        "6759649826438453": "Maestro",
        "5019717010103742": "Dankort",
    }
    for number, brand in examples.items():
        assert card_brand(number) == brand, number
        assert is_valid_card(number), number
    assert card_brand("9111111111111111") is None
    assert card_brand("2720999999999999") == "Mastercard"
    assert card_brand("2721000000000000") is None


def test_presidio_card_vectors_give_the_expected_spans_except_bare_uatp() -> None:
    cards = [c for c in presidio_cases() if c["entity"] == "CREDIT_CARD"]
    assert len(cards) == 19
    for case in cards:
        got = spans(CARDS, case["text"], "payment card")
        if case["text"] == "122000000000003":
            # UATP (prefix 1) is reported only next to a card word: order numbers look alike.
            assert got == []
        else:
            assert got == case["expected_spans"], case["text"]


def test_a_uatp_number_next_to_a_card_word_is_found() -> None:
    [finding] = CARDS.find("my credit card: 122000000000003")
    assert finding.label == "payment card (UATP)"


def test_stdnum_luhn_vectors_shaped_like_cards_are_cards_exactly_when_luhn_holds() -> None:
    rows = [r for r in stdnum_rows("stdnum.luhn") if not r["kwargs"]]
    checked = 0
    for row in rows:
        value = row["value"]
        assert luhn_ok(value) is (row["stdnum_2.2_result"] == "valid"), value
        if 13 <= len(value) <= 19 and card_brand(value) is not None:
            assert is_valid_card(value) is luhn_ok(value), value
            checked += 1
    assert checked >= 1


def test_a_sixteen_digit_number_failing_luhn_is_not_a_card() -> None:
    assert DETECTOR.find("Ordrenummer 1234567890123456") == []
    assert DETECTOR.find("Kort: 4111 1111 1111 1112") == []


def test_grouped_digits_that_are_part_of_a_longer_run_are_not_a_card() -> None:
    assert is_valid_card("4012888888881881")
    assert DETECTOR.find("Sporing 1234 4012 8888 8888 1881") == []
    assert DETECTOR.find("Sporing 4012 8888 8888 1881 1234") == []
    assert DETECTOR.find("id 4012888888881881999") == []


def test_card_digits_inside_an_iban_are_not_reported_as_a_card() -> None:
    text = "IBAN DE89 3704 0044 0532 0130 00"
    assert [f.label for f in DETECTOR.find(text)] == ["IBAN (DE)"]


def test_a_card_word_raises_the_confidence() -> None:
    [plain] = CARDS.find("nummer 4111 1111 1111 1111")
    [worded] = CARDS.find("mit kreditkort 4111 1111 1111 1111")
    assert plain.confidence == pytest.approx(0.85)
    assert worded.confidence == pytest.approx(0.95)


def test_a_card_is_masked_except_its_last_four_digits() -> None:
    [grouped] = CARDS.find("Visa 4012 8888 8888 1881")
    assert grouped.mask == "**** **** **** 1881"
    [compact] = CARDS.find("4012888888881881")
    assert compact.mask == "************1881"
    [dashed] = CARDS.find("4012-8888-8888-1881")
    assert dashed.mask == "****-****-****-1881"


# --- Norwegian account numbers and Swedish bankgiro ----------------------------------------


def test_stdnum_norwegian_account_vectors_agree_with_stdnum() -> None:
    rows = stdnum_rows("stdnum.no.kontonr")
    assert len(rows) == 3
    for row in rows:
        expected = row["stdnum_2.2_result"] == "valid"
        assert is_valid_no_kontonr(row["value"]) is expected, row["value"]


def test_a_dotted_or_grouped_account_number_needs_no_context_word() -> None:
    [dotted] = ACCOUNTS.find("Send pengene til 8601.11.17947")
    assert dotted.label == "NO bank account number"
    assert dotted.mask == "****.**.*7947"
    [grouped] = ACCOUNTS.find("Send pengene til 8601 11 17947")
    assert grouped.confidence == dotted.confidence == pytest.approx(0.85)


def test_eleven_plain_digits_are_an_account_number_only_next_to_a_context_word() -> None:
    assert ACCOUNTS.find("Referanse 86011117947") == []
    [finding] = ACCOUNTS.find("Kontonummer 86011117947")
    assert finding.confidence == pytest.approx(0.9)
    assert ACCOUNTS.find("Kontonummer 86011117949") == []  # wrong check digit


def test_a_bankgiro_number_is_found_only_next_to_its_context_word() -> None:
    assert is_valid_bankgiro("5402-9681")
    assert DETECTOR.find("Ring 5402-9681") == []
    [finding] = DETECTOR.find("Betala till bankgiro 5402-9681")
    assert finding.label == "SE bankgiro number"
    assert finding.mask == "****-9681"
    [short] = DETECTOR.find("BG 123-4566")
    assert short.label == "SE bankgiro number"
    assert DETECTOR.find("bankgiro 5402-9682") == []  # Luhn fails


def test_account_numbers_inside_an_iban_are_reported_once_as_the_iban() -> None:
    text = "Konto NO93 8601 1117 947"
    assert [f.label for f in DETECTOR.find(text)] == ["IBAN (NO)"]


# --- Masks, labels, params ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NO93 8601 1117 947",
        "DK50 0040 0440 1162 43",
        "4012 8888 8888 1881",
        "371449635398431",
        "8601.11.17947",
        "bankgiro 5402-9681",
    ],
)
def test_a_finding_never_shows_more_than_the_last_four_characters(text: str) -> None:
    [finding] = DETECTOR.find(text)
    value = text[finding.start : finding.end]
    visible = [ch for ch in finding.mask if ch.isalnum()]
    country = 2 if finding.label.startswith("IBAN") else 0
    assert len(visible) == 4 + country
    assert finding.mask != value
    assert len(finding.mask) == len(value)
    assert not any(ch.isdigit() for ch in finding.label)


def test_mask_financial_keeps_separators_and_the_last_four() -> None:
    assert mask_financial("4012 8888 8888 1881") == "**** **** **** 1881"
    assert mask_financial("NO93 8601 1117 947", keep_country=True) == "NO** **** ***7 947"


def test_types_limit_what_is_reported() -> None:
    text = "Kort 4111111111111111 og IBAN NO93 8601 1117 947"
    assert [f.label for f in CARDS.find(text)] == ["payment card (Visa)"]
    assert [f.label for f in IBANS.find(text)] == ["IBAN (NO)"]


def test_min_confidence_filters_lower_confidence_findings() -> None:
    strict = FinancialIdDetector(FinancialIdParams(min_confidence=0.9))
    assert strict.find("nummer 4111 1111 1111 1111") == []
    assert len(strict.find("kort 4111 1111 1111 1111")) == 1


def test_unknown_params_and_types_are_rejected() -> None:
    with pytest.raises(ValidationError):
        FinancialIdParams.model_validate({"types": ["bic"]})
    with pytest.raises(ValidationError):
        FinancialIdParams.model_validate({"types": []})
    with pytest.raises(ValidationError):
        FinancialIdParams.model_validate({"threshold": 0.5})


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("financial_id")
    assert spec is not None
    assert spec.params_model is FinancialIdParams
    assert spec.vocabulary == "financial_id"
    assert len(spec.build(FinancialIdParams()).find("NO93 8601 1117 947")) == 1


def test_a_comment_without_digits_costs_almost_nothing() -> None:
    assert DETECTOR.find("Tak for et godt møde i går, vi ses til generalforsamlingen!") == []


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 -./:NODKSEFIAB"), max_size=60))
def test_any_text_gives_findings_inside_it_and_never_raises(text: str) -> None:
    for finding in DETECTOR.find(text):
        assert 0 <= finding.start < finding.end <= len(text)
        assert len(finding.mask) == finding.end - finding.start
        assert not any(ch.isdigit() for ch in finding.label)
