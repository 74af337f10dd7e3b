"""Rule kind `national_id`: Nordic national identity numbers.

Danish CPR numbers, Swedish personnummer/samordningsnummer, Norwegian fødselsnummer (with
D-, H-, FH- and synthetic test numbers, under the old and the 2032 check-digit rules) and the
Finnish henkilötunnus (HETU); formats and checks as in regulation.md §4.

The text is read through `identifier_text` (rules/idtext.py): any dash is "-", any space " ",
digits of any script are ASCII and invisible characters are gone; findings point at the original.
A candidate is a 10-, 11- or 12-digit run (with no separator after the birth date, or "-", a
dash between spaces, a space, or "+" for Swedish centenarians) or an 11-character HETU that
stands alone: no letter or digit directly next to it, not glued to another number by
`-`, `+`, `.`, `/` or `:` (card numbers, phone numbers, dates, versions), and not right after a
`+` (an international phone number). A comma does not count as glue, so comma-separated lists of
numbers are still found. Each candidate is read every way its shape allows (a 10-digit string is
both Swedish YYMMDD-NNNC and Danish DDMMYY-SSSS, and DDMMYY-ZZZQ with a digit Q is also a HETU);
a real birth date is always required (except for Norwegian FH numbers, which carry none), then
the check digits decide the confidence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import Literal

from pydantic import Field

from uppsikt.rules import precompiled
from uppsikt.rules.idtext import digit_count, identifier_text, may_hold_identifier
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import fold

__all__ = [
    "CONTEXT_WORDS_DA_SV_EN",
    "CONTEXT_WORDS_FI",
    "CONTEXT_WORDS_NO",
    "DEFAULT_CONTEXT_WORDS",
    "NationalIdDetector",
    "NationalIdParams",
    "context_pattern",
    "cpr_status",
    "fodselsnummer_reading",
    "hetu_reading",
    "is_valid_fodselsnummer",
    "is_valid_hetu",
    "is_valid_personnummer",
    "luhn_ok",
    "near_context",
]

CprStatus = Literal["mod11", "exception_date", "date_only", "invalid"]
Country = Literal["dk", "se", "no", "fi"]
NoRule = Literal["old", "2032"]
HetuKind = Literal["permanent", "temporary"]

CONTEXT_WORDS_DA_SV_EN: tuple[str, ...] = (
    "cpr",
    "cpr-nr",
    "cprnr",
    "cpr-nummer",
    "personnummer",
    "personnumre",
    "personnumret",
    "personnr",
    "pers.nr",
    "pnr",
    "samordningsnummer",
    "samordningsnr",
    "personal number",
    "personal identity number",
    "personal id",
    "civic registration number",
    "social security number",
    "ssn",
    # Not "p-nr": in Danish that is a production-unit number, a known CPR look-alike.
)
CONTEXT_WORDS_NO: tuple[str, ...] = (
    "fødselsnummer",
    "fødselsnumre",
    "fødselsnr",
    "fnr",
    "f.nr",
    "d-nummer",
    "d-nr",
    "h-nummer",
    "fh-nummer",
    "personnummer",
)
CONTEXT_WORDS_FI: tuple[str, ...] = (
    "hetu",
    "henkilötunnu",  # no word end is required: also henkilötunnus, henkilötunnukseni, ...
    "sotu",
    "personbeteckning",
)
DEFAULT_CONTEXT_WORDS: tuple[str, ...] = tuple(
    dict.fromkeys((*CONTEXT_WORDS_DA_SV_EN, *CONTEXT_WORDS_NO, *CONTEXT_WORDS_FI))
)

# Birth dates for which CPR numbers failing the modulus-11 check have been issued.
# Source: cpr.dk, "Personnumre uden kontrolciffer (modulus 11 kontrol)", as mirrored in
# eval-data/national-ids/dk-cpr-mod11-exception-dates.csv (24 dates). Re-check cpr.dk when
# updating: the list has grown over time.
CPR_MOD11_EXCEPTION_DATES: frozenset[date] = frozenset(
    date(year, 1, 1)
    for year in (
        1960, 1964, 1965, 1966, 1967, 1969, 1970, 1974, 1975, 1978, 1980, 1981,
        1982, 1984, 1985, 1986, 1987, 1988, 1989, 1990, 1991, 1992, 1994, 1995,
    )
)  # fmt: skip

_CONTEXT_WINDOW = 40  # characters either side of the number searched for a context word

_SE_CONFIDENCE = 0.9
_SE_CONTEXT_BONUS = 0.05
_DK_CONFIDENCE: dict[CprStatus, float] = {"mod11": 0.85, "exception_date": 0.7, "date_only": 0.4}
_DK_CONTEXT_BONUS: dict[CprStatus, float] = {"mod11": 0.1, "exception_date": 0.1, "date_only": 0.3}
# Norway: valid under the old check-digit rule, or only under the relaxed 2032 rule (which is
# about four times as likely to accept a random 11-digit string).
_NO_CONFIDENCE: dict[NoRule, float] = {"old": 0.9, "2032": 0.8}
_NO_CONTEXT_BONUS = 0.05
_NO_FH_CONFIDENCE = 0.75  # FH numbers have no date: reported only next to a context word
_FI_CONFIDENCE: dict[HetuKind, float] = {"permanent": 0.9, "temporary": 0.6}
_FI_CONTEXT_BONUS: dict[HetuKind, float] = {"permanent": 0.05, "temporary": 0.2}

_CPR_WEIGHTS = (4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
# Fødselsnummer check digits (Skatteetaten): the weighted sums below, which include the check
# digit itself with weight 1, must be 0 mod 11 (K1 under the old rule; K2 always). From 2032 the
# K1 sum may also leave 1, 2 or 3. A check digit that would have to be 10 cannot be written, so
# "10 is invalid" needs no separate test.
_NO_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_NO_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)
_NO_K1_REMAINDERS_2032 = frozenset({0, 1, 2, 3})

# HETU century signs (the extra 1900s and 2000s signs came in 2023) and check characters.
_HETU_CENTURY: dict[str, int] = {
    "+": 1800,
    **dict.fromkeys("-YXWVU", 1900),
    **dict.fromkeys("ABCDEF", 2000),
}
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
_HETU_SHAPE = re.compile(r"([0-9]{6})([-+A-FU-Y])([0-9]{3})([0-9A-Y])")

# The shapes, longest first where they share a prefix (YYYYMMDD[-+]NNNC, then YYMMDD[-+]NNNC which
# also serves DDMMYY-SSSS and a HETU with a digit check character, then the Norwegian
# DDMMYY[ -]IIIKK, then a HETU with a letter). The pattern starts with a plain digit and checks
# what precedes it by looking behind, so the regex engine can skip straight to digits: about 4x
# faster on comments without numbers than leading with the look-behind.
# The separator between the birth date and the rest, as people type it (after `identifier_text`
# made every dash "-" and every space " "): none, "-", "+", a space, or a dash with spaces.
_SEP = r"(?:\+| ?- ?| )?"
# The fewest digits a `_CANDIDATE` has (a HETU: six, a sign, three, a check letter); a comment
# with fewer (a year, a price) is passed over before its identifier text is made.
MIN_DIGITS = 9
_CANDIDATE = re.compile(
    r"[0-9](?<!\w[0-9])(?<![0-9][-+./:][0-9])(?<!\+[0-9])"
    rf"(?:[0-9]{{7}}{_SEP}[0-9]{{4}}"
    rf"|[0-9]{{5}}{_SEP}[0-9]{{4}}"
    r"|[0-9]{5}(?: ?- ?| )?[0-9]{5}"  # Norwegian: no "+"
    r"|[0-9]{5}[-+A-FU-Ya-fu-y][0-9]{3}[0-9A-Za-z])"
    r"(?!\w)(?![-+./:][0-9])"
)
# A space-separated number that is one group of a longer run ("4012 070761 4285", "070761 4285
# 12"): a card, account or phone number, not an identity number.
_GROUP_BEFORE = re.compile(r"[0-9][ ]$")
_GROUP_AFTER = re.compile(r"[ ][0-9]")
_CENTURIES = frozenset({"18", "19", "20"})
_PERSONNUMMER_SHAPE = re.compile(r"(1[89]|20)?([0-9]{6})([-+]?)([0-9]{4})")
_CPR_SHAPE = re.compile(r"([0-9]{6})-?([0-9]{4})")
_FODSELSNUMMER_SEPARATORS = re.compile(r"[\s-]")
_NOT_DIGIT = re.compile(r"[^0-9]")


class NationalIdParams(Params):
    countries: tuple[Country, ...] = Field(default=("dk", "se", "no", "fi"), min_length=1)
    context_words: tuple[str, ...] = DEFAULT_CONTEXT_WORDS
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)


def luhn_ok(digits: str) -> bool:
    """Luhn check over a string of ASCII digits (the last digit is the check digit)."""
    if not digits or not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for index, ch in enumerate(reversed(digits)):
        value = int(ch)
        if index % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


# --- Sweden ---------------------------------------------------------------------------------


def _se_birth_date(
    yymmdd: str, century: str | None, sep: str, today: date
) -> tuple[date, bool] | None:
    """Birth date and whether it is a samordningsnummer (day + 60); None if no such date.

    Samordningsnummer are looser than personnummer, as Skatteverket's own test numbers show:
    month 00 and day 60 stand for an unknown month/day, and days 29-31 occur in months that
    are shorter (e.g. 0291 = "Feb 31"). So only month 0-12 and day 0-31 are required; the date
    returned is clamped to the 28th and only serves the century and future checks.
    """
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), int(yymmdd[4:])
    coordination = day >= 60
    if coordination:
        day -= 60
        if month > 12 or day > 31:
            return None
        month, day = month or 1, min(day or 1, 28)
    if century is not None:
        year = int(century) * 100 + yy
    else:
        # The 10-digit form drops the century: the latest year not in the future, and a '+'
        # separator means the holder has turned 100.
        year = today.year - today.year % 100 + yy
        if (year, month, day) > (today.year, today.month, today.day):
            year -= 100
        if sep == "+":
            year -= 100
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    return (born, coordination) if born <= today else None


def _se_kind(
    yymmdd: str, tail: str, century: str | None, sep: str, today: date
) -> Literal["personnummer", "samordningsnummer"] | None:
    if tail[:3] == "000":  # serial 000 is never issued
        return None
    birth = _se_birth_date(yymmdd, century, sep, today)
    if birth is None or not luhn_ok(yymmdd + tail):
        return None
    return "samordningsnummer" if birth[1] else "personnummer"


def is_valid_personnummer(s: str, *, today: date | None = None) -> bool:
    """True for a valid Swedish personnummer or samordningsnummer.

    Accepts YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDDNNNC and YYYYMMDD-NNNC.
    """
    shape = _PERSONNUMMER_SHAPE.fullmatch(s.strip())
    if shape is None:
        return False
    century, yymmdd, sep, tail = shape.groups()
    kind = _se_kind(yymmdd, tail, century, sep, today or date.today())
    return kind is not None


# --- Denmark --------------------------------------------------------------------------------


def _cpr_birth_date(digits: str, today: date) -> date | None:
    day, month, yy, digit7 = int(digits[:2]), int(digits[2:4]), int(digits[4:6]), int(digits[6])
    # Century from the 7th digit and the year, as laid down by the CPR office.
    if digit7 <= 3:
        year = 1900 + yy
    elif digit7 in (4, 9):
        year = 2000 + yy if yy <= 36 else 1900 + yy
    else:
        year = 2000 + yy if yy <= 57 else 1800 + yy
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    return born if born <= today else None


def _cpr_status(digits: str, today: date) -> CprStatus:
    born = _cpr_birth_date(digits, today)
    if born is None:
        return "invalid"
    if sum(w * int(d) for w, d in zip(_CPR_WEIGHTS, digits, strict=True)) % 11 == 0:
        return "mod11"
    # Since 2007 CPR numbers need not pass modulus 11; these dates are known to have such.
    return "exception_date" if born in CPR_MOD11_EXCEPTION_DATES else "date_only"


def cpr_status(s: str, *, today: date | None = None) -> CprStatus:
    """Classify a Danish CPR number written DDMMYY-SSSS or DDMMYYSSSS."""
    shape = _CPR_SHAPE.fullmatch(s.strip())
    if shape is None:
        return "invalid"
    return _cpr_status(shape.group(1) + shape.group(2), today or date.today())


# --- Norway ---------------------------------------------------------------------------------


def _no_old_century(individual: int, yy: int) -> int | None:
    """The century the individual number gives under the pre-2032 rules; None if none does."""
    if individual <= 499:
        return 1900
    if individual <= 749 and yy >= 54:
        return 1800
    if yy <= 39:
        return 2000  # 500-999
    if individual >= 900:
        return 1900
    return None  # 500-749 with YY 40-53, or 750-899 with YY >= 40: never issued


def _past_date(year: int, month: int, day: int, today: date) -> bool:
    try:
        return date(year, month, day) <= today
    except ValueError:
        return False


def _no_digits_reading(digits: str, today: date, rule2032: bool) -> tuple[str, NoRule] | None:
    """(label, rule) for 11 ASCII digits that are a Norwegian identity number, else None."""
    values = [ord(ch) - 48 for ch in digits]
    if sum(w * v for w, v in zip(_NO_K2_WEIGHTS, values, strict=True)) % 11:
        return None
    k1_remainder = sum(w * v for w, v in zip(_NO_K1_WEIGHTS, values, strict=False)) % 11
    old_checks = k1_remainder == 0
    if not old_checks and not (rule2032 and k1_remainder in _NO_K1_REMAINDERS_2032):
        return None
    if values[0] >= 8:
        # FH-nummer (health-sector help number): no birth date; the old rule only, so a valid
        # Norwegian account number (whose check digit is K2's) is rarely taken for one.
        return ("NO FH-nummer", "old") if old_checks else None
    day, month, yy = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    label = "NO fødselsnummer"
    if day > 40:
        day -= 40
        label = "NO D-nummer"
    if 41 <= month <= 52:
        month -= 40
        label += " (H-nummer or synthetic)"  # NAV/Dolly test numbers use the same offset
    elif 81 <= month <= 92:
        month -= 80
        label += " (synthetic, Tenor)"  # Skatteetaten's Tenor test numbers
    century = _no_old_century(int(digits[6:9]), yy)
    if old_checks and century is not None and _past_date(century + yy, month, day, today):
        return label, "old"
    # Numbers issued from 2032 carry no century: any past date will do.
    if rule2032 and any(_past_date(c + yy, month, day, today) for c in (2000, 1900)):
        return label, "2032"
    return None


def fodselsnummer_reading(
    s: str, *, rule2032: bool = True, today: date | None = None
) -> tuple[str, NoRule] | None:
    """What a Norwegian identity number is: (label, "old" | "2032"), or None if it is none.

    The label names the kind ("NO fødselsnummer", "NO D-nummer", "... (H-nummer or synthetic)",
    "... (synthetic, Tenor)", "NO FH-nummer"); the rule says whether it is valid under the
    pre-2032 rules (check digits and the century given by the individual number) or only under
    the rules for numbers issued from 1 Jan 2032 (relaxed K1, no century encoded). Spaces and
    dashes are ignored, as in the forms stdnum's examples use ("26 11 15 940 14").
    """
    digits = _FODSELSNUMMER_SEPARATORS.sub("", s)
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return None
    return _no_digits_reading(digits, today or date.today(), rule2032)


def is_valid_fodselsnummer(s: str, *, rule2032: bool = True, today: date | None = None) -> bool:
    """True for a valid Norwegian fødselsnummer, D-, H-, FH- or synthetic test number.

    `rule2032=False` applies only the pre-2032 rules (as python-stdnum 2.2 does, except that
    Tenor's month + 80 test numbers are accepted here).
    """
    return fodselsnummer_reading(s, rule2032=rule2032, today=today) is not None


# --- Finland --------------------------------------------------------------------------------


def _hetu_kind(value: str) -> HetuKind | None:
    shape = _HETU_SHAPE.fullmatch(value)
    if shape is None:
        return None
    ddmmyy, sign, individual, check = shape.groups()
    year = _HETU_CENTURY[sign] + int(ddmmyy[4:])
    # Only a calendar date is required, not a past one: the 2000s signs reach 2099, and the
    # mod-31 check character is strong enough (python-stdnum accepts 131052A308T, "2052").
    try:
        date(year, int(ddmmyy[2:4]), int(ddmmyy[:2]))
    except ValueError:
        return None
    serial = int(individual)
    if serial < 2 or _HETU_CHECK[int(ddmmyy + individual) % 31] != check:
        return None
    return "temporary" if serial >= 900 else "permanent"


def hetu_reading(s: str) -> HetuKind | None:
    """'permanent' (individual number 002-899), 'temporary' (900-999) or None for a HETU."""
    return _hetu_kind(s.strip().upper())


def is_valid_hetu(s: str, *, allow_temporary: bool = False) -> bool:
    """True for a valid Finnish henkilötunnus DDMMYYCZZZQ (any case).

    Temporary numbers (individual number 900-999) are valid only with `allow_temporary`, as in
    python-stdnum; the detector still reports them, with a lower confidence.
    """
    kind = hetu_reading(s)
    return kind == "permanent" or (kind == "temporary" and allow_temporary)


# --- Detector -------------------------------------------------------------------------------


def _mask(number: str) -> str:
    """Letters and digits become '*' except the last two characters; separators stay."""
    head = "".join("*" if ch.isalnum() else ch for ch in number[:-2])
    return head + number[-2:]


def context_pattern(words: Sequence[str]) -> re.Pattern[str] | None:
    """One pattern for a list of context words, to search in `fold`ed text. A word must start at
    a word boundary but may go on ("hetu" also matches "hetuni"); its parts may be joined by
    nothing, spaces, dots, dashes or colons."""
    pieces = []
    for word in sorted({fold(w).strip() for w in words if w.strip()}, key=len, reverse=True):
        parts = [re.escape(p) for p in re.split(r"[\W_]+", word) if p]
        if parts:
            # "cpr-nr" also matches "cpr nr", "cpr.nr" and "cprnr".
            pieces.append(r"[\s.\-:]*".join(parts))
    if not pieces:
        return None
    return precompiled.compile(r"(?<!\w)(?:" + "|".join(pieces) + ")")


@register("national_id", params=NationalIdParams, vocabulary="national_id")
class NationalIdDetector:
    """Finds Danish, Swedish, Norwegian and Finnish national identity numbers; one finding per
    number, whose label names every country it is valid in (highest confidence first)."""

    __slots__ = ("_context", "_dk", "_fi", "_min_confidence", "_no", "_se")

    def __init__(self, params: NationalIdParams) -> None:
        self._dk = "dk" in params.countries
        self._se = "se" in params.countries
        self._no = "no" in params.countries
        self._fi = "fi" in params.countries
        self._min_confidence = params.min_confidence
        self._context = context_pattern(params.context_words)

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if not may_hold_identifier(text) or digit_count(text) < MIN_DIGITS:
            return []
        plain = identifier_text(text)
        text = plain.text  # dashes, spaces and digits made plain; spans are mapped back below
        findings: list[Finding] = []
        today: date | None = None
        for match in _CANDIDATE.finditer(text):
            today = today or date.today()
            number = match.group()
            start, end = match.span()
            if " " in number and (
                _GROUP_BEFORE.search(text, max(0, start - 2), start)
                or _GROUP_AFTER.match(text, end)
            ):
                continue
            has_context = _NearContext(self._context, text, start, end)
            if number[6].isalpha() or number[-1].isalpha():
                readings = self._fi_readings(number.upper(), has_context)
            else:
                digits = _NOT_DIGIT.sub("", number)
                if len(digits) == 11:
                    readings = self._no_readings(digits, today, has_context)
                else:
                    readings = self._se_dk_readings(number, digits, today, has_context)
                    if self._fi and len(number) == 11 and number[6] in "-+":
                        readings += self._fi_readings(number, has_context)

            readings = [r for r in readings if r[0] >= self._min_confidence]
            if not readings:
                continue
            readings.sort(key=lambda r: -r[0])
            start, end = plain.span(start, end)
            findings.append(
                Finding(
                    start=start,
                    end=end,
                    confidence=round(min(readings[0][0], 1.0), 2),
                    label=" / ".join(label for _, label in readings),
                    mask=_mask(number),
                )
            )
        return findings

    def _se_dk_readings(
        self, number: str, digits: str, today: date, has_context: _NearContext
    ) -> list[tuple[float, str]]:
        sep = "+" if "+" in number else "-" if "-" in number else ""
        century: str | None = None
        if len(digits) == 12:
            century, digits = digits[:2], digits[2:]
            if century not in _CENTURIES:
                return []
        yymmdd, tail = digits[:6], digits[6:]

        se_kind = _se_kind(yymmdd, tail, century, sep, today) if self._se else None
        dk_status: CprStatus = "invalid"
        if self._dk and century is None and sep != "+":
            dk_status = _cpr_status(yymmdd + tail, today)
        readings: list[tuple[float, str]] = []
        if se_kind is not None:
            bonus = _SE_CONTEXT_BONUS if has_context() else 0.0
            readings.append((_SE_CONFIDENCE + bonus, f"SE {se_kind}"))
        # A bare date-shaped number without a check digit is too common to report unless
        # something nearby says it is a CPR number.
        if dk_status != "invalid" and (dk_status != "date_only" or has_context()):
            bonus = _DK_CONTEXT_BONUS[dk_status] if has_context() else 0.0
            readings.append((_DK_CONFIDENCE[dk_status] + bonus, "DK CPR"))
        return readings

    def _no_readings(
        self, digits: str, today: date, has_context: _NearContext
    ) -> list[tuple[float, str]]:
        if not self._no:
            return []
        reading = _no_digits_reading(digits, today, rule2032=True)
        if reading is None:
            return []
        label, rule = reading
        if label == "NO FH-nummer":
            return [(_NO_FH_CONFIDENCE, label)] if has_context() else []
        bonus = _NO_CONTEXT_BONUS if has_context() else 0.0
        return [(_NO_CONFIDENCE[rule] + bonus, label)]

    def _fi_readings(self, number: str, has_context: _NearContext) -> list[tuple[float, str]]:
        if not self._fi:
            return []
        kind = _hetu_kind(number)
        if kind is None:
            return []
        bonus = _FI_CONTEXT_BONUS[kind] if has_context() else 0.0
        label = "FI henkilötunnus" if kind == "permanent" else "FI henkilötunnus (temporary)"
        return [(_FI_CONFIDENCE[kind] + bonus, label)]


class _NearContext:
    """Whether a context word is near a number; looked up on first call, then remembered."""

    __slots__ = ("_end", "_pattern", "_start", "_text", "_value")

    def __init__(self, pattern: re.Pattern[str] | None, text: str, start: int, end: int) -> None:
        self._pattern, self._text, self._start, self._end = pattern, text, start, end
        self._value: bool | None = None

    def __call__(self) -> bool:
        if self._value is None:
            self._value = near_context(self._pattern, self._text, self._start, self._end)
        return self._value


def near_context(
    pattern: re.Pattern[str] | None,
    text: str,
    start: int,
    end: int,
    window: int = _CONTEXT_WINDOW,
) -> bool:
    """True if `pattern` (from `context_pattern`) matches within `window` characters of a span."""
    if pattern is None:
        return False
    before = fold(text[max(0, start - window) : start])
    after = fold(text[end : end + window])
    return bool(pattern.search(before) or pattern.search(after))
