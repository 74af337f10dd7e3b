"""Rule kind `lexicon`: a word list matched at word starts, robust to simple obfuscation.

Matching runs on `text.normalise` output (casefolded, diacritics folded, leetspeak undone) with
one regex per rule, compiled when the rule is built. Terms only match at the start of a word,
so "Scunthorpe" never fires on "cunt". In `prefix` mode the rest of the word is accepted as
inflection or compound tail ("idioter", "idiotiske"); innocent words that merely start with a
term ("cockpit", "slutsats", "assessment") therefore belong in `allow`, or the rule should use
`word` mode. Terms of four or more letters also match spelled out ("i d i o t", "i.d.i.o.t").

Repeated letters: a letter typed three or more times in a row is stretching, and matches one
letter of a term or two ("idiooooot" is "idiot", "asssss" is "ass"). A letter typed twice is
a real double letter: it only matches a double letter of the term ("sopper" is not "soper",
"looser" not "loser"), and a double letter of the term needs two ("ass" never matches "as").

Censored letters: in a word with at least two real letters, a `*` between letters stands for
any one letter ("f*ck", "f**k", "fuc*ing"), and a `!` between letters for an i ("sh!t"). The
stars must fall within a word of a term that has two real letters of its own ("fuc*ing" is
"fuck" + "ing", but "p***y" is not "paki" + "y"), and stars around letters (markdown's
"**bold**") are not censoring. `1`, `@` and `$` are undone as leetspeak for every word.

Allow entries are matched from the start of a hit like terms, as prefixes (an entry may end in
`*` to say so). An entry only suppresses a hit when it matches at least as much of the text as
the term that hit: allow "svinek" keeps "svin" quiet in "svinekødet", but allow "svine" does
not hide the longer term "svinehund".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import islice, product
from typing import Literal, NamedTuple, TypeAlias

from pydantic import Field, field_validator

from uppsikt.rules import precompiled
from uppsikt.rules.anchors import BOUNDARY, Loose, best_anchor
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import WORD_GAP, Normalised, deobfuscate, fold, is_word_char, normalise

__all__ = ["LexiconDetector", "LexiconParams"]

ReportKind = Literal["harassment", "hate", "threat", "spam", "tone"]

# Between the words of a phrase: any mix of whitespace and the usual joiners.
_PHRASE_SEP = r"[\s\-_.*]+"
# Between the letters of a spelled-out word ("i d i o t", "i.d.i.o.t").
_SPACED_SEP = r"[\s.\-_*]"
_SPACED_MIN_LETTERS = 4  # shorter spaced-out words collide with ordinary text ("a s s")
# A hit can only be a spelled-out word where its first letter is followed by a separator.
_SPACED_GAP = re.compile(_SPACED_SEP)
# Spelled-out words must stand alone: not followed by another lone letter
# ("s l u t s a t s" is not "s l u t").
_SPACED_END = rf"(?!\w)(?!{_SPACED_SEP}\w(?!\w))"
# A spelled-out word: four or more lone letters, each but the last followed by one separator;
# greedy, so it runs as far as such letters go (see `_spelled_runs`).
_SPELLED = re.compile(WORD_GAP + r"(\w(?:" + _SPACED_SEP + r"\w){3,})(?!\w)")

# A letter typed three or more times: stretching, squeezed to its capital (see `_squeeze`).
_STRETCH = re.compile(r"([^\W\d_])\1\1+")
# Any character three times: 4x cheaper to search for than a letter three times (no category
# test per character), and most comments have neither.
_TRIPLE = re.compile(r"(.)\1\1", re.DOTALL)
# A '*' next to a letter, or '!' between letters: the comment may have censored letters.
# Led by the sign, so the search only stops at signs.
_CENSOR_HINT = re.compile(r"\*(?:(?<=[^\W\d_]\*)|(?=[^\W\d_]))|!(?<=[^\W\d_]!)(?=[^\W\d_])")
_BANG = re.compile(r"(?<=[^\W\d_])!(?=[^\W\d_])")
_STARRED = re.compile(r"[\w*]+")  # a word that may have censored letters
_MIN_REAL_LETTERS = 2  # in a word with censored letters
_MAX_READINGS = 16  # ways to fill a comment's censored words that are tried

_END = ""  # trie key marking the end of a term; real tokens are never empty
_Trie: TypeAlias = "dict[str, _Trie]"

# What a rule's regex is written against (see `_view`). Most comments have no stretched
# letters: for them literal tokens make the smallest regex, the fastest to build and run. The
# stretched regex is built on the first comment that needs it.
Flavour: TypeAlias = Literal[0, 1]
_PLAIN: Flavour = 0  # no letter typed 3+ times in the text: term letters are literal
_STRETCHED: Flavour = 1  # stretched runs squeezed to a capital: a letter also matches it
# _STRETCHED regexes ignore case, so a single letter matches itself or its capital as a plain
# literal: a `[xX]` class per letter takes twice as long to compile.
_FLAGS = (0, re.IGNORECASE)


def _normalised_entry(entry: str) -> str:
    """`normalise(entry).text`, without the comment cache: a pack has thousands of entries."""
    return deobfuscate(fold(entry))


def _check_entries(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(" ".join(v.split()) for v in values)
    for value in cleaned:
        if not _normalised_entry(value) or not re.search(r"\w", value):
            raise ValueError(f"entry {value!r} has no letters or digits")
    return cleaned


class LexiconParams(Params):
    terms: tuple[str, ...] = Field(min_length=1)
    match: Literal["word", "prefix"] = "prefix"
    allow: tuple[str, ...] = ()
    report_as: ReportKind = "harassment"
    confidence: float = Field(default=0.7, ge=0.0, le=1.0)

    @field_validator("terms", "allow")
    @classmethod
    def _entries_have_letters(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _check_entries(values)


@lru_cache(maxsize=1024)
def _compiled(source: str, flags: int = 0) -> re.Pattern[str]:
    """Compile once per process: rules share term and allow lists, and the `re` module's own
    cache is small enough for a pack's per-term patterns to evict each other."""
    return precompiled.compile(source, flags)


def _marker(ch: str) -> str | None:
    """The capital that stands for a stretched run of `ch` in the matched text, if it has one.

    Normalised text is casefolded, so a capital never occurs in it otherwise."""
    big = ch.upper()
    return big if len(big) == 1 and big != ch and big.lower() == ch else None


@lru_cache(maxsize=4096)  # a few hundred distinct runs, asked for thousands of times per pack
def _run_token(ch: str, count: int, flavour: Flavour) -> str:
    """Regex for `count` times `ch` in a term (see `_squeeze` for the text it runs on)."""
    letter = re.escape(ch)
    big = _marker(ch)
    if big is None:
        return letter + "+"  # digits and signs have no capital: any run, as always
    if flavour == _PLAIN:
        return letter * count
    exact = f"(?-i:{big})"  # a double letter never matches a single one
    return letter if count == 1 else f"(?:{letter * 2}|{exact})" if count == 2 else exact


def _tokens(term: str, flavour: Flavour = _PLAIN) -> list[str]:
    """Regex pieces for a normalised term: one per run of a letter, one per gap between words."""
    tokens: list[str] = []
    for index, word in enumerate(term.split()):
        if index:
            tokens.append(_PHRASE_SEP)
        start, length = 0, len(word)
        while start < length:
            end = start + 1
            while end < length and word[end] == word[start]:
                end += 1
            tokens.append(_run_token(word[start], end - start, flavour))
            start = end
    return tokens


def _literal_head(term: str) -> str:
    """The leading letters of a normalised term that its plain regex matches literally."""
    for index, ch in enumerate(term):
        if _marker(ch) is None:
            return term[:index]
    return term


def _anchor_piece(ch: str) -> str | None:
    """A character of a normalised term as `anchors.best_anchor` takes it. In plain text a
    letter is itself; a space (any `_PHRASE_SEP`) or a sign ("he-she": `-+`) is one or more
    characters that are not letters, digits or '_', one space in the scan text; a digit may
    be more than one."""
    if _marker(ch) is not None:
        return ch
    if ch in {" ", "_"} or not is_word_char(ch):
        return BOUNDARY
    return None


def _spelled(term: str) -> bool:
    """Whether a normalised term is also matched spelled out ("i d i o t", "i.d.i.o.t")."""
    return " " not in term and len(term) >= _SPACED_MIN_LETTERS and term.isalpha()


def _spaced_source(term: str) -> str:
    return re.escape(term[0]) + "".join(_SPACED_SEP + re.escape(ch) for ch in term[1:])


def _trie_pattern(sequences: Sequence[Sequence[str]]) -> str:
    """One alternation for many token sequences, shared prefixes factored out.

    A trie keeps matching cost close to linear in the comment length however many terms the
    rule has, where a flat `a|b|c|...` would try every term at every word start.
    """
    root: _Trie = {}
    for seq in sequences:
        node = root
        for token in seq:
            node = node.setdefault(token, {})
        node[_END] = {}
    return _emit(root)


def _emit(node: _Trie) -> str:
    branches = [tok + _emit(child) for tok, child in node.items() if tok != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END in node:
        return "(?:" + body + ")?"
    return body


def _main_source(terms: Sequence[str], tail: str, flavour: Flavour) -> str:
    """The rule's regex: a word gap, then any term, then its tail.

    Top-level alternatives are one per first token, each starting with it, which lets the
    regex engine reject an alternative on one character. Spelled-out words are not in it
    (see `_spelled_runs`): written as regex they were most of its size."""
    groups: dict[str, list[Sequence[str]]] = {}
    for term in terms:
        tokens = _tokens(term, flavour)
        groups.setdefault(tokens[0], []).append(tokens[1:])
    branches = [first + _trie_pattern(rests) + tail for first, rests in groups.items()]
    return WORD_GAP + "(?:" + "|".join(branches) + ")"


def _term_source(term: str, prefix: bool, flavour: Flavour) -> str:
    """Regex for one term at a hit; group 1 starts where the term ends and its tail begins."""
    tail = r"(\w*)" if prefix else r"(?!\w)()"
    source = "".join(_tokens(term, flavour)) + tail
    if _spelled(term):
        source += "|" + _spaced_source(term) + _SPACED_END
    return source


@lru_cache(maxsize=4096)
def _term_pattern(term: str, prefix: bool, flavour: Flavour) -> re.Pattern[str]:
    return precompiled.compile(_term_source(term, prefix, flavour), _FLAGS[flavour])


def _mask(term: str) -> str:
    return term[0] + "".join(" " if ch == " " else "*" for ch in term[1:])


# A spelled-out run: the offset of each of its letters, and the letters.
_Run: TypeAlias = tuple[tuple[int, ...], str]


def _spelled_runs(text: str) -> tuple[_Run, ...]:
    """Every spelled-out run in `text`, in order.

    A term spelled out matches where its letters are the run's, from some letter to the run's
    last: what the regex form (letters joined by separators, then not followed by another lone
    letter) said."""
    runs: list[_Run] = []
    pos = 0
    while (match := _SPELLED.search(text, pos)) is not None:
        gap = match.start()
        if text[gap] >= "\u0300" and is_word_char(text[gap]):
            pos = gap + 1  # a letter of another script: not a word start
            continue
        start, pos = gap + 1, match.end()
        offsets = tuple(range(start, pos, 2))
        runs.append((offsets, "".join(text[i] for i in offsets)))
    return tuple(runs)


class _View(NamedTuple):
    """A comment as every lexicon rule matches it, made once per comment (a tuple: cheaper to
    make than a frozen dataclass, which shows at a few µs per comment)."""

    text: str  # " " + normalised text (stretched runs squeezed); text[i] is norm.text[i - 1]
    norm: Normalised  # maps text[1:] back to the original comment
    flavour: Flavour  # _PLAIN, or _STRETCHED when runs were squeezed
    runs: tuple[_Run, ...]  # spelled-out runs in `text`
    censored: str | None  # `text` with '!' between letters read as 'i'; None: nothing censored
    starred: tuple[tuple[int, int], ...]  # spans of words with censoring stars in `censored`


@lru_cache(maxsize=32)
def _view(text: str) -> _View:
    # Cached: the rules of a pack (threats, hate, insults, profanity) all read the same view.
    norm = normalise(text)
    anchor_text = _anchor_text(text)  # what the prefilter already asked (cached)
    if type(anchor_text) is str:
        # Neither stretched nor censored: the searches below would say so again (~1 µs, ~4 µs
        # on a long comment).
        padded = " " + norm.text
        return _View(padded, norm, _PLAIN, _spelled_runs(padded), None, ())
    flavour = _PLAIN
    # Loose: stretched, as it found; None (censored): it returned before asking.
    if type(anchor_text) is Loose or _stretched(norm.text):
        norm, flavour = _squeeze(norm), _STRETCHED
    # The leading space gives the first word a gap before it, like every other word.
    padded = " " + norm.text
    censored, starred = _censoring(padded)
    return _View(padded, norm, flavour, _spelled_runs(padded), censored, starred)


def _censoring(padded: str) -> tuple[str | None, tuple[tuple[int, int], ...]]:
    """The censored reading of `padded` ('!' between letters read as 'i') and the spans of its
    starred words; (None, ()) when neither is there. Stars only at a word's edges ("*suk*",
    markdown) censor nothing: that reading would be the text itself, with the same hits."""
    if ("*" not in padded and "!" not in padded) or _CENSOR_HINT.search(padded) is None:
        return None, ()
    censored = _BANG.sub("i", padded) if "!" in padded else padded
    starred = _starred_words(censored)
    if censored is padded and not starred:
        return None, ()
    return censored, starred


@lru_cache(maxsize=32)
def _anchor_text(text: str) -> str | None:
    """What a hit of a lexicon rule in `text` needs an anchor in (rules/anchors.py):
    `normalise(text).text`, as `Loose` when letters are stretched (the rules then read them
    squeezed), or None when letters are censored (a hit may be a reading of a starred word).
    Cheaper than `_view`, which a comment the anchor scan rules out never needs."""
    plain = normalise(text).text
    if ("*" in plain or "!" in plain) and _censoring(" " + plain)[0] is not None:
        return None
    return Loose(plain) if _stretched(plain) else plain


def _stretched(text: str) -> bool:
    """Whether some letter of `text` is typed three or more times in a row."""
    pos = 0
    while (triple := _TRIPLE.search(text, pos)) is not None:
        if _STRETCH.match(text, triple.start()) is not None:
            return True
        pos = triple.end()  # "!!!", "...": go on after the run's first three
    return False


def _squeeze(norm: Normalised) -> Normalised:
    """Replace every run of three or more of a letter by its capital (one character).

    A term letter then matches its letter or the capital, and a term double letter matches
    the double or the capital, which is exactly the stretching rule of the module docstring."""
    text = norm.text
    starts = norm.starts if norm.starts is not None else list(range(len(text)))
    ends = norm.ends if norm.ends is not None else list(range(1, len(text) + 1))
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for match in _STRETCH.finditer(text):
        big = _marker(match.group(1))
        if big is None:
            continue
        run_start, run_end = match.span()
        out.append(text[last:run_start])
        new_starts.extend(starts[last:run_start])
        new_ends.extend(ends[last:run_start])
        out.append(big)
        new_starts.append(starts[run_start])
        new_ends.append(ends[run_end - 1])
        last = run_end
    if not last:
        return norm
    out.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return Normalised("".join(out), norm.original_length, new_starts, new_ends)


def _starred_words(text: str) -> tuple[tuple[int, int], ...]:
    """Spans of the words whose '*'s stand for letters: each star sits between letters of its
    word, and the word has at least two real letters. Markdown bold ("**H**vad", "TL;DR**")
    puts stars around letters, never only between them."""
    spans = []
    for match in _STARRED.finditer(text):
        word = match.group()
        if (
            "*" in word
            and word[0] != "*"
            and word[-1] != "*"
            and sum(ch.isalpha() for ch in word) >= _MIN_REAL_LETTERS
        ):
            spans.append(match.span())
    return tuple(spans)


@register("lexicon", params=LexiconParams, vocabulary="lexicon")
class LexiconDetector:
    """Finds the rule's terms in a comment; `reports_as` tells the engine which verdict kind."""

    __slots__ = (
        "_allow",
        "_allow_patterns",
        "_anchors",
        "_by_first",
        "_confidence",
        "_heads",
        "_label",
        "_patterns",
        "_prefix",
        "_reports_as",
        "_spelled",
        "_terms",
        "_words",
    )

    def __init__(self, params: LexiconParams) -> None:
        self._reports_as: str = params.report_as
        self._confidence = params.confidence
        self._label = f"lexicon: {params.report_as}"
        self._prefix = params.match == "prefix"

        # (normalised term, original term) longest first, so the reported term is the most
        # specific one that matched ("idioter" over "idiot" when both are listed).
        self._terms = sorted(
            {_normalised_entry(t): t for t in params.terms}.items(), key=lambda kv: -len(kv[0])
        )
        # Terms by first letter, in that order: only these can name a hit starting with it.
        by_first: dict[str, list[int]] = {}
        for index, (norm, _) in enumerate(self._terms):
            by_first.setdefault(norm[0], []).append(index)
        self._by_first = {first: tuple(indices) for first, indices in by_first.items()}
        self._heads = [_literal_head(norm) for norm, _ in self._terms]
        self._spelled = frozenset(norm for norm, _ in self._terms if _spelled(norm))
        self._anchors: tuple[str, ...] | None = None  # made on first need (`anchors`)
        # Words of the terms by first letter, for censored words; made when first needed.
        self._words: dict[str, tuple[str, ...]] | None = None

        # One regex per flavour, built when first needed; every comment needs the plain one.
        self._patterns: list[re.Pattern[str] | None] = [None, None]
        self._pattern(_PLAIN)

        # Longest first: the alternation then reports the longest entry that matches. Compiled
        # on the first hit (most comments have none). A trailing '*' only says "prefix".
        self._allow = sorted(
            dict.fromkeys(_normalised_entry(a).removesuffix("*").rstrip() for a in params.allow),
            key=len,
            reverse=True,
        )
        self._allow_patterns: list[re.Pattern[str] | None] = [None, None]

    @property
    def reports_as(self) -> str:
        return self._reports_as

    @property
    def anchors(self) -> tuple[str, ...]:
        if self._anchors is None:
            # In plain text each term's regex matches its letter runs literally: the best is an
            # anchor for the pack's one-scan prefilter (rules/anchors.py, `anchor_text` below).
            # On DKHate each lexicon rule then runs on about the comments it hits (profanity
            # 287 for 286 hits, harassment 131 for 124), not on all 3,600.
            anchors = dict.fromkeys(
                best_anchor(
                    [BOUNDARY]  # a word gap before the term, and between its words
                    + [_anchor_piece(ch) for ch in norm]
                )
                for norm, _ in self._terms
            )
            # A term spelled out ("i d i o t") is its letters one gap apart in the scan text.
            anchors.update((BOUNDARY + BOUNDARY.join(norm), None) for norm in self._spelled)
            self._anchors = () if "" in anchors else tuple(anchors)
        return self._anchors

    def anchor_text(self, text: str) -> str | None:
        """The text a hit needs an anchor in (see `_anchor_text`)."""
        return _anchor_text(text)

    def _pattern(self, flavour: Flavour) -> re.Pattern[str]:
        pattern = self._patterns[flavour]
        if pattern is None:
            tail = r"\w*" if self._prefix else r"(?!\w)"
            terms = [norm for norm, _ in self._terms]
            pattern = _compiled(_main_source(terms, tail, flavour), _FLAGS[flavour])
            self._patterns[flavour] = pattern
        return pattern

    def _allow_pattern(self, flavour: Flavour) -> re.Pattern[str] | None:
        if not self._allow:
            return None
        pattern = self._allow_patterns[flavour]
        if pattern is None:
            source = "|".join("".join(_tokens(a, flavour)) for a in self._allow if a)
            pattern = self._allow_patterns[flavour] = _compiled(source, _FLAGS[flavour])
        return pattern

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        view = _view(text)
        first = None
        if view.flavour == _PLAIN and not view.runs:
            first = self._pattern(_PLAIN).search(view.text)
            if first is None and view.censored is None:
                return []  # most comments: one search, nothing found
        findings = self._scan(view, view.text, view.runs, first)
        if view.censored is not None:
            # Censored readings only add hits where the plain reading found none.
            taken = [(f.start, f.end) for f in findings]
            for reading in self._readings(view.censored, view.starred):
                runs = _spelled_runs(reading) if reading is not view.text else view.runs
                for finding in self._scan(view, reading, runs):
                    if not any(finding.start < e and s < finding.end for s, e in taken):
                        findings.append(finding)
                        taken.append((finding.start, finding.end))
            findings.sort(key=lambda f: (f.start, f.end))
        return findings

    def _readings(self, text: str, starred: tuple[tuple[int, int], ...]) -> list[str]:
        """`text` with its censored words filled in with words of the rule's terms, every way
        that fits (at most `_MAX_READINGS`); words nothing fits stay as they are."""
        if not starred:
            return [text]
        words = self._words
        if words is None:
            found: dict[str, dict[str, None]] = {}
            for norm, _ in self._terms:
                for word in norm.split():
                    found.setdefault(word[0], {})[word] = None
            words = self._words = {first: tuple(group) for first, group in found.items()}
        choices = []
        for start, end in starred:
            word = text[start:end]
            fills = [
                (start, end, fill)
                for candidate in words.get(word[0].lower(), ())
                if (fill := self._fill(word, candidate)) is not None
            ]
            choices.append(fills)
        readings = []
        for reading in islice(product(*[c for c in choices if c]), _MAX_READINGS):
            chars = list(text)
            for start, end, fill in reading:
                chars[start:end] = fill
            readings.append("".join(chars))
        return readings

    def _fill(self, word: str, candidate: str) -> str | None:
        """`word` read as `candidate` (a word of a term), or None if it cannot be.

        The stars must all stand for letters of `candidate`, with at least two real letters
        among them; in prefix mode real letters may follow as the tail ("fuc*ing" is "fuck" +
        "ing", but "p***y" is not "paki" + "y")."""
        size = len(candidate)
        if size > len(word) or (size < len(word) and (not self._prefix or "*" in word[size:])):
            return None
        head = word[:size]
        if sum(ch.isalpha() for ch in head) < _MIN_REAL_LETTERS:
            return None
        if not all(
            ch in ("*", c) or ch.lower() == c for ch, c in zip(head, candidate, strict=True)
        ):
            return None
        return candidate + word[size:]

    def _scan(
        self,
        view: _View,
        text: str,
        runs: tuple[_Run, ...],
        first: re.Match[str] | None = None,  # the search from 0, if already made
    ) -> list[Finding]:
        findings: list[Finding] = []
        flavour = view.flavour
        spelled = self._spelled_hits(runs) if runs and self._spelled else []
        search = self._pattern(flavour).search
        pos = 0
        while True:
            match, first = first or search(text, pos), None
            while match is not None and text[match.start()] >= "\u0300":
                if not is_word_char(text[match.start()]):
                    break
                match = search(text, match.start() + 1)  # another script's letter: no gap
            # A spelled-out word wins over a later hit; at the same start a plain term wins,
            # as it came first in the regex these were once part of.
            while spelled and spelled[0][0] <= pos:
                spelled.pop(0)
            if spelled and (match is None or spelled[0][0] < match.start() + 1):
                start, pos = spelled.pop(0)
            elif match is not None:
                start, pos = match.start() + 1, match.end()
            else:
                return findings
            term, term_end = self._term_at(text, start, flavour)
            if self._allowed(text, start, term_end, flavour):
                continue
            orig_start, orig_end = view.norm.original_span(start - 1, pos - 1)
            findings.append(
                Finding(
                    start=orig_start,
                    end=orig_end,
                    confidence=self._confidence,
                    label=self._label,
                    mask=_mask(term),
                )
            )

    def _spelled_hits(self, runs: tuple[_Run, ...]) -> list[tuple[int, int]]:
        """(start, end) of each place a listed term is spelled out: from any letter of a run
        whose letters from there to the run's end spell the term."""
        hits = []
        for offsets, letters in runs:
            for index in range(len(letters) - _SPACED_MIN_LETTERS + 1):
                if letters[index:] in self._spelled:
                    hits.append((offsets[index], offsets[-1] + 1))
        return hits

    def _allowed(self, text: str, start: int, term_end: int, flavour: Flavour) -> bool:
        """An allow entry matches here, and at least as far as the term: the longer wins."""
        allow = self._allow_pattern(flavour)
        if allow is None:
            return False
        match = allow.match(text, start)
        return match is not None and match.end() >= term_end

    def _term_at(self, text: str, start: int, flavour: Flavour) -> tuple[str, int]:
        """The listed term that matched at `start` and where it ends (before its tail).

        Per-term patterns only name the term for the mask; compiled on first use."""
        candidates = self._by_first.get(text[start].lower(), ())
        # In plain text a term's leading letters are literal, so a term whose letters are not
        # there can only match spelled out: most candidates are ruled out without a regex.
        literal = flavour == _PLAIN and _SPACED_GAP.match(text, start + 1) is None
        for index in candidates:
            norm, original = self._terms[index]
            if literal and not text.startswith(self._heads[index], start):
                continue
            match = _term_pattern(norm, self._prefix, flavour).match(text, start)
            if match is not None:
                return original, match.start(1) if match.start(1) >= 0 else match.end()
        # Unreachable: the rule's regex matched one of them.
        norm, original = self._terms[candidates[-1] if candidates else -1]
        return original, start + len(norm)
