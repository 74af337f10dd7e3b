"""Rule kind `threat_grammar`: threats found by construction, not by whole sentences.

A threat is a shape more than a phrase: a normative modal before a violent verb in any voice
("X bør dræbes", "nogen burde skyde X", "should be shot"), a first person before one
("jeg slår jer alle ihjel", "I will kill you"), a wish before a harm ("jag hoppas att du dör"),
a violent verb turned on the addressee ("dræb dig selv", "kill yourself"). The rule's params
hold, per language, word lists for each *slot* (verbs as stems with their inflections, modals,
first-person subjects, wish frames, ...) and, shared by all languages, the *constructions*: slot
names joined by `~N` (up to N words between them, within one sentence).

Slot term syntax (folded like every text kind: case and æ/ä, ø/ö do not matter):

- words match at word starts; a trailing `*` accepts any ending ("dræb*" is dræbe, dræber,
  dræbes, dræbt), so one stem covers present, past, participle, infinitive and -s passive;
- `_` as a word stands for up to three words of any kind ("slå* _ ihjel" finds "slår jer
  alle ihjel");
- a leading `^` anchors the term at the start of a sentence ("^bare" is the Danish wish
  "Bare de ville ...", not every "bare").

A construction match is dropped when, in its clause, a negation comes before its end ("jeg vil
ikke slå dig ihjel"); when a reporting cue comes before it in its sentence ("han skrev, at ...",
"når du skriver, at ...", "beskeder om, at vi bør dræbes"); or when it is inside quotation
marks. Words from `allow` at a match's verb (the pack's innocent continuations, "skyde mødet i
gang") keep it quiet as they do for the lexicon rule. A negation inside one of the grammar's
`affirming` terms is not one ("kan ikke fordrage X", "X er ikke mennesker", "can't stand X").

The same machinery is registered twice: `threat_grammar` reports `threat`, `hate_grammar`
reports `hate` (derogation, dehumanisation and expulsion calls over protected-group nouns).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import islice

from pydantic import BaseModel, ConfigDict, Field, field_validator

from uppsikt.rules import precompiled
from uppsikt.rules.anchors import BOUNDARY, Needs, best_anchor
from uppsikt.rules.phrases import Phrase, PhraseMatcher, shared_matcher
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import fold, is_word_char, normalise

__all__ = ["Grammar", "HateGrammarDetector", "ThreatGrammarDetector", "ThreatGrammarParams"]

_SENTENCE_END = ".!?;\n"
# Between two words of a term or a construction: no sentence end crossed.
_GAP = r"[^\w.!?;\n]+"
_ANY_WORD = r"[\w'’]+"
_TERM_GAP_WORDS = 3  # what `_` stands for
_CLAUSE_BREAK = re.compile(r"[,:.!?;\n]|\s[-–—]\s")
_SENTENCE_BREAK = re.compile(r"[.!?;\n]")
_QUOTED = re.compile(r"[\"“”«»„]([^\"“”«»„]*)[\"“”«»„]|(?<!\w)['‘]([^'‘’]+)['’](?!\w)")
_CONSTRUCTION_STEP = re.compile(r"~(\d+)")
_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"\w")
# Around an anchor word: enough for the longest construction before it (first slot, ~8 words,
# a conjunction, ~1 word) and a particle or object after it ("slår | jer alle ihjel").
_WORDS_BEFORE = 16
_WORDS_AFTER = 5


class Grammar(BaseModel):
    """One language's slots: each a list of terms (module docstring)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    slots: dict[str, tuple[str, ...]]
    negations: tuple[str, ...] = ()
    reporting: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    affirming: tuple[str, ...] = ()  # terms whose negation word does not negate

    @field_validator("slots")
    @classmethod
    def _slots_are_usable(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for name, terms in value.items():
            if not re.fullmatch(r"[a-z_]+", name):
                raise ValueError(f"slot name {name!r} must be lower-case letters and _")
            for term in terms:
                _check_term(term)  # raises ValueError with the reason
        return value


class Construction(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z_-]+$")
    pattern: str  # "modal ~4 verb"
    # The slot whose words must be in a comment for the construction to be tried: its content
    # (the verb, the harm), not a pronoun. Default: the last slot.
    anchor: str | None = None


class ThreatGrammarParams(Params):
    constructions: tuple[Construction, ...] = Field(min_length=1)
    languages: dict[str, Grammar] = Field(min_length=1)
    confidence: float = Field(default=0.8, ge=0.0, le=1.0)

    @field_validator("constructions")
    @classmethod
    def _patterns_parse(cls, value: tuple[Construction, ...]) -> tuple[Construction, ...]:
        for construction in value:
            slots = [slot for slot, _ in _steps(construction.pattern)]
            if construction.anchor is not None and construction.anchor not in slots:
                raise ValueError(
                    f"construction {construction.name!r}: anchor is not one of its slots"
                )
        return value


def _steps(pattern: str) -> list[tuple[str, int]]:
    """`"modal ~4 verb"` as [(modal, 0), (verb, 4)]: each slot and the words allowed before it."""
    steps: list[tuple[str, int]] = []
    gap = 0
    for piece in pattern.split():
        step = _CONSTRUCTION_STEP.fullmatch(piece)
        if step is not None:
            if not steps:
                raise ValueError(f"construction {pattern!r} starts with a gap")
            gap = int(step.group(1))
        elif re.fullmatch(r"[a-z_]+", piece):
            steps.append((piece, gap))
            gap = 0
        else:
            raise ValueError(f"construction {pattern!r}: {piece!r} is neither a slot nor ~N")
    if not steps:
        raise ValueError(f"construction {pattern!r} names no slot")
    return steps


def _check_term(term: str) -> list[str]:
    """A term's folded words (a leading `^` kept on the first); ValueError when malformed. Cheap,
    so that validating a pack does not build the regexes compiled on first need."""
    words = fold(" ".join(term.split())).split()
    bare = [words[0].removeprefix("^"), *words[1:]] if words else []
    if not bare or not bare[0] or bare[0] == "_" or bare[-1] == "_":
        raise ValueError(f"term {term!r} must start and end with a word")
    for word in bare:
        stem = word.removesuffix("*")
        if word != "_" and (not stem or "*" in stem or not _WORD_START.match(stem)):
            raise ValueError(f"term {term!r}: bad word {word!r}")
    return words


def _term_source(term: str) -> str:
    words = _check_term(term)
    anchored = words[0].startswith("^")
    words[0] = words[0].removeprefix("^")
    parts: list[str] = []
    for word in words:
        if word == "_":
            parts.append(f"(?:{_ANY_WORD}{_GAP}){{0,{_TERM_GAP_WORDS}}}?")
            continue
        stem = word.removesuffix("*")
        tail = r"\w*" if word.endswith("*") else r"(?!\w)"
        parts.append(re.escape(stem) + tail + "\x00")
    source = "".join(parts).replace("\x00(?:", _GAP + "(?:").replace("\x00", _GAP)
    source = source.removesuffix(_GAP)
    # The word-start guard is the alternation's, once for all its terms (`_alternation`).
    head = r"(?:^|(?<=[.!?;\n])|(?<=[.!?;\n]\s))" if anchored else ""
    return head + source


def _term_pieces(term: str) -> list[str | None]:
    """A term as `anchors.best_anchor` takes it: a word gap before it and between its words
    (`_GAP`, one space in the scan text), its stems' letters, None for a tail (`*`), for `_`
    and for a sign inside a word. A term anchored with `^` follows a sentence end or the
    start of the text: a gap too."""
    pieces: list[str | None] = []
    for word in _check_term(term):
        pieces.append(BOUNDARY)
        if word == "_":
            pieces.append(None)
            continue
        stem = word.removeprefix("^").removesuffix("*")
        pieces += [ch if is_word_char(ch) and ch != "_" else None for ch in stem]
        if word.endswith("*"):
            pieces.append(None)
    return pieces


def _alternation(terms: Sequence[str]) -> str:
    # Longest first, so the alternation reports the most specific term.
    ordered = sorted(dict.fromkeys(terms), key=len, reverse=True)
    return r"(?<!\w)(?:" + "|".join(_term_source(t) for t in ordered) + ")"


@dataclass(frozen=True, slots=True)
class _Cues:
    """What keeps a construction quiet: negation, reporting, innocent continuations."""

    negation: re.Pattern[str] | None
    reporting: re.Pattern[str] | None
    allow: re.Pattern[str] | None
    affirming: re.Pattern[str] | None


def _compile_cues(
    negations: Sequence[str],
    reporting: Sequence[str],
    allow: Sequence[str],
    affirming: Sequence[str] = (),
) -> _Cues:
    def optional(terms: Sequence[str]) -> re.Pattern[str] | None:
        return precompiled.compile(_alternation(terms)) if terms else None

    return _Cues(optional(negations), optional(reporting), optional(allow), optional(affirming))


@dataclass(frozen=True, slots=True)
class _Language:
    pattern: re.Pattern[str]  # one named group per construction
    names: dict[str, str]  # regex group -> construction name
    cues: _Cues


def _compile_language(grammar: Grammar, constructions: Sequence[Construction]) -> _Language:
    slots = {name: _alternation(terms) for name, terms in grammar.slots.items() if terms}
    branches: list[str] = []
    names: dict[str, str] = {}
    for index, construction in enumerate(constructions):
        steps = _steps(construction.pattern)
        if any(slot not in slots for slot, _ in steps):
            continue  # this language has no words for one of its slots
        body = ""
        for position, (slot, gap) in enumerate(steps):
            if position:
                body += f"{_GAP}(?:{_ANY_WORD}{_GAP}){{0,{gap}}}?"
            body += slots[slot]
        branches.append(f"(?P<c{index}>{body})")
        names[f"c{index}"] = construction.name
    pattern = precompiled.compile("|".join(branches) if branches else r"(?!)")
    cues = _compile_cues(grammar.negations, grammar.reporting, grammar.allow, grammar.affirming)
    return _Language(pattern, names, cues)


@register("threat_grammar", params=ThreatGrammarParams, vocabulary="threat")
class ThreatGrammarDetector:
    """Finds threat constructions in any of the rule's languages (only the item's language
    when it is known and the rule has a grammar for it)."""

    __slots__ = (
        "_anchors",
        "_any_cues",
        "_compiled",
        "_confidence",
        "_needs",
        "_params",
        "_prefilter",
    )
    _REPORTS_AS = "threat"

    def __init__(self, params: ThreatGrammarParams) -> None:
        self._params = params
        self._confidence = params.confidence
        # Every construction ends in its content slot (the verb, the harm): a comment without
        # one of those words, in any language, has no construction. One trie scan finds them
        # (the longest gap-free piece of each term), and tells which languages to try where;
        # the construction regexes are compiled on the first comment that needs them.
        anchors: list[Phrase[str]] = []
        for lang, grammar in params.languages.items():
            slots = {
                construction.anchor or _steps(construction.pattern)[-1][0]
                for construction in params.constructions
            }
            # Words of the other slots (pronouns, modals, "selv") are too common to anchor on.
            common = {
                word
                for name, terms in grammar.slots.items()
                if name not in slots
                for term in terms
                for word in fold(term).split()
            }
            for slot in slots:
                anchors.extend(
                    Phrase(_anchor(t, common), lang) for t in grammar.slots.get(slot, ())
                )
        # Shared: the packs that extend the baseline have the same rule, compiled once.
        self._anchors: PhraseMatcher[str] = shared_matcher(dict.fromkeys(anchors))
        self._prefilter: tuple[str, ...] | None = None  # made on first need (`anchors`)
        self._needs: Needs | None = None  # made on first need (`anchor_needs`)
        self._compiled: dict[str, _Language] = {}
        self._any_cues: _Cues | None = None

    @property
    def anchors(self) -> tuple[str, ...]:
        if self._prefilter is None:
            # Every hit holds a whole term of a content slot: its best run is an anchor,
            # more telling than one word of it (on DKHate the rule ran on 261 comments instead
            # of 610; 7 hit). The engine's prefilter reads `anchor_needs`, which also asks
            # for the other slots; these alone remain a necessary condition (tests, bench).
            found: dict[str, None] = {}
            params = self._params
            slots = {c.anchor or _steps(c.pattern)[-1][0] for c in params.constructions}
            for grammar in params.languages.values():
                for slot in slots:
                    for term in grammar.slots.get(slot, ()):
                        found[best_anchor(_term_pieces(term))] = None
            self._prefilter = () if "" in found else tuple(found)
        return self._prefilter

    @property
    def anchor_needs(self) -> Needs:
        """A construction matches in one language's words, a term of each of its slots, so an
        anchor of each (the best run of every term of the slot): one option per construction
        and language that has all its slots. On DKHate the content anchors alone let the
        threat rule run on 261 comments for 7 hits, mostly on "dø" without a modal, a wish
        or a first person, and on a Danish verb after an English "I"."""
        if self._needs is None:
            options: dict[tuple[tuple[str, ...], ...], None] = {}
            groups: dict[tuple[str, str], tuple[str, ...]] = {}  # by language and slot
            for construction in self._params.constructions:
                steps = [slot for slot, _ in _steps(construction.pattern)]
                content = construction.anchor or steps[-1]
                # The content slot first: AnchorScan tries the options where one of it is.
                slots = list(dict.fromkeys([content, *steps]))
                for lang, grammar in self._params.languages.items():
                    if any(not grammar.slots.get(slot) for slot in slots):
                        continue  # this language compiles no branch for it
                    for slot in slots:
                        if (lang, slot) not in groups:
                            terms = grammar.slots[slot]
                            anchors = (best_anchor(_term_pieces(term)) for term in terms)
                            groups[(lang, slot)] = tuple(dict.fromkeys(anchors))
                    options[tuple(groups[(lang, slot)] for slot in slots)] = None
            self._needs = Needs(tuple(options))
        return self._needs

    def anchor_text(self, text: str) -> str | None:
        """Every hit is a match of `_anchors` in the folded text (rules/anchors.py)."""
        return normalise(text, leet=False).text

    @property
    def reports_as(self) -> str:
        return self._REPORTS_AS

    def _language(self, lang: str) -> _Language:
        language = self._compiled.get(lang)
        if language is None:
            grammar = self._params.languages[lang]
            language = _compile_language(grammar, self._params.constructions)
            self._compiled[lang] = language
        return language

    def _cues_of_all(self) -> _Cues:
        # When the item's language is not known, every grammar runs, and a match found by one
        # language's words may be another's sentence ("hænger ud" is Swedish "hänger" too):
        # then the cues of every language apply.
        if self._any_cues is None:
            grammars = self._params.languages.values()
            self._any_cues = _compile_cues(
                [t for g in grammars for t in g.negations],
                [t for g in grammars for t in g.reporting],
                [t for g in grammars for t in g.allow],
                [t for g in grammars for t in g.affirming],
            )
        return self._any_cues

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        norm = normalise(text, leet=False)
        folded = norm.text
        hits = self._anchors.finditer(folded)
        if not hits:
            return []  # most comments: no violent verb, no harm
        known = context.lang in self._params.languages
        # Per language, the sentences its anchors were found in.
        windows: dict[str, list[tuple[int, int]]] = {}
        for hit in hits:
            for lang in dict.fromkeys(hit.tags):
                if known and lang != context.lang:
                    continue
                windows.setdefault(lang, []).append(_window(folded, hit.start, hit.end))
        if not windows:
            return []
        quoted = [m.span() for m in _QUOTED.finditer(folded)]
        findings: list[Finding] = []
        taken: list[tuple[int, int]] = []
        for lang, spans in windows.items():
            language = self._language(lang)
            cues = language.cues if known else self._cues_of_all()
            for match in _matches(language.pattern, folded, spans):
                start, end = match.span()
                if any(s < end and start < e for s, e in taken):
                    continue
                if not self._stands(cues, folded, start, end, quoted):
                    continue
                name = language.names.get(match.lastgroup or "", self._REPORTS_AS)
                orig_start, orig_end = norm.original_span(start, end)
                findings.append(
                    Finding(
                        start=orig_start,
                        end=orig_end,
                        confidence=self._confidence,
                        label=f"{self._REPORTS_AS} construction: {name}",
                        mask=_mask(text[orig_start:orig_end]),
                    )
                )
                taken.append((start, end))
        findings.sort(key=lambda f: (f.start, f.end))
        return findings

    @staticmethod
    def _stands(
        cues: _Cues, text: str, start: int, end: int, quoted: list[tuple[int, int]]
    ) -> bool:
        """Whether a match is a threat in its context: not negated, reported or quoted."""
        if any(s < end and start < e for s, e in quoted):
            return False
        clause = max((m.end() for m in _CLAUSE_BREAK.finditer(text, 0, start)), default=0)
        sentence = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)), default=0)
        if cues.negation is not None and _negated(cues, text, clause, end):
            return False
        if cues.reporting is not None and cues.reporting.search(text, sentence, end):
            return False
        if cues.allow is not None:
            # An innocent continuation may run past the match ("skyder | skylden").
            hit = cues.allow.search(text, start)
            if hit is not None and hit.start() < end:
                return False
        return True


@register("hate_grammar", params=ThreatGrammarParams, vocabulary="hate")
class HateGrammarDetector(ThreatGrammarDetector):
    """The same grammar machinery over group nouns, reporting `hate`."""

    __slots__ = ()
    _REPORTS_AS = "hate"


def _negated(cues: _Cues, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds a negation outside the grammar's affirming terms."""
    assert cues.negation is not None
    kept = (
        [m.span() for m in cues.affirming.finditer(text, start, end)]
        if cues.affirming is not None
        else []
    )
    return any(
        not any(s <= hit.start() and hit.end() <= e for s, e in kept)
        for hit in cues.negation.finditer(text, start, end)
    )


def _anchor(term: str, common: set[str]) -> str:
    """The word of a term to look for first: not a common word of the grammar, the longest, a
    whole word rather than a stem, the first ("slå* _ ihjel": ihjel; "få* tæsk": tæsk)."""
    words = [w for w in fold(term).removeprefix("^").split() if w != "_"]
    rare = [w for w in words if w not in common] or words
    return max(rare, key=lambda w: (len(w.removesuffix("*")), not w.endswith("*")))


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """Where a construction around an anchor at text[start:end] can be: its sentence, at most
    `_WORDS_BEFORE` words before the anchor and `_WORDS_AFTER` after it (a long sentence is
    not searched whole for every anchor in it)."""
    head = max((m.end() for m in _SENTENCE_BREAK.finditer(text, 0, start)), default=0)
    tail_break = _SENTENCE_BREAK.search(text, end)
    tail = tail_break.start() if tail_break is not None else len(text)
    words = [m.start() for m in _WORD.finditer(text, head, start)]
    if len(words) > _WORDS_BEFORE:
        head = words[-_WORDS_BEFORE]
    after = [m.end() for m in islice(_WORD.finditer(text, end, tail), _WORDS_AFTER)]
    if len(after) == _WORDS_AFTER:
        tail = after[-1]
    return head, tail


def _matches(
    pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]]
) -> list[re.Match[str]]:
    """Matches of `pattern` in each distinct sentence of `spans`, in order."""
    found: list[re.Match[str]] = []
    for start, end in sorted(set(spans)):
        found.extend(pattern.finditer(text, start, end))
    return found


def _mask(span: str) -> str:
    """The first letter of each word, the rest starred: enough to read the shape, not the text."""
    return re.sub(r"(?<=\w)\w", "*", span)
