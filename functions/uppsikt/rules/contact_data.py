"""Rule kind `contact_data`: e-mail addresses and Nordic phone numbers (regulation.md §4 "Phone
numbers"; rule R14, contact data of someone other than the commenter).

E-mail: an RFC 5322-ish dot-atom local part, `@`, and a domain of at least two labels whose last
label starts with a letter (IDN `xn--` labels included); not inside a URL.

Phones, by country code or national form (spaces, dashes and parentheses tolerated):

- DK +45 / 0045: 8 digits starting as the plan's subscriber numbers do (2x-7x, 81, 82, 86-89,
  91-94, 96-99; not the 80 freephone and 90 premium ranges). NO +47 / 0047: 8 digits starting
  2-7 (landline; 4x mobile) or 9 (mobile); the 8xx service numbers are not a person's. Without
  a country code the same 8 digits are written 8, 2-2-2-2, 4-4 or 3-2-3.
- SE +46 / 0046 or a national 0: 7-9 digits after the 0 (area code, or mobile 07[02369] + 7
  digits), but not the 020 freephone, 077 shared-cost, 0900/0939/0944 premium, 071 and 074
  ranges, which are not a person's.
- FI +358 / 00358: 6-10 digits; nationally 0 + 4x or 50 (mobile), or any number the Swedish
  national form also fits (the two plans share the trunk 0, so the label says "SE or FI").
- No other country is reported: "+44 20 7123 4567" is not a Nordic number.

The text is read through `identifier_text` (rules/idtext.py), so any dash, space or digit script
counts, and a number may be split over one line break ("53 38\n02 06").

A phone number must stand alone (not part of a longer digit run, not glued by `.`, `/`, `:` or
`-` to another number), must not be a date or an amount ("12 500 000 kr"), and is not reported
when it is clearly an identity number instead (DDMMYY-NNNN, or a valid one next to an ID word).
With `require_context_for_phone` (the default) a phone number also needs a context word
("ring", "tlf", "phone", ...) or a capitalised word that is not the first of a sentence (a name,
probably) within about 30 characters, unless it is written in a spelling nothing else takes
(`context_free_spellings`, on by default): with a country code, grouped by two as Danes and
Norwegians write them ("53 38 02 06"), or as a Swedish mobile with its prefix set apart
("070-123 45 67"). Eight digits run together ("75721103") or in halves could be an order or
case number, and always need context. Exceptions for the organisation's own numbers and
addresses are the engine's business, not this detector's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from pydantic import Field

from uppsikt.rules.idtext import (
    digit_count,
    has_at_sign,
    identifier_text,
    may_hold_identifier,
)
from uppsikt.rules.national_id import (
    DEFAULT_CONTEXT_WORDS as ID_CONTEXT_WORDS,
)
from uppsikt.rules.national_id import (
    context_pattern,
    cpr_status,
    is_valid_fodselsnummer,
    is_valid_personnummer,
    near_context,
)
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register

__all__ = [
    "DEFAULT_PHONE_CONTEXT_WORDS",
    "ContactDataDetector",
    "ContactDataParams",
    "PhoneReading",
    "mask_email",
    "mask_phone",
    "read_phone",
]

ContactType = Literal["email", "phone"]
PhoneCountry = Literal["dk", "no", "se", "fi"]
ALL_PHONE_COUNTRIES: tuple[PhoneCountry, ...] = ("dk", "no", "se", "fi")

DEFAULT_PHONE_CONTEXT_WORDS: tuple[str, ...] = (
    "ring",  # also ringe, ringer, ringa
    "tlf",
    "tel",  # also telefon, telephone, telnr
    "telefon",
    "mobil",  # also mobilen, mobile, mobilnummer
    "nummer",
    "call",
    "phone",
    "sms",
    "number",
    "nr",
    "puh",  # fi: puhelin, puh.
    "soita",  # fi: call
    "numero",
    "whatsapp",
)

_CONTEXT_WINDOW = 30
_EMAIL_CONFIDENCE = 0.9
_PHONE_BASE: dict[str, float] = {
    "international": 0.7,
    "mobile": 0.6,
    "national": 0.5,
    "closed": 0.55,  # DK/NO 8 digits without a country code
}
# Spellings reported without a context word (`context_free_spellings`) start lower than with one.
_CONTEXT_FREE_PENALTY = 0.05
_WORD_BONUS = 0.25
_NAME_BONUS = 0.15

_COUNTRY_CODES: dict[str, PhoneCountry] = {"45": "dk", "47": "no", "46": "se", "358": "fi"}
_COUNTRY_NAMES: dict[PhoneCountry, str] = {"dk": "DK", "no": "NO", "se": "SE", "fi": "FI"}
_MIN_DIGITS = 6  # fewer digits are never a subscriber number in these plans
_CLOSED_PLANS: tuple[PhoneCountry, ...] = ("dk", "no")  # 8 digits, no trunk prefix
_CLOSED_GROUPINGS = frozenset({(8,), (2, 2, 2, 2), (4, 4), (3, 2, 3)})
# Subscriber numbers' leading digits (ITU-T E.164 national plans as published by
# Erhvervsstyrelsen (DK) and Nkom (NO), and libphonenumber's metadata for both): DK fixed and
# mobile numbers start 2-7, 81, 82, 86-89, 91-94 or 96-99; NO landlines 2-7 (4x mobile), 9x mobile.
_DK_SUBSCRIBER = re.compile(r"(?:[2-7][0-9]|8[126-9]|9[1-46-9])[0-9]{6}")
_NO_SUBSCRIBER = re.compile(r"[2-79][0-9]{7}")
# Swedish ranges after the trunk 0 that are services, not a person's number (PTS numbering plan):
# 020 freephone, 077 shared cost, 0900/0939/0944 premium, 071 machine-to-machine, 074 pagers.
_SE_SERVICE_PREFIXES = ("20", "77", "900", "939", "944", "71", "74")
# A Swedish mobile written with its prefix apart: "070-123 45 67", "070 1234567".
_SE_MOBILE_SPELLING = re.compile(r"07[02369]( ?- ?| )[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}")

# A phone-shaped run: an optional '+' or '(' and digit groups joined by one space or dash
# (optionally opening a parenthesis), or by a closing parenthesis. Every joiner is non-empty,
# so the groups cannot be split two ways and the regex cannot backtrack badly.
# A line break (with spaces or tabs around it) also joins groups, so a number split over two
# lines is read whole; a run that is no number is read again line by line.
_PHONE_RUN = re.compile(r"[+(]?[0-9]+(?:(?:[ -]\(?|\)[ -]?|\(|[ \t]*\r?\n[ \t]*)[0-9]+)*\)?")
_LINE_PIECE = re.compile(r"[^\r\n]+")
_GROUP = re.compile(r"[0-9]+")
_DATE_SHAPES = (
    re.compile(r"(0?[1-9]|[12][0-9]|3[01])[ -](0?[1-9]|1[0-2])[ -](19|20)[0-9]{2}"),
    re.compile(r"(19|20)[0-9]{2}[ -](0?[1-9]|1[0-2])[ -](0?[1-9]|[12][0-9]|3[01])"),
)
_ID_SHAPE = re.compile(r"[0-9]{6}[-+ ]?[0-9]{4,5}")
_AMOUNT_AFTER = re.compile(
    r"[ ]?(?:kr\b|kroner|kronor|nok\b|dkk\b|sek\b|eur\b|euro|€|%|,-|\.-)", re.IGNORECASE
)
_CAPITALISED = re.compile(r"(?<![\w'’-])[A-ZÆØÅÄÖÜÉ][a-zæøåäöüé]+(?![\w'’-])")

# E-mail: the local part is found by matching backwards from each '@' (on the reversed text
# before it, which keeps the look-back linear).
_EMAIL_LOCAL_REVERSED = re.compile(r"[\w!#$%&'*+/=?^`{|}~.-]{1,64}")
_EMAIL_DOMAIN = re.compile(
    r"(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+"
    r"(?:[^\W\d_]{2,63}|xn--[A-Za-z0-9-]{1,59})"  # top-level domain: letters, or punycode
    r"(?![\w@-])(?!\.[^\W_])"
)


class ContactDataParams(Params):
    types: tuple[ContactType, ...] = Field(default=("email", "phone"), min_length=1)
    phone_countries: tuple[PhoneCountry, ...] = Field(default=ALL_PHONE_COUNTRIES, min_length=1)
    require_context_for_phone: bool = True
    context_free_spellings: bool = True
    context_words: tuple[str, ...] = DEFAULT_PHONE_CONTEXT_WORDS
    names_count_as_context: bool = True
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


@dataclass(frozen=True, slots=True)
class PhoneReading:
    """What a phone-shaped string is: its countries, its form and how many leading characters
    are the country code (kept unmasked)."""

    countries: tuple[PhoneCountry, ...]
    form: Literal["international", "mobile", "national", "closed"]
    prefix_length: int

    @property
    def label(self) -> str:
        return "phone number (" + " or ".join(_COUNTRY_NAMES[c] for c in self.countries) + ")"


def _national_significant(nsn: str, country: PhoneCountry) -> bool:
    """Whether digits after the country code (or the trunk 0) fit a country's plan."""
    if not nsn or nsn[0] == "0":
        return False
    if country == "dk":
        return _DK_SUBSCRIBER.fullmatch(nsn) is not None
    if country == "no":
        return _NO_SUBSCRIBER.fullmatch(nsn) is not None
    if country == "se":
        return 7 <= len(nsn) <= 9 and not nsn.startswith(_SE_SERVICE_PREFIXES)
    return 6 <= len(nsn) <= 10  # fi


def _fi_mobile(nsn: str) -> bool:
    return 8 <= len(nsn) <= 10 and (nsn[0] == "4" or nsn[:2] == "50")


def _se_mobile(nsn: str) -> bool:
    return len(nsn) == 9 and nsn[:2] in ("70", "72", "73", "76", "79")


def _prefix_end(value: str, code: str) -> int:
    """Index just past the country code as written: "+46" or "0046"."""
    return (1 if value.startswith("+") else 2) + len(code)


def read_phone(
    value: str, countries: Sequence[PhoneCountry] = ALL_PHONE_COUNTRIES
) -> PhoneReading | None:
    """Read a phone number as written (spaces, dashes, parentheses allowed); None unless it fits
    the numbering plan of one of `countries`. Pure: no context, date or ID checks."""
    value = value.strip()
    groups = _GROUP.findall(value)
    if not groups:
        return None
    digits = "".join(groups)
    if len(digits) < _MIN_DIGITS:
        return None
    if value.startswith("+") or value.startswith("00"):
        if value.startswith("00"):
            digits = digits[2:]
        code = next((c for c in ("358", "45", "46", "47") if digits.startswith(c)), None)
        if code is None or _COUNTRY_CODES[code] not in countries:
            return None
        country = _COUNTRY_CODES[code]
        nsn = digits[len(code) :]
        if nsn.startswith("0"):
            nsn = nsn[1:]  # "+46 (0)70 …", and the common slip "+46 070 …"
        if not _national_significant(nsn, country):
            return None
        return PhoneReading((country,), "international", _prefix_end(value, code))
    if digits[0] == "0":
        nsn = digits[1:]
        found: list[PhoneCountry] = []
        if "se" in countries and _national_significant(nsn, "se"):
            found.append("se")
        if "fi" in countries and (_fi_mobile(nsn) or _national_significant(nsn, "se")):
            found.append("fi")
        if not found:
            return None
        mobile = ("se" in found and _se_mobile(nsn)) or ("fi" in found and _fi_mobile(nsn))
        return PhoneReading(tuple(found), "mobile" if mobile else "national", 0)
    if tuple(len(g) for g in groups) not in _CLOSED_GROUPINGS:
        return None
    closed = tuple(c for c in _CLOSED_PLANS if c in countries and _national_significant(digits, c))
    return PhoneReading(closed, "closed", 0) if closed else None


def mask_phone(value: str, prefix_length: int = 0) -> str:
    """Digits become '*' except the country code (the first `prefix_length` characters) and the
    last two digits; separators stay: "+46 70 123 45 67" -> "+46 ** *** ** 67"."""
    digit_positions = [i for i, ch in enumerate(value) if ch.isdigit()]
    keep = set(digit_positions[-2:])
    return "".join(
        ch if i < prefix_length or i in keep or not ch.isdigit() else "*"
        for i, ch in enumerate(value)
    )


def mask_email(value: str) -> str:
    """The first character of the local part, then "***@" and the domain: "j***@example.com"."""
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}***@{domain}"


def _looks_like_date(value: str) -> bool:
    return any(shape.fullmatch(value) for shape in _DATE_SHAPES)


@register("contact_data", params=ContactDataParams, vocabulary="contact_data")
class ContactDataDetector:
    """Finds e-mail addresses and Nordic phone numbers."""

    __slots__ = (
        "_context_free",
        "_countries",
        "_email",
        "_id_context",
        "_min_confidence",
        "_names",
        "_phone",
        "_phone_context",
        "_require_context",
    )

    def __init__(self, params: ContactDataParams) -> None:
        self._email = "email" in params.types
        self._phone = "phone" in params.types
        self._countries = tuple(dict.fromkeys(params.phone_countries))
        self._require_context = params.require_context_for_phone
        self._context_free = params.context_free_spellings
        self._names = params.names_count_as_context
        self._min_confidence = params.min_confidence
        self._phone_context = context_pattern(params.context_words)
        self._id_context = context_pattern(ID_CONTEXT_WORDS)

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if not may_hold_identifier(text):
            return []
        # A phone number has at least _MIN_DIGITS digits (`read_phone`), an address an at sign:
        # a year or a price has neither.
        if digit_count(text) < _MIN_DIGITS and not has_at_sign(text):
            return []
        plain = identifier_text(text)
        findings: list[Finding] = []
        if self._email and "@" in plain.text:
            self._find_emails(plain.text, findings)
        if self._phone and plain.has_digit:
            self._find_phones(plain.text, findings)
        findings.sort(key=lambda f: (f.start, f.end))
        if plain.starts is None:
            return findings
        # Found in the plain text: point at the original characters (masks stay plain).
        return [
            replace(f, start=s, end=e) for f in findings for s, e in [plain.span(f.start, f.end)]
        ]

    # --- e-mail ---

    def _find_emails(self, text: str, findings: list[Finding]) -> None:
        at = text.find("@")
        while at != -1:
            span = _email_at(text, at)
            if span is not None and self._min_confidence <= _EMAIL_CONFIDENCE:
                start, end = span
                findings.append(
                    Finding(
                        start=start,
                        end=end,
                        confidence=_EMAIL_CONFIDENCE,
                        label="e-mail address",
                        mask=mask_email(text[start:end]),
                    )
                )
            at = text.find("@", at + 1)

    # --- phone ---

    def _find_phones(self, text: str, findings: list[Finding]) -> None:
        for match in _PHONE_RUN.finditer(text):
            start, end = match.span()
            finding = self._phone_at(text, start, end)
            if finding is not None:
                findings.append(finding)
            elif "\n" in match.group():
                # Not one number over a line break: maybe one number per line.
                for piece in _LINE_PIECE.finditer(text, start, end):
                    for inner in _PHONE_RUN.finditer(text, piece.start(), piece.end()):
                        finding = self._phone_at(text, inner.start(), inner.end())
                        if finding is not None:
                            findings.append(finding)

    def _phone_at(self, text: str, start: int, end: int) -> Finding | None:
        value = text[start:end]
        if value.endswith(")") and value.count(")") > value.count("("):
            value, end = value[:-1], end - 1
        if value.startswith("(") and "(" in value[1:] and ")" not in value:
            return None
        if not _stands_alone(text, start, end):
            return None
        reading = read_phone(value, self._countries)
        if reading is None or not _plausible_groups(value, reading):
            return None
        if _looks_like_date(value) or _AMOUNT_AFTER.match(text, end):
            return None
        if reading.form != "international" and self._is_an_id(text, start, end, value):
            return None
        word = near_context(self._phone_context, text, start, end, _CONTEXT_WINDOW)
        name = not word and self._names and _name_near(text, start, end)
        confidence = _PHONE_BASE[reading.form]
        if word or name:
            confidence += _WORD_BONUS if word else _NAME_BONUS
        elif self._context_free and _unmistakable(value, reading):
            confidence -= _CONTEXT_FREE_PENALTY
        elif self._require_context or reading.form == "closed":
            return None
        if confidence < self._min_confidence:
            return None
        return Finding(
            start=start,
            end=end,
            confidence=round(min(confidence, 1.0), 2),
            label=reading.label,
            mask=mask_phone(value, reading.prefix_length),
        )

    def _is_an_id(self, text: str, start: int, end: int, value: str) -> bool:
        """Clearly an identity number: DDMMYY-NNNN(N), or a valid ID next to an ID word."""
        if _ID_SHAPE.fullmatch(value) is None:
            return False
        if not value.isdigit():
            return True  # written with the separator after the birth date
        valid = (
            is_valid_personnummer(value)
            or cpr_status(value) == "mod11"
            or is_valid_fodselsnummer(value, rule2032=False)
        )
        return valid and near_context(self._id_context, text, start, end)


def _unmistakable(value: str, reading: PhoneReading) -> bool:
    """A spelling only phone numbers have: a country code, Danish/Norwegian pairs on one line
    ("53 38 02 06"), or a Swedish mobile with its prefix set apart ("070-123 45 67")."""
    if reading.form == "international":
        return True
    if reading.form == "closed":
        return "\n" not in value and tuple(len(g) for g in _GROUP.findall(value)) == (2, 2, 2, 2)
    return _SE_MOBILE_SPELLING.fullmatch(value) is not None


def _stands_alone(text: str, start: int, end: int) -> bool:
    """No letter, digit or '+' right before; not glued to a number by '-', '.', '/' or ':';
    no letter or digit right after."""
    if start > 0:
        before = text[start - 1]
        if before.isalnum() or before in "+_":
            return False
        if before in "-./:" and start > 1 and text[start - 2].isdigit():
            return False
    if end < len(text):
        after = text[end]
        if after.isalnum() or after == "_":
            return False
        if after in "-./:" and end + 1 < len(text) and text[end + 1].isdigit():
            return False
    return True


def _plausible_groups(value: str, reading: PhoneReading) -> bool:
    """At most one single-digit group after the country code (the Stockholm area code "8"), and
    at most six groups in all."""
    groups = _GROUP.findall(value[reading.prefix_length :])
    if reading.form == "international" and groups and groups[0] == "0":
        groups = groups[1:]  # the "(0)" of "+46 (0)8 ..."
    return len(groups) <= 6 and sum(len(g) == 1 for g in groups) <= 1


def _name_near(text: str, start: int, end: int) -> bool:
    """A capitalised word within the window that does not start a sentence: probably a name."""
    lo, hi = max(0, start - _CONTEXT_WINDOW), min(len(text), end + _CONTEXT_WINDOW)
    for match in _CAPITALISED.finditer(text, lo, hi):
        if match.end() - match.start() < 2:
            continue
        if not _starts_sentence(text, match.start()):
            return True
    return False


def _starts_sentence(text: str, pos: int) -> bool:
    """True if only spaces, quotes or brackets stand between `pos` and the start of the text or
    the end of the previous sentence."""
    pos -= 1
    while pos >= 0 and (text[pos].isspace() or text[pos] in "\"'«»“”„(["):
        if text[pos] == "\n":
            return True
        pos -= 1
    return pos < 0 or text[pos] in ".!?"


def _email_at(text: str, at: int) -> tuple[int, int] | None:
    """The span of the e-mail address around the '@' at `at`, or None."""
    before = text[max(0, at - 64) : at][::-1]
    local_match = _EMAIL_LOCAL_REVERSED.match(before)
    if local_match is None:
        return None
    start = at - local_match.end()
    while start < at and text[start] in ".'`-":
        start += 1  # not the start of a local part
    local = text[start:at]
    if not local or local.endswith(".") or ".." in local:
        return None
    domain = _EMAIL_DOMAIN.match(text, at + 1)
    if domain is None:
        return None
    end = domain.end()
    # Not inside a URL ("https://x.org/a@b.dk", "ftp://user@host.dk/"), nor a path or handle.
    token_start = max(text.rfind(ch, 0, start) for ch in " \t\n") + 1
    token = text[token_start:start]
    if "/" in token or (end < len(text) and text[end] == "/"):
        return None
    if "/" in local or (start > 0 and text[start - 1] == "@"):
        return None
    return start, end
