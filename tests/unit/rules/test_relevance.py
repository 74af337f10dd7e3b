"""The `relevance` rule kind: official posts unrelated to the organisation's work.

The term syntax shared by every term list (rules/phrases.py) is exercised here too, through
`extra_topics`.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.registry import RuleContext, kind_spec
from uppsikt.rules.relevance import PRIVATE_CUES, TOPICS, RelevanceDetector, RelevanceParams


def detector(**params: Any) -> RelevanceDetector:
    return RelevanceDetector(RelevanceParams.model_validate(params))


RELEVANCE = detector()
OFFICIAL = RuleContext(official=True)
VISITOR = RuleContext(official=False)

LONG_OFF_TOPIC = (
    "Rapporten från Brysselresan handlar om middagen: vi åt gott, drack gott vin och hade "
    "en trevlig kväll i den gamla staden."
)


def test_the_regulation_birthday_greeting_from_the_union_page_is_private_content() -> None:
    text = "Tillykke med fødselsdagen, mor!"
    [finding] = RELEVANCE.find(text, OFFICIAL)
    assert (finding.start, finding.end) == (0, len(text))
    assert finding.label == "off-topic: private content"
    assert finding.mask == "Tillykke med fødselsdagen"


def test_a_post_about_the_collective_agreement_is_relevant() -> None:
    text = "Nu er overenskomsten på plads – læs om din nye løn og dine feriepenge."
    assert not RELEVANCE.find(text, OFFICIAL)


def test_a_long_post_without_any_topic_term_is_off_topic() -> None:
    [finding] = RELEVANCE.find(LONG_OFF_TOPIC, OFFICIAL)
    assert finding.label == "off-topic: no topic term"
    assert finding.mask == "21 words, no topic term"
    assert finding.confidence == pytest.approx(0.5)


@pytest.mark.parametrize(
    "text",
    [
        "Grattis på födelsedagen, pappa!",  # Swedish
        "Gratulerer med dagen, mamma!",  # bokmål
        "Gratulerer med dagen til mannen min!",  # nynorsk
        "Happy birthday, mum!",  # English
        "Så er vi på ferie med hele familien.",  # Danish holiday
    ],
)
def test_private_content_is_found_in_every_language(text: str) -> None:
    assert [f.label for f in RELEVANCE.find(text, OFFICIAL)] == ["off-topic: private content"]


@pytest.mark.parametrize(
    "text",
    [
        "Avtalsrörelsen är igång – våra förhandlare möts i dag.",  # Swedish
        "Streiken fortsetter, og vi står sammen med medlemmene.",  # bokmål
        "Lønsforhandlingane held fram i morgon.",  # nynorsk
        "The collective agreement gives every member a pay rise.",  # English
        "Husk at søge om feriepenge, før din ferie starter.",  # topic beats the private cue
        "God weekend!",  # short and not private: too little to judge
    ],
)
def test_relevant_or_short_posts_are_not_reported(text: str) -> None:
    assert not RELEVANCE.find(text, OFFICIAL)


def test_only_official_posts_are_read_by_default() -> None:
    assert not RELEVANCE.find("Tillykke med fødselsdagen, mor!", VISITOR)
    assert not RELEVANCE.find("Tillykke med fødselsdagen, mor!")
    assert detector(only_official=False).find("Tillykke med fødselsdagen, mor!", VISITOR)


def test_topic_terms_accept_compounds_and_inflection() -> None:
    assert not RELEVANCE.find("Overenskomstforhandlingerne er slut. " * 3, OFFICIAL)
    assert not RELEVANCE.find("ARBEJDSMILJØET skal forbedres, mor!", OFFICIAL)


def test_topic_terms_only_match_at_a_word_start() -> None:
    # "medlem*" must not fire inside a longer word; without a topic this long post is reported.
    text = (
        "Vi fik et flot ikkemedlemsbevis og en rigtig god dag i den smukke have med kaffe og kage"
    )
    assert RELEVANCE.find(text, OFFICIAL)


def test_extra_topics_add_the_organisations_own_name_and_campaigns() -> None:
    assert RELEVANCE.find(LONG_OFF_TOPIC, OFFICIAL)
    own = detector(extra_topics=("*resan",))  # leading star: any compound head
    assert not own.find(LONG_OFF_TOPIC, OFFICIAL)


def test_topics_and_private_cues_can_be_replaced() -> None:
    custom = detector(topics=("bostøtte*",), private_cues=("min katt",), min_words=5)
    assert not custom.find("Søknadsfristen for bostøtte er 1. mai.", OFFICIAL)
    assert custom.find("Her er min katt", OFFICIAL)
    assert custom.find("Overenskomsten er ikke vores sag her i dag.", OFFICIAL)


def test_min_words_sets_when_a_post_is_long_enough_to_judge() -> None:
    text = "Fint vejr i dag, vi ses i morgen alle sammen."
    assert not RELEVANCE.find(text, OFFICIAL)
    assert detector(min_words=5).find(text, OFFICIAL)


def test_every_language_has_topics_and_private_cues() -> None:
    assert set(TOPICS) == set(PRIVATE_CUES) == {"da", "sv", "nb", "nn", "en"}


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"min_words": 0},
        {"topics": ["*"]},
        {"topics": ["mid*dle"]},
        {"extra_topics": ["trailing -"]},
    ],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        RelevanceParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("relevance")
    assert spec is not None
    assert spec.params_model is RelevanceParams
    assert spec.vocabulary == "relevance"
