"""Identifiers as people type and paste them (issue 12, point 3).

Every rule that looks for an identifier reads the comment through `identifier_text`: any
Unicode dash is "-", any space " ", digits of every script are ASCII, and invisible characters
(zero-width, word joiner, BOM, soft hyphen, bidi marks) are gone; hits point at the original.

The example numbers are written here, in the formats their issuers document:
- DK CPR DDMMYY-SSSS (CPR-kontoret, "Personnummeret i CPR"); 211062-5629 is python-stdnum's
  docstring example and passes modulus 11.
- SE personnummer YYMMDD-NNNC / YYYYMMDDNNNC with Luhn (Skatteverket, SKV 704); 811218-9876
  is the number the pack's own examples use.
- NO fødselsnummer DDMMYYIIIKK with two mod-11 check digits (Skatteetaten); 15507600333 is a
  NAV synthetic test number.
- FI HETU DDMMYYCZZZQ (DVV); 131052-308T is DVV's and stdnum's example.
- DK reg.nr (4 digits) + konto (up to 10 digits) as printed on Danish statements; no checksum.
- SE clearing + account: Bankgirot, "Bankernas kontonummeruppbyggnad" (type 1 comment 1 and 2:
  mod 11 over clearing + 7 digits; type 2: mod 10 over the account, Handelsbanken mod 11 over 9).
- NO kontonummer XXXX.XX.XXXXX with mod 11 (weights 5,4,3,2,7,6,5,4,3,2); 8601.11.17947 is the
  Norwegian IBAN registry example's domestic part.
- Phones: the national numbering plans (Erhvervsstyrelsen DK, PTS SE, Nkom NO).
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uppsikt.rules.contact_data import ContactDataDetector, ContactDataParams
from uppsikt.rules.financial_id import (
    FinancialIdDetector,
    FinancialIdParams,
    is_valid_se_account,
)
from uppsikt.rules.idtext import DIGIT_ZEROS as EVERY_DIGIT_ZERO
from uppsikt.rules.idtext import identifier_text
from uppsikt.rules.national_id import NationalIdDetector, NationalIdParams
from uppsikt.rules.registry import Finding

NATIONAL = NationalIdDetector(NationalIdParams())
FINANCIAL = FinancialIdDetector(FinancialIdParams())
CONTACT = ContactDataDetector(ContactDataParams())

DASHES = ["\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212"]
DASHES += ["\ufe58", "\ufe63", "\uff0d"]
SPACES = ["\u00a0", "\u202f", "\u2009", "\u2007", "\u2002", "\u3000"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u200f"]
# The zero of each script: full-width, Arabic-Indic, Extended Arabic-Indic (Persian),
# Devanagari, Bengali, Thai.
DIGIT_ZEROS = [0xFF10, 0x0660, 0x06F0, 0x0966, 0x09E6, 0x0E50]


def in_script(number: str, zero: int) -> str:
    return "".join(chr(zero + int(ch)) if ch.isdigit() else ch for ch in number)


def covering(findings: object, text: str, value: str) -> list[Finding]:
    """The findings whose span is exactly where `value` stands in `text`."""
    start = text.index(value)
    assert isinstance(findings, list | tuple)
    return [f for f in findings if (f.start, f.end) == (start, start + len(value))]


# --- The normalisation itself -------------------------------------------------------------------


def test_plain_ascii_text_is_used_as_it_is() -> None:
    plain = identifier_text("Mit CPR er 211062-5629")
    assert plain.text == "Mit CPR er 211062-5629"
    assert plain.starts is None
    assert plain.has_digit
    assert not identifier_text("Ingen tal her, blåbærgrød").has_digit


@pytest.mark.parametrize("dash", DASHES)
def test_every_dash_and_hyphen_becomes_a_hyphen_minus(dash: str) -> None:
    assert identifier_text(f"a{dash}b").text == "a-b"


@pytest.mark.parametrize("space", SPACES)
def test_every_space_separator_becomes_a_space(space: str) -> None:
    assert identifier_text(f"1{space}2").text == "1 2"


@pytest.mark.parametrize("invisible", INVISIBLE)
def test_invisible_characters_are_dropped_and_spans_cover_them(invisible: str) -> None:
    text = f"x 12{invisible}34 y"
    plain = identifier_text(text)
    assert plain.text == "x 1234 y"
    assert plain.span(2, 6) == (2, 7)  # "12", the invisible character, "34"


@pytest.mark.parametrize("zero", DIGIT_ZEROS)
def test_decimal_digits_of_every_script_become_ascii(zero: int) -> None:
    assert identifier_text(in_script("0123456789", zero)).text == "0123456789"


def test_the_listed_digit_runs_are_every_decimal_digit_unicode_knows() -> None:
    zeros = tuple(cp for cp in range(0x80, 0x110000) if unicodedata.decimal(chr(cp), None) == 0)
    assert zeros == EVERY_DIGIT_ZERO
    for zero in EVERY_DIGIT_ZERO:
        assert all(unicodedata.decimal(chr(zero + d)) == d for d in range(10))


def test_full_width_forms_become_ascii_but_superscripts_stay() -> None:
    assert identifier_text("\uff0b45 \uff34").text == "+45 T"
    assert identifier_text("50 m² ①").text == "50 m² ①"  # digit values, not decimal digits


def test_line_separators_become_line_breaks() -> None:
    assert identifier_text("53 38\u202802 06").text == "53 38\n02 06"


def test_the_normalised_text_is_made_once_per_comment() -> None:
    text = "CPR 211062\u20135629, ring 53\u00a038\u00a002\u00a006"
    assert identifier_text(text) is identifier_text(text)


# --- National IDs with any separator ---------------------------------------------------------

CPR = "211062-5629"


@pytest.mark.parametrize(
    "written",
    [
        "2110625629",
        "211062 5629",
        "211062 - 5629",
        *(f"211062{dash}5629" for dash in DASHES),
        *(f"211062{space}5629" for space in SPACES[:4]),
        *(f"2110{inv}62-56{inv}29" for inv in INVISIBLE),
        *(in_script(CPR, zero) for zero in DIGIT_ZEROS),
        in_script("211062", 0xFF10) + "\uff0d" + in_script("5629", 0xFF10),
    ],
)
def test_a_cpr_number_is_found_however_it_is_written(written: str) -> None:
    text = f"Mit CPR er {written}, tak."
    [finding] = covering(NATIONAL.find(text), text, written)
    assert "DK CPR" in finding.label
    assert finding.mask.endswith("29")
    assert not any(ch.isdigit() for ch in finding.mask[:-2])


@pytest.mark.parametrize(
    ("written", "label"),
    [
        ("811218 9876", "SE personnummer"),
        ("19811218 9876", "SE personnummer"),
        ("811218\u20139876", "SE personnummer"),
        ("19811218\u00ad-9876", "SE personnummer"),
        ("155076 00333", "NO fødselsnummer"),
        ("155076\u201100333", "NO fødselsnummer"),
        ("131052\u2013308T", "FI henkilötunnus"),
        ("131052-308\uff34", "FI henkilötunnus"),
    ],
)
def test_swedish_norwegian_and_finnish_numbers_with_other_separators(
    written: str, label: str
) -> None:
    text = f"Nummer {written} här"
    [finding] = covering(NATIONAL.find(text), text, written)
    assert label in finding.label


def test_the_checksum_still_decides_with_any_separator() -> None:
    assert NATIONAL.find("Nummer 811218 9877 här") == []  # Luhn fails; not a date for CPR
    assert NATIONAL.find("Nummer 811218\u20139877 här") == []
    assert NATIONAL.find("Nummer ８１１２１８-９８７７ här") == []


@pytest.mark.parametrize(
    "text",
    [
        "Mødet er den 21 10 1962 kl. 15",
        "Vi ses 2026-11-21 1830",
        "Ordrenummer 1234567890123456",
        "Ordre 211062 5629 12",  # one group of a longer run
        "Kort 4012 211062 5629",
        "Prisen er 12 500 000 kr",
        "Postnummer 2100 København Ø",
        "Årene 1990 2020 og 2021",
        "Ring 22 34 56 78",
    ],
)
def test_dates_prices_order_numbers_and_postcodes_are_not_national_ids(text: str) -> None:
    assert NATIONAL.find(text) == []


def test_a_date_shaped_number_without_a_check_digit_still_needs_a_cpr_word() -> None:
    danish = NationalIdDetector(NationalIdParams(countries=("dk",)))
    assert danish.find("Nummer 250501 1987") == []
    [finding] = danish.find("CPR-nr. 250501\u20131987")
    assert finding.label == "DK CPR"


# --- Bank accounts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Reg.nr. 3401 kontonr. 1122334455",
        "Overfør til reg 3401 konto 1122334455",
        "Min konto: 9940-9088756291",
        "konto 3401.1122334455",
        "reg.nr 3401\u20131122334455",
        "kontonummer 3401\u00a01122334455",
        "konto 34011122334455",
    ],
)
def test_danish_reg_and_konto_are_found_next_to_a_word_that_says_so(text: str) -> None:
    [finding] = FINANCIAL.find(text)
    assert finding.label == "DK bank account number"
    assert sum(ch.isdigit() for ch in finding.mask) == 4
    assert finding.mask.endswith(text[finding.end - 4 : finding.end])


def test_a_danish_account_without_a_word_needs_its_full_printed_form() -> None:
    # No checksum: reg.nr and a full 10-digit konto set apart, as statements print them, is
    # reported at a lower confidence; a shorter konto or 14 plain digits needs a word.
    for written in ("3401 1122334455", "9940-9088756291", "3401.1122334455"):
        [finding] = FINANCIAL.find(f"Send til {written} tak")
        assert finding.confidence == pytest.approx(0.6)
    assert FINANCIAL.find("Send til 3401 1122334") == []
    assert FINANCIAL.find("Send til 34011122334455") == []


# Written here from Bankgirot's rules (check digits computed by hand from the documented method).
SE_ACCOUNTS = [
    ("5491", "0000003", "5491-0000003"),  # SEB, type 1 comment 1
    ("4000", "1234567", "4000-1234567"),  # Nordea, type 1 comment 2
    ("9180", "1234567897", "9180-1234567897"),  # Danske Bank, type 2 comment 1 (mod 10)
    ("6000", "123456789", "6000 123 456 789"),  # Handelsbanken, type 2 comment 2 (mod 11)
    ("83279", "903430221", "8327-9, 903 430 221"),  # Swedbank, type 2 comment 3 (mod 10)
]


@pytest.mark.parametrize(("clearing", "account", "written"), SE_ACCOUNTS)
def test_swedish_clearing_and_account_pass_bankgirots_checks(
    clearing: str, account: str, written: str
) -> None:
    assert is_valid_se_account(clearing, account)
    text = f"Sätt in på {written} i dag"
    [finding] = covering(FINANCIAL.find(text), text, written)
    assert finding.label == "SE bank account number"
    assert sum(ch.isdigit() for ch in finding.mask) == 4


def test_swedish_accounts_with_a_wrong_check_digit_or_range_are_not_reported() -> None:
    assert not is_valid_se_account("5491", "0000004")
    assert not is_valid_se_account("9999", "1234567")  # no bank has this range
    assert not is_valid_se_account("5491", "000003")  # type 1 needs 7 digits
    assert FINANCIAL.find("Ordre 5491-0000004") == []
    assert FINANCIAL.find("Ordre 9999-1234567") == []


@pytest.mark.parametrize("written", ["8601.11.17947", "8601 11 17947", "8601-11-17947"])
def test_norwegian_account_numbers_with_dots_spaces_or_dashes(written: str) -> None:
    text = f"Betal til {written} takk"
    [finding] = covering(FINANCIAL.find(text), text, written)
    assert finding.label == "NO bank account number"
    assert finding.mask.endswith("7947")
    assert FINANCIAL.find(f"Betal til {written[:-1]}8 takk") == []  # mod 11 fails


# --- Phone numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "written", "country"),
    [
        ("Hun har nummer 53 38 02 06", "53 38 02 06", "DK"),
        ("53 38 02 06 er hans", "53 38 02 06", "DK"),
        ("Ring til ham på 75721103", "75721103", "DK"),
        ("tlf 53 38\n02 06", "53 38\n02 06", "DK"),
        ("ring 5338\n0206 efter fem", "5338\n0206", "DK"),
        ("Skriv +45 53 38 02 06", "+45 53 38 02 06", "DK"),
        ("Skriv 0045 53380206", "0045 53380206", "DK"),
        ("Ring 53\u00a038\u00a002\u00a006", "53\u00a038\u00a002\u00a006", "DK"),
        ("Ring ５３３８０２０６", "５３３８０２０６", "DK"),
        ("Ring meg på 412 34 567", "412 34 567", "NO"),
        ("Nummeret er +47 412 34 567", "+47 412 34 567", "NO"),
        ("Hennes nummer: 070-123 45 67", "070-123 45 67", "SE"),
        ("Ring 0701234567", "0701234567", "SE"),
        ("Ring 08-123 456 78", "08-123 456 78", "SE"),
        ("Ring 08\u2013123\u00a0456\u00a078", "08\u2013123\u00a0456\u00a078", "SE"),
        ("Ring +46 8 123 456 78", "+46 8 123 456 78", "SE"),
    ],
)
def test_nordic_phone_numbers_in_their_everyday_spellings(
    text: str, written: str, country: str
) -> None:
    [finding] = covering(CONTACT.find(text), text, written)
    assert country in finding.label


def test_two_numbers_on_two_lines_are_two_numbers() -> None:
    text = "Tlf: 22 34 56 78\n41 23 45 67"
    assert [text[f.start : f.end] for f in CONTACT.find(text)] == ["22 34 56 78", "41 23 45 67"]


@pytest.mark.parametrize(
    "text",
    [
        "Ring 12 34 56 78",  # no Danish or Norwegian number starts with 1
        "Ring 0771-123 456",  # Swedish shared-cost range
        "Ring 020-12 34 56",  # Swedish freephone
        "Prisen er 53 38 02 06 kr",
        "Postnummer 2100 København Ø",
        "Ordre 75721103",  # eight digits run together need a word
        "I årene 2019 2020",
    ],
)
def test_numbers_that_are_not_phone_numbers_stay_unreported(text: str) -> None:
    assert CONTACT.find(text) == []


# --- Property: invisible characters never change what is found ----------------------------------

# (detector, text with one identifier, the identifier): each found as it is written.
FOUND = [
    (NATIONAL, "Mit CPR er 211062-5629."),
    (NATIONAL, "pnr 19811218-9876"),
    (NATIONAL, "fnr 15507600333"),
    (NATIONAL, "hetu 131052-308T"),
    (FINANCIAL, "Reg.nr. 3401 1122334455"),
    (FINANCIAL, "Sätt in på 5491-0000003"),
    (FINANCIAL, "Betal til 8601.11.17947"),
    (FINANCIAL, "IBAN DK50 0040 0440 1162 43"),
    (FINANCIAL, "Kort 4012 8888 8888 1881"),
    (CONTACT, "Ring 53 38 02 06"),
    (CONTACT, "Ring 070-123 45 67"),
]
NOT_FOUND = [
    (NATIONAL, "Nummer 811218-9877"),
    (FINANCIAL, "Ordre 5491-0000004"),
    (CONTACT, "Ordre 12 34 56 78"),
]


def _sprinkle(text: str, picks: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """Insert invisible characters after the chosen digits (never after the last); also return
    where each original character ended up."""
    digit_positions = [i for i, ch in enumerate(text) if ch.isdigit()][:-1]
    inserts: dict[int, str] = {}
    for index, invisible in picks:
        if digit_positions:
            position = digit_positions[index % len(digit_positions)]
            if text[position + 1].isdigit():  # between two digits
                inserts[position] = inserts.get(position, "") + invisible
    out: list[str] = []
    moved: list[int] = []
    for i, ch in enumerate(text):
        moved.append(sum(len(out_piece) for out_piece in out))
        out.append(ch + inserts.get(i, ""))
    return "".join(out), moved


@settings(max_examples=150, deadline=None)
@given(
    case=st.sampled_from(FOUND + NOT_FOUND),
    picks=st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(INVISIBLE)), min_size=1, max_size=6
    ),
)
def test_invisible_characters_between_digits_never_change_what_is_found(
    case: tuple[object, str], picks: list[tuple[int, str]]
) -> None:
    detector, text = case
    assert isinstance(detector, NationalIdDetector | FinancialIdDetector | ContactDataDetector)
    sprinkled, moved = _sprinkle(text, picks)
    before = list(detector.find(text))
    after = list(detector.find(sprinkled))
    assert len(after) == len(before)
    for old, new in zip(before, after, strict=True):
        assert (new.label, new.mask) == (old.label, old.mask)
        # The span covers the same original characters, and every invisible one among them.
        assert new.start == moved[old.start]
        assert new.end == moved[old.end - 1] + 1
        covered = sprinkled[new.start : new.end]
        assert "".join(ch for ch in covered if ch not in INVISIBLE) == text[old.start : old.end]
