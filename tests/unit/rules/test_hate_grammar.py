"""The `hate_grammar` kind (the threat grammar's machinery reporting `hate`) and the baseline
pack's `baseline.hate-construction` on each construction in each language. The sentences are
written for these tests; none comes from an evaluation set or the functional suite."""

from __future__ import annotations

from functools import cache

import pytest

from support.paths import REPO
from uppsikt.policy.loader import read_document
from uppsikt.rules.registry import RuleContext, kind_spec
from uppsikt.rules.threat_grammar import (
    HateGrammarDetector,
    ThreatGrammarDetector,
    ThreatGrammarParams,
)

SMALL = {
    "constructions": [
        {"name": "derogation", "pattern": "group ~2 copula ~2 predicate", "anchor": "group"},
        {"name": "derogation", "pattern": "dislike ~1 group", "anchor": "group"},
    ],
    "languages": {
        "da": {
            "slots": {
                "group": ["muslim*"],
                "copula": ["er"],
                "predicate": ["snyltere"],
                "dislike": ["kan ikke fordrage"],
            },
            "negations": ["ikke"],
            "affirming": ["kan ikke fordrage"],
        }
    },
}


@cache
def baseline_params() -> ThreatGrammarParams:
    document = read_document(REPO / "policies" / "nordic-baseline.yaml")
    (rule,) = [r for r in document.rules if r.id == "baseline.hate-construction"]
    return ThreatGrammarParams.model_validate(rule.params)


@cache
def baseline() -> HateGrammarDetector:
    return HateGrammarDetector(baseline_params())


def labels(detector: ThreatGrammarDetector, text: str, lang: str | None = None) -> list[str]:
    return [f.label for f in detector.find(text, RuleContext(lang=lang))]


def test_the_hate_kind_is_registered_and_reports_hate_beside_the_threat_kind() -> None:
    hate = kind_spec("hate_grammar")
    assert hate is not None
    assert hate.params_model is ThreatGrammarParams
    params = ThreatGrammarParams.model_validate(SMALL)
    assert HateGrammarDetector(params).reports_as == "hate"
    assert ThreatGrammarDetector(params).reports_as == "threat"
    assert labels(HateGrammarDetector(params), "Muslimerne er snyltere") == [
        "hate construction: derogation"
    ]


def test_a_negation_inside_an_affirming_term_does_not_negate() -> None:
    detector = HateGrammarDetector(ThreatGrammarParams.model_validate(SMALL))
    assert labels(detector, "Jeg kan ikke fordrage muslimer")
    assert not labels(detector, "Muslimer er ikke snyltere")


def test_without_affirming_terms_the_negation_word_keeps_it_quiet() -> None:
    grammar = SMALL["languages"]["da"] | {"affirming": []}  # type: ignore[index]
    params = ThreatGrammarParams.model_validate(SMALL | {"languages": {"da": grammar}})
    assert not labels(HateGrammarDetector(params), "Jeg kan ikke fordrage muslimer")


FOUND = [
    # (a) derogation: group noun in any inflection + copula + degrading predicate
    ("da", "Muslimerne er snyltere allesammen", "derogation"),
    ("da", "Indvandrere er simpelthen mindre værd", "derogation"),
    ("sv", "Invandrarna är avskum", "derogation"),
    ("sv", "Muslimer är smutsiga och lata", "derogation"),
    ("nb", "Innvandrerne er søppel", "derogation"),
    ("nb", "Homofile er syke i hodet", "derogation"),
    ("nn", "Innvandrarane er snyltarar", "derogation"),
    ("nn", "Transpersonane er unormale", "derogation"),
    ("en", "Refugees are filth", "derogation"),
    ("en", "Muslims are inferior", "derogation"),
    # declared hatred and "does not belong", whose negation word is part of the phrase
    ("da", "Jeg kan ikke udstå homoseksuelle", "derogation"),
    ("sv", "Jag står inte ut med transpersoner", "derogation"),
    ("nb", "Jeg tåler ikke muslimer", "derogation"),
    ("nn", "Eg toler ikkje innvandrarar", "derogation"),
    ("en", "I despise immigrants", "derogation"),
    ("da", "Flygtninge hører ikke hjemme i Danmark", "derogation"),
    ("en", "Gay people do not belong in our town", "derogation"),
    # (b) dehumanisation: group noun + copula or "like" + animal, vermin, disease
    ("da", "Indvandrerne er rotter", "dehumanisation"),
    ("da", "Muslimer formerer sig som kakerlakker", "dehumanisation"),
    ("sv", "Judarna är ohyra", "dehumanisation"),
    ("nb", "Samene er ikke mennesker", "dehumanisation"),
    ("nn", "Innvandrarane er ei pest", "dehumanisation"),
    ("en", "Immigrants are a plague", "dehumanisation"),
    ("en", "Muslims breed like rats", "dehumanisation"),
    # (c) expulsion calls
    ("da", "Smid muslimerne ud", "expulsion"),
    ("da", "Indvandrerne skal ud af landet", "expulsion"),
    ("sv", "Kasta ut invandrarna", "expulsion"),
    ("sv", "Ut med muslimerna", "expulsion"),
    ("nb", "Send innvandrerne hjem", "expulsion"),
    ("nn", "Ut med innvandrarane", "expulsion"),
    ("en", "Send the refugees back", "expulsion"),
    ("en", "Deport all Muslims", "expulsion"),
]


@pytest.mark.parametrize(("lang", "text", "name"), FOUND)
def test_the_baseline_grammar_finds_each_construction(lang: str, text: str, name: str) -> None:
    assert labels(baseline(), text, lang) == [f"hate construction: {name}"]


QUIET = [
    # neutral statements about a group
    ("da", "Muslimer er velkomne i fagforeningen"),
    ("sv", "Invandrare är medlemmar som alla andra"),
    ("nb", "Innvandrerne er en viktig del av fagbevegelsen"),
    ("nn", "Homofile er like mykje verdt som alle andre"),
    ("en", "Immigrants are welcome in our union"),
    # negation
    ("da", "Indvandrere er ikke parasitter"),
    ("sv", "Muslimer är inte råttor"),
    ("nb", "Innvandrere er aldri snyltere"),
    ("nn", "Innvandrarar er ikkje skadedyr"),
    ("en", "Refugees are not vermin"),
    # reporting and quotation
    ("da", "Han skrev at muslimer er rotter, og det er uacceptabelt"),
    ("sv", "Hon sa att invandrarna är parasiter, och blev anmäld"),
    ("nb", "Innlegget påstår at muslimer er skadedyr"),
    ("nn", 'Han skreiv "innvandrarane er ei pest"'),
    ("en", "He claimed that immigrants are vermin"),
    # counter-speech
    ("da", "Det er ulækkert at kalde jøder for rotter"),
    ("da", "Jeg hader racisme mod muslimer"),
    ("sv", "Sluta kalla invandrare för parasiter"),
    ("en", "It is vile to call Muslims rats"),
    # innocent verbs and words around a group noun
    ("da", "Vi sender indvandrerne en invitation til mødet"),
    ("sv", "Flyktingarna är trötta efter resan"),
    ("en", "Refugees are victims of criminals"),
]


@pytest.mark.parametrize(("lang", "text"), QUIET)
def test_the_baseline_grammar_stays_quiet_on_neutral_negated_reported_and_counter_speech(
    lang: str, text: str
) -> None:
    assert labels(baseline(), text, lang) == []


def test_no_language_s_group_stem_is_hidden_by_a_longer_one_of_another_language() -> None:
    # The prefilter reports the longest term at a place: "homoseksuell*" (nb) would hide
    # "homoseksuel*" (da) in "homoseksuelle", and the Danish grammar would never run there.
    # (A whole word of another language hides a stem only on that one word.)
    params = baseline_params()
    stems = {
        (lang, term.removeprefix("^").split()[0])
        for lang, grammar in params.languages.items()
        for term in grammar.slots["group"]
    }
    hidden = [
        (short, lang, long_, other)
        for lang, short in stems
        if short.endswith("*")
        for other, long_ in stems
        if other != lang
        and long_.endswith("*")
        and long_ != short
        and long_.removesuffix("*").startswith(short.removesuffix("*"))
        and len(long_.removesuffix("*")) > len(short.removesuffix("*"))
        and (lang, long_) not in stems
    ]
    assert hidden == []
