"""The `confidential_personnel` rule kind: staff matters about an identifiable person."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.confidential_personnel import (
    PERSONNEL_TERMS,
    ConfidentialPersonnelDetector,
    ConfidentialPersonnelParams,
)
from uppsikt.rules.registry import kind_spec


def detector(**params: Any) -> ConfidentialPersonnelDetector:
    return ConfidentialPersonnelDetector(ConfidentialPersonnelParams.model_validate(params))


PERSONNEL = detector()


def spans(text: str) -> list[str]:
    return [text[f.start : f.end] for f in PERSONNEL.find(text)]


def test_the_regulation_example_of_a_written_warning_is_reported() -> None:
    text = "Kari fikk skriftlig advarsel etter møtet med HR i går."
    found = PERSONNEL.find(text)
    assert [text[f.start : f.end] for f in found] == ["skriftlig advarsel", "møtet med HR"]
    assert {f.label for f in found} == {
        "confidential personnel matter about an identifiable person"
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mette er blevet afskediget efter tjenstlig samtale.",
            ["afskediget", "tjenstlig samtale"],
        ),
        ("Vores chef fik en advarsel i går.", ["fik en advarsel"]),  # Danish
        ("Hon fick sparken efter HR-mötet.", ["fick sparken", "HR-mötet"]),  # Swedish
        ("Anders är sjukskriven igen.", ["sjukskriven"]),  # Swedish
        ("Sjefen ble sparket i forrige uke.", ["ble sparket"]),  # bokmål
        ("Ho fekk ei åtvaring frå leiaren.", ["fekk ei åtvaring"]),  # nynorsk
        ("Sarah got a written warning from HR.", ["written warning"]),  # English
        ("My colleague is on sick leave.", ["on sick leave"]),  # English
    ],
)
def test_personnel_matters_about_someone_else_are_found_in_every_language(
    text: str, expected: list[str]
) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Jeg fik en skriftlig advarsel i går.",  # the writer's own matter
        "Hvad er reglerne for en skriftlig advarsel?",  # general question
        "Han sparket ballen i mål.",  # "sparket" (kicked) alone is not a dismissal
        "Vi tog afsked med Jens ved en reception.",  # farewell, not dismissal
        "Regler om uppsägningstid finns i avtalet.",  # no person
        "Varning för halka, sa hon.",  # a weather warning
    ],
)
def test_own_matters_general_talk_and_look_alike_words_are_not_reported(text: str) -> None:
    assert not PERSONNEL.find(text)


def test_matching_survives_case_hyphen_variants_and_diacritics() -> None:
    assert spans("Han var til HR MØDE i går.") == ["HR MØDE"]
    assert spans("Han var til HRmøde i går.") == ["HRmøde"]
    assert spans("HAN ER OPSAGT") == ["OPSAGT"]


def test_offsets_point_into_the_original_text() -> None:
    text = "Kære alle, Kari fik en skrift\u00adlig advarsel."
    [finding] = PERSONNEL.find(text)
    assert text[finding.start : finding.end] == "skrift\u00adlig advarsel"


def test_masks_and_labels_hold_no_name() -> None:
    [finding] = PERSONNEL.find("Mette er blevet afskediget.")
    assert finding.mask == "a*********"
    assert "Mette" not in finding.label + finding.mask


def test_extra_terms_and_not_names() -> None:
    custom = detector(extra_terms=("sat på bænken",), not_names=("Lagerhuset",))
    assert custom.find("Jens blev sat på bænken.")
    assert not custom.find("I går blev Lagerhuset sat på bænken.")


def test_every_language_has_personnel_terms() -> None:
    assert set(PERSONNEL_TERMS) == {"da", "sv", "nb", "nn", "en"}


@pytest.mark.parametrize(
    "params", [{"colour": "red"}, {"min_confidence": 2}, {"extra_terms": ["-"]}]
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        ConfidentialPersonnelParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("confidential_personnel")
    assert spec is not None
    assert spec.params_model is ConfidentialPersonnelParams
    assert spec.vocabulary == "confidential_personnel"
