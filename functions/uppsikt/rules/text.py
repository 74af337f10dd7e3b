"""Text normalisation shared by detectors: folding, de-obfuscation and offset mapping.

Detectors match on a normalised copy of the comment but must report offsets into the original,
so every step here either keeps a 1:1 character correspondence (the fast, common case) or
records where each normalised character came from (`Normalised`).

Folding rules, chosen so Danish, Norwegian and Swedish spellings of a word compare equal:
- casefold (handles ß → ss and the like);
- strip accents that are not letters in the Nordic languages (é → e, ü → u, ñ → n);
- keep å, ä, ö; map æ → ä and ø → ö, so "hæslig"/"häslig" and "døde"/"döde" meet;
- typographic apostrophes (’ ‘ ʼ) become the ASCII one, so "I’ll" and "I'll" meet.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "WORD_GAP",
    "Normalised",
    "collapse_repeats",
    "deobfuscate",
    "fold",
    "has_digit",
    "is_word_char",
    "normalise",
]

# Nordic letters after casefold; æ/ø are folded onto their Swedish counterparts.
_NORDIC = {"å": "å", "ä": "ä", "ö": "ö", "æ": "ä", "ø": "ö"}

# Letters without a Unicode decomposition that are common look-alikes in obfuscated text.
_EXTRA = {"ł": "l", "đ": "d", "ı": "i", "ħ": "h", "ŧ": "t", "ð": "d"}

# Typographic apostrophes (’ ‘ and the modifier letter ʼ that phone keyboards insert) are the
# ASCII apostrophe of "i'll", "don't", "jehovah's" in term lists; one character each.
_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "\u02bc": "'"}

_RING = "\u030a"
_DIAERESIS = "\u0308"

# Characters that vanish when normalising: combining marks (merged into the preceding letter)
# and invisible characters used to split words ("id\u200biot"), including the soft hyphen.
_VANISHING = re.compile(
    "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
    "\u00ad\u200b-\u200f\u2060-\u2064\ufeff]"
)


def _fold_char(ch: str) -> str:
    """Fold one already-casefolded character; always returns exactly one character."""
    if ch in _NORDIC:
        return _NORDIC[ch]
    if ch in _EXTRA:
        return _EXTRA[ch]
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) == 1:
        return ch
    base, marks = decomposed[0], decomposed[1:]
    if not all(unicodedata.combining(m) for m in marks):
        return ch
    # Keep the Nordic letters hidden in decompositions (ǻ → å, ǟ → ä) recognisable.
    if base == "a" and marks[0] == _RING:
        return "å"
    if base in "ao" and marks[0] == _DIAERESIS:
        return "ä" if base == "a" else "ö"
    return _NORDIC.get(base, base)


def _build_table() -> dict[int, str]:
    # Latin-1 Supplement, Latin Extended-A/B and Latin Extended Additional cover the accented
    # letters people actually type; built once at import (a few hundred entries).
    table: dict[int, str] = {}
    for cp in (*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)):
        folded = chr(cp).casefold()
        if len(folded) != 1:
            continue  # expanding casefolds (ß, ŉ) go through the slow path
        mapped = _fold_char(folded)
        if mapped != folded:
            table[ord(folded)] = mapped
    table.update((ord(ch), ascii_) for ch, ascii_ in _APOSTROPHES.items())
    return table


_TABLE = _build_table()
_TABLE_CHARS = {chr(key): value for key, value in _TABLE.items()}
# str.translate with a dict costs ~50 ns per character; substituting only the few foldable
# characters a comment contains is several times faster. æ and ø are most of them in Danish
# and Norwegian text, and str.replace handles those without a Python call per character.
_FOLDABLE = re.compile("[" + "".join(sorted(ch for ch in _TABLE_CHARS if ch not in "æø")) + "]")


def _translate(folded: str) -> str:
    if folded.isascii():
        return folded  # nothing in the table is ASCII
    if "æ" in folded:
        folded = folded.replace("æ", "ä")
    if "ø" in folded:
        folded = folded.replace("ø", "ö")
    if _FOLDABLE.search(folded) is None:
        return folded
    return _FOLDABLE.sub(lambda m: _TABLE_CHARS[m.group()], folded)


# Digit/symbol-for-letter substitutions undone inside words that also contain letters.
_LEET = str.maketrans("013457@$", "oieastas")
_LEET_CHAR = re.compile(r"[013457@$]")
_WORD_RUN = re.compile(r"[\w@$]*")
_LETTER = re.compile(r"[^\W\d_]")


def _word_gap_class() -> str:
    r"""A class of every character but those `\w` matches below U+0300.

    Written negated: a positive class reaching U+10FFFF costs ~5 ms to compile, every time."""
    ranges: list[tuple[int, int]] = []
    for cp in range(0x300):
        if not is_word_char(chr(cp)):
            continue
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    parts = (
        re.escape(chr(a)) if a == b else re.escape(chr(a)) + "-" + re.escape(chr(b))
        for a, b in ranges
    )
    return "[^" + "".join(parts) + "]"


def is_word_char(ch: str) -> bool:
    r"""What `\w` matches (for a single character of a str pattern)."""
    return ch.isalnum() or ch == "_"


# A character a word may start after. Matchers search for it, then a term, instead of looking
# behind every letter: the regex engine skips to candidates with a cheap class test, and
# letters are not candidates (on DKHate a lexicon rule's scan went from ~10 to ~2.5 µs).
# From U+0300 up every character is a candidate, so a hit there must be checked with
# `is_word_char` (a Greek or Cyrillic letter does not end a word).
WORD_GAP = _word_gap_class()


@dataclass(frozen=True, slots=True)
class Normalised:
    """A normalised string plus the way back to offsets in the original text.

    `starts[i]`/`ends[i]` give the original span that produced normalised character `i`; both are
    None when the mapping is the identity, which is the case for most comments.
    """

    text: str
    original_length: int
    starts: list[int] | None = None
    ends: list[int] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of `text` to the half-open span of the original it came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            pos = self.starts[start] if start < len(self.starts) else self.original_length
            return pos, pos
        return self.starts[start], self.ends[end - 1]


def fold(text: str) -> str:
    """Casefold and fold diacritics (keeping Nordic letters, æ → ä, ø → ö); no offsets kept."""
    # Not cached: callers fold term lists and small windows, which would only evict comments.
    folded = text.casefold()
    if len(folded) == len(text) and not _VANISHING.search(folded):
        return _translate(folded)  # the common case, without building a `Normalised`
    return _normalise_slow(text).text


def normalise(text: str, *, leet: bool = True, collapse: int | None = None) -> Normalised:
    """Fold `text` for matching; optionally undo leetspeak and collapse long letter runs.

    `collapse=n` shortens runs of more than `n` identical letters to `n` ("idiooooot" → "idioot"
    with n=2); `None` leaves runs alone.

    Every detector of a policy normalises the same comment, so results are cached (keyed on the
    exact text and flags; a `Normalised` is never modified once made).
    """
    return _normalise_cached(text, leet, collapse)


# A policy runs all its rules on one comment before the next, so a few entries suffice; a
# handful more keep interleaved callers (threads, batches) from thrashing it.
_CACHE_SIZE = 32


@lru_cache(maxsize=_CACHE_SIZE)
def _normalise_cached(text: str, leet: bool, collapse: int | None) -> Normalised:
    if collapse is not None:
        return _collapse_with_offsets(_normalise_cached(text, leet, None), collapse)
    if leet:
        # The folded form is usually wanted too (phrase kinds read it), so build on it.
        result = _normalise_cached(text, False, None)
        undone = deobfuscate(result.text)
        if undone is result.text:
            return result
        return Normalised(undone, result.original_length, result.starts, result.ends)
    return _fold(text)


_DIGIT = re.compile(r"[0-9]")


@lru_cache(maxsize=_CACHE_SIZE)
def has_digit(text: str) -> bool:
    """Whether `text` has an ASCII digit: the identifier kinds need one, most comments have none,
    and a pack asks for each comment several times."""
    return _DIGIT.search(text) is not None


def _fold(text: str) -> Normalised:
    folded = text.casefold()
    if len(folded) == len(text) and not _VANISHING.search(folded):
        # casefold never shrinks a character, so equal length means it mapped 1:1.
        return Normalised(_translate(folded), len(text))
    return _normalise_slow(text)


def _normalise_slow(text: str) -> Normalised:
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for pos, original in enumerate(text):
        for ch in original.casefold():
            if _VANISHING.match(ch):
                if out:
                    # Compose decomposed Nordic letters (a + ring → å); drop other marks but
                    # let the preceding letter's span cover them.
                    prev = out[-1]
                    if ch == _RING and prev == "a":
                        out[-1] = "å"
                    elif ch == _DIAERESIS and prev in "ao":
                        out[-1] = "ä" if prev == "a" else "ö"
                    ends[-1] = pos + 1
                continue
            out.append(_TABLE_CHARS.get(ch, ch))
            starts.append(pos)
            ends.append(pos + 1)
    return Normalised("".join(out), len(text), starts, ends)


def _run_end(text: str, pos: int) -> int:
    run = _WORD_RUN.match(text, pos)
    return run.end() if run else pos


def _in_run(ch: str) -> bool:
    r"""Whether `ch` is in `_WORD_RUN`'s class `[\w@$]`."""
    return ch.isalnum() or ch in "_@$"


# Characters `deobfuscate` walks back over one by one before asking the regex on the reversed
# text: numbers and most words are short before their first swap character.
_WALK_BACK = 4


def deobfuscate(text: str) -> str:
    """Undo digit/symbol-for-letter swaps (0→o 1→i 3→e 4→a 5→s 7→t @→a $→s) in words with letters.

    Pure numbers ("2024", "$100") are left alone. Length is preserved, so offsets still hold.
    """
    found = _LEET_CHAR.search(text)
    if found is None:
        return text
    # Expand each swap-candidate character to its word; a regex matching such words directly
    # backtracks over every word of the comment and is several times slower. Why the walk back
    # and the isdecimal test: long comments hold many numbers, and a regex call per side of
    # each cost 17 µs per long DKHate comment (docs/quality.md, speed).
    length = len(text)
    reversed_text = None  # made when a word runs back further than _WALK_BACK characters
    pieces: list[str] = []
    copied = 0  # text[:copied] is already in pieces
    while found is not None:
        pos = found.start()
        start = pos
        while start and pos - start < _WALK_BACK and _in_run(text[start - 1]):
            start -= 1
        if start and pos - start == _WALK_BACK and _in_run(text[start - 1]):
            if reversed_text is None:
                reversed_text = text[::-1]
            start = length - _run_end(reversed_text, length - pos)
        end = _run_end(text, found.end())
        word = text[start:end]
        # Only decimal digits and swap symbols: no letter (the common case, a number).
        if not word.isdecimal() and _LETTER.search(word):
            pieces.append(text[copied:start])
            pieces.append(word.translate(_LEET))
            copied = end
        found = _LEET_CHAR.search(text, end)
    if not pieces:
        return text
    pieces.append(text[copied:])
    return "".join(pieces)


def _repeat_pattern(keep: int) -> re.Pattern[str]:
    if keep < 1:
        raise ValueError("keep must be at least 1")
    return re.compile(r"([^\W\d_])\1{%d,}" % keep)  # noqa: UP031  (braces clash with f-string)


def collapse_repeats(text: str, keep: int = 2) -> str:
    """Shorten runs of more than `keep` identical letters to `keep` ("fuuuuck" → "fuuck")."""
    return _repeat_pattern(keep).sub(lambda m: m.group(1) * keep, text)


def _collapse_with_offsets(norm: Normalised, keep: int) -> Normalised:
    pattern = _repeat_pattern(keep)
    text = norm.text
    if not pattern.search(text):
        return norm
    starts = norm.starts if norm.starts is not None else list(range(len(text)))
    ends = norm.ends if norm.ends is not None else list(range(1, len(text) + 1))
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for match in pattern.finditer(text):
        run_start, run_end = match.span()
        out.append(text[last:run_start])
        new_starts.extend(starts[last:run_start])
        new_ends.extend(ends[last:run_start])
        out.append(match.group(1) * keep)
        new_starts.extend(starts[run_start : run_start + keep])
        new_ends.extend(ends[run_start : run_start + keep - 1])
        new_ends.append(ends[run_end - 1])  # the last kept letter stands for the whole run
        last = run_end
    out.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return Normalised("".join(out), norm.original_length, new_starts, new_ends)
