"""The `tone` rule kind: irony, sarcasm, anger and swearing in official posts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.registry import RuleContext, kind_spec
from uppsikt.rules.tone import ANGER_WORDS, IRONY_PHRASES, SWEAR_WORDS, ToneDetector, ToneParams


def detector(**params: Any) -> ToneDetector:
    return ToneDetector(ToneParams.model_validate(params))


TONE = detector()
OFFICIAL = RuleContext(official=True)
VISITOR = RuleContext(official=False)


def found(text: str, context: RuleContext = OFFICIAL) -> list[tuple[str, str]]:
    return [(text[f.start : f.end], f.label) for f in TONE.find(text, context)]


def test_the_regulation_example_is_irony_by_phrase_and_emoji() -> None:
    text = "Grattis arbetsgivaren, ännu en lysande idé 🙄"
    assert found(text) == [
        ("ännu en lysande", "tone: irony (phrase)"),
        ("🙄", "tone: irony (emoji)"),
    ]


def test_only_official_posts_are_read_by_default() -> None:
    text = "Grattis arbetsgivaren, ännu en lysande idé 🙄"
    assert not TONE.find(text, VISITOR)
    assert not TONE.find(text)  # no context: not known to be official
    assert detector(only_official=False).find(text, VISITOR)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ja tak for det... 😒", [("Ja tak for det", "tone: irony (phrase)")]),  # Danish
        ("Tack för inget, Arbetsgivarverket.", [("Tack för inget", "tone: irony (phrase)")]),
        ("Takk for ingenting, regjering.", [("Takk for ingenting", "tone: irony (phrase)")]),
        ("Endå ein genial plan frå leiinga.", [("Endå ein genial", "tone: irony (phrase)")]),
        ("Yeah right, that will fix it.", [("Yeah right", "tone: irony (phrase)")]),
    ],
)
def test_irony_phrases_are_found_in_every_language(
    text: str, expected: list[tuple[str, str]]
) -> None:
    assert [pair for pair in found(text) if pair[1] != "tone: irony (emoji)"] == expected


def test_scare_quotes_around_praise_and_the_sarcasm_marker_are_irony() -> None:
    assert found("Hvilken «fantastisk» løsning /s") == [
        ("«fantastisk»", "tone: irony (scare quotes)"),
        ("/s", "tone: irony (/s)"),
    ]
    assert not TONE.find('Læs "Arbejdsmiljø i praksis" her', OFFICIAL)
    assert not TONE.find("Se filen i mappen /srv/data", OFFICIAL)


def test_anger_cues_are_found() -> None:
    assert found("DET ER FULDSTÆNDIG SKANDALØST!!!") == [
        ("DET ER FULDSTÆNDIG SKANDALØST", "tone: anger (capitals)"),
        ("SKANDALØST", "tone: anger (word)"),
        ("!!!", "tone: anger (exclamation marks)"),
    ]
    assert found("Vi är förbannade 😡") == [
        ("förbannade", "tone: anger (word)"),
        ("😡", "tone: anger (emoji)"),
    ]
    assert found("Vi er sinte.") == [("sinte", "tone: anger (word)")]
    assert found("We are furious") == [("furious", "tone: anger (word)")]


def test_swearing_is_found_and_masked() -> None:
    findings = TONE.find("Fy faen, for en dritt avtale", OFFICIAL)
    assert [f.label for f in findings] == ["tone: swearing", "tone: swearing"]
    assert [f.mask for f in findings] == ["F* ****", "d****"]


@pytest.mark.parametrize(
    "text",
    [
        "Vi glæder os til at se jer til generalforsamlingen!",  # one exclamation mark
        "Husk: GDPR og NATO er vigtige emner. OBS!",  # allowed acronyms, short caps
        "Nu er overenskomsten på plads. Tak til alle, der stemte.",
        "Han är ett stort fan av det nya avtalet.",  # "fan" is gated to Swedish
        "Vi har fået en fin aftale om arbejdstid.",
        "Det blev en skitse til en ny plan.",  # "skitse" is not "skit"
    ],
)
def test_ordinary_official_posts_are_not_reported(text: str) -> None:
    assert not TONE.find(text, OFFICIAL)


def test_language_gated_swearing_needs_the_language() -> None:
    assert not TONE.find("Fan, vad dåligt", OFFICIAL)
    assert TONE.find("Fan, vad dåligt", RuleContext(official=True, lang="sv"))


def test_thresholds_are_params() -> None:
    strict = detector(min_exclamations=2, min_caps_letters=3, caps_allow=())
    assert [f.label for f in strict.find("NEJ!!", OFFICIAL)] == [
        "tone: anger (capitals)",
        "tone: anger (exclamation marks)",
    ]
    assert not TONE.find("NEJ!!", OFFICIAL)


def test_cue_groups_can_be_switched_off() -> None:
    calm = detector(irony=False, anger=False, swearing=False)
    assert not calm.find("Ja tak for det 🙄 DET ER LORT!!!", OFFICIAL)


def test_confidence_stays_modest() -> None:
    text = "Ja tak for det 🙄 «genialt» /s DET ER SKANDALØST!!! Fandme."
    confidences = [f.confidence for f in TONE.find(text, OFFICIAL)]
    assert confidences
    assert all(0.5 <= c <= 0.7 for c in confidences)


def test_offsets_point_into_the_original_text() -> None:
    text = "Ja tak for de\u0301t, ra\u0301sande!"  # combining accents shift positions
    spans = [text[f.start : f.end] for f in TONE.find(text, OFFICIAL)]
    assert spans == ["Ja tak for de\u0301t", "ra\u0301sande"]


def test_shouted_names_are_masked() -> None:
    [finding] = TONE.find("Tak til KAROLINE", OFFICIAL)
    assert finding.mask == "K*******"


def test_every_language_has_cues() -> None:
    for table in (IRONY_PHRASES, ANGER_WORDS, SWEAR_WORDS):
        assert set(table) == {"da", "sv", "nb", "nn", "en"}


@pytest.mark.parametrize(
    "params",
    [{"colour": "red"}, {"min_exclamations": 1}, {"only_official": "sometimes"}],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ToneParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("tone")
    assert spec is not None
    assert spec.params_model is ToneParams
    assert spec.vocabulary == "tone"
