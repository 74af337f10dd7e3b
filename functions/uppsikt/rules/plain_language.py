"""Rule kind `plain_language`: readability and officialese in an authority's own posts (R10).

Regulation §5(a) R10: «Vedtak fattes på bakgrunn av innkomne søknader iht. gjeldende
regelverk» → flag for plainer wording (språklova § 9 in Norway; språklagen 11 § in Sweden).

Two checks:

- LIX (Björnsson's readability index): words per sentence + 100 × long words / words, a long
  word having more than `long_word_letters` (6) letters. Reported once, spanning the text,
  when LIX > `max_lix` and the text has at least `min_words` words (LIX on a one-liner says
  little). As a guide: below 30 very easy, 40 ordinary news, 50 official prose, above 60
  very hard. Sentences end at . ! ? : and newlines; a full stop followed by a lowercase
  word is an abbreviation ("iht. gjeldende"), not a sentence end.
- officialese (`jargon`, default `DEFAULT_JARGON`): each term found is its own finding
  ("iht.", "jf.", "vedr.", "i henhold til", "nærværende", "föreliggande", "innkomne"...).

By default only official posts of authorities are read (`only_authorities`, `only_official`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import Field, field_validator

from uppsikt.rules.phrases import PhraseMatcher, check_terms, phrases
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import normalise

__all__ = ["DEFAULT_JARGON", "JARGON", "PlainLanguageDetector", "PlainLanguageParams", "lix"]

JARGON: dict[str, tuple[str, ...]] = {
    "da": (
        "iht.", "iht", "jf.", "jf", "jvf.", "vedr.", "vedr", "vedrørende", "ang.", "mht.", "ifm.",
        "i henhold til", "herunder", "nærværende", "undertegnede", "ovennævnte", "førnævnte",
        "pågældende", "fremsendes", "fremsendt", "påhviler", "bemærkes", "med henblik på",
        "i medfør af", "foranlediget", "jævnfør", "således", "hermed", "endvidere",
    ),
    "sv": (
        "föreliggande", "erforderlig*", "ovannämnd*", "undertecknad*", "enligt ovan",
        "härmed", "därtill", "tillika", "torde", "icke", "ävenledes", "sålunda",
        "vederbörande", "åligger", "ang.", "enl.", "beträffande", "i enlighet med", "emedan",
    ),
    "nb": (
        "iht.", "iht", "jf.", "jf", "vedr.", "vedrørende", "ang.", "mht.", "fattes", "innkomne",
        "i henhold til", "nærværende", "undertegnede", "ovennevnte", "herunder", "påhviler",
        "således", "hva angår", "forøvrig", "hensyntatt", "vedkommende", "herved",
        "med hjemmel i", "i medhold av",
    ),
    "nn": (
        "iht.", "jf.", "fattast", "innkomne", "nemnde", "underteikna", "ovannemnde",
        "i medhald av", "med heimel i",
    ),
    "en": (
        "pursuant to", "hereby", "herein", "aforementioned", "undersigned",
        "in accordance with", "notwithstanding", "heretofore", "whereas", "henceforth",
    ),
}  # fmt: skip

DEFAULT_JARGON: tuple[str, ...] = tuple(
    dict.fromkeys(term for terms in JARGON.values() for term in terms)
)

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Sentence ends for LIX: . ! ? : or a newline; a full stop before a lowercase word is an
# abbreviation. Runs count once ("?!", "...").
_SENTENCE_END = re.compile(r"\n+|[!?:]+|\.+(?!\s*[a-zß-öø-ÿ])")


def lix(text: str, long_word_letters: int = 6) -> tuple[float, int]:
    """The LIX of `text` and its word count (0.0 for a text without words)."""
    words = _WORD.findall(text)
    if not words:
        return 0.0, 0
    stripped = text.rstrip()
    sentences = len(_SENTENCE_END.findall(stripped))
    if not _SENTENCE_END.search(stripped[-1:]):
        sentences += 1  # the last sentence has no full stop
    long_words = sum(
        1
        for w in words
        if len(w) > long_word_letters
        and len(w) - w.count("-") - w.count("'") - w.count("’") > long_word_letters
    )
    return len(words) / sentences + 100 * long_words / len(words), len(words)


class PlainLanguageParams(Params):
    only_authorities: bool = True
    only_official: bool = True
    max_lix: int = Field(default=50, ge=1)
    min_words: int = Field(default=12, ge=1)
    long_word_letters: int = Field(default=6, ge=1)
    jargon: tuple[str, ...] = DEFAULT_JARGON
    extra_jargon: tuple[str, ...] = ()
    confidence_lix: float = Field(default=0.6, ge=0.0, le=1.0)
    confidence_jargon: float = Field(default=0.6, ge=0.0, le=1.0)

    @field_validator("jargon", "extra_jargon")
    @classmethod
    def _terms_are_usable(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


@register("plain_language", params=PlainLanguageParams, vocabulary="plain_language")
class PlainLanguageDetector:
    """LIX over a threshold, and officialese terms; see the module docstring."""

    __slots__ = ("_jargon", "_params")

    def __init__(self, params: PlainLanguageParams) -> None:
        self._params = params
        self._jargon: PhraseMatcher[str] = PhraseMatcher(
            phrases((*params.jargon, *params.extra_jargon), "jargon")
        )

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        params = self._params
        if params.only_authorities and context.org_type != "authority":
            return ()
        if params.only_official and not context.official:
            return ()
        findings: list[Finding] = []
        score, words = lix(text, params.long_word_letters)
        if words >= params.min_words and score > params.max_lix:
            # Whole numbers read best; one decimal where rounding would hide the excess.
            shown = f"{score:.0f}" if round(score) > params.max_lix else f"{score:.1f}"
            findings.append(
                Finding(
                    0,
                    len(text),
                    params.confidence_lix,
                    f"plain language: LIX {shown} > {params.max_lix}",
                    f"LIX {shown}",
                )
            )
        norm = normalise(text, leet=False)
        for match in self._jargon.finditer(norm.text):
            start, end = norm.original_span(match.start, match.end)
            findings.append(
                Finding(
                    start,
                    end,
                    params.confidence_jargon,
                    "plain language: officialese",
                    text[start:end],
                )
            )
        return findings
