"""The one normalisation every identifier rule reads: digits, dashes and spaces made plain.

People type or paste numbers with characters that look like the ASCII ones but are not: an en
dash or a non-breaking hyphen for "-", a no-break or thin space for " ", full-width or
Arabic-Indic digits, and invisible characters (zero-width space, word joiner, soft hyphen, bidi
marks) that editors and chat apps insert. The identifier rules (`national_id`, `financial_id`,
`contact_data`) all read `identifier_text(text)`, made once per comment and cached like the
shared text work in `rules/text.py`:

- every Unicode dash and hyphen (U+2010-U+2015, U+2212, U+FE58, U+FE63, U+FF0D) becomes "-";
- every space separator (category Zs: NBSP, narrow NBSP, thin space, U+3000, ...) becomes " ",
  and the line and paragraph separators U+2028/U+2029 become "\\n";
- invisible format characters (U+200B-U+200F, U+2060-U+2064, U+FEFF, U+00AD soft hyphen, the
  bidi embeddings and isolates) are dropped;
- every decimal digit of any script (category Nd: full-width, Arabic-Indic, Devanagari, ...)
  becomes its ASCII digit, and the other full-width ASCII forms (U+FF01-U+FF5E: "＋", "Ｔ")
  their ASCII character.

Decimal digits only (`unicodedata.decimal`), not every character with a digit value: "m²" or
"①" are not how anyone writes an identity number, and mapping them would glue "m2" to a number.

Each kept character maps to exactly one character, so offsets only move when something is
dropped; then the way back is one list: `starts[i]` is the original offset of normalised
character `i`. A span found in the normalised text maps back
to the original span from its first to its last character, so it covers every invisible
character dropped in between, and masking the original span masks what was written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from uppsikt.rules.text import has_digit

__all__ = [
    "DIGIT_ZEROS",
    "IdText",
    "digit_count",
    "has_at_sign",
    "identifier_text",
    "may_hold_identifier",
]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_BREAKS = "\u2028\u2029"
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# The zero of every non-ASCII run of decimal digits (category Nd comes in runs of ten), as of
# Unicode 14 (Python 3.11); tests/unit/rules/test_identifier_spellings.py checks it against
# `unicodedata`. Listed rather than found at import: scanning every code point costs ~0.3 s.
DIGIT_ZEROS: tuple[int, ...] = (
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
    0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
    0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
)  # fmt: skip


def _ranges(zeros: tuple[int, ...]) -> str:
    return "".join(f"{chr(zero)}-{chr(zero + 9)}" for zero in zeros)


_PLAIN = f"{_DASHES}{_SPACES}{_BREAKS}{_INVISIBLE}\uff01-\uff5e"
# What the normalisation may change, as one class: a regex engine tests BMP characters against
# a bitmap, fast (under 1 µs for a Danish comment), but a class with the ranges above U+FFFF
# one range at a time (12 µs). So the class holds the BMP digits and one range for every
# character above U+FFFF, whose few hits (emoji, mostly) are checked one by one.
_MAYBE = re.compile(
    f"[{_PLAIN}{_ranges(tuple(z for z in DIGIT_ZEROS if z < 0x10000))}\U00010000-\U0010ffff]"
)
_SPECIAL = re.compile(f"[{_PLAIN}{_ranges(DIGIT_ZEROS)}]")
_DROP = re.compile(f"[{_INVISIBLE}]")
_SPACE = re.compile(f"[{_SPACES}]")


@dataclass(frozen=True, slots=True)
class IdText:
    """A comment as the identifier rules read it, with the way back to the original offsets.

    `starts` is None when no character was dropped (nearly every comment): offsets are equal."""

    text: str
    original_length: int
    has_digit: bool
    starts: tuple[int, ...] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the half-open span `start:end` of `text` (non-empty)."""
        if self.starts is None:
            return start, end
        return self.starts[start], self.starts[end - 1] + 1


def _map_char(ch: str) -> str:
    """The plain form of one character `_SPECIAL` matched; "" when it is dropped."""
    if _DROP.match(ch):
        return ""
    if ch in _DASHES:
        return "-"
    if ch in _BREAKS:
        return "\n"
    if _SPACE.match(ch):
        return " "
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return chr(ord(ch) - 0xFEE0)  # a full-width ASCII form: U+FF01 is "!"


def _changes(text: str) -> bool:
    found = _MAYBE.search(text)
    while found is not None:
        ch = found.group()
        if ch < "\U00010000" or unicodedata.decimal(ch, None) is not None:
            return True
        found = _MAYBE.search(text, found.end())  # an emoji or the like: go on after it
    return False


# The at signs `identifier_text` reads as "@": plain and full-width.
_AT_SIGNS = "@\uff20"
# A decimal digit of any script (`\d` is Unicode's Nd, what `_map_char` reads as digits) or an
# at sign: every identifier rule needs one of them.
_DIGIT_OR_AT = re.compile(f"[\\d{_AT_SIGNS}]")


def has_at_sign(text: str) -> bool:
    """Whether `identifier_text(text)` has an "@" (an e-mail address needs one)."""
    return any(sign in text for sign in _AT_SIGNS)


@lru_cache(maxsize=32)
def may_hold_identifier(text: str) -> bool:
    """False when no identifier rule can find anything in `text`: it has no digit of any script
    and no at sign. Why: one search (0.7 µs on DKHate) rules out 81% of comments before the
    identifier text (1.9 µs) is made and three rules are called (docs/quality.md, speed)."""
    return _DIGIT_OR_AT.search(text) is not None


_ANY_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=32)
def digit_count(text: str) -> int:
    """How many decimal digits of any script `text` has: as many as its `identifier_text`
    has ASCII digits (each is mapped to one, and nothing else becomes one). A rule whose
    shortest number has more digits than this cannot find one (a year or a price has four)."""
    return len(_ANY_DIGIT.findall(text))


@lru_cache(maxsize=32)  # the same size as text.py's cache: one comment's rules, a few spare
def identifier_text(text: str) -> IdText:
    """`text` with dashes, spaces and digits made plain and invisible characters dropped."""
    if text.isascii() or not _changes(text):
        return IdText(text, len(text), has_digit(text))  # has_digit is cached for other rules
    if _DROP.search(text) is None:
        # Every change maps one character to one: the offsets stay as they are.
        plain_text = _MAYBE.sub(_plain_match, text)
        return IdText(plain_text, len(text), has_digit(plain_text))
    out: list[str] = []
    starts: list[int] = []
    last = 0
    for match in _MAYBE.finditer(text):
        pos = match.start()
        out.append(text[last:pos])
        starts.extend(range(last, pos))
        plain = _plain_match(match)
        if plain:
            out.append(plain)
            starts.append(pos)
        last = pos + 1
    out.append(text[last:])
    starts.extend(range(last, len(text)))
    plain_text = "".join(out)
    return IdText(plain_text, len(text), has_digit(plain_text), tuple(starts))


def _plain_match(match: re.Match[str]) -> str:
    ch = match.group()
    if ch >= "\U00010000" and unicodedata.decimal(ch, None) is None:
        return ch  # an emoji or other character above U+FFFF that is not a digit
    return _map_char(ch)
