"""Rule kind `special_category`: GDPR Art. 9 data about another person, or about oneself.

Regulation §5(a) R15 (Art. 9 data about an identifiable *other* person: hide and review) and
R16 (the commenter discloses their *own* Art. 9 data: allow, minimise, never profile).

A finding needs a category term (union membership, health, sexual orientation, religion,
ethnicity, political opinion) and a subject cue in the same sentence (`phrases.PersonCues`):

- about another person: a third-person pronoun (han/hun/hon/ho/he/she; "they" counts with
  lower confidence), a name (a known first name anywhere, or a capitalised word that does not
  open the sentence and does not follow "i/af/på/in/of..."), an @mention, a definite role
  noun ("kollegaen", "chefen") or a possessive + relation ("min kollega", "my wife");
- about oneself: first person (jeg/jag/eg/I, mig/meg/me, min/mitt/my) and no cue of the first
  kind. Where both occur, "another person" wins: the rule errs towards protecting the third
  party.

A sentence with a category term but no subject cue ("Stress er et problem på arbejdspladsen")
is general talk, not personal data, and is not reported.

Person and category in one clause. Naming a religion, a union or an illness is not Art. 9 data
about anyone; the params below (all off by default, set by the pack from
`policies/lexicons/special-*.txt`) make a hit need the person and the category together:

- `window`: a cue counts only within this many words of the term;
- `clause_breaks`: nor across a word opening another clause ("Hun siger, at muslimer ...");
- `name_pairs`: a capitalised word that is not a known first name is a name only beside
  another one ("Mette Hansen"), not alone ("Rigshospitalet");
- the term is generic, and not reported, when it is a `generic_terms` form (plural group nouns:
  "muslimer", "members"), when a `generic_before` word ("alle", "many", "patienter med") or a
  negation ("ikke", "not") stands up to two words before it, when a `generic_after` word
  ("kirke", "bestyrelsen") stands up to two words after it, or when it is part of a run of
  capitalised words (an organisation's name: "Dansk Psykiatrisk Selskab"; checked whenever
  one of these params is set).

The term lists below are per language (Danish, Swedish, Norwegian bokmål and nynorsk,
English). They are written for precision over recall: short words that are also ordinary
words elsewhere are whole-word or left out ("syg", not "syg*", which would match "syge-
huset"; no "kræft*", which would match Danish "kræfter", forces). Terms in `_GATED` only apply
when the item's language is known to be theirs (English "Christian" is a common Nordic name).
The category term is the reported span; its mask keeps only the first letter.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator

from uppsikt.rules.phrases import (
    Cue,
    Phrase,
    PhraseMatcher,
    check_terms,
    cued_matches,
    mask_term,
    phrases,
    shared_matcher,
    shared_person_cues,
)
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import normalise

__all__ = ["CATEGORY_TERMS", "SpecialCategoryDetector", "SpecialCategoryParams"]

Category = Literal[
    "union_membership",
    "health",
    "sexual_orientation",
    "religion",
    "ethnicity",
    "political_opinion",
]
ALL_CATEGORIES: tuple[Category, ...] = (
    "union_membership",
    "health",
    "sexual_orientation",
    "religion",
    "ethnicity",
    "political_opinion",
)
_CATEGORY_LABEL: dict[Category, str] = {
    "union_membership": "union membership",
    "health": "health",
    "sexual_orientation": "sexual orientation",
    "religion": "religion",
    "ethnicity": "ethnicity",
    "political_opinion": "political opinion",
}

# --- term lists: category -> language -> terms (syntax: see rules/phrases.py) ----------------

UNION_MEMBERSHIP: dict[str, tuple[str, ...]] = {
    "da": (
        "medlem", "medlemmet", "medlemskab*", "fagforeningsmedlem*", "fagligt organiseret",
        "organiseret i", "meldt ind i", "meldte sig ind", "meldt sig ind", "meldt ud af",
        "meldte sig ud", "meldte mig ind", "meldt mig ind", "tillidsrepræsentant*",
        "tillidsmand*", "arbejdsmiljørepræsentant*",
    ),
    "sv": (
        "medlem", "medlemmen", "medlemskap*", "fackmedlem*", "fackligt ansluten",
        "fackligt aktiv", "med i facket", "gick med i facket", "gått med i facket",
        "gick ur facket", "förtroendevald*", "skyddsombud*",
    ),
    "nb": (
        "medlem", "medlemmet", "medlemskap*", "fagforeningsmedlem*", "fagorganisert*",
        "organisert i", "meldt seg inn", "meldte seg inn", "meldt seg ut", "meldte seg ut",
        "meldt meg inn", "meldte meg inn",
        "tillitsvalgt*", "verneombud*",
    ),
    "nn": (
        "medlem", "medlemen", "medlemskap*", "fagorganisert*", "organisert i",
        "meldt seg inn", "melde seg inn", "meldte seg inn", "melde meg inn", "meldt meg inn",
        "tillitsvald*", "verneombod*",
    ),
    "en": (
        "member of", "union member*", "membership", "joined the union", "left the union",
        "in the union", "shop steward*", "union rep", "union representative*",
    ),
}  # fmt: skip

HEALTH: dict[str, tuple[str, ...]] = {
    "da": (
        "syg", "sygdom*", "sygemeld*", "sygefravær*", "sygeorlov*", "stress", "stresset",
        "stressramt", "stressyg*", "stressygemeld*", "kræft", "kræften", "*kræft",
        "kræftsyg*", "kræftbehandling*", "cancer", "*cancer", "depression*", "depressiv*",
        "deprimeret", "angst", "angstanfald*", "psykisk syg*", "psykiatri*", "diagnose*",
        "diagnosticeret", "indlagt", "gravid*", "abort*", "diabet*", "sclerose", "epilepsi*",
        "adhd", "autis*", "handicap", "handicappet", "alkoholiker", "alkoholmisbrug*",
        "stofmisbrug*", "narkoman*", "demens", "dement",
        "kemo*", "opereret", "udbrændt", "burnout", "hiv-positiv*", "hivpositiv*",
        "long covid", "piskesmæld", "arbejdsskade*",
    ),
    "sv": (
        "sjuk", "sjukdom*", "sjukskriv*", "sjukfrånvaro*", "stress", "stressad*",
        "stressrelaterad*", "cancer", "*cancer", "utbränd*", "utbrändhet", "utmattning*",
        "depression*", "deprimerad", "ångest*", "psykisk ohälsa", "psykiskt sjuk*",
        "psykiatri*", "diagnos*", "inlagd", "gravid*", "abort*", "diabet*", "epilepsi*",
        "adhd", "autis*", "bipolär*", "schizofren*", "alkoholist", "missbrukare",
        "dement*", "cellgift*", "opererad", "handikappad*", "funktionsnedsättning*",
        "hiv-positiv*", "hivpositiv*", "long covid", "arbetsskada*",
    ),
    "nb": (
        "syk", "sykdom*", "sykmeld*", "sykemeld*", "sykefravær*", "stress", "stressa",
        "stresset", "kreft", "kreften", "*kreft", "*kreften", "kreftsyk*", "cancer",
        "*cancer", "utbrent", "depresjon*", "deprimert", "angst", "psykisk syk*",
        "psykiatri*", "diagnos*", "innlagt", "gravid*", "abort*", "diabet*", "epilepsi*",
        "adhd", "autis*", "bipolar*", "schizofren*", "alkoholiker", "rusmisbruk*",
        "rusavhengig*", "dement*", "cellegift*", "operert", "ufør*", "funksjonshemm*",
        "hiv-positiv*", "hivpositiv*", "long covid", "arbeidsskade*", "yrkesskade*",
    ),
    "nn": (
        "sjuk", "sjukdom*", "sjukmeld*", "sjukefråvær*", "stress", "kreft", "kreften",
        "*kreft", "utbrend", "depresjon*", "angst", "psykisk sjuk*", "innlagd", "gravid*",
        "diagnos*", "ufør*", "rusmisbruk*",
    ),
    "en": (
        "sick leave", "on sick leave", "off sick", "called in sick", "illness*", "disease*",
        "cancer", "stressed", "stress leave", "burnout", "burned out", "burnt out",
        "depression", "depressed", "anxiety", "mental health", "mental illness",
        "diagnosed", "hospitali*", "pregnant", "pregnancy", "abortion", "diabetes",
        "diabetic", "hiv positive", "hiv-positive", "dementia", "chemo*", "disabled",
        "disability", "adhd", "autis*", "alcoholic", "addict*", "long covid",
    ),
}  # fmt: skip

SEXUAL_ORIENTATION: dict[str, tuple[str, ...]] = {
    "da": (
        "homoseksuel*", "homo", "bøsse", "bøssen", "lesbisk", "lesbiske", "lesbianer*",
        "biseksuel*", "transkønnet*", "kommet ud af skabet", "sprunget ud som", "queer",
    ),
    "sv": (
        "homosexuel*", "bög", "bögen", "bögar*", "lesbisk*", "bisexuel*", "gay",
        "transperson*", "kom ut som", "kommit ut som", "queer",
    ),
    "nb": (
        "homofil*", "homse*", "lesbisk*", "lesbe", "bifil*", "skeiv*", "transperson*",
        "kommet ut av skapet", "kom ut av skapet", "gay",
    ),
    "nn": ("homofil*", "lesbisk*", "bifil*", "skeiv*", "transperson*", "kome ut av skapet"),
    "en": (
        "gay", "lesbian*", "bisexual*", "homosexual*", "queer", "came out as", "come out as",
        "coming out as", "transgender",
    ),
}  # fmt: skip

RELIGION: dict[str, tuple[str, ...]] = {
    "da": (
        "muslim*", "kristen", "kristne", "jøde", "jøder", "jødisk*", "troende", "ateist*",
        "katolik*", "katolsk*", "buddhist*", "hindu*", "islam*", "konverter* til islam",
        "konverter* til kristendom*", "konverter* til jødedom*", "går i kirke",
        "går i moské", "beder fem gange", "jehovas vidne*", "sikh",
    ),
    "sv": (
        "muslim*", "kristen", "kristna", "jude", "judar", "judisk*", "troende", "ateist*",
        "katolik*", "katolsk*", "buddhist*", "hindu*", "islam*", "konverter* till islam",
        "konverter* till kristendom*", "konverter* till judendom*",
        "går i kyrkan", "går i moskén", "frikyrk*", "jehovas vittne*", "sikh",
    ),
    "nb": (
        "muslim*", "kristen", "kristne", "jøde", "jøder", "jødisk*", "troende", "ateist*",
        "katolikk*", "katolsk*", "buddhist*", "hindu*", "islam*", "konverter* til islam",
        "konverter* til kristendom*", "konverter* til jødedom*",
        "går i kirken", "går i moskeen", "pinsevenn*", "jehovas vitne*", "sikh",
    ),
    "nn": (
        "muslim*", "kristen", "kristne", "jøde", "jødar", "jødisk*", "truande", "ateist*",
        "katolikk*", "katolsk*", "konverter* til islam", "konverter* til kristendom*",
    ),
    "en": (
        "muslim*", "christian", "christians", "jew", "jews", "jewish", "atheist*",
        "catholic*", "buddhist*", "hindu*", "islam*", "converted to islam",
        "converted to christianity", "converted to judaism", "goes to church",
        "goes to mosque", "jehovah's witness*", "sikh",
    ),
}  # fmt: skip

ETHNICITY: dict[str, tuple[str, ...]] = {
    "da": (
        "etnisk*", "herkomst", "indvandrer*", "flygtning*", "sigøjner*", "romaer", "kurder",
        "kurdisk*", "samisk*", "grønlænder*", "anden etnisk baggrund", "udenlandsk baggrund",
    ),
    "sv": (
        "etnisk*", "härkomst", "invandrar*", "invandrare", "flykting*", "zigenar*", "romer",
        "romsk*", "kurd", "kurder", "kurdisk*", "samisk*", "utländsk bakgrund", "utrikes född",
        "tornedaling*",
    ),
    "nb": (
        "etnisk*", "innvandrer*", "flyktning*", "sigøyner*", "rom-folk*", "kurder",
        "kurdisk*", "samisk*", "kvensk*", "tater*", "utenlandsk bakgrunn",
        "innvandrerbakgrunn",
    ),
    "nn": (
        "etnisk*", "innvandrar*", "flyktning*", "samisk*", "kvensk*", "utanlandsk bakgrunn",
        "innvandrarbakgrunn",
    ),
    "en": (
        "ethnic*", "ethnicity", "immigrant*", "refugee*", "asylum seeker*", "gypsy",
        "gypsies", "kurdish", "sami", "race", "racial*",
    ),
}  # fmt: skip

POLITICAL_OPINION: dict[str, tuple[str, ...]] = {
    "da": (
        "stemmer på", "stemte på", "stemt på", "partimedlem*", "socialdemokrat*",
        "venstreorienteret", "højreorienteret", "kommunist*", "nazist*", "nynazist*",
        "anarkist*", "socialist*", "venstrefløj*", "højrefløj*", "højreekstrem*",
        "venstreekstrem*", "politisk overbevisning", "medlem af partiet",
    ),
    "sv": (
        "röstar på", "röstade på", "röstat på", "partimedlem*", "sosse", "sossar*",
        "socialdemokrat*", "sverigedemokrat*", "vänsterpartist*", "kommunist*", "nazist*",
        "nynazist*", "anarkist*", "socialist*", "högerextrem*", "vänsterextrem*", "sd-are",
        "politisk övertygelse", "medlem i partiet",
    ),
    "nb": (
        "stemmer på", "stemte på", "stemt på", "partimedlem*", "sosialdemokrat*",
        "frp-er*", "sosialist*", "kommunist*", "nazist*", "nynazist*", "anarkist*",
        "høyreekstrem*", "venstreekstrem*", "politisk overbevisning", "medlem av partiet",
    ),
    "nn": (
        "røystar på", "røysta på", "stemde på", "partimedlem*", "sosialist*", "kommunist*",
        "nazist*", "høgreekstrem*", "venstreekstrem*",
    ),
    "en": (
        "votes for", "voted for", "party member*", "communist*", "nazi", "nazis",
        "neo-nazi*", "socialist*", "far-right", "far right", "far-left", "far left",
        "political views", "tory", "tories",
    ),
}  # fmt: skip

CATEGORY_TERMS: dict[Category, dict[str, tuple[str, ...]]] = {
    "union_membership": UNION_MEMBERSHIP,
    "health": HEALTH,
    "sexual_orientation": SEXUAL_ORIENTATION,
    "religion": RELIGION,
    "ethnicity": ETHNICITY,
    "political_opinion": POLITICAL_OPINION,
}

# Only when the item's language is known to be the list's: "Christian", "Sami" and "Jude" are
# also first names, and "race" is also a running race.
_GATED: frozenset[str] = frozenset({"christian", "christians", "sami", "race", "jude"})

# Confidence by the strongest cue for "another person", and for a self disclosure.
_OTHER_CONFIDENCE = {"name": 0.75, "role": 0.75, "pronoun": 0.65, "plural": 0.5}
_SELF_CONFIDENCE = 0.7

Subject = Literal["other", "self", "any"]


class SpecialCategoryParams(Params):
    categories: tuple[Category, ...] = Field(default=ALL_CATEGORIES, min_length=1)
    subject: Subject = "other"
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    not_names: tuple[str, ...] = ()  # capitalised words that are not people (own org, places)
    # Precision (see "Person and category in one clause" in the module docstring); the defaults
    # keep the sentence-wide behaviour, the pack sets them.
    window: int | None = Field(default=None, ge=0)  # most words between a person cue and a term
    name_pairs: bool = False  # unknown capitalised words are names only in pairs
    clause_breaks: tuple[str, ...] = ()  # words opening a clause a cue does not reach across
    generic_terms: tuple[str, ...] = ()  # forms of a category word that name a group
    generic_before: tuple[str, ...] = ()  # "alle", "many": the term after is about a group
    generic_after: tuple[str, ...] = ()  # "kirke", "bestyrelsen": the term is an institution
    negations: tuple[str, ...] = ()  # "ikke", "not": the person does not have the trait

    @field_validator(
        "not_names",
        "clause_breaks",
        "generic_terms",
        "generic_before",
        "generic_after",
        "negations",
    )
    @classmethod
    def _no_empty(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


def _category_phrases(categories: Sequence[Category]) -> list[Phrase[Category]]:
    entries: list[Phrase[Category]] = []
    for category in dict.fromkeys(categories):
        for lang, terms in CATEGORY_TERMS[category].items():
            entries += phrases(terms, category, lang, gated=_GATED)
    return entries


# --- person and category in one clause ----------------------------------------------------

Marker = Literal["break", "generic", "before", "after", "negation"]
_NEAR = 2  # most words between a term and a `generic_before/after` or negation word
_WORD = re.compile(r"\w+")
_PAUSE = re.compile(r"[.!?;:,\n]")
# A capitalised word (not an all-capitals one: "HAN ER SYG" is shouting, not a name).
_CAPITAL_BEFORE = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]\w* $")
_CAPITAL_AFTER = re.compile(r" [A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]")


def _marker_phrases(params: SpecialCategoryParams) -> list[Phrase[Marker]]:
    fields: tuple[tuple[Marker, tuple[str, ...]], ...] = (
        ("break", params.clause_breaks),
        ("generic", params.generic_terms),
        ("before", params.generic_before),
        ("after", params.generic_after),
        ("negation", params.negations),
    )
    return [Phrase(term, tag) for tag, terms in fields for term in terms]


class _Clause:
    """The words and marker words of one text: is a term generic, which cues share its clause.

    Built only for texts in which a category term and a person cue were found.
    """

    __slots__ = ("_marks", "_starts", "_text")

    def __init__(self, text: str, markers: PhraseMatcher[Marker] | None, lang: str | None) -> None:
        self._text = text
        self._starts = [m.start() for m in _WORD.finditer(text)]
        self._marks: list[tuple[Marker, int, int]] = []
        if markers is not None:
            norm = normalise(text, leet=False)
            for m in markers.finditer(norm.text, lang):
                start, end = norm.original_span(m.start, m.end)
                self._marks += [(tag, start, end) for tag in m.tags]

    def words_between(self, left: int, right: int) -> int:
        """How many words start in `left:right` (the end of one span, the start of the next)."""
        return max(0, bisect_left(self._starts, right) - bisect_left(self._starts, left))

    def generic(self, start: int, end: int) -> bool:
        """Whether the term at `start:end` is about a group, an institution, or negated."""
        if self._in_proper_name(start, end):
            return True
        for tag, s, e in self._marks:
            if tag == "generic" and s <= start and e >= end:
                return True
            if tag in ("before", "negation") and e <= start and self._near(e, start):
                return True
            if tag == "after" and s >= end and self._near(end, s):
                return True
        return False

    def _near(self, left: int, right: int) -> bool:
        """At most `_NEAR` words and no punctuation between (a marker in the previous sentence,
        "Det tror jeg ikke. Han er syg", says nothing about this one)."""
        return self.words_between(left, right) <= _NEAR and not _PAUSE.search(
            self._text, left, right
        )

    def _in_proper_name(self, start: int, end: int) -> bool:
        """A capitalised term beside another capitalised word is part of an organisation's
        name ("Dansk Psykiatrisk Selskab", "Cancer Research UK"), not said about a person."""
        text = self._text
        if not (text[start].isupper() and text[start + 1 : start + 2].islower()):
            return False
        before = _CAPITAL_BEFORE.search(text, max(0, start - 40), start)
        return before is not None or _CAPITAL_AFTER.match(text, end) is not None

    def reach(self, cues: Sequence[Cue], start: int, end: int, window: int | None) -> list[Cue]:
        """The cues within `window` words of the term and with no clause break in between."""
        kept = []
        for cue in cues:
            left, right = (cue.end, start) if cue.end <= start else (end, cue.start)
            if window is not None and self.words_between(left, right) > window:
                continue
            if any(t == "break" and s >= left and e <= right for t, s, e in self._marks):
                continue
            kept.append(cue)
        return kept


@lru_cache(maxsize=4)
def _clause(text: str, markers: PhraseMatcher[Marker] | None, lang: str | None) -> _Clause:
    """Shared by the two rules of a pack (about others, about oneself) on the same text."""
    return _Clause(text, markers, lang)


@register("special_category", params=SpecialCategoryParams, vocabulary="special_category")
class SpecialCategoryDetector:
    """Art. 9 terms with a subject cue in the same sentence; see the module docstring."""

    __slots__ = (
        "_clauses",
        "_cues",
        "_markers",
        "_matcher",
        "_min_confidence",
        "_subject",
        "_window",
    )

    def __init__(self, params: SpecialCategoryParams) -> None:
        self._matcher: PhraseMatcher[Category] = shared_matcher(
            _category_phrases(params.categories)
        )
        self._cues = shared_person_cues(params.not_names, name_pairs=params.name_pairs)
        self._subject: Subject = params.subject
        self._min_confidence = params.min_confidence
        marker_phrases = _marker_phrases(params)
        self._markers: PhraseMatcher[Marker] | None = (
            shared_matcher(marker_phrases) if marker_phrases else None
        )
        self._window = params.window
        self._clauses = self._markers is not None or self._window is not None

    @property
    def anchors(self) -> tuple[str, ...]:
        return self._matcher.anchors

    def anchor_text(self, text: str) -> str | None:
        """Every hit is a match of `_matcher` in the folded text (rules/anchors.py)."""
        return normalise(text, leet=False).text

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        findings: list[Finding] = []
        clause: _Clause | None = None
        for match, start, end, cues in cued_matches(self._matcher, self._cues, text, context.lang):
            near = cues
            if self._clauses and cues:
                if clause is None:
                    clause = _clause(text, self._markers, context.lang)
                if clause.generic(start, end):
                    continue
                near = clause.reach(cues, start, end, self._window)
            verdict = self._subject_of(near)
            if verdict is None:
                continue
            who, confidence = verdict
            if confidence < self._min_confidence:
                continue
            if self._subject not in ("any", who):
                continue
            category = match.phrases[0].tag
            about = "about another person" if who == "other" else "about the author"
            findings.append(
                Finding(
                    start=start,
                    end=end,
                    confidence=confidence,
                    label=f"special category ({_CATEGORY_LABEL[category]}) {about}",
                    mask=mask_term(text[start:end]),
                )
            )
        return findings

    @staticmethod
    def _subject_of(cues: Sequence[Cue]) -> tuple[Literal["other", "self"], float] | None:
        other = max((_OTHER_CONFIDENCE.get(c.kind, 0.0) for c in cues), default=0.0)
        if other:
            return "other", other
        if any(c.kind == "self" for c in cues):
            return "self", _SELF_CONFIDENCE
        return None
