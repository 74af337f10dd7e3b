"""The `criminal_allegation` rule kind: an identifiable person accused of a crime (Art. 10)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.criminal_allegation import (
    CRIME_TERMS,
    CriminalAllegationDetector,
    CriminalAllegationParams,
)
from uppsikt.rules.registry import RuleContext, kind_spec


def detector(**params: Any) -> CriminalAllegationDetector:
    return CriminalAllegationDetector(CriminalAllegationParams.model_validate(params))


ALLEGATIONS = detector()


def spans(text: str, context: RuleContext | None = None) -> list[str]:
    found = ALLEGATIONS.find(text) if context is None else ALLEGATIONS.find(text, context)
    return [text[f.start : f.end] for f in found]


def test_the_regulation_example_about_the_care_home_manager_is_reported() -> None:
    text = "Lederen på sykehjemmet stjeler fra beboerne."
    [finding] = ALLEGATIONS.find(text)
    assert text[finding.start : finding.end] == "stjeler"
    assert finding.label == "criminal allegation against an identifiable person"
    assert finding.confidence == pytest.approx(0.7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jens stjæler fra kassen hver fredag.", ["stjæler"]),  # Danish, name
        ("Afdelingschefen er en tyv!", ["tyv"]),  # Danish, compound role noun
        ("Hun har underslået penge fra klubben.", ["underslået"]),  # Danish, pronoun
        ("Chefen stjäl från oss.", ["stjäl"]),  # Swedish
        ("Ordföranden har förskingrat medlemsavgifterna.", ["förskingrat"]),  # Swedish
        (
            "Sjefen er kriminell og burde vært dømt for bedrageri.",
            ["kriminell", "dømt for", "bedrageri"],
        ),
        ("Sjefen min er ein tjuv.", ["tjuv"]),  # nynorsk
        ("Leiaren har underslag på samvitet.", ["underslag"]),  # nynorsk
        ("Our manager steals from the till.", ["steals"]),  # English
        ("The treasurer is a fraud.", ["fraud"]),  # English
    ],
)
def test_allegations_against_an_identifiable_person_are_found_in_every_language(
    text: str, expected: list[str]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Der er tyve stole i salen.",  # Danish "tyve" (twenty), "stole" (chairs)
        "Butikstyveri er et stort problem i branchen.",  # no person
        "Chefen slog op i reglerne.",  # "slog op": looked it up
        "Han er en stealth-fan af nye regler.",  # "stealth" is not "steal"
        "They steal our wages every month.",  # aimed at the employer
        "Jeg blev bestjålet i toget.",  # the writer's own experience
        "Vi mangler stole, og han henter dem.",  # Danish chairs, not nynorsk "stole"
        "Brottsförebyggande rådet publicerar statistik.",
    ],
)
def test_ordinary_text_and_innocent_longer_words_are_not_reported(text: str) -> None:
    assert not ALLEGATIONS.find(text)


def test_a_pronoun_is_a_weaker_cue_than_a_name_or_role() -> None:
    [by_pronoun] = ALLEGATIONS.find("Han stjæler fra kassen.")
    [by_name] = ALLEGATIONS.find("Karin stjæler fra kassen.")
    assert by_pronoun.confidence < by_name.confidence
    assert not detector(min_confidence=0.6).find("Han stjæler fra kassen.")


def test_the_person_cue_must_be_in_the_same_sentence() -> None:
    assert not ALLEGATIONS.find("Chefen var her i går. Der bliver stjålet meget.")


def test_language_gated_terms_need_the_language() -> None:
    assert not ALLEGATIONS.find("He stole the money.")  # "stole" is Danish/Norwegian chairs
    assert spans("He stole the money.", RuleContext(lang="en")) == ["stole"]
    assert spans("Sjefen stel frå kassa.", RuleContext(lang="nn")) == ["stel"]


def test_matching_survives_case_and_diacritics() -> None:
    assert spans("CHEFEN STJÆLER!") == ["STJÆLER"]
    assert spans("Chefen stjaeler") == []  # transliteration is not folded


def test_offsets_point_into_the_original_text() -> None:
    text = "Kære alle: Ole er en ty\u200bv!"  # a zero-width space hidden in the word
    [finding] = ALLEGATIONS.find(text)
    assert text[finding.start : finding.end] == "ty\u200bv"


def test_extra_terms_extend_the_built_in_list() -> None:
    custom = detector(extra_terms=("snyder med timesedl*",))
    assert [f.label for f in custom.find("Formanden snyder med timesedlerne.")] == [
        "criminal allegation against an identifiable person"
    ]


def test_labels_and_masks_hold_no_names_or_full_terms() -> None:
    text = "Kari stjæler fra kassen."
    [finding] = ALLEGATIONS.find(text)
    assert "Kari" not in finding.label
    assert "Kari" not in finding.mask
    assert finding.mask == "s******"


def test_every_language_has_crime_terms() -> None:
    assert set(CRIME_TERMS) == {"da", "sv", "nb", "nn", "en"}


@pytest.mark.parametrize(
    "params",
    [{"colour": "red"}, {"min_confidence": -0.1}, {"extra_terms": ["**"]}],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CriminalAllegationParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("criminal_allegation")
    assert spec is not None
    assert spec.params_model is CriminalAllegationParams
    assert spec.vocabulary == "criminal_allegation"
