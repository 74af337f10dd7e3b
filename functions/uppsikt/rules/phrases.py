"""Shared matching for the text kinds: term lists, sentences and cues that point at a person.

Term syntax (module data below and every params field that takes terms use it):

- a term is matched on `text.fold` output (casefolded, accents folded, æ = ä, ø = ö), so case
  and Danish/Norwegian/Swedish spellings do not matter;
- a term only matches at the start of a word ("stress" never fires inside "distress");
- a word without a star must end where the text's word ends ("syg" does not match "syge");
- a trailing `*` accepts any ending, for inflection and Nordic compounds ("sygemeld*" matches
  sygemeldt, sygemelding, sygemeldingen);
- a leading `*` (first word only) also accepts a compound head before the term ("*cancer"
  matches bröstcancer); the reported span then starts at the head;
- words of a phrase match across any run of whitespace or hyphens; a hyphen inside a term may
  also be left out in the text ("hr-møde" matches "HR-møde", "HR møde" and "HRmøde");
- any other character is literal ("iht." needs the full stop).

`PhraseMatcher` compiles any number of terms into one regex, with shared prefixes factored
into a trie, so its cost stays close to linear in the comment length. Each term ends in an
empty capturing group; the regex match's `lastindex` then names the term that matched,
without a second pass. A term may be *language-gated*: it only applies when the item's
language is known to be the term's language (English "her" is Danish "here"; Swedish "hen"
is Danish "towards").

`PersonCues` finds what makes a sentence about an identifiable person: third-person
pronouns, names (a list of common Nordic and English first names anywhere, plus capitalised
words that do not open a sentence), @mentions, definite role nouns ("chefen", "lederen",
"the manager") and possessive + relation ("min kollega", "my wife"). It also finds first-person
cues for the kinds that distinguish disclosures about oneself.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Generic, Literal, TypeAlias, TypeVar

from uppsikt.rules import precompiled
from uppsikt.rules.anchors import BOUNDARY, best_anchor
from uppsikt.rules.text import WORD_GAP, Normalised, fold, is_word_char, normalise

__all__ = [
    "FIRST_NAMES",
    "Cue",
    "CueKind",
    "CuesBySentence",
    "Match",
    "PersonCues",
    "Phrase",
    "PhraseMatcher",
    "Sentences",
    "check_terms",
    "mask_term",
    "phrases",
    "shared_matcher",
    "shared_person_cues",
]

T = TypeVar("T")

# --- the phrase matcher ---------------------------------------------------------------------

_SEP_SPACE = r"[\s\-\u2010\u2011\u2013]+"  # between the words of a phrase
_SEP_HYPHEN = r"[\s\-\u2010\u2011\u2013]*"  # where the term has a hyphen: may be left out
_TAIL_ANY = r"\w*"  # a trailing star: any ending
_TAIL_END = r"(?!\w)"  # no star: the word ends here
# The same after a word character, where it is a word boundary: one regex node instead of a
# look-ahead group, which makes a large term list noticeably cheaper to compile.
_TAIL_END_WORD = r"\b"
_LEAF = "()"  # marks the end of one term; its group number names the term

# Order of alternatives at a trie node: literal characters first, then separators, then tails,
# so the longest term sharing a prefix is tried first.
_RANK = {_SEP_SPACE: 1, _SEP_HYPHEN: 1, _TAIL_ANY: 2, _TAIL_END: 3, _TAIL_END_WORD: 3}

_Trie: TypeAlias = "dict[str, _Trie]"


@dataclass(frozen=True, slots=True)
class Phrase(Generic[T]):
    """One term for a `PhraseMatcher`: its pattern, what it stands for, and its language."""

    pattern: str
    tag: T
    lang: str | None = None
    gated: bool = False  # only applies when the item's language is known to be `lang`


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """A term found in the folded text (offsets into the folded text, not the original)."""

    start: int
    end: int
    phrases: tuple[Phrase[T], ...]

    @property
    def tags(self) -> tuple[T, ...]:
        return tuple(p.tag for p in self.phrases)


def phrases(
    terms: Iterable[str], tag: T, lang: str | None = None, *, gated: Iterable[str] = ()
) -> list[Phrase[T]]:
    """Phrases for a plain term list sharing one tag and language; `gated` terms get the flag."""
    gated_set = set(gated)
    return [Phrase(t, tag, lang, t in gated_set) for t in terms]


def check_terms(values: tuple[str, ...]) -> tuple[str, ...]:
    """Validator for params that take terms: tidy whitespace, refuse unusable patterns."""
    cleaned = tuple(" ".join(v.split()) for v in values)
    for value in cleaned:
        _tokens(value)  # raises ValueError with the reason
    return cleaned


def _tokens(pattern: str) -> tuple[list[str], bool]:
    """Regex tokens for one term (see the module docstring) and whether it is infix."""
    folded = fold(" ".join(pattern.split()))
    infix = folded.startswith("*")
    if infix:
        folded = folded[1:]
    if not folded or not re.match(r"\w", folded):
        raise ValueError(f"term {pattern!r} must start with a letter or digit")
    tokens: list[str] = []
    for piece in re.split(r"(\s+|-)", folded):
        if not piece:
            continue
        if piece.isspace() or piece == "-":
            if not tokens or tokens[-1] in (_SEP_SPACE, _SEP_HYPHEN):
                raise ValueError(f"term {pattern!r} has an empty word")
            tokens.append(_SEP_SPACE if piece.isspace() else _SEP_HYPHEN)
            continue
        word = piece.removesuffix("*")
        if not word or "*" in word:
            raise ValueError(f"term {pattern!r}: '*' only at the start or end of a word")
        tokens.extend(re.escape(ch) for ch in word)
        if piece.endswith("*"):
            tokens.append(_TAIL_ANY)
    if tokens[-1] in (_SEP_SPACE, _SEP_HYPHEN):
        raise ValueError(f"term {pattern!r} ends with a separator")
    if tokens[-1] != _TAIL_ANY:
        tokens.append(_TAIL_END_WORD if is_word_char(folded[-1]) else _TAIL_END)
    return tokens, infix


def _leading_literal(tokens: list[str]) -> str:
    """The characters a term's tokens start with, up to its first separator or tail."""
    literal = []
    for token in tokens:
        if token in _RANK:
            break
        literal.append(token[-1])  # re.escape only puts a backslash in front
    return "".join(literal)


class PhraseMatcher(Generic[T]):
    """Many terms compiled into one regex over folded text; see the module docstring."""

    __slots__ = ("_anchors", "_full", "_gated", "_inner", "_last", "_leaves", "_regex", "_terms")

    def __init__(self, entries: Iterable[Phrase[T]]) -> None:
        roots: dict[tuple[str, bool], _Trie] = {}
        payload: dict[int, list[Phrase[T]]] = {}  # id of a leaf node -> its phrases
        inner: set[str] = set()
        terms: list[str] = []
        for entry in entries:
            tokens, infix = _tokens(entry.pattern)
            terms.append(entry.pattern)
            if infix:
                inner.add(_leading_literal(tokens))
            node = roots.setdefault((tokens[0], infix), {})
            for token in tokens[1:]:
                node = node.setdefault(token, {})
            leaf = node.setdefault(_LEAF, {})
            payload.setdefault(id(leaf), []).append(entry)

        # For `anchors`, made when a policy first asks (after its compile, on its first comment).
        # (Patterns, not their tokens: keeping ~1,700 token lists alive slowed the compile.)
        self._terms: list[str] | None = terms
        self._anchors: tuple[str, ...] | None = None
        self._leaves: list[tuple[Phrase[T], ...]] = [()]  # group numbers start at 1
        self._gated: list[bool] = [False]
        self._last: tuple[str, str | None, tuple[Match[T], ...]] | None = None
        # The regex runs on the text with a space in front: every branch follows a character a
        # word may start after (`WORD_GAP`), then a literal, so the regex engine only tries
        # word starts. Infix terms are tried at the word start in their place among the other
        # terms, and, in `_full`, further into the word too (a second copy, later in the order).
        branches = [first + self._emit(node, payload) for (first, _), node in roots.items()]
        self._regex = (
            precompiled.compile(WORD_GAP + "(?:" + "|".join(branches) + ")") if branches else None
        )
        self._full: re.Pattern[str] | str | None = None
        # Walking into every word costs as much as the rest of the scan, and is only needed
        # where the text has an infix term's first letters: `_full` is used (and compiled) then.
        self._inner = tuple(sorted(inner))
        if inner:
            tails = [
                first + self._emit(node, payload) for (first, infix), node in roots.items() if infix
            ]
            self._full = (
                WORD_GAP + "(?:" + "|".join([*branches, r"\w+?(?:" + "|".join(tails) + ")"]) + ")"
            )

    def _emit(self, node: _Trie, payload: dict[int, list[Phrase[T]]]) -> str:
        parts = []
        for token in sorted(node, key=lambda tok: (tok == _LEAF, _RANK.get(tok, 0))):
            if token == _LEAF:
                found = tuple(payload[id(node[token])])
                self._leaves.append(found)
                self._gated.append(any(p.gated for p in found))
                parts.append(_LEAF)
            else:
                parts.append(token + self._emit(node[token], payload))
        if len(parts) == 1:
            return parts[0]
        return "(?:" + "|".join(parts) + ")"

    @property
    def anchors(self) -> tuple[str, ...]:
        """One anchor per term for the prefilter of rules/anchors.py (empty: none usable)."""
        if self._anchors is None:
            found: dict[str, None] = {}
            for pattern in self._terms or ():
                tokens, infix = _tokens(pattern)
                # Every match holds the term's literal runs: a word gap before the term (unless
                # infix) and where it has a space; a hyphen may be left out.
                pieces: list[str | None] = [None if infix else BOUNDARY]
                pieces += [
                    BOUNDARY
                    if t == _SEP_SPACE
                    else t[-1]
                    if t not in _RANK and t[-1] != "_" and is_word_char(t[-1])
                    else None
                    for t in tokens
                ]
                found[best_anchor(pieces)] = None
            self._anchors = () if "" in found else tuple(found)
            self._terms = None
        return self._anchors

    def finditer(self, folded: str, lang: str | None = None) -> list[Match[T]]:
        """Non-overlapping matches, left to right, in `folded` (the output of `text.normalise`)."""
        if self._regex is None:
            return []
        # Kinds that share a matcher (shared_matcher) ask about the same text in a row.
        last = self._last
        if last is not None and last[0] == folded and last[1] == lang:
            return list(last[2])
        found: list[Match[T]] = []
        padded = " " + folded  # padded[i + 1] is folded[i]
        regex = self._regex
        if self._full is not None and self._has_inner(folded):
            if isinstance(self._full, str):
                self._full = precompiled.compile(self._full)
            regex = self._full
        search = regex.search
        pos = 0
        while (m := search(padded, pos)) is not None:
            gap = m.start()  # in folded, the word starts here
            if padded[gap] >= "\u0300" and is_word_char(padded[gap]):
                pos = gap + 1  # a letter of another script: not a word start
                continue
            pos = m.end()
            index = m.lastindex or 0
            entries = self._leaves[index]
            if self._gated[index]:
                entries = tuple(p for p in entries if not p.gated or p.lang == lang)
                if not entries:
                    continue
            # An infix term's span starts at its word's start, which is where the gap puts it.
            found.append(Match(gap, pos - 1, entries))
        self._last = (folded, lang, tuple(found))
        return found

    def _has_inner(self, folded: str) -> bool:
        return any(literal in folded for literal in self._inner)

    def search(self, folded: str, lang: str | None = None) -> bool:
        """Whether any term occurs (gated terms honoured)."""
        return bool(self.finditer(folded, lang))


@lru_cache(maxsize=64)
def _shared_matcher(entries: tuple[Phrase[Any], ...]) -> PhraseMatcher[Any]:
    return PhraseMatcher(entries)


def shared_matcher(entries: Iterable[Phrase[T]]) -> PhraseMatcher[T]:
    """A `PhraseMatcher` for `entries`, shared with every other rule built from the same entries
    (two `special_category` rules of one pack): compiled once, and it scans a text once."""
    return _shared_matcher(tuple(entries))


def mask_term(original: str) -> str:
    """The first character, then a star per other non-space character ("syg" → "s**")."""
    if not original:
        return ""
    return original[0] + "".join(ch if ch.isspace() else "*" for ch in original[1:])


# --- sentences ------------------------------------------------------------------------------

# A sentence ends at a newline, at ! ? … followed by space, or at a full stop followed by the end
# or by space and something that is not a lowercase letter (so "iht. gjeldende" and "f.eks. han"
# stay one sentence).
_SENTENCE_END = re.compile(r"\n|(?:[!?…][.!?…]*|\.+(?!\s+[\"'«“(]?[a-zß-öø-ÿ]))(?=\s|$)")


class Sentences:
    """Sentence boundaries of one text, for 'in the same sentence' checks (original offsets)."""

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0] + [m.end() for m in _SENTENCE_END.finditer(text)]

    def index(self, pos: int) -> int:
        return bisect_right(self._starts, pos) - 1

    def start(self, index: int) -> int:
        return self._starts[index]

    def count(self) -> int:
        return len(self._starts)


# --- cues that point at a person ------------------------------------------------------------

CueKind = Literal["name", "role", "pronoun", "plural", "self"]


@dataclass(frozen=True, slots=True)
class Cue:
    """Something in the text that refers to a person; offsets into the original text."""

    start: int
    end: int
    kind: CueKind


def _words(block: str) -> list[str]:
    """The whitespace-separated words of a block of module data."""
    return block.split()


# Common first names (Danish, Swedish, Norwegian, English, and frequent names of Nordic
# residents with roots elsewhere). A listed name counts as a name even where it opens a
# sentence ("Kari fikk ..."); other capitalised words only count where they do not. Names
# that are also common words when capitalised ("Per", "Liv", "Tone", "Mark", "Will", "Max",
# "Bo", "Odd") are deliberately left out.
FIRST_NAMES: frozenset[str] = frozenset(
    _words(
        """
    Jens Mette Lars Hanne Søren Susanne Henrik Anne Niels Kirsten Morten Lene Jesper Pia
    Rasmus Camilla Anders Louise Mads Maja Jørgen Birgitte Poul Dorthe Torben Helle Kasper
    Line Mikkel Tina Thomas Charlotte Martin Bente Frederik Signe Christian Ole Karen Inge
    Bjarne Preben Flemming Allan Brian Dennis Michael Jonas Emil Oliver Sofie Ida Freja Laura
    Emma Mathilde Julie Cecilie Marianne Gitte Vibeke Lise Jette Kim Anna Erik Karl Johan
    Maria Eva Karin Kristina Lena Sara Ingrid Birgitta Marie Malin Jenny Annika Ulrika Sofia
    Linnea Elin Hanna Johanna Sven Mikael Magnus Stefan Fredrik Mattias Daniel Andreas Peter
    Björn Gustav Oskar Nils Olof Göran Bengt Leif Åsa Ulla Agneta Therese Kari Ola Bjørn Knut
    Arne Jan Hans Svein Terje Geir Trond Rune Kjell Eirik Sindre Håkon Sigrid Solveig Randi
    Marit Hege Silje Ragnhild Astrid Heidi Nina Nora Ingvild Kristin Hilde Grete Turid Åse
    Synnøve Torunn Tove Mohammed Mohamed Ahmed Ali Fatima Amina Hassan Omar Yasmin Aisha
    John James David Robert William Richard Mary Sarah Emily Jessica Jennifer Elizabeth
    Susan Paul Steve Kevin Linda Rachel Chris Tom Alex Harry George Lucy
    """
    )
)

# Capitalised words that are not people (compared casefolded; `str.casefold` per word is ten
# times cheaper than `text.fold`). Tenants add their own with the `not_names` param (their
# organisation, their municipality, product names).
_NOT_NAMES: frozenset[str] = frozenset(
    w.casefold()
    for w in _words(
        """
    De Dem Deres Den Det Der Du Dig Din Jeres Gud God Allah Jesus Hej Hei Hi Hello Tak Takk
    Tack Kære Kjære Kära Dear Mvh Hilsen Hälsningar Facebook Instagram Twitter Linkedin
    Youtube Tiktok Messenger Google Teams Zoom Whatsapp Covid Corona Danmark Sverige Norge
    Noreg Finland Island Europa Europe Denmark Sweden Norway English Danish Swedish
    Norwegian Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February
    March April May June July August September October November December Kommunal Seko
    Unionen Vision Handels Byggnads Fagforbundet Akademikerne Unio Metal Fællesforbundet
    Arbetsförmedlingen Försäkringskassan Skatteverket Skatteetaten Kommune Kommunen Kommun
    Region Regionen Nav Mitid Bankid Borgerservice Folketinget Riksdagen Stortinget
    Regeringen Regjeringen
    """
    )
)

# Words after which a capitalised word is a place or organisation rather than a person
# ("medlem i Kommunal", "fra Danmark", "på Facebook").
_PLACE_WORDS: frozenset[str] = frozenset(
    w.casefold()
    for w in _words(
        """
    i in af av of hos ved fra från frå from at til till to for för mot på via hjå
    """
    )
)

# Third-person singular pronouns (subject, object, possessive).
THIRD_PERSON: dict[str, tuple[str, ...]] = {
    "da": ("han", "ham", "hans", "hun", "hende", "hendes"),
    "sv": ("han", "honom", "hans", "hon", "henne", "hennes", "hen", "hens"),
    "nb": ("han", "ham", "hans", "hun", "henne", "hennes"),
    "nn": ("han", "honom", "hans", "ho", "henne", "hennar"),
    "en": ("he", "him", "his", "himself", "she", "her", "hers", "herself"),
}
# Gated: English "her" is Danish/Norwegian "here"; Swedish "hen" is Danish/Norwegian "towards".
_THIRD_PERSON_GATED = ("her", "hen", "hens")
_PLURAL: tuple[str, ...] = ("they", "them", "their", "themselves")  # English only

# First person singular; English "I" is handled separately (it is the Danish "you" plural).
FIRST_PERSON: dict[str, tuple[str, ...]] = {
    "da": ("jeg", "mig", "min", "mit", "mine"),
    "sv": ("jag", "mig", "min", "mitt", "mina"),
    "nb": ("jeg", "meg", "min", "mitt", "mine"),
    "nn": ("eg", "meg", "min", "mi", "mitt", "mine"),
    "en": ("me", "my", "mine", "myself", "i'm", "i've", "i'd"),
}

# Definite role and relation nouns: on their own they point at one identifiable person.
# A leading star accepts compound heads ("afdelingschefen", "personalsjefen").
ROLE_NOUNS: dict[str, tuple[str, ...]] = {
    "da": (
        "*chefen",
        "*lederen",
        "*direktøren",
        "formanden",
        "næstformanden",
        "kassereren",
        "borgmesteren",
        "kollegaen",
        "kollegen",
        "naboen",
        "konen",
        "manden",
        "kæresten",
        "svigermor",
        "svigerfar",
        "tillidsrepræsentanten",
        "mellemlederen",
        "rektor",
    ),
    "sv": (
        "*chefen",
        "*ledaren",
        "*direktören",
        "ordföranden",
        "kassören",
        "kommunalrådet",
        "kollegan",
        "kollegen",
        "grannen",
        "frun",
        "hustrun",
        "maken",
        "sambon",
        "pojkvännen",
        "flickvännen",
        "svärmor",
        "svärfar",
        "förmannen",
        "rektorn",
    ),
    "nb": (
        "*sjefen",
        "*lederen",
        "*direktøren",
        "formannen",
        "ordføreren",
        "kassereren",
        "rådmannen",
        "kollegaen",
        "kollegen",
        "naboen",
        "kona",
        "kjæresten",
        "samboeren",
        "svigermor",
        "svigerfar",
        "rektoren",
    ),
    "nn": (
        "*sjefen",
        "*leiaren",
        "*direktøren",
        "ordføraren",
        "kollegaen",
        "naboen",
        "kona",
        "kjærasten",
        "sambuaren",
        "rektoren",
    ),
    "en": (
        "the manager",
        "the boss",
        "the director",
        "the chairman",
        "the chairwoman",
        "the chair",
        "the ceo",
        "the treasurer",
        "the mayor",
        "the supervisor",
        "the head teacher",
        "the principal",
    ),
}

# Possessives and relation nouns; a possessive followed by a relation noun is a role cue
# ("min kollega", "vores chef", "my wife"). Nouns of five or more letters accept endings.
_POSSESSIVES: dict[str, tuple[str, ...]] = {
    "da": ("min", "mit", "mine", "vores", "vor", "hans", "hendes"),
    "sv": ("min", "mitt", "mina", "vår", "vårt", "våra", "hans", "hennes"),
    "nb": ("min", "mitt", "mine", "vår", "vårt", "våre", "hans", "hennes"),
    "nn": ("min", "mi", "mitt", "mine", "vår", "vårt", "våre", "hans", "hennar"),
    "en": ("my", "our", "his", "her", "their"),
}
_RELATIONS: dict[str, tuple[str, ...]] = {
    "da": (
        "kollega", "chef", "leder", "nabo", "mand", "kone", "kæreste", "mor", "far",
        "søster", "bror", "søn", "datter", "barn", "ven", "veninde", "svigermor",
    ),
    "sv": (
        "kollega", "chef", "granne", "man", "fru", "hustru", "sambo", "pojkvän",
        "flickvän", "mamma", "pappa", "mor", "far", "syster", "bror", "son", "dotter",
        "barn", "vän", "väninna",
    ),
    "nb": (
        "kollega", "sjef", "leder", "nabo", "mann", "kone", "samboer", "kjæreste", "mor",
        "far", "mamma", "pappa", "søster", "bror", "sønn", "datter", "barn", "venn",
        "venninne",
    ),
    "nn": (
        "kollega", "sjef", "leiar", "nabo", "mann", "kone", "sambuar", "kjærast", "mor",
        "far", "syster", "bror", "son", "dotter", "barn", "venn", "venninne",
    ),
    "en": (
        "colleague", "coworker", "co-worker", "boss", "manager", "supervisor", "neighbour",
        "neighbor", "husband", "wife", "partner", "boyfriend", "girlfriend", "mother",
        "mom", "mum", "father", "dad", "sister", "brother", "son", "daughter", "kid",
        "child", "friend",
    ),
}  # fmt: skip
# Nynorsk and bokmål put the possessive after a definite noun: "sjefen min", "kona mi".
_POSTPOSED: tuple[str, ...] = (
    "sjefen min", "kona mi", "mannen min", "kollegaen min", "naboen min", "dottera mi",
    "dattera mi", "sonen min", "sønnen min", "mora mi", "moren min", "faren min", "far min",
    "mor mi", "venninna mi", "vennen min", "kjæresten min", "kjærasten min",
)  # fmt: skip

# English "I" as the first person, not the Danish "I" (you, plural): an apostrophe form, or
# followed by a common English verb. When the item is known to be English, any capital "I".
_ENGLISH_I = re.compile(
    r"(?<![\w'’])I(?=['’](?:m|ve|d|ll)(?!\w)|\s+(?:am|was|have|had|got|get|do|did|don['’]t|"
    r"didn['’]t|can|could|will|would|think|feel|felt|work|suffer|live|also|just|really|"
    r"still|never|recently|became|joined|tested|came|voted|go|went|pray|believe|myself|"
    r"too|need|want|hate|love|know|told)(?!\w))"
)
_ENGLISH_I_ANY = re.compile(r"(?<![\w'’])I(?![\w])")

_CAPITALISED = re.compile(
    r"(?<![\w'’@#])[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?(?![\w@])"
)
_MENTION = re.compile(r"(?<![\w@])@\w{2,}")
_PREVIOUS_WORD = re.compile(r"(\w+)[^\w\n]*$")
_CUE_PRIORITY: tuple[CueKind, ...] = ("role", "name", "pronoun", "plural", "self")
_OPENERS = frozenset(':;«"“„(-–—•*')


def _cue_phrases() -> list[Phrase[CueKind]]:
    entries: list[Phrase[CueKind]] = []
    for lang, words in THIRD_PERSON.items():
        entries += phrases(words, "pronoun", lang, gated=_THIRD_PERSON_GATED)
    entries += phrases(_PLURAL, "plural", "en")
    for lang, words in FIRST_PERSON.items():
        entries += phrases(words, "self", lang)
    for lang, words in ROLE_NOUNS.items():
        entries += phrases(words, "role", lang)
    entries += phrases(_POSTPOSED, "role", "nb")
    return entries


def _relation_pattern() -> re.Pattern[str]:
    """Possessive + relation noun over folded text. One regex for all languages: the cross
    product as phrases would be ~700 terms and cost ~40 ms to compile; pairs across languages
    ("min wife") are harmless."""
    possessives = {fold(p) for words in _POSSESSIVES.values() for p in words}
    nouns = {fold(n) for words in _RELATIONS.values() for n in words}
    poss_alt = "|".join(re.escape(p) for p in sorted(possessives, key=lambda w: (-len(w), w)))
    noun_alt = "|".join(
        re.escape(n) + (r"\w*" if len(n) >= 5 else r"(?!\w)")
        for n in sorted(nouns, key=lambda w: (-len(w), w))
    )
    return precompiled.compile(rf"(?<!\w)(?:{poss_alt})\s+(?:{noun_alt})")


@lru_cache(maxsize=16)
def shared_person_cues(not_names: tuple[str, ...] = (), *, name_pairs: bool = False) -> PersonCues:
    """A `PersonCues` shared by the rules built with the same `not_names` and `name_pairs` (it
    remembers the last text's cues, which the next rule of a pack usually asks for)."""
    return PersonCues(not_names, name_pairs=name_pairs)


@cache
def _shared_cue_patterns() -> tuple[PhraseMatcher[CueKind], re.Pattern[str]]:
    """Built on first use and shared by every detector of the container (the same lists for
    all of them), so three person-cue kinds in a pack compile them once."""
    return PhraseMatcher(_cue_phrases()), _relation_pattern()


class PersonCues:
    """Finds person cues (see the module docstring) in one text, on demand.

    Shared by the detectors built with the same `not_names` (`shared_person_cues`); `find` is
    only called for texts in which a detector's own terms already matched, so it may do a
    little more work than a plain scan.
    """

    __slots__ = ("_last", "_name_pairs", "_not_names")

    def __init__(self, not_names: Iterable[str] = (), *, name_pairs: bool = False) -> None:
        self._not_names = _NOT_NAMES | {n.casefold() for n in not_names}
        # With `name_pairs`, a capitalised word that is not a known first name only counts as a
        # name beside another capitalised word ("Mette Hansen"), not alone ("Rigshospitalet").
        self._name_pairs = name_pairs
        self._last: tuple[tuple[object, ...], CuesBySentence] | None = None

    def find(
        self,
        text: str,
        norm: Normalised,
        sentences: Sentences,
        lang: str | None,
        terms: Sequence[tuple[int, int]] = (),
    ) -> CuesBySentence:
        """Cues in `text` (its `norm`alised form and `sentences` already computed).

        `terms` are the spans of the detector's own terms: a cue overlapping one of them is
        not a cue ("I am a Muslim": the capitalised "Muslim" is the term, not a name).
        """
        # Two rules sharing these cues (special_category about others and about oneself) ask
        # about the same text and terms in a row.
        key = (text, norm.text, lang, tuple(terms))
        last = self._last
        if last is not None and last[0] == key:
            return last[1]
        cues: list[Cue] = []
        # Compiled on the first text that needs cues: only texts with a kind's own terms do.
        matcher, relation = _shared_cue_patterns()
        for m in matcher.finditer(norm.text, lang):
            start, end = norm.original_span(m.start, m.end)
            kind = min(m.tags, key=_CUE_PRIORITY.index)
            cues.append(Cue(start, end, kind))
        for r in relation.finditer(norm.text):
            start, end = norm.original_span(r.start(), r.end())
            cues.append(Cue(start, end, "role"))
        english_i = _ENGLISH_I_ANY if lang == "en" else _ENGLISH_I
        cues.extend(Cue(m.start(), m.end(), "self") for m in english_i.finditer(text))
        cues.extend(self._names(text, sentences))
        if terms:
            cues = [c for c in cues if not any(c.start < e and s < c.end for s, e in terms)]
        found = CuesBySentence(cues, sentences)
        self._last = (key, found)
        return found

    def _names(self, text: str, sentences: Sentences) -> list[Cue]:
        found: list[Cue] = []
        words = [
            m for m in _CAPITALISED.finditer(text) if m.group().casefold() not in self._not_names
        ]
        for i, m in enumerate(words):
            word = m.group()
            known = word in FIRST_NAMES or word.split("-")[0] in FIRST_NAMES
            if not known and self._name_pairs and not _paired(text, words, i):
                continue
            # Other capitalised words only where they do not open the sentence and do not
            # follow "i/af/på/from...": there they are places and organisations.
            if known or not (
                self._opens(text, m.start(), sentences) or self._after_place(text, m.start())
            ):
                found.append(Cue(m.start(), m.end(), "name"))
        for m in _MENTION.finditer(text):
            if m.group()[1:].casefold() not in self._not_names and not self._opens(
                text, m.start(), sentences
            ):
                found.append(Cue(m.start(), m.end(), "name"))
        return found

    @staticmethod
    def _opens(text: str, pos: int, sentences: Sentences) -> bool:
        """Whether the word at `pos` opens its sentence (or follows a colon, quote, bullet)."""
        begin = sentences.start(sentences.index(pos))
        before = text[begin:pos].rstrip()
        if not before or before[-1] in _OPENERS:
            return True
        return not any(ch.isalnum() for ch in before)

    @staticmethod
    def _after_place(text: str, pos: int) -> bool:
        previous = _PREVIOUS_WORD.search(text, max(0, pos - 24), pos)
        return previous is not None and previous.group(1).casefold() in _PLACE_WORDS


def _paired(text: str, words: Sequence[re.Match[str]], i: int) -> bool:
    """Whether capitalised word `i` has another one right before or after it (one space)."""
    before = i > 0 and text[words[i - 1].end() : words[i].start()] == " "
    return before or (i + 1 < len(words) and text[words[i].end() : words[i + 1].start()] == " ")


class CuesBySentence:
    """Cues grouped by sentence, for "a cue in the same sentence as this term" checks."""

    __slots__ = ("_groups", "_sentences")

    def __init__(self, cues: Sequence[Cue], sentences: Sentences) -> None:
        self._sentences = sentences
        self._groups: dict[int, list[Cue]] = {}
        for cue in cues:
            self._groups.setdefault(sentences.index(cue.start), []).append(cue)

    def around(self, start: int, end: int) -> list[Cue]:
        """The cues in the sentence of `start` that do not overlap the span `start:end`."""
        group = self._groups.get(self._sentences.index(start), [])
        return [c for c in group if c.end <= start or c.start >= end]


def cued_matches(
    matcher: PhraseMatcher[T], cues: PersonCues, text: str, lang: str | None
) -> list[tuple[Match[T], int, int, list[Cue]]]:
    """Each term match in `text` with its original span and the person cues of its sentence:
    the shared first half of every kind that asks "a term, and whose?"."""
    norm = normalise(text, leet=False)
    matches = matcher.finditer(norm.text, lang)
    if not matches:
        return []
    sentences = Sentences(text)
    spans = [norm.original_span(m.start, m.end) for m in matches]
    found = cues.find(text, norm, sentences, lang, spans)
    return [
        (match, start, end, found.around(start, end))
        for match, (start, end) in zip(matches, spans, strict=True)
    ]
