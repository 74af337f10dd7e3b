"""Rule kind `tone`: irony, sarcasm and anger in the organisation's own posts (R9 `tone_review`).

Regulation §5(a) R9: «Grattis arbetsgivaren, ännu en lysande idé 🙄» → human review. The rule
only reads official items by default (`only_official`); visitors may be as ironic as they like.

Cues, each reported as its own finding with a label naming the cue:

- irony: eye-roll and smirk emojis (🙄 😒 🙃 😏 🤦), sarcastic set phrases ("ja tak for det",
  "tack för inget", "ännu en lysande idé", "yeah right", "thanks for nothing"), praise words
  in scare quotes ("en «fantastisk» løsning"), and the "/s" marker;
- anger: a run of at least `min_exclamations` exclamation marks, words in capitals of at least
  `min_caps_letters` letters (acronyms in `caps_allow` excepted; a run of such words is one
  finding), anger words (rasende/förbannad/sint/furious), angry emojis (😡 🤬 😠 😤);
- swearing (fuck, fandme, jävla, faen, helvede...).

These are heuristics for a human to look at, so confidence stays modest (0.5-0.7). The masks
show the cue itself (an emoji, a stock phrase), except for capitals and swearing, which keep
only the first letter: a shouted word may be a name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import Field, field_validator

from uppsikt.rules.phrases import PhraseMatcher, check_terms, mask_term, phrases
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import fold, normalise

__all__ = ["ANGER_WORDS", "IRONY_PHRASES", "SWEAR_WORDS", "ToneDetector", "ToneParams"]

Cue = Literal["irony", "anger", "swearing"]

IRONY_PHRASES: dict[str, tuple[str, ...]] = {
    "da": (
        "ja tak for det", "tak for ingenting", "tak for intet", "sikke en overraskelse",
        "hvor overraskende", "endnu en genial*", "endnu en fantastisk*", "endnu en strålende*",
        "endnu en fremragende*", "flot klaret, ikke", "tillykke med det, ikke",
    ),
    "sv": (
        "tack för inget", "tack för ingenting", "ja tack för det", "vilken överraskning",
        "ännu en lysande*", "ännu en genial*", "ännu en fantastisk*", "ännu ett lysande*",
        "snyggt jobbat, verkligen", "bra jobbat, verkligen",
    ),
    "nb": (
        "takk for ingenting", "ja takk for det", "for en overraskelse", "nok en genial*",
        "nok en strålende*", "nok en fantastisk*", "enda en genial*", "enda en strålende*",
        "godt jobba, da",
    ),
    "nn": (
        "takk for ingenting", "ja takk for det", "endå ein genial*", "endå ein strålande*",
        "nok ein genial*",
    ),
    "en": (
        "yeah right", "thanks for nothing", "what a surprise", "another brilliant idea",
        "another great idea", "another genius*", "slow clap",
        "well done, really", "sure, because",
    ),
}  # fmt: skip

ANGER_WORDS: dict[str, tuple[str, ...]] = {
    "da": (
        "rasende", "vred", "vrede", "arrig*", "pissesur*", "pissed", "skandale*", "skandaløs*",
        "uacceptabel*", "latterlig*", "hold kæft", "til grin", "hamrende",
    ),
    "sv": (
        "arg", "arga", "förbannad*", "rasande", "vansinnig*", "skandal*", "oacceptabel*",
        "löjlig*", "håll käften", "vidrig*",
    ),
    "nb": (
        "sint", "sinte", "forbanna", "rasende", "skandale*", "skandaløs*", "uakseptabel*",
        "latterlig*", "hold kjeft", "vanvittig*",
    ),
    "nn": ("sint", "sinte", "forbanna", "rasande", "skandale*", "uakseptabel*", "latterleg*"),
    "en": (
        "furious", "angry", "outrageous", "disgrace*", "unacceptable", "ridiculous",
        "shut up", "fed up", "sick and tired",
    ),
}  # fmt: skip

SWEAR_WORDS: dict[str, tuple[str, ...]] = {
    "da": (
        "fandme", "fanden", "fandens", "for helvede", "helvede", "lort", "lortet", "lorte*",
        "pis", "pisse*", "kraftedeme", "satan*", "fuck*",
    ),
    "sv": (
        "jävla", "jävlar", "jävligt", "fan", "fan också", "helvete", "skit", "skitsnack*",
        "skitdålig*", "satan", "fuck*",
    ),
    "nb": ("faen", "fy faen", "helvete", "jævla", "jævlig*", "dritt*", "satan", "fuck*"),
    "nn": ("faen", "helvete", "jævla", "dritt*", "fuck*"),
    "en": ("fuck*", "shit", "shitty", "bullshit", "damn*", "wtf", "crap", "bloody hell"),
}  # fmt: skip

# Only when the item's language is known to be the list's: Swedish "fan" (the devil) is also
# English "fan" ("a big fan of the new agreement").
_GATED: frozenset[str] = frozenset({"fan"})

# Capitalised acronyms and notices that are not shouting.
DEFAULT_CAPS_ALLOW: tuple[str, ...] = (
    "COVID", "NATO", "OECD", "UNESCO", "UNICEF", "GDPR", "SEKO", "KOMMUNAL", "UNIONEN",
    "OBS", "INFO", "NYHED", "NYHET", "HUSK", "VIGTIGT", "VIKTIGT", "VIKTIG", "FAQ", "LIVE",
    "MITID", "BANKID", "ALERT", "UPDATE", "OPDATERING", "UPPDATERING", "OPPDATERING",
)  # fmt: skip

# 🙄 😒 🙃 😏 🤦 (with skin tone, gender and variation selectors), and 😡 🤬 😠 😤.
_IRONY_EMOJI = re.compile(
    "[\U0001f644\U0001f612\U0001f643\U0001f60f\U0001f926]"
    "[\U0001f3fb-\U0001f3ff\u200d\u2640\u2642\ufe0f]*"
)
_ANGER_EMOJI = re.compile("[\U0001f621\U0001f92c\U0001f620\U0001f624]\ufe0f?")
_SARCASM_MARK = re.compile(r"(?<![\w/])/s(?![\w/])")
_EXCLAMATIONS = re.compile(r"[!?¡]{2,}")
_CAPS_WORD = re.compile(r"(?<![\w'’])[A-ZÀ-ÖØ-Þ]{2,}(?![\w'’])")
_CAPS_GAP = re.compile(r"[\s,.;:!?\-]*")
_QUOTES = "\"“”„«»‘’'‹›"

# Praise words people put in scare quotes ("en «fantastisk» løsning").
_PRAISE = (
    "fantastisk*", "genial*", "lysande", "strålende", "strålande", "flot*", "fin", "fint",
    "god", "godt", "bra", "great", "brilliant", "amazing", "smart*", "effektiv*",
    "modern*", "fremragende", "utmärkt*", "super", "perfekt*", "perfect", "innovativ*",
    "ansvarlig*", "ansvarsfull*", "fair", "rimelig*", "rimlig*", "løsning*", "lösning*",
    "forbedring*", "förbättring*", "reform*", "solution", "improvement",
)  # fmt: skip

_CONFIDENCE: dict[str, float] = {
    "emoji": 0.65,
    "phrase": 0.6,
    "quotes": 0.55,
    "marker": 0.7,
    "exclamations": 0.5,
    "caps": 0.5,
    "word": 0.6,
    "swearing": 0.7,
}


def _scare_quote_pattern() -> re.Pattern[str]:
    words = []
    for term in _PRAISE:
        folded = re.escape(fold(term.removesuffix("*")))
        words.append(folded + (r"\w*" if term.endswith("*") else ""))
    quote = "[" + re.escape(_QUOTES) + "]"
    return re.compile(rf"{quote}\s?(?:{'|'.join(words)})\s?{quote}")


class ToneParams(Params):
    only_official: bool = True
    irony: bool = True
    anger: bool = True
    swearing: bool = True
    min_exclamations: int = Field(default=3, ge=2)
    min_caps_letters: int = Field(default=4, ge=2)
    caps_allow: tuple[str, ...] = DEFAULT_CAPS_ALLOW
    extra_irony: tuple[str, ...] = ()  # more irony phrases (phrases.py syntax)
    extra_anger: tuple[str, ...] = ()  # more anger words (phrases.py syntax)

    @field_validator("extra_irony", "extra_anger")
    @classmethod
    def _terms_are_usable(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


@register("tone", params=ToneParams, vocabulary="tone")
class ToneDetector:
    """Irony, anger and swearing cues in official posts; see the module docstring."""

    __slots__ = ("_caps_allow", "_matcher", "_params", "_scare_quotes")

    def __init__(self, params: ToneParams) -> None:
        self._params = params
        entries = []
        if params.irony:
            entries += phrases(params.extra_irony, ("irony", "phrase"))
            for lang, terms in IRONY_PHRASES.items():
                entries += phrases(terms, ("irony", "phrase"), lang, gated=_GATED)
        if params.anger:
            entries += phrases(params.extra_anger, ("anger", "word"))
            for lang, terms in ANGER_WORDS.items():
                entries += phrases(terms, ("anger", "word"), lang, gated=_GATED)
        if params.swearing:
            for lang, terms in SWEAR_WORDS.items():
                entries += phrases(terms, ("swearing", "swearing"), lang, gated=_GATED)
        self._matcher: PhraseMatcher[tuple[Cue, str]] = PhraseMatcher(entries)
        self._scare_quotes = _scare_quote_pattern()
        self._caps_allow = frozenset(word.upper() for word in params.caps_allow)

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        if self._params.only_official and not context.official:
            return ()
        findings: list[Finding] = []
        if self._params.irony:
            findings += self._irony(text)
        if self._params.anger:
            findings += self._anger(text)
        norm = normalise(text)
        for match in self._matcher.finditer(norm.text, context.lang):
            cue, what = match.tags[0]
            start, end = norm.original_span(match.start, match.end)
            evidence = text[start:end]
            findings.append(
                Finding(
                    start,
                    end,
                    _CONFIDENCE[what],
                    f"tone: {cue}" if cue == "swearing" else f"tone: {cue} ({what})",
                    mask_term(evidence) if cue == "swearing" else evidence,
                )
            )
        if self._params.irony:
            for m in self._scare_quotes.finditer(norm.text):
                start, end = norm.original_span(m.start(), m.end())
                findings.append(
                    Finding(
                        start,
                        end,
                        _CONFIDENCE["quotes"],
                        "tone: irony (scare quotes)",
                        text[start:end],
                    )
                )
        findings.sort(key=lambda f: (f.start, f.end))
        return findings

    def _irony(self, text: str) -> list[Finding]:
        found: list[Finding] = []
        if not text.isascii():  # emojis are not ASCII; most comments are cheap to rule out
            found += [
                Finding(m.start(), m.end(), _CONFIDENCE["emoji"], "tone: irony (emoji)", m.group())
                for m in _IRONY_EMOJI.finditer(text)
            ]
        if "/s" in text:
            found += [
                Finding(m.start(), m.end(), _CONFIDENCE["marker"], "tone: irony (/s)", "/s")
                for m in _SARCASM_MARK.finditer(text)
            ]
        return found

    def _anger(self, text: str) -> list[Finding]:
        found: list[Finding] = []
        if not text.isascii():
            found += [
                Finding(m.start(), m.end(), _CONFIDENCE["emoji"], "tone: anger (emoji)", m.group())
                for m in _ANGER_EMOJI.finditer(text)
            ]
        for m in _EXCLAMATIONS.finditer(text):
            count = m.group().count("!")
            if count >= self._params.min_exclamations:
                found.append(
                    Finding(
                        m.start(),
                        m.end(),
                        _CONFIDENCE["exclamations"],
                        "tone: anger (exclamation marks)",
                        m.group(),
                    )
                )
        found += self._caps(text)
        return found

    def _caps(self, text: str) -> list[Finding]:
        """Runs of words in capitals with at least one shouted word ("DET ER SKANDALØST")."""
        runs: list[list[int]] = []  # [start, end, shouted?]
        for m in _CAPS_WORD.finditer(text):
            word = m.group()
            shouted = len(word) >= self._params.min_caps_letters and word not in self._caps_allow
            if runs and _CAPS_GAP.fullmatch(text, runs[-1][1], m.start()):
                runs[-1][1] = m.end()
                runs[-1][2] |= shouted
            else:
                runs.append([m.start(), m.end(), shouted])
        return [
            Finding(
                start,
                end,
                _CONFIDENCE["caps"],
                "tone: anger (capitals)",
                mask_term(text[start:end]),
            )
            for start, end, shouted in runs
            if shouted
        ]
