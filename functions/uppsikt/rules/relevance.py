"""Rule kind `relevance`: official posts that have nothing to do with the organisation's work.

Regulation §5(a) R3 `topic_relevance` (official content relates to the organisation's
activity) and R4 `private_work_separation` (private content from an official account):
«Tillykke med fødselsdagen, mor!» posted from the union page is reported; a post about the
collective agreement is not.

The rule reports one finding spanning the whole text when no `topics` term occurs in it and
either the text has at least `min_words` words ("off-topic: no topic term") or a
`private_cues` term occurs ("off-topic: private content"). Short posts without a private cue
("God weekend!") are left alone: too little text to judge.

Defaults suit a Nordic trade union (`DEFAULT_TOPICS`: agreements, pay, working environment,
membership, unemployment funds, strikes, negotiations, pensions...). A tenant adds its own
name and campaigns with `extra_topics`, or replaces the list with `topics` (an authority
should: its topics are its services). Terms use the phrases.py syntax; most defaults end in
`*` so that compounds count ("overenskomstforhandlingerne"). The rule only reads official
items by default (`only_official`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field, field_validator

from uppsikt.rules.phrases import PhraseMatcher, check_terms, phrases
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import normalise

__all__ = [
    "DEFAULT_PRIVATE_CUES",
    "DEFAULT_TOPICS",
    "PRIVATE_CUES",
    "TOPICS",
    "RelevanceDetector",
    "RelevanceParams",
]

TOPICS: dict[str, tuple[str, ...]] = {
    "da": (
        "overenskomst*", "aftale*", "tarif*", "løn*", "lønmodtager*", "arbejdsmiljø*",
        "arbejdsplads*", "arbejdstid*", "arbejdsgiver*", "arbejdsløs*", "a-kasse*", "medlem*",
        "fagforening*", "fagbevægelse*", "faglig*", "tillidsrepræsentant*", "strejke*",
        "lockout*", "konflikt*", "forhandl*", "opsigelse*", "ansat*", "ansættelse*",
        "pension*", "efterløn*", "feriepenge*", "ferielov*", "barsel*", "ligeløn*", "kursus*",
        "uddannelse*", "efteruddannelse*", "overarbejde*", "vagtplan*", "dagpenge*",
        "jobcenter*", "kollektiv*",
    ),
    "sv": (
        "kollektivavtal*", "avtal*", "tariff*", "lön*", "arbetsmiljö*", "arbetsplats*",
        "arbetstid*", "arbetsgivar*", "arbetslös*", "a-kassa*", "medlem*", "fack*",
        "förbund*", "förtroendevald*", "skyddsombud*", "strejk*", "lockout*", "konflikt*",
        "förhandl*", "uppsägning*", "anställ*", "pension*", "semesterersättning*",
        "semesterlön*", "föräldraledig*", "utbildning*", "kurs*", "övertid*", "schema*",
        "bemanning*",
    ),
    "nb": (
        "tariff*", "overenskomst*", "avtale*", "lønn*", "arbeidsmiljø*", "arbeidsplass*",
        "arbeidstid*", "arbeidsgiver*", "arbeidsledig*", "medlem*", "fagforening*",
        "fagforbund*", "fagbevegelse*", "faglig*", "tillitsvalgt*", "verneombud*", "streik*",
        "lockout*", "konflikt*", "forhandl*", "oppgjør*", "lønnsoppgjør*", "oppsigelse*",
        "ansatt*", "ansettelse*", "pensjon*", "feriepenger*", "permisjon*", "kurs*",
        "utdanning*", "overtid*", "turnus*", "bemanning*",
    ),
    "nn": (
        "tariff*", "avtale*", "løn*", "arbeidsmiljø*", "arbeidsplass*", "arbeidstid*",
        "arbeidsgjevar*", "medlem*", "fagforeining*", "fagrørsle*", "tillitsvald*",
        "verneombod*", "streik*", "forhandl*", "oppgjer*", "oppseiing*", "tilsett*",
        "pensjon*", "kurs*", "utdanning*", "overtid*",
    ),
    "en": (
        "union*", "agreement*", "collective*", "bargain*", "wage*", "salary", "salaries",
        "pay", "payroll", "member*", "strike*", "lockout*", "workplace*",
        "working conditions", "working hours", "employer*", "employee*", "negotiat*",
        "pension*", "health and safety", "overtime", "shop steward*",
    ),
}  # fmt: skip

PRIVATE_CUES: dict[str, tuple[str, ...]] = {
    "da": (
        "tillykke med fødselsdagen", "tillykke med dagen", "fødselsdag*", "mor", "mormor",
        "farmor", "morfar", "farfar", "kære far", "min mand", "min kone", "min kæreste",
        "mine børn", "mine unger", "børnebørn*", "min hund", "min kat", "ferie", "ferien",
        "sommerferie*", "bryllup*",
    ),
    "sv": (
        "grattis på födelsedagen", "grattis på födelsedan", "födelsedag*", "mamma", "pappa",
        "mormor", "farmor", "morfar", "farfar", "min man", "min fru", "min sambo",
        "mina barn", "barnbarn*", "min hund", "min katt", "semester", "semestern",
        "sommarsemester*", "bröllop*",
    ),
    "nb": (
        "gratulerer med dagen", "bursdag*", "fødselsdag*", "mamma", "pappa", "mor", "mormor",
        "farmor", "morfar", "farfar", "kjære far", "min mann", "min kone", "kona mi",
        "mine barn", "barnebarn*", "min hund", "min katt", "ferie", "ferien", "sommerferie*",
        "bryllup*",
    ),
    "nn": (
        "gratulerer med dagen", "bursdag*", "fødselsdag*", "mor", "far min", "mannen min",
        "kona mi", "borna mine", "ferie", "ferien", "bryllaup*",
    ),
    "en": (
        "happy birthday", "birthday*", "mum", "mom", "dad", "my husband", "my wife",
        "my kids", "my children", "grandkids", "grandchildren", "my dog", "my cat",
        "vacation", "on holiday", "wedding*", "anniversary",
    ),
}  # fmt: skip


def _flat(table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(term for terms in table.values() for term in terms))


DEFAULT_TOPICS: tuple[str, ...] = _flat(TOPICS)
DEFAULT_PRIVATE_CUES: tuple[str, ...] = _flat(PRIVATE_CUES)

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")


class RelevanceParams(Params):
    only_official: bool = True
    topics: tuple[str, ...] = DEFAULT_TOPICS
    extra_topics: tuple[str, ...] = ()  # e.g. the organisation's own name and campaigns
    private_cues: tuple[str, ...] = DEFAULT_PRIVATE_CUES
    min_words: int = Field(default=15, ge=1)
    confidence_private: float = Field(default=0.7, ge=0.0, le=1.0)
    confidence_off_topic: float = Field(default=0.5, ge=0.0, le=1.0)

    @field_validator("topics", "extra_topics", "private_cues")
    @classmethod
    def _terms_are_usable(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


@register("relevance", params=RelevanceParams, vocabulary="relevance")
class RelevanceDetector:
    """No topic term, and private or long enough to judge; see the module docstring."""

    __slots__ = ("_params", "_private", "_topics")

    def __init__(self, params: RelevanceParams) -> None:
        self._params = params
        self._topics: PhraseMatcher[str] = PhraseMatcher(
            phrases((*params.topics, *params.extra_topics), "topic")
        )
        self._private: PhraseMatcher[str] = PhraseMatcher(phrases(params.private_cues, "private"))

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if self._params.only_official and not context.official:
            return ()
        folded = normalise(text, leet=False)
        if self._topics.search(folded.text):
            return ()
        private = self._private.finditer(folded.text)
        if private:
            start, end = folded.original_span(private[0].start, private[0].end)
            return (
                Finding(
                    0,
                    len(text),
                    self._params.confidence_private,
                    "off-topic: private content",
                    text[start:end],
                ),
            )
        words = len(_WORD.findall(text))
        if words >= self._params.min_words:
            return (
                Finding(
                    0,
                    len(text),
                    self._params.confidence_off_topic,
                    "off-topic: no topic term",
                    f"{words} words, no topic term",
                ),
            )
        return ()
