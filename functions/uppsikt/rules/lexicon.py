"""Rule kind `lexicon`: a word list matched at word starts, robust to simple obfuscation.

Matching runs on `text.normalise` output (casefolded, diacritics folded, leetspeak undone) with
one regex per rule, compiled when the rule is built. Every letter of a term matches a run of
itself ("idiot" → `i+d+i+o+t+`), which catches stretched words without collapsing the text and
keeps genuine double letters significant ("ass" needs two s). Terms only match at the start of
a word, so "Scunthorpe" never fires on "cunt". In `prefix` mode the rest of the word is accepted
as inflection or compound tail ("idioter", "idiotiske"); innocent words that merely start with
a term ("cockpit", "slutsats", "assessment") therefore belong in `allow`, or the rule should
use `word` mode.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal, TypeAlias

from pydantic import Field, field_validator

from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import normalise

__all__ = ["LexiconDetector", "LexiconParams"]

ReportKind = Literal["harassment", "hate", "threat", "spam", "tone"]

# Between the words of a phrase: any mix of whitespace and the usual joiners.
_PHRASE_SEP = r"[\s\-_.*]+"
# Between the letters of a spelled-out word ("i d i o t", "i.d.i.o.t").
_SPACED_SEP = r"[\s.\-_*]"
_SPACED_MIN_LETTERS = 4  # shorter spaced-out words collide with ordinary text ("a s s")

_END = ""  # trie key marking the end of a term; real tokens are never empty
_Trie: TypeAlias = "dict[str, _Trie]"


def _check_entries(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(" ".join(v.split()) for v in values)
    for value in cleaned:
        if not normalise(value).text or not re.search(r"\w", value):
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


def _tokens(term: str) -> list[str]:
    """Regex pieces for a normalised term: one per letter, one per gap between words."""
    tokens: list[str] = []
    for index, word in enumerate(term.split()):
        if index:
            tokens.append(_PHRASE_SEP)
        tokens.extend(re.escape(ch) + "+" for ch in word)
    return tokens


def _spaced_tokens(term: str) -> list[str] | None:
    if " " in term or len(term) < _SPACED_MIN_LETTERS or not term.isalpha():
        return None
    return [re.escape(term[0]), *(_SPACED_SEP + re.escape(ch) for ch in term[1:])]


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


def _word_start_branches(terms: Sequence[str], *, spaced: bool, suffix: str) -> list[str]:
    """Top-level alternatives, one per first letter, each starting with that literal letter.

    Starting every alternative with a literal lets the regex engine skip ahead to candidate
    letters instead of trying the word-start check at every position (about twice as fast).
    The word-start check then looks behind the consumed letter.
    """
    groups: dict[str, list[list[str]]] = {}
    for term in terms:
        tokens = _spaced_tokens(term) if spaced else _tokens(term)
        if tokens is not None:
            groups.setdefault(term[0], []).append(tokens[1:])
    branches = []
    for first, rests in groups.items():
        letter = re.escape(first)
        more = "" if spaced else letter + "*"  # plain tokens are `x+`: one x is consumed
        branches.append(rf"{letter}(?<!\w.){more}{_trie_pattern(rests)}{suffix}")
    return branches


def _mask(term: str) -> str:
    return term[0] + "".join(" " if ch == " " else "*" for ch in term[1:])


@register("lexicon", params=LexiconParams, vocabulary="lexicon")
class LexiconDetector:
    """Finds the rule's terms in a comment; `reports_as` tells the engine which verdict kind."""

    __slots__ = ("_allow", "_candidates", "_confidence", "_label", "_pattern", "_reports_as")

    def __init__(self, params: LexiconParams) -> None:
        self._reports_as: str = params.report_as
        self._confidence = params.confidence
        self._label = f"lexicon: {params.report_as}"
        tail = r"\w*" if params.match == "prefix" else r"(?!\w)"

        # (normalised term, original term) longest first, so the reported term is the most
        # specific one that matched ("idioter" over "idiot" when both are listed).
        terms = sorted(
            {normalise(t).text: t for t in params.terms}.items(), key=lambda kv: -len(kv[0])
        )
        # Spelled-out words must stand alone: not followed by another lone letter
        # ("s l u t s a t s" is not "s l u t").
        spaced_end = rf"(?!\w)(?!{_SPACED_SEP}\w(?!\w))"
        normalised_terms = [norm for norm, _ in terms]
        branches = _word_start_branches(normalised_terms, spaced=False, suffix=tail)
        branches += _word_start_branches(normalised_terms, spaced=True, suffix=spaced_end)
        self._pattern = re.compile("(?:" + "|".join(branches) + ")")

        # Per-term patterns only name the matched term for the mask; they run on hits only.
        self._candidates: list[tuple[re.Pattern[str], str]] = []
        for norm, original in terms:
            pieces = ["".join(_tokens(norm)) + tail]
            spaced_tokens = _spaced_tokens(norm)
            if spaced_tokens is not None:
                pieces.append("".join(spaced_tokens) + spaced_end)
            self._candidates.append((re.compile("|".join(pieces)), original))

        allow = [normalise(a).text for a in params.allow]
        self._allow = (
            re.compile("|".join("".join(_tokens(a)) for a in sorted(allow, key=len, reverse=True)))
            if allow
            else None
        )

    @property
    def reports_as(self) -> str:
        return self._reports_as

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        norm = normalise(text)
        findings: list[Finding] = []
        for match in self._pattern.finditer(norm.text):
            start = match.start()
            # Allow-listed words win when they cover the hit's start ("slutsats" vs "slut").
            if self._allow is not None and self._allow.match(norm.text, start):
                continue
            orig_start, orig_end = norm.original_span(start, match.end())
            findings.append(
                Finding(
                    start=orig_start,
                    end=orig_end,
                    confidence=self._confidence,
                    label=self._label,
                    mask=_mask(self._term_at(norm.text, start)),
                )
            )
        return findings

    def _term_at(self, normalised: str, start: int) -> str:
        for pattern, original in self._candidates:
            if pattern.match(normalised, start):
                return original
        return self._candidates[-1][1]  # unreachable: the combined pattern matched one of them
