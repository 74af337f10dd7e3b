"""The `contact_data` rule kind, checked against published third-party test vectors.

Vectors live outside the repo in shared/eval-data/national-ids (see its PROVENANCE.md):
libphonenumber's example numbers for DK, SE, NO, FI, IS, GB, US and DE, and Presidio's
EMAIL_ADDRESS and PHONE_NUMBER recogniser cases.
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
from uppsikt.rules.contact_data import (
    ContactDataDetector,
    ContactDataParams,
    mask_email,
    mask_phone,
    read_phone,
)
from uppsikt.rules.registry import kind_spec

VECTORS = EVAL_DATA / "national-ids"

if not VECTORS.is_dir():
    pytest.skip(f"test vectors not found at {VECTORS}", allow_module_level=True)

DETECTOR = ContactDataDetector(ContactDataParams())
NO_CONTEXT_NEEDED = ContactDataDetector(ContactDataParams(require_context_for_phone=False))
NORDIC = ("DK", "SE", "NO", "FI")
FORMATS = ("e164", "international", "national")

# Example numbers that are deliberately not reported as their country's: not personal
# subscriber numbers (the service ranges of each plan; see contact_data.py).
NOT_SUBSCRIBER_NUMBERS = {
    ("NO", "UAN"),  # 02000: a 5-digit company short number
    ("SE", "PREMIUM_RATE"),  # 0900-12 34 567: 10 digits after the 0
    ("SE", "VOICEMAIL"),  # 0254-12 345 67 89: 12 digits after the 0
    ("DK", "TOLL_FREE"),  # 80 12 34 56
    ("DK", "PREMIUM_RATE"),  # 90 12 34 56
    ("NO", "TOLL_FREE"),  # 800 12 345
    ("NO", "PREMIUM_RATE"),  # 820 12 345
    ("NO", "SHARED_COST"),  # 810 21 234
    ("NO", "VOIP"),  # 850 12 345
    ("NO", "PERSONAL_NUMBER"),  # 880 12 345
    ("NO", "VOICEMAIL"),  # 812 12 345
    ("SE", "TOLL_FREE"),  # 020-12 34 56
    ("SE", "SHARED_COST"),  # 077-123 45 67
    ("SE", "PAGER"),  # 074-012 34 56
}
# Foreign national forms that happen to fit a Nordic plan: reported, as the Nordic number they
# could be (a detector cannot tell them apart).
FOREIGN_BUT_NORDIC_SHAPED = {
    ("DE", "FIXED_LINE", "030 123456"),
    ("DE", "FIXED_LINE_OR_MOBILE", "030 123456"),
    ("DE", "SHARED_COST", "0180 1 2345"),
}


@cache
def example_numbers() -> tuple[dict[str, str], ...]:
    path = VECTORS / "phone-example-numbers-libphonenumber.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


@cache
def presidio_cases() -> tuple[dict[str, Any], ...]:
    lines = (VECTORS / "presidio-recognizer-test-vectors.jsonl").read_text().splitlines()
    return tuple(json.loads(line) for line in lines)


def spans(detector: ContactDataDetector, text: str, prefix: str) -> list[list[int]]:
    return [[f.start, f.end] for f in detector.find(text) if f.label.startswith(prefix)]


def test_vectors_folder_is_the_shared_eval_data() -> None:
    # The third-party vectors, beside the repository; see their PROVENANCE.md.
    assert VECTORS.resolve() == (EVAL_DATA / "national-ids").resolve()
    assert (VECTORS / "PROVENANCE.md").is_file()


# --- E-mail ----------------------------------------------------------------------------------


def test_presidio_email_vectors_give_the_expected_spans() -> None:
    cases = [c for c in presidio_cases() if c["entity"] == "EMAIL_ADDRESS"]
    assert len(cases) == 8
    for case in cases:
        assert spans(DETECTOR, case["text"], "e-mail") == case["expected_spans"], case["text"]


def test_an_email_inside_a_url_is_not_reported() -> None:
    assert DETECTOR.find("Se https://example.com/user@foo.dk for mere") == []
    assert DETECTOR.find("ftp://jens@files.example.dk/pub") == []


def test_an_email_in_a_sentence_is_found_without_trailing_punctuation() -> None:
    text = "Skriv til jens.hansen@kommune.dk."
    [finding] = DETECTOR.find(text)
    assert text[finding.start : finding.end] == "jens.hansen@kommune.dk"
    assert finding.label == "e-mail address"


def test_handles_and_broken_addresses_are_not_emails() -> None:
    assert DETECTOR.find("Tak @jens og @peter") == []
    assert DETECTOR.find("jens@example.c0m") == []  # a top-level domain has no digits
    assert DETECTOR.find("jens..hansen@kommune.dk") == []
    assert DETECTOR.find("jens@kommune") == []


def test_an_email_is_masked_to_its_first_letter_and_domain() -> None:
    [finding] = DETECTOR.find("mail: jens.hansen@example.com")
    assert finding.mask == "j***@example.com"
    assert mask_email("anna@example.se") == "a***@example.se"


# --- Phones: reference numbers ----------------------------------------------------------------


@pytest.mark.parametrize("column", FORMATS)
def test_nordic_example_numbers_are_found_with_a_context_word(column: str) -> None:
    failures = []
    for row in example_numbers():
        if row["region"] not in NORDIC or (row["region"], row["type"]) in NOT_SUBSCRIBER_NUMBERS:
            continue
        number = row[column]
        text = f"Ring mig på {number} i morgen"
        found = DETECTOR.find(text)
        ok = (
            len(found) == 1
            and text[found[0].start : found[0].end] == number
            and row["region"] in found[0].label
        )
        if not ok:
            failures.append((row["region"], row["type"], number, found))
    assert failures == []


def test_numbers_that_are_not_subscriber_numbers_are_not_reported_as_their_country() -> None:
    rows = [r for r in example_numbers() if (r["region"], r["type"]) in NOT_SUBSCRIBER_NUMBERS]
    assert len(rows) == len(NOT_SUBSCRIBER_NUMBERS)
    for row in rows:
        for column in FORMATS:
            found = DETECTOR.find(f"Ring {row[column]}")
            # "820 12 345" is no Norwegian subscriber number but may be a Danish one (82).
            assert not any(row["region"] in f.label for f in found), row[column]


@pytest.mark.parametrize("column", ["e164", "international"])
def test_foreign_numbers_with_a_country_code_are_never_reported(column: str) -> None:
    for row in example_numbers():
        if row["region"] not in NORDIC:
            assert DETECTOR.find(f"Ring mig på {row[column]}") == [], row[column]


def test_foreign_national_numbers_are_reported_only_when_they_fit_a_nordic_plan() -> None:
    reported = set()
    for row in example_numbers():
        if row["region"] in NORDIC:
            continue
        found = DETECTOR.find(f"Ring mig på {row['national']}")
        if found:
            reported.add((row["region"], row["type"], row["national"]))
            assert found[0].label == "phone number (SE or FI)"
    assert reported == FOREIGN_BUT_NORDIC_SHAPED


def test_presidio_phone_vectors_are_not_nordic_so_almost_none_is_reported() -> None:
    # US, BR, IN, IL, JP, CN, GB, DE, IT, GR and FR numbers: out of scope. Only the Israeli
    # 09-7625400 fits a Nordic plan (Swedish trunk 0 + 8 digits) and is reported as such.
    cases = [c for c in presidio_cases() if c["entity"] == "PHONE_NUMBER"]
    assert len(cases) == 24
    for case in cases:
        got = spans(DETECTOR, case["text"], "phone")
        if case["text"] == "My Israeli number is 09-7625400":
            assert got == case["expected_spans"] == [[21, 31]]
        else:
            assert got == [], case["text"]


# --- Phones: context ---------------------------------------------------------------------------


def test_without_a_country_code_eight_digits_need_context_unless_grouped_by_two() -> None:
    assert NO_CONTEXT_NEEDED.find("Svar 22345678") == []
    assert NO_CONTEXT_NEEDED.find("Svar 2234 5678") == []
    [pairs] = NO_CONTEXT_NEEDED.find("Svar 22 34 56 78")
    assert pairs.label == "phone number (DK or NO)"
    [finding] = NO_CONTEXT_NEEDED.find("Svar +45 22 34 56 78")
    assert finding.label == "phone number (DK)"


def test_by_default_a_phone_number_needs_a_context_word_or_a_name_or_a_telling_spelling() -> None:
    assert DETECTOR.find("Svar 22345678") == []
    assert DETECTOR.find("Svar 0812345678") == []
    [international] = DETECTOR.find("Svar +45 22 34 56 78")
    assert international.confidence == pytest.approx(0.65)
    [pairs] = DETECTOR.find("Svar 22 34 56 78")
    assert pairs.confidence == pytest.approx(0.5)
    [mobile] = DETECTOR.find("Svar 070-123 45 67")
    assert mobile.confidence == pytest.approx(0.55)
    [worded] = DETECTOR.find("Tlf. +45 22 34 56 78")
    assert worded.confidence == pytest.approx(0.95)


def test_telling_spellings_can_be_required_to_have_context_too() -> None:
    strict = ContactDataDetector(ContactDataParams(context_free_spellings=False))
    assert strict.find("Svar +45 22 34 56 78") == []
    assert strict.find("Svar 22 34 56 78") == []
    assert len(strict.find("Ring 22 34 56 78")) == 1


def test_a_capitalised_word_that_does_not_start_a_sentence_counts_as_a_name() -> None:
    [finding] = DETECTOR.find("Kontakt Jens Hansen på 22 34 56 78")
    assert finding.label == "phone number (DK or NO)"
    assert finding.confidence == pytest.approx(0.7)
    assert DETECTOR.find("Hej 22345678") == []  # sentence start: not a name
    assert DETECTOR.find("Det var dyrt. Svar 22345678") == []


def test_names_can_be_switched_off_as_context() -> None:
    strict = ContactDataDetector(ContactDataParams(names_count_as_context=False))
    assert strict.find("Kontakt Jens Hansen på 22345678") == []


def test_custom_context_words_replace_the_defaults() -> None:
    custom = ContactDataDetector(
        ContactDataParams(context_words=("vagt",), names_count_as_context=False)
    )
    assert custom.find("ring 22345678") == []
    assert len(custom.find("vagttelefon 22345678")) == 1


# --- Phones: Scunthorpe negatives -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ordrenummer 1234567890123456, ring hvis noget mangler",
        "Ring mig den 12-03-2024 kl 15",
        "Ring om mødet 2024-03-12",
        "Budget nr 2: 12 500 000 kr i alt",
        "Tlf-regning på 22 34 56 78 kr",
        "Sag nr 2024/22345678",
        "Sag nr 22345678/2024",
        "ring v1.22345678",
        "Ring 1234 5678 9012 3456",
        "Ring 22 34 56 78 90 12",
        "Tlf 22.34.56.78",
        "nummer 4111111111111111",
    ],
)
def test_numbers_that_are_not_phone_numbers_are_not_reported(text: str) -> None:
    assert DETECTOR.find(text) == []


def test_an_identity_number_written_as_one_is_not_a_phone_number() -> None:
    assert DETECTOR.find("Ring, mit cpr er 010180-0008") == []
    assert DETECTOR.find("Ring, personnummer 0101800008") == []
    assert DETECTOR.find("Ring, fødselsnummer 15108695088") == []


def test_a_compact_swedish_mobile_number_is_a_phone_number_even_if_date_shaped() -> None:
    [finding] = DETECTOR.find("ring 0701234567")
    assert finding.label == "phone number (SE or FI)"
    assert finding.confidence == pytest.approx(0.85)


def test_parentheses_and_the_trunk_zero_after_the_country_code_are_tolerated() -> None:
    text = "Tlf. +46 (0)70-123 45 67"
    [finding] = DETECTOR.find(text)
    assert text[finding.start : finding.end] == "+46 (0)70-123 45 67"
    assert finding.label == "phone number (SE)"


# --- Masks, labels, params ----------------------------------------------------------------


def test_a_phone_mask_keeps_the_country_code_and_the_last_two_digits() -> None:
    [finding] = DETECTOR.find("Ring +46 70 123 45 67")
    assert finding.mask == "+46 ** *** ** 67"
    [national] = DETECTOR.find("Ring 070-123 45 67")
    assert national.mask == "***-*** ** 67"
    [double_zero] = DETECTOR.find("Ring 0047 41 23 45 67")
    assert double_zero.mask == "0047 ** ** ** 67"
    assert mask_phone("+358 41 2345678", 4) == "+358 ** *****78"


def test_no_finding_shows_the_full_value_or_puts_digits_in_its_label() -> None:
    texts = ("Ring +45 32 12 34 56", "mail anna.berg@example.se", "tlf 41 23 45 67")
    for text in texts:
        [finding] = DETECTOR.find(text)
        assert finding.mask != text[finding.start : finding.end]
        assert not any(ch.isdigit() for ch in finding.label)
        if finding.label.startswith("phone"):
            assert sum(ch.isdigit() for ch in finding.mask) <= 2 + 3  # last two + country code


def test_read_phone_is_pure_and_respects_the_countries() -> None:
    reading = read_phone("+47 41 23 45 67")
    assert reading is not None
    assert reading.countries == ("no",)
    assert reading.prefix_length == 3
    assert read_phone("+47 41 23 45 67", ("dk", "se")) is None
    assert read_phone("+44 20 7123 4567") is None


def test_phone_countries_limit_what_is_reported() -> None:
    danish = ContactDataDetector(ContactDataParams(phone_countries=("dk",)))
    assert danish.find("Ring +46 70 123 45 67") == []
    [finding] = danish.find("Ring 22 34 56 78")
    assert finding.label == "phone number (DK)"


def test_types_limit_what_is_reported() -> None:
    text = "Ring 22 34 56 78 eller skriv til jens@example.dk"
    emails = ContactDataDetector(ContactDataParams(types=("email",)))
    phones = ContactDataDetector(ContactDataParams(types=("phone",)))
    assert [f.label for f in emails.find(text)] == ["e-mail address"]
    assert [f.label for f in phones.find(text)] == ["phone number (DK or NO)"]


def test_min_confidence_filters_lower_confidence_findings() -> None:
    strict = ContactDataDetector(ContactDataParams(min_confidence=0.9))
    assert strict.find("Ring 22 34 56 78") == []
    assert len(strict.find("Ring +45 22 34 56 78")) == 1


def test_unknown_params_and_values_are_rejected() -> None:
    with pytest.raises(ValidationError):
        ContactDataParams.model_validate({"types": ["address"]})
    with pytest.raises(ValidationError):
        ContactDataParams.model_validate({"phone_countries": ["is"]})
    with pytest.raises(ValidationError):
        ContactDataParams.model_validate({"threshold": 0.5})


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("contact_data")
    assert spec is not None
    assert spec.params_model is ContactDataParams
    assert spec.vocabulary == "contact_data"
    assert len(spec.build(ContactDataParams()).find("mail jens@example.dk")) == 1


@pytest.mark.parametrize("text", ["0", "00", "+", "(0)", "+45", "0046", "tlf 0", "ring 0 0 0"])
def test_too_short_digit_runs_are_neither_phones_nor_errors(text: str) -> None:
    assert DETECTOR.find(text) == []
    assert read_phone(text) is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("0123456789 +-()./:@abcæøåXY\n"), max_size=60))
def test_any_text_gives_findings_inside_it_and_never_raises(text: str) -> None:
    for finding in DETECTOR.find(text):
        assert 0 <= finding.start < finding.end <= len(text)
        value = text[finding.start : finding.end]
        if finding.label == "e-mail address":
            assert finding.mask == mask_email(value)
        else:
            assert len(finding.mask) == len(value)
            assert sum(ch.isdigit() for ch in finding.mask) < sum(ch.isdigit() for ch in value)
        assert not any(ch.isdigit() for ch in finding.label)
