"""Rule kind `financial_id`: IBANs, payment card numbers, Norwegian account numbers and Swedish
bankgiro numbers (regulation.md §4, "Bank accounts" and "Payment cards"; rule R13).

Every type needs its checksum; the weaker ones also need a context word nearby:

- `iban`: any registered country, compact or grouped by single spaces or dashes; ISO 13616
  mod-97 = 1, the country's registered length and BBAN structure, and for NO the domestic
  account number's mod-11. No context word needed.
- `card`: 13-19 digits, compact or grouped (4-4-4-4[-3], 4-6-5, 4-6-4); Luhn and a known IIN
  prefix. No context word needed, except for UATP numbers.
- `no_account`: `XXXX.XX.XXXXX`, `XXXX XX XXXXX` or `XXXX-XX-XXXXX`, or 11 plain digits next to
  a context word; mod-11 (weights 5,4,3,2,7,6,5,4,3,2).
- `dk_account`: a Danish reg.nr (4 digits) and konto (6-10 digits), apart by a space, dash or dot
  or by "konto"/"kontonr", or 14 plain digits; Danish account numbers carry no published
  checksum, so a context word ("reg", "reg.nr", "konto", "kontonr", ...) must be near, except
  for the full printed form, 4 digits set apart from 10 ("3401 1122334455"), at lower confidence.
- `se_account`: a Swedish clearing number and account, apart by a space, dash or comma, checked
  as Bankgirot's "Bankernas kontonummeruppbyggnad" lays down per clearing range (type 1: mod 11
  over the clearing number's last three or all four digits and the 7-digit account; type 2:
  mod 10 over a 10-digit account, or mod 11 over Handelsbanken's 9 digits). Every range has a
  check, so no context word is needed; an unknown clearing range is not reported.
- `se_bankgiro`: `NNN-NNNN`, `NNNN-NNNN` or 7-8 plain digits, always next to "bankgiro"/"bg";
  Luhn.

A number must stand alone: no letter or digit directly next to it and not glued to another
number by `-`, `.`, `/` or `:`; a grouped number must not be the tail of a longer group run
("1234 4012 8888 8888 1881"), and nothing is reported inside something shaped like an IBAN.
Findings mask every letter and digit but the last four (an IBAN keeps its country code too);
the label names the type and the IBAN country or card brand, never the number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Literal

from pydantic import Field

from uppsikt.rules.idtext import identifier_text, may_hold_identifier
from uppsikt.rules.national_id import context_pattern, luhn_ok, near_context
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register

__all__ = [
    "ACCOUNT_CONTEXT_WORDS",
    "BANKGIRO_CONTEXT_WORDS",
    "CARD_CONTEXT_WORDS",
    "IBAN_BBAN_FORMATS",
    "FinancialIdDetector",
    "FinancialIdParams",
    "card_brand",
    "iban_length",
    "is_valid_bankgiro",
    "is_valid_card",
    "is_valid_iban",
    "is_valid_no_kontonr",
    "is_valid_se_account",
    "mask_financial",
]

FinancialType = Literal["iban", "card", "no_account", "dk_account", "se_account", "se_bankgiro"]
ALL_TYPES: tuple[FinancialType, ...] = (
    "iban",
    "card",
    "no_account",
    "dk_account",
    "se_account",
    "se_bankgiro",
)

# BBAN structure of every IBAN country: SWIFT "IBAN Registry" (ISO 13616; swift.com, standards >
# data standards > IBAN), release as mirrored in python-stdnum `stdnum/iban.dat` (generated from
# `iban-registry_1.txt`). Notation: `n` digits, `a` upper-case letters, `c` upper- or lower-case
# letters or digits, `!` fixed length. The IBAN is country code + 2 check digits + BBAN, so its
# length is 4 + the BBAN's. The Nordic entries agree with regulation.md §4 (IBAN lengths DK 18,
# FI 18, NO 15, SE 24).
_IBAN_REGISTRY = """
AD 4!n4!n12!c       AE 3!n16!n          AL 8!n16!c          AT 5!n11!n
AZ 4!a20!c          BA 3!n3!n8!n2!n     BE 3!n7!n2!n        BG 4!a4!n2!n8!c
BH 4!a14!c          BI 5!n5!n11!n2!n    BR 8!n5!n10!n1!a1!c BY 4!c4!n16!c
CH 5!n12!c          CR 4!n14!n          CY 3!n5!n16!c       CZ 4!n6!n10!n
DE 8!n10!n          DJ 5!n5!n11!n2!n    DK 4!n9!n1!n        DO 4!c20!n
EE 2!n14!n          EG 4!n4!n17!n       ES 4!n4!n1!n1!n10!n FI 3!n11!n
FK 2!a12!n          FO 4!n9!n1!n        FR 5!n5!n11!c2!n    GB 4!a6!n8!n
GE 2!a16!n          GI 4!a15!c          GL 4!n9!n1!n        GR 3!n4!n16!c
GT 4!c20!c          HN 4!a20!n          HR 7!n10!n          HU 3!n4!n1!n15!n1!n
IE 4!a6!n8!n        IL 3!n3!n13!n       IQ 4!a3!n12!n       IS 4!n2!n6!n10!n
IT 1!a5!n5!n12!c    JO 4!a4!n18!c       KW 4!a22!c          KZ 3!n13!c
LB 4!n20!c          LC 4!a24!c          LI 5!n12!c          LT 5!n11!n
LU 3!n13!c          LV 4!a13!c          LY 3!n3!n15!n       MC 5!n5!n11!c2!n
MD 2!c18!c          ME 3!n13!n2!n       MK 3!n10!c2!n       MN 4!n12!n
MR 5!n5!n11!n2!n    MT 4!a5!n18!c       MU 4!a2!n2!n12!n3!n3!a NI 4!a20!n
NL 4!a10!n          NO 4!n6!n1!n        OM 3!n16!c          PK 4!a16!c
PL 8!n16!n          PS 4!a21!c          PT 4!n4!n11!n2!n    QA 4!a21!c
RO 4!a16!c          RS 3!n13!n2!n       RU 9!n5!n15!c       SA 2!n18!c
SC 4!a2!n2!n16!n3!a SD 2!n12!n          SE 3!n16!n1!n       SI 5!n8!n2!n
SK 4!n6!n10!n       SM 1!a5!n5!n12!c    SO 4!n3!n12!n       ST 8!n11!n2!n
SV 4!a20!n          TL 3!n14!n2!n       TN 2!n3!n13!n2!n    TR 5!n1!n16!c
UA 6!n19!c          VA 3!n15!n          VG 4!a16!n          XK 4!n10!n2!n
YE 4!a4!n18!c
"""

_BBAN_CLASS = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Za-z0-9]"}
_BBAN_FIELD = re.compile(r"([0-9]+)!([nac])")


def _parse_registry(table: str) -> dict[str, str]:
    pairs = table.split()
    return dict(zip(pairs[::2], pairs[1::2], strict=True))


IBAN_BBAN_FORMATS: dict[str, str] = _parse_registry(_IBAN_REGISTRY)


def _bban_regex(spec: str) -> tuple[int, re.Pattern[str]]:
    fields = _BBAN_FIELD.findall(spec)
    if "".join(f"{n}!{t}" for n, t in fields) != spec:
        raise ValueError(f"unreadable BBAN format {spec!r}")
    pattern = "".join(f"{_BBAN_CLASS[t]}{{{n}}}" for n, t in fields)
    return 4 + sum(int(n) for n, _ in fields), re.compile(pattern)


_IBAN_SPECS: dict[str, tuple[int, re.Pattern[str]]] = {
    country: _bban_regex(spec) for country, spec in IBAN_BBAN_FORMATS.items()
}
_IBAN_MAX = 34  # ISO 13616 maximum

# Payment-card IIN prefixes, most specific first: (first, last, prefix length, brand).
# [unverified] as regulation.md §4 says: the ranges are the brands' commonly published ones, not
# checked against the current ISO/IEC 7812 register or the networks' own tables.
_CARD_PREFIXES: tuple[tuple[int, int, int, str], ...] = (
    (5019, 5019, 4, "Dankort"),
    (2221, 2720, 4, "Mastercard"),
    (51, 55, 2, "Mastercard"),
    (34, 34, 2, "American Express"),
    (37, 37, 2, "American Express"),
    (300, 305, 3, "Diners Club"),
    (36, 36, 2, "Diners Club"),
    (38, 38, 2, "Diners Club"),
    (6011, 6011, 4, "Discover"),
    (644, 649, 3, "Discover"),
    (65, 65, 2, "Discover"),
    (3528, 3589, 4, "JCB"),
    (50, 50, 2, "Maestro"),
    (56, 69, 2, "Maestro"),
    (4, 4, 1, "Visa"),
    # UATP (airline cards): 15 digits starting with 1; reported only next to a card word,
    # because many order and reference numbers look the same.
    (1, 1, 1, "UATP"),
)

CARD_CONTEXT_WORDS: tuple[str, ...] = (
    "kort",  # da/sv/no; also kortnummer, kortnr, kortet
    "kreditkort",
    "betalkort",
    "betalingskort",
    "bankkort",
    "dankort",
    "visa",
    "mastercard",
    "maestro",
    "amex",
    "american express",
    "card",
    "credit card",
    "debit card",
    "kortti",  # fi; also korttinumero
    "luottokortti",
    "pankkikortti",
)
ACCOUNT_CONTEXT_WORDS: tuple[str, ...] = (
    "kontonr",
    "konto",  # also kontonummer, kontoen, kontot
    "kontonummer",
    "bankkonto",
    "account",
    "acct",
    "iban",
    "overfør",
    "betal til",
)
BANKGIRO_CONTEXT_WORDS: tuple[str, ...] = ("bankgiro", "bg", "bg-nr", "bankgironummer")
DK_ACCOUNT_CONTEXT_WORDS: tuple[str, ...] = (
    "reg",  # also reg.nr, regnr, reg. nr.
    "registreringsnummer",
    "konto",  # also kontonr, kontonummer, kontoen
    "kto",
    "bankkonto",
    "account",
    "overfør",  # also overføre, overførsel
    "indbetal",  # also indbetale, indbetaling
)

_CONTEXT_WINDOW = 40
_BANKGIRO_WINDOW = 30

_IBAN_CONFIDENCE = 0.95
_CARD_CONFIDENCE = 0.85
_CARD_CONTEXT_BONUS = 0.1
_UATP_CONFIDENCE = 0.75  # context required
_ACCOUNT_GROUPED_CONFIDENCE = 0.85
_ACCOUNT_PLAIN_CONFIDENCE = 0.8  # context required
_ACCOUNT_CONTEXT_BONUS = 0.1
_BANKGIRO_CONFIDENCE = 0.8  # context required
_DK_ACCOUNT_CONFIDENCE = 0.8  # with a context word
_DK_ACCOUNT_BARE_CONFIDENCE = 0.6  # 4 + 10 digits set apart, without one
_SE_ACCOUNT_CONFIDENCE = 0.75  # Bankgirot's check digit; a random pair passes 1 in 10 or 11

_NO_ACCOUNT_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)

# An IBAN's country code and check digits ("NO93", also "NO 93"), led by a digit so the regex
# engine skips straight to digits; the letters are checked by looking behind.
_IBAN_START = re.compile(
    r"[0-9](?:(?<=(?<![A-Za-z0-9])[A-Z]{2}[0-9])|(?<=(?<![A-Za-z0-9])[A-Z]{2} [0-9]))[0-9]"
)
# Checked after the first digit has been consumed (see `_IBAN_START`), hence the `[0-9]`s.
_LEAD = r"(?<![A-Za-z0-9][0-9])(?<![0-9][-./:][0-9])(?<!\+[0-9])"
_TRAIL = r"(?![A-Za-z0-9])(?![-./:][0-9])"
_CARD = re.compile(
    r"[0-9]" + _LEAD + r"(?:"
    r"[0-9]{12,18}"  # compact
    r"|[0-9]{3}(?P<s1>[ -])[0-9]{4}(?P=s1)[0-9]{4}(?P=s1)[0-9]{1,4}(?:(?P=s1)[0-9]{1,3})?"
    r"|[0-9]{3}(?P<s2>[ -])[0-9]{6}(?P=s2)[0-9]{4,5}"  # Amex 4-6-5, Diners 4-6-4
    r")" + _TRAIL
)
_NO_ACCOUNT = re.compile(
    r"[0-9]" + _LEAD + r"(?:[0-9]{3}(?P<sep>[. -])[0-9]{2}(?P=sep)[0-9]{5}|[0-9]{10})" + _TRAIL
)
# Danish reg.nr + konto: "3401 1122334455", "9940-9088756291", "3401.1122334455",
# "reg. 3401 konto 1122334455", "3401, kontonr. 1122334455", or 14 plain digits.
_DK_ACCOUNT = re.compile(
    r"[0-9]" + _LEAD + r"[0-9]{3}"
    r"(?:(?P<sep> ?[-.] ?| )|(?P<word>,? ?(?:konto|kto)\.?(?: ?(?:nr|nummer)\.?)?:? ?))"
    r"[0-9]{6,10}" + _TRAIL + r"|[0-9]" + _LEAD + r"[0-9]{13}" + _TRAIL
)
# Swedish clearing number (Swedbank's 8xxx may carry a fifth digit: "8327-9") and account,
# which banks print in groups: "5491-0000003", "6000 123 456 789", "8327-9, 903 430 227-9".
_SE_ACCOUNT = re.compile(
    r"[0-9]" + _LEAD + r"[0-9]{3}(?P<fifth>-[0-9](?=[ ,]))?(?:, ?| ?- ?| )"
    r"(?P<account>[0-9]{1,10}(?:[ -][0-9]{1,9}){0,4})" + _TRAIL
)
_BANKGIRO = re.compile(r"[0-9]" + _LEAD + r"(?:[0-9]{2,3}-[0-9]{4}|[0-9]{6,7})" + _TRAIL)
# The token right before a grouped number, when it is one more group of the same run.
_GROUP_BEFORE = re.compile(r"(?:^|(?<=[\s(]))[A-Za-z0-9]*[0-9][A-Za-z0-9]*[ ]$")
_SEPARATORS = re.compile(r"[\s.-]")


class FinancialIdParams(Params):
    types: tuple[FinancialType, ...] = Field(default=ALL_TYPES, min_length=1)
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


# --- Pure validators ------------------------------------------------------------------------


def iban_length(country: str) -> int | None:
    """The registered IBAN length for a country code, or None if it has no IBAN."""
    spec = _IBAN_SPECS.get(country.upper())
    return spec[0] if spec else None


def _iban_mod97(iban: str) -> bool:
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def _is_valid_compact_iban(iban: str) -> bool:
    spec = _IBAN_SPECS.get(iban[:2])  # upper case only, as registered
    if spec is None or len(iban) != spec[0] or not iban[2:4].isdigit():
        return False
    if spec[1].fullmatch(iban, 4) is None or not _iban_mod97(iban):
        return False
    # The Norwegian BBAN is the domestic account number, with its own mod-11 check digit.
    return not (iban[:2] == "NO" and not _no_account_mod11(iban[4:]))


def is_valid_iban(s: str) -> bool:
    """True for an IBAN of a registered country: length, BBAN structure and mod-97.

    Spaces, dots and dashes are ignored. Case matters where the registry says so: the country
    code and `a` fields are upper case. Only Norway's national check digit is verified beyond
    ISO 13616 (so Spain's, for one, is not).
    """
    compact = _SEPARATORS.sub("", s)
    return compact.isascii() and compact.isalnum() and _is_valid_compact_iban(compact)


def card_brand(digits: str) -> str | None:
    """The card brand whose IIN prefix `digits` starts with, or None ([unverified] ranges)."""
    for first, last, width, brand in _CARD_PREFIXES:
        if len(digits) >= width and first <= int(digits[:width]) <= last:
            return brand
    return None


def is_valid_card(s: str) -> bool:
    """True for 13-19 digits (spaces and dashes ignored) with a known IIN prefix and a valid Luhn
    check digit. UATP numbers must be 15 digits."""
    digits = _SEPARATORS.sub("", s)
    if not 13 <= len(digits) <= 19 or not luhn_ok(digits):
        return False
    brand = card_brand(digits)
    return brand is not None and (brand != "UATP" or len(digits) == 15)


def _no_account_mod11(digits: str) -> bool:
    return len(digits) == 11 and (
        sum(w * (ord(ch) - 48) for w, ch in zip(_NO_ACCOUNT_WEIGHTS, digits, strict=True)) % 11 == 0
    )


def is_valid_no_kontonr(s: str) -> bool:
    """True for a Norwegian bank account number: 11 digits (spaces, dots and dashes ignored) with
    a mod-11 check digit (weights 5,4,3,2,7,6,5,4,3,2); with the postgiro bank code 0000 the
    remaining 7 digits carry a Luhn check digit instead."""
    digits = _SEPARATORS.sub("", s)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    if digits.startswith("0000"):
        return luhn_ok(digits[4:])
    return _no_account_mod11(digits)


def is_valid_bankgiro(s: str) -> bool:
    """True for a Swedish bankgiro number: 7 or 8 digits (NNN-NNNN, NNNN-NNNN) passing Luhn."""
    digits = s.replace("-", "")
    return 7 <= len(digits) <= 8 and luhn_ok(digits)


# Swedish clearing ranges and how their account numbers are checked: Bankgirot, "Bankernas
# kontonummeruppbyggnad" (bankgirot.se, user manual), as also tabulated by the open-source
# validators that follow it (jop-io/kontonummer.js, tfso/njs-tfso-bankaccount-validation).
# (first, last, rule): "1/1" type 1 comment 1 = mod 11 over the clearing number's last three
# digits and the 7-digit account; "1/2" = mod 11 over all four and the account; "2/1" and
# "2/3" = mod 10 over the account (10 digits, or up to 10 zero-padded); "2/2" = Handelsbanken,
# mod 11 over the 9-digit account.
_SE_CLEARING: tuple[tuple[int, int, str], ...] = (
    (1100, 1199, "1/1"), (1200, 1399, "1/1"), (1400, 2099, "1/1"), (2300, 2399, "1/2"),
    (2400, 2499, "1/1"), (3000, 3299, "1/1"), (3300, 3300, "2/1"), (3301, 3399, "1/1"),
    (3400, 3409, "1/1"), (3410, 3781, "1/1"), (3782, 3782, "2/1"), (3783, 3999, "1/1"),
    (4000, 4999, "1/2"), (5000, 5999, "1/1"), (6000, 6999, "2/2"), (7000, 7999, "1/1"),
    (8000, 8999, "2/3"), (9020, 9029, "1/2"), (9040, 9049, "1/2"), (9060, 9069, "1/1"),
    (9070, 9079, "1/1"), (9090, 9099, "1/2"), (9100, 9109, "1/2"), (9120, 9124, "1/1"),
    (9130, 9149, "1/1"), (9150, 9169, "1/2"), (9170, 9179, "1/1"), (9180, 9189, "2/1"),
    (9190, 9199, "1/2"), (9230, 9239, "1/1"), (9250, 9259, "1/1"), (9260, 9269, "1/2"),
    (9270, 9279, "1/1"), (9280, 9289, "1/1"), (9300, 9349, "2/1"), (9390, 9399, "1/2"),
    (9400, 9449, "1/1"), (9460, 9469, "1/1"), (9470, 9479, "1/2"), (9500, 9549, "2/3"),
    (9550, 9569, "1/2"), (9570, 9579, "2/1"), (9580, 9589, "1/1"), (9590, 9599, "1/2"),
    (9630, 9639, "1/1"), (9640, 9649, "1/2"), (9650, 9659, "1/2"), (9660, 9669, "1/2"),
    (9670, 9679, "1/2"), (9680, 9689, "1/1"), (9700, 9709, "1/2"), (9710, 9719, "1/2"),
    (9750, 9759, "1/2"), (9780, 9789, "1/2"), (9880, 9889, "1/2"), (9890, 9899, "2/1"),
    (9960, 9969, "2/3"),
)  # fmt: skip


def _mod11_bankgirot(digits: str) -> bool:
    """Bankgirot's modulus 11: weights 1, 2, ..., 10, 1, ... from the right; sum divisible by 11."""
    total = sum((i % 10 + 1) * (ord(ch) - 48) for i, ch in enumerate(reversed(digits)))
    return total % 11 == 0


def _se_rule(clearing: int) -> str | None:
    for first, last, rule in _SE_CLEARING:
        if first <= clearing <= last:
            return rule
    return None


def is_valid_se_account(clearing: str, account: str) -> bool:
    """True for a Swedish clearing number (4 digits, or Swedbank's 5) and account number (digits
    only) that pass the check Bankgirot lays down for the clearing range."""
    if not (clearing.isascii() and clearing.isdigit() and account.isascii() and account.isdigit()):
        return False
    if len(clearing) not in (4, 5) or (len(clearing) == 5 and clearing[0] != "8"):
        return False
    rule = _se_rule(int(clearing[:4]))
    if rule == "1/1":
        return len(account) == 7 and _mod11_bankgirot(clearing[1:4] + account)
    if rule == "1/2":
        return len(account) == 7 and _mod11_bankgirot(clearing[:4] + account)
    if rule == "2/1":
        return len(account) == 10 and luhn_ok(account)
    if rule == "2/2":
        return len(account) == 9 and _mod11_bankgirot(account)
    if rule == "2/3":
        return 6 <= len(account) <= 10 and luhn_ok(account)
    return False


def mask_financial(value: str, *, keep_country: bool = False) -> str:
    """Every letter and digit becomes '*' except the last four (and, for an IBAN, the country
    code); separators stay where they are."""
    alnum_positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep = set(alnum_positions[-4:])
    if keep_country:
        keep.update(alnum_positions[:2])
    return "".join(ch if i in keep or not ch.isalnum() else "*" for i, ch in enumerate(value))


# --- Detector -------------------------------------------------------------------------------


def _iban_like_end(text: str, start: int, limit: int = _IBAN_MAX) -> tuple[int, str]:
    """Walk an IBAN-shaped run from `start`: letters and digits, single spaces or dashes between
    them (or dots: "NO07.8380.08.06006"). Returns where it ends and its characters, at most
    `limit` of them."""
    chars: list[str] = []
    pos, n = start, len(text)
    while pos < n and len(chars) < limit:
        ch = text[pos]
        if ch.isascii() and ch.isalnum():
            chars.append(ch)
            pos += 1
        elif ch in " -." and pos + 1 < n and text[pos + 1].isascii() and text[pos + 1].isalnum():
            pos += 1
        else:
            break
    return pos, "".join(chars)


@register("financial_id", params=FinancialIdParams, vocabulary="financial_id")
class FinancialIdDetector:
    """Finds IBANs, payment cards, Norwegian account numbers and Swedish bankgiro numbers."""

    __slots__ = (
        "_account_context",
        "_bankgiro_context",
        "_card_context",
        "_dk_context",
        "_min_confidence",
        "_types",
    )

    def __init__(self, params: FinancialIdParams) -> None:
        self._types = frozenset(params.types)
        self._min_confidence = params.min_confidence
        self._card_context = context_pattern(CARD_CONTEXT_WORDS)
        self._account_context = context_pattern(ACCOUNT_CONTEXT_WORDS)
        self._bankgiro_context = context_pattern(BANKGIRO_CONTEXT_WORDS)
        self._dk_context = context_pattern(DK_ACCOUNT_CONTEXT_WORDS)

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if not may_hold_identifier(text):
            return []
        plain = identifier_text(text)
        if not plain.has_digit:
            return []
        findings = self._find(plain.text)
        if plain.starts is None:
            return findings
        # Found in the plain text: point at the original characters (masks stay plain).
        return [
            replace(f, start=s, end=e) for f in findings for s, e in [plain.span(f.start, f.end)]
        ]

    def _find(self, text: str) -> list[Finding]:
        findings: list[Finding] = []
        taken: list[tuple[int, int]] = []  # IBAN-shaped spans, valid or not
        for match in _IBAN_START.finditer(text):
            start = match.start() - (3 if text[match.start() - 1] == " " else 2)
            run_end, run = _iban_like_end(text, start)
            if len(run) < 12:
                continue
            taken.append((start, run_end))
            length = iban_length(run[:2])
            if "iban" not in self._types or length is None or len(run) < length:
                continue
            end, chars = _iban_like_end(text, start, length)
            # The registered length must end the run: "…8901 X" ends before " X", but an
            # IBAN followed directly by more characters of its own group is not one.
            if end < len(text) and (text[end].isalnum() or _glued(text, end)):
                continue
            if _is_valid_compact_iban(chars):
                findings.append(
                    self._finding(
                        text,
                        start,
                        end,
                        _IBAN_CONFIDENCE,
                        f"IBAN ({chars[:2]})",
                        keep_country=True,
                    )
                )
        if "card" in self._types:
            self._find_cards(text, taken, findings)
        if "no_account" in self._types:
            self._find_no_accounts(text, taken, findings)
        # Swedish first: its check digit says more than the Danish context word.
        if "se_account" in self._types:
            self._find_se_accounts(text, taken, findings)
        if "dk_account" in self._types:
            self._find_dk_accounts(text, taken, findings)
        if "se_bankgiro" in self._types:
            self._find_bankgiro(text, taken, findings)
        findings.sort(key=lambda f: (f.start, f.end))
        return findings

    def _find_dk_accounts(
        self, text: str, taken: list[tuple[int, int]], findings: list[Finding]
    ) -> None:
        for match in _DK_ACCOUNT.finditer(text):
            start, end = match.span()
            if _overlaps(start, end, taken) or _continues_run(text, match):
                continue
            worded = match.group("word") is not None
            if worded or near_context(self._dk_context, text, start, end, _CONTEXT_WINDOW):
                confidence = _DK_ACCOUNT_CONFIDENCE
            elif match.group("sep") and end - start - len(match.group("sep")) == 14:
                # No checksum, but reg.nr + a full 10-digit konto set apart is how Danish
                # statements print an account, and little else is written 4 + 10.
                confidence = _DK_ACCOUNT_BARE_CONFIDENCE
            else:
                continue  # a shorter konto needs a word that says what it is
            if confidence >= self._min_confidence:
                taken.append((start, end))
                findings.append(
                    self._finding(text, start, end, confidence, "DK bank account number")
                )

    def _find_se_accounts(
        self, text: str, taken: list[tuple[int, int]], findings: list[Finding]
    ) -> None:
        for match in _SE_ACCOUNT.finditer(text):
            start = match.start()
            if _overlaps(start, match.end(), taken) or _GROUP_BEFORE.search(
                text, max(0, start - 24), start
            ):
                continue
            clearing = text[start : start + 4] + (match.group("fifth") or "")[1:]
            # The account may be followed by other numbers: try its groups, longest first.
            groups = list(re.finditer(r"[0-9]+", match.group("account")))
            offset = match.start("account")
            for last in range(len(groups), 0, -1):
                account = "".join(g.group() for g in groups[:last])
                if is_valid_se_account(clearing, account):
                    end = offset + groups[last - 1].end()
                    if end < len(text) and (text[end].isalnum() or _glued(text, end)):
                        break
                    near = near_context(self._account_context, text, start, end, _CONTEXT_WINDOW)
                    confidence = _SE_ACCOUNT_CONFIDENCE + (_ACCOUNT_CONTEXT_BONUS if near else 0)
                    if confidence >= self._min_confidence:
                        taken.append((start, end))
                        findings.append(
                            self._finding(text, start, end, confidence, "SE bank account number")
                        )
                    break

    def _find_cards(self, text: str, taken: list[tuple[int, int]], findings: list[Finding]) -> None:
        for match in _CARD.finditer(text):
            start, end = match.span()
            if _overlaps(start, end, taken) or _continues_run(text, match):
                continue
            value = match.group()
            if not is_valid_card(value):
                continue
            digits = _SEPARATORS.sub("", value)
            brand = card_brand(digits)
            near = near_context(self._card_context, text, start, end, _CONTEXT_WINDOW)
            if brand == "UATP":
                if not near:
                    continue
                confidence = _UATP_CONFIDENCE
            else:
                confidence = _CARD_CONFIDENCE + (_CARD_CONTEXT_BONUS if near else 0.0)
            if confidence >= self._min_confidence:
                findings.append(
                    self._finding(text, start, end, confidence, f"payment card ({brand})")
                )

    def _find_no_accounts(
        self, text: str, taken: list[tuple[int, int]], findings: list[Finding]
    ) -> None:
        for match in _NO_ACCOUNT.finditer(text):
            start, end = match.span()
            if _overlaps(start, end, taken) or _continues_run(text, match):
                continue
            if not is_valid_no_kontonr(match.group()):
                continue
            near = near_context(self._account_context, text, start, end, _CONTEXT_WINDOW)
            if match.group("sep"):
                confidence = _ACCOUNT_GROUPED_CONFIDENCE
            elif near:
                confidence = _ACCOUNT_PLAIN_CONFIDENCE
            else:
                continue  # 11 plain digits are too common to report without a context word
            confidence += _ACCOUNT_CONTEXT_BONUS if near else 0.0
            if confidence >= self._min_confidence:
                findings.append(
                    self._finding(text, start, end, confidence, "NO bank account number")
                )

    def _find_bankgiro(
        self, text: str, taken: list[tuple[int, int]], findings: list[Finding]
    ) -> None:
        for match in _BANKGIRO.finditer(text):
            start, end = match.span()
            if _overlaps(start, end, taken) or not is_valid_bankgiro(match.group()):
                continue
            if not near_context(self._bankgiro_context, text, start, end, _BANKGIRO_WINDOW):
                continue
            if self._min_confidence <= _BANKGIRO_CONFIDENCE:
                findings.append(
                    self._finding(text, start, end, _BANKGIRO_CONFIDENCE, "SE bankgiro number")
                )

    @staticmethod
    def _finding(
        text: str,
        start: int,
        end: int,
        confidence: float,
        label: str,
        *,
        keep_country: bool = False,
    ) -> Finding:
        return Finding(
            start=start,
            end=end,
            confidence=round(min(confidence, 1.0), 2),
            label=label,
            mask=mask_financial(text[start:end], keep_country=keep_country),
        )


def _glued(text: str, pos: int) -> bool:
    """A `-`, `.`, `/` or `:` at `pos` joining the number to a following letter or digit."""
    return (
        text[pos] in "-./:"
        and pos + 1 < len(text)
        and text[pos + 1].isascii()
        and text[pos + 1].isalnum()
    )


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


def _continues_run(text: str, match: re.Match[str]) -> bool:
    """True when a space-grouped number is only part of a longer run of space-separated groups:
    the token before it, or the one after it, is another group of letters and digits."""
    value = match.group()
    if " " not in value:
        return False
    start, end = match.span()
    if _GROUP_BEFORE.search(text, max(0, start - 24), start):
        return True
    return end + 1 < len(text) and text[end] == " " and text[end + 1].isdigit()
