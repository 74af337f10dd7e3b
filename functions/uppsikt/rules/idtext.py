"""The one normalisation every identifier rule reads: digits, dashes and spaces as people paste them.

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

Each kept character maps to exactly one character, so the way back is one list: `starts[i]` is
the original offset of normalised character `i`. A span found in the normalised text maps back
to the original span from its first to its last character, so it covers every invisible
character dropped in between, and masking the original span masks what was written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["IdText", "identifier_text"]

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_BREAKS = "\u2028\u2029"
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
# Anything the normalisation changes: the characters above, full-width ASCII forms, and any
# decimal digit that is not ASCII (`\d` matches every Nd digit; the look-ahead skips 0-9).
_SPECIAL = re.compile(
    f"[{_DASHES}{_SPACES}{_BREAKS}{_INVISIBLE}\uff01-\uff5e]|(?![0-9])\\d"
)
_DROP = re.compile(f"[{_INVISIBLE}]")
_SPACE = re.compile(f"[{_SPACES}]")
_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class IdText:
    """A comment as the identifier rules read it, with the way back to the original offsets.

    `starts` is None when the text needed no change (nearly every comment)."""

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


@lru_cache(maxsize=32)  # the same size as text.py's cache: one comment's rules, a few spare
def identifier_text(text: str) -> IdText:
    """`text` with dashes, spaces and digits made plain and invisible characters dropped."""
    if text.isascii() or _SPECIAL.search(text) is None:
        return IdText(text, len(text), _DIGIT.search(text) is not None)
    out: list[str] = []
    starts: list[int] = []
    last = 0
    for match in _SPECIAL.finditer(text):
        pos = match.start()
        out.append(text[last:pos])
        starts.extend(range(last, pos))
        plain = _map_char(match.group())
        if plain:
            out.append(plain)
            starts.append(pos)
        last = pos + 1
    out.append(text[last:])
    starts.extend(range(last, len(text)))
    plain_text = "".join(out)
    return IdText(plain_text, len(text), _DIGIT.search(plain_text) is not None, tuple(starts))
