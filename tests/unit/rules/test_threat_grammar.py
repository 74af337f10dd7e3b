"""The `threat_grammar` kind: its mechanics on a small grammar, and the baseline pack's grammar
on each construction in each language. The sentences are written for these tests; none comes
from an evaluation set or the functional suite."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from pydantic import ValidationError

from support.paths import REPO
from uppsikt.policy.loader import read_document
from uppsikt.rules.registry import RuleContext, kind_spec
from uppsikt.rules.threat_grammar import ThreatGrammarDetector, ThreatGrammarParams

SMALL: dict[str, Any] = {
    "constructions": [
        {"name": "normative", "pattern": "modal ~2 verb"},
        {"name": "intent", "pattern": "first_person ~3 verb"},
    ],
    "languages": {
        "da": {
            "slots": {
                "verb": ["dræb*", "slå* _ ihjel", "skyd", "skyder"],
                "modal": ["bør", "burde", "skal"],
                "first_person": ["jeg", "vi"],
            },
            "negations": ["ikke", "aldrig"],
            "reporting": ["skrev*"],
            "allow": ["skyd* skylden"],
        }
    },
}


def small(**changes: Any) -> ThreatGrammarDetector:
    return ThreatGrammarDetector(ThreatGrammarParams.model_validate(SMALL | changes))


def labels(detector: ThreatGrammarDetector, text: str, lang: str | None = None) -> list[str]:
    return [f.label for f in detector.find(text, RuleContext(lang=lang))]


@cache
def baseline() -> ThreatGrammarDetector:
    document = read_document(REPO / "policies" / "nordic-baseline.yaml")
    (rule,) = [r for r in document.rules if r.id == "baseline.threat-construction"]
    return ThreatGrammarDetector(ThreatGrammarParams.model_validate(rule.params))


def test_the_kind_is_registered_and_reports_threats() -> None:
    spec = kind_spec("threat_grammar")
    assert spec is not None
    assert small().reports_as == "threat"


def test_a_stem_takes_every_inflection_including_the_s_passive() -> None:
    detector = small()
    for text in ("De bør dræbes", "De burde dræbe dem", "Jeg dræber dig", "Vi skal dræbe jer"):
        assert labels(detector, text), text


def test_a_gap_word_lets_a_particle_verb_take_its_object() -> None:
    assert labels(small(), "Jeg slår jer alle ihjel") == ["threat construction: intent"]
    # More than three words between verb and particle is another sentence shape.
    assert not labels(small(), "Jeg slår et slag for at de ikke går ihjel")


def test_a_word_without_a_star_must_end_where_the_text_word_ends() -> None:
    assert not labels(small(), "Vi skal skydes")  # `skyd`, `skyder` only
    assert not labels(small(), "Vi skal skyde")  # nor `skyde`
    assert labels(small(), "Vi skyder dem")


def test_negation_in_the_clause_keeps_the_construction_quiet() -> None:
    assert not labels(small(), "Jeg vil ikke slå dig ihjel")
    assert not labels(small(), "Jeg slår dig ikke ihjel, jeg er bare skuffet")
    # A negation in another clause does not.
    assert labels(small(), "Det er ikke sjovt, jeg slår dig ihjel")


def test_reporting_and_quotation_keep_it_quiet() -> None:
    assert not labels(small(), "Han skrev, at de bør dræbes, og blev dømt")
    assert not labels(small(), "Han råbte 'jeg slår dig ihjel' og gik")
    assert not labels(small(), 'Titlen var "Vi dræber dragen"')
    # A reporting word in an earlier sentence does not reach into the next.
    assert labels(small(), "Han skrev til mig. De bør dræbes.")


def test_an_allow_entry_may_run_past_the_match() -> None:
    assert not labels(small(), "Jeg skyder skylden på ledelsen")


def test_only_the_items_language_runs_when_the_rule_has_a_grammar_for_it() -> None:
    english = {"slots": {"verb": ["kill*"], "first_person": ["i"]}}
    detector = small(languages=SMALL["languages"] | {"en": english})
    text = "I kill"
    assert labels(detector, text, lang="en")
    assert not labels(detector, text, lang="da")
    # Unknown, or a language without a grammar: every grammar runs.
    assert labels(detector, text)
    assert labels(detector, text, lang="sv")


def test_the_span_is_mapped_back_to_the_original_text() -> None:
    text = "Hør her. JEG dræber dig!"
    (finding,) = small().find(text)
    assert text[finding.start : finding.end] == "JEG dræber"
    assert finding.mask == "J** d*****"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"constructions": [{"name": "x", "pattern": "~2 verb"}]}, "starts with a gap"),
        ({"constructions": [{"name": "x", "pattern": "verb ~a"}]}, "neither a slot"),
        ({"languages": {"da": {"slots": {"verb": ["_ dræb"]}}}}, "start and end with a word"),
        ({"languages": {"da": {"slots": {"verb": ["dr*b"]}}}}, "bad word"),
        ({"languages": {"da": {"slots": {"Verb": ["dræb"]}}}}, "lower-case"),
    ],
)
def test_malformed_grammars_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ThreatGrammarParams.model_validate(SMALL | change)


def test_a_construction_naming_a_slot_a_language_lacks_is_skipped_there() -> None:
    detector = small(constructions=[{"name": "wish", "pattern": "wish ~3 verb"}])
    assert not labels(detector, "Jeg håber de dræbes")


# --- the baseline pack's grammar ---------------------------------------------------------------

THREATS = {
    "normative": [
        ("da", "Sådanne folk bør skydes på stedet"),
        ("da", "Nogen burde hænge ham op i en lygtepæl"),
        ("sv", "Hela gänget borde skjutas"),
        ("nb", "Slike folk burde henges"),
        ("nn", "Slike folk bør drepast"),
        ("en", "Those people ought to be lynched"),
    ],
    "intent": [
        ("da", "Jeg slår jer alle ihjel"),
        ("da", "Vi kommer til at skyde dem alle sammen"),
        ("sv", "Jag ska döda er alla"),
        ("nb", "Jeg skal drepe dere"),
        ("nn", "Eg skal drepe dykk"),
        ("en", "We are going to slaughter you all"),
    ],
    "wish": [
        ("da", "Jeg håber, at hele familien brænder inde"),
        ("da", "Jeg håber, at du brænder inde"),  # a wish, though "jeg … brænder inde" too
        ("sv", "Jag hoppas att du dör"),
        ("nb", "Håper du drukner"),
        ("nn", "Eg håpar du døyr"),
        ("en", "I hope you get cancer"),
    ],
    "self-harm": [
        ("da", "Gå hjem og dræb dig selv"),
        ("sv", "Gör världen en tjänst och hoppa från en bro"),
        ("nb", "Ta livet av deg"),
        ("nn", "Gjer verda ei teneste og hopp frå ei bru"),
        ("en", "Do us all a favour and kill yourself"),
    ],
}
QUIET = [
    ("da", "Jeg vil aldrig slå nogen ihjel"),
    ("da", "Han skrev, at vi burde skydes, og blev dømt for det"),
    ("da", "Vi skal skyde mødet i gang kl. 10"),
    ("da", "Jeg brænder for fagbevægelsen"),
    ("da", "Kys til alle medlemmerne"),
    ("sv", "Vi skyddar våra medlemmar"),
    ("sv", "Jag är dödstrött idag"),
    ("sv", "Vi hänger med på demonstrationen"),
    ("nb", "Vi må skyte opp møtet til neste uke"),
    ("nn", "Eg vil ikkje drepe nokon"),
    ("en", "No one should be killed for their faith"),
    ("en", "We shot a video at the conference"),
]


@pytest.mark.parametrize(
    ("construction", "lang", "text"),
    [(name, lang, text) for name, cases in THREATS.items() for lang, text in cases],
)
def test_the_baseline_grammar_finds_each_construction(
    construction: str, lang: str, text: str
) -> None:
    assert f"threat construction: {construction}" in labels(baseline(), text, lang)
    # Also when the item's language is not known.
    assert labels(baseline(), text)


@pytest.mark.parametrize(("lang", "text"), QUIET)
def test_the_baseline_grammar_stays_quiet_on_negation_reports_and_innocent_verbs(
    lang: str, text: str
) -> None:
    assert not labels(baseline(), text, lang)
    assert not labels(baseline(), text)
