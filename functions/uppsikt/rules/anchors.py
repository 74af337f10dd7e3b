"""Literal anchors: one scan per comment tells a pack which text rules cannot hit it.

A lexicon, phrase or grammar rule can only hit a comment whose normalised text holds one of its
*anchors*: for each of its terms, a run of characters its regex matches literally (the most
telling one, `best_anchor`), read in the `scan_text` where every word gap is one space. Most
comments hold no anchor of most rules, and one Aho–Corasick scan finds every anchor of every
rule at once, where each rule's own regex is a separate backtracking pass over the comment.
The policy engine (`policy/engine.py`) runs a rule only when the scan found one of its anchors,
or when the rule says that, for this text, its anchors are not a necessary condition
(`Anchored.anchor_text` is None: a lexicon rule on a comment with censored letters, a spam
rule on a comment where its links could count). Phrase and grammar kinds read the folded text
(`text.normalise(text, leet=False)`), lexicon and spam rules the text with leetspeak undone:
each distinct text is scanned once per comment. Two refinements: a `Loose` anchor text
(stretched letters) is scanned with every run of a letter read as one, and a rule whose hit
needs several anchors together (a construction: a word of each slot) gives `Needs`.

This is a prefilter only: a rule that runs still decides with its own regex, so hits, spans and
rule ids are exactly what they were without it (`bench/anchor_identity.py`,
tests/unit/rules/test_anchors.py). On DKHate it took the baseline pack from 121 to 93 µs per
comment in one run (docs/quality.md, "Anchor prefilter").

Engine: pyahocorasick (a C extension; 0.3 MB on x86_64, 0.1 MB wheel on arm64, 0.5 ms import;
builds the automaton of the baseline pack's 2,480 anchors in 2-4 ms, on the first comment).
Compared in `bench/speed.py` with ahocorasick-rs (as fast, 3x the size), Hyperscan (no arm64
wheel, 100+ ms to build) and one `re` alternation (cannot report overlapping anchors).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import ahocorasick

__all__ = [
    "BOUNDARY",
    "AnchorScan",
    "Anchored",
    "Loose",
    "Needs",
    "best_anchor",
    "loosen",
    "scan_text",
]


@runtime_checkable
class Anchored(Protocol):
    """A detector whose hits need one of its `anchors` in the folded text (see module doc)."""

    @property
    def anchors(self) -> tuple[str, ...]: ...

    def anchor_text(self, text: str) -> str | None:
        """The normalised text a hit in `text` needs an anchor in; None: run the rule. It
        depends on `text` alone, never on the rule's params: the engine reads it once per
        detector class and comment, unless the class sets `ANCHOR_TEXT_PER_RULE`."""
        ...


class Loose(str):
    """An anchor text whose letters may be stretched ("idiooooot", "www"): a rule reading it
    matches a letter typed three or more times where its term has that letter once or twice.
    Its anchors are then looked for with every run of one letter read as one letter, in the
    text and in the anchors alike (`loosen`), which is still a necessary condition: each of a
    term's letter runs matches part of one run of the text, and neighbouring runs differ.
    The engine scans it with `AnchorScan.present_loose`, never from a plain text's cache."""

    __slots__ = ()


_REPEATS = re.compile(r"(\w)\1+")


def loosen(text: str) -> str:
    """`text` with every run of one word character read as one ("www" is "w")."""
    return _REPEATS.sub(r"\1", text)


# In `best_anchor`'s pieces: the text has a word gap here (one or more characters that are
# not letters, digits or '_'), so the next literal starts a word.
BOUNDARY = " "
_NOT_WORD = re.compile(r"[\W_]+")


# Every ASCII byte that is not a letter or digit becomes a space; bytes of UTF-8 sequences
# (0x80 and up) stay as they are.
_ASCII_GAPS = bytes(b if b >= 0x80 or chr(b).isalnum() else 0x20 for b in range(256))
# A character above ASCII that is not a word character (NBSP, a dash, an emoji, a mark).
_OTHER_GAP = re.compile(r"[^\x00-\x7f\w]")


def scan_text(folded: str) -> str:
    """What the anchors are looked for in: the folded text with every run of characters that
    are not letters or digits made one space, and a space in front (so " idiot" is "idiot" at
    a word start, and "kender" does not hold the anchor " end")."""
    if not folded.isascii() and _OTHER_GAP.search(folded) is not None:
        return " " + _NOT_WORD.sub(" ", folded)
    # Why: the substitution costs ~50 ns per character in `re` (a match object per gap); when
    # every gap is ASCII, bytes.translate and split do the same in C at a few ns per character.
    # The result is the same string (tests/unit/rules/test_anchors.py).
    data = folded.encode().translate(_ASCII_GAPS)
    words = data.split()
    lead = b"  " if data[:1] == b" " else b" "
    trail = b" " if words and data[-1:] == b" " else b""
    return (lead + b" ".join(words) + trail).decode()


# Words so frequent in Nordic and English comments that an anchor on them rules out little:
# `best_anchor` takes another run of the term where it has one. Speed only, never hits.
_FREQUENT = frozenset(
    """
    a af al alle alt at av bare blev ble bli blir da dag de dem den denne der deres det dette
    dig din dine ditt du där då eg ej eller en end er et ett fick fik fikk for fra från få får
    för ga gik gikk gjorde godt gå går ha had han har hans hele hen her hos hun hur hva hvad
    hvis hvor i ig ikke ind ingen inn inte jag jeg kan kom komme kommer kun kunne lige man mange
    med meg men mere mer mig min mine mitt mod må na nei ned nej noe noget nogen nok nu nå når
    och også og om op opp os oss over på sa se selv sig sin sina sine sitt ska skal skulle slik
    som så ta tag tage til till tog ud ut va vad var ved vi vil vill ville vore vår vära är är
    än ät the he she it is are was were be been to of and or in on at for with you your yours we
    they them their this that not no do does did have has will would can could should just get
    got go going so if all my me our out up down off one
    """.split()  # noqa: SIM905  (a list per word would be 250 lines)
)


def best_anchor(pieces: Sequence[str | None]) -> str:
    """The anchor of one term: its most telling run of literal pieces as `scan_text` has them.

    `pieces` are the term's literal word characters, BOUNDARY where the text must have a word
    gap (before the term, between its words: `scan_text` makes any gap one space), and None
    for anything else (a tail, a separator that may be left out, a character the regex may
    match otherwise, a non-word character). Every maximal run without a None is in the scan
    text wherever the term matches; the one with the most letters wins, a frequent word
    counting as one letter and a run that starts a word as three more ("ut med dem" is the
    anchor " ut med dem", not " dem")."""
    best, best_score = "", -1
    run: list[str] = []
    for piece in (*pieces, None):
        if piece is not None:
            run.append(piece)
            continue
        anchor = "".join(run).rstrip(BOUNDARY)
        run = []
        if not anchor.strip(BOUNDARY):
            continue
        words = anchor.split()
        score = sum(1 if word in _FREQUENT else len(word) for word in words)
        score += 3 if anchor.startswith(BOUNDARY) else 0
        if (score, len(anchor)) > (best_score, len(best)):
            best, best_score = anchor, score
    return best


@dataclass(frozen=True, slots=True)
class Needs:
    """What a rule's hit needs beyond one anchor: any one of `options`, each a tuple of anchor
    groups that must all be there (a construction needs a word of each of its slots: "modal
    ~3 verb" a modal and a verb). A group without anchors (a term with no literal run) is
    always there. Each option's first group should be its rarest (a verb, not a pronoun):
    the options are only tried on a comment that holds one of those."""

    options: tuple[tuple[tuple[str, ...], ...], ...]


class AnchorScan:
    """One automaton over the anchors of several rules; `present` gives a bit per rule. Group
    `i` is rule bit `1 << i`: its anchors (any one will do), or its `Needs`. A rule without
    anchors has its bit set always: it always runs."""

    __slots__ = (
        "_always",
        "_automata",
        "_keys",
        "_masks",
        "_needs",
        "_rule_bits",
    )

    def __init__(self, groups: Sequence[tuple[str, ...] | Needs]) -> None:
        self._always = 0
        # Rules with Needs: (their bit, their options' first groups, one mask per option).
        self._needs: list[tuple[int, int, tuple[int, ...]]] = []
        self._keys = 0  # every Needs rule's keys
        extra = len(groups)  # Needs' groups take the bits after the rules' own
        self._rule_bits = (1 << extra) - 1
        main: dict[str, int] = {}  # the rules' anchors and the Needs' keys
        group_bits: dict[tuple[str, ...], int] = {}  # options share groups (one verb list)
        for index, group in enumerate(groups):
            bit = 1 << index
            if isinstance(group, Needs):
                options: list[int] = []
                keys = 0  # the options' first groups: one of them must be there
                for option in group.options:
                    option_mask = 0
                    for anchors in option:
                        if anchors and "" not in anchors:
                            if anchors not in group_bits:
                                group_bits[anchors] = 1 << extra
                                extra += 1
                            option_mask |= group_bits[anchors]
                    options.append(option_mask)
                    # Any group of an option is a key (all must be there): the first if
                    # it has anchors, else its lowest bit.
                    first = group_bits.get(option[0], 0) if option else 0
                    keys |= first or option_mask & -option_mask
                if not options or 0 in options:
                    self._always |= bit  # an option with no anchored group: always possible
                else:
                    self._needs.append((bit, keys, tuple(options)))
                    self._keys |= keys
            elif not group:
                self._always |= bit
            else:
                _add(main, group, bit)
        # The other groups of the options (modals, pronouns, "og") are frequent words: each
        # found anchor costs a step of the loop in `present`, so they are looked for in a
        # second automaton, only in a comment that holds a key.
        rest: dict[str, int] = {}
        for anchors, bit in group_bits.items():
            _add(main if bit & self._keys else rest, anchors, bit)
        self._masks = (main, rest)
        # Made on first need: [plain main, plain rest, loose main, loose rest].
        self._automata: list[ahocorasick.Automaton | None] = [None] * 4

    def _automaton_for(self, which: int) -> ahocorasick.Automaton:
        automaton = self._automata[which]
        if automaton is None:
            masks = self._masks[which % 2]
            if which >= 2:
                loose: dict[str, int] = {}
                for anchor, bits in masks.items():
                    key = loosen(anchor)
                    loose[key] = loose.get(key, 0) | bits
                masks = loose
            automaton = self._automata[which] = _automaton(masks)
        return automaton

    def _scan(self, text: str, loose: int) -> int:
        mask = self._always
        if self._masks[0]:
            for _, bits in self._automaton_for(loose).iter(text):
                mask |= bits
        if not mask & self._keys:
            return mask & self._rule_bits
        if self._masks[1]:
            for _, bits in self._automaton_for(loose + 1).iter(text):
                mask |= bits
        for bit, keys, options in self._needs:
            if mask & keys:
                for option in options:
                    if mask & option == option:
                        mask |= bit
                        break
        # The groups' own bits are not rules'.
        return mask & self._rule_bits

    def present(self, text: str) -> int:
        """The bits of the rules that may hit `text` (a `scan_text`): an anchor of theirs is
        in it, or all groups of one of their Needs' options are."""
        return self._scan(text, 0)

    def present_loose(self, text: str) -> int:
        """`present` for a `Loose` anchor text (already a `scan_text`): anchors and text with
        every run of a letter read as one letter."""
        return self._scan(loosen(text), 2)


def _add(masks: dict[str, int], anchors: tuple[str, ...], bit: int) -> None:
    for anchor in anchors:
        masks[anchor] = masks.get(anchor, 0) | bit


def _automaton(masks: dict[str, int]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for anchor, mask in masks.items():
        automaton.add_word(anchor, mask)
    if masks:
        automaton.make_automaton()
    return automaton
