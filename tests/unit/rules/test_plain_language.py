"""The `plain_language` rule kind: LIX readability and officialese in authorities' posts."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.plain_language import JARGON, PlainLanguageDetector, PlainLanguageParams, lix
from uppsikt.rules.registry import RuleContext, kind_spec


def detector(**params: Any) -> PlainLanguageDetector:
    return PlainLanguageDetector(PlainLanguageParams.model_validate(params))


PLAIN = detector()
AUTHORITY_POST = RuleContext(official=True, org_type="authority")
UNION_POST = RuleContext(official=True, org_type="union")
VISITOR_ON_AUTHORITY = RuleContext(official=False, org_type="authority")

HEAVY_DA = (
    "Vedrørende nærværende ansøgning skal undertegnede bemærke, at ansøgningsfristen i "
    "henhold til gældende bekendtgørelse udløber den førstkommende fredag, hvorefter "
    "administrationen behandler samtlige indkomne ansøgninger."
)


def found(text: str, context: RuleContext = AUTHORITY_POST) -> list[tuple[str, str]]:
    return [(text[f.start : f.end], f.label) for f in PLAIN.find(text, context)]


def test_the_regulation_example_has_three_officialese_terms() -> None:
    text = "Vedtak fattes på bakgrunn av innkomne søknader iht. gjeldende regelverk"
    assert found(text) == [
        ("fattes", "plain language: officialese"),
        ("innkomne", "plain language: officialese"),
        ("iht.", "plain language: officialese"),
    ]


def test_a_hard_to_read_post_reports_its_lix_once_over_the_whole_text() -> None:
    findings = PLAIN.find(HEAVY_DA, AUTHORITY_POST)
    lix_findings = [f for f in findings if f.label.startswith("plain language: LIX")]
    [finding] = lix_findings
    assert (finding.start, finding.end) == (0, len(HEAVY_DA))
    assert finding.label == "plain language: LIX 97 > 50"
    assert finding.mask == "LIX 97"


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("Sagen behandles iht. reglerne, jf. lovens § 3.", "iht."),  # Danish
        ("Föreliggande ärende kräver erforderliga underlag.", "Föreliggande"),  # Swedish
        ("Nærværende brev gjelder søknaden din.", "Nærværende"),  # bokmål
        ("Vedtaket er gjort i medhald av lova.", "i medhald av"),  # nynorsk
        ("Pursuant to the rules, we hereby inform you.", "Pursuant to"),  # English
    ],
)
def test_officialese_is_found_in_every_language(text: str, term: str) -> None:
    assert term in [span for span, _ in found(text)]


@pytest.mark.parametrize(
    "text",
    [
        "Du kan søke om bostøtte på nett. Vi svarer deg innen tre uker.",
        "Kom og hør om den nye skolevej. Vi ses på torsdag kl. 17.",
        "Vi har öppet i dag. Välkommen in!",
        "Angående vejret: det bliver godt.",  # "ang." needs its full stop
        "Fattigdom er et alvorligt problem.",  # "fattes" does not fire inside a longer word
    ],
)
def test_plain_posts_are_not_reported(text: str) -> None:
    assert not PLAIN.find(text, AUTHORITY_POST)


def test_unions_and_visitors_are_not_read_by_default() -> None:
    text = "Vedtak fattes på bakgrunn av innkomne søknader iht. gjeldende regelverk"
    assert not PLAIN.find(text, UNION_POST)
    assert not PLAIN.find(text, VISITOR_ON_AUTHORITY)
    assert not PLAIN.find(text)
    everyone = detector(only_authorities=False, only_official=False)
    assert everyone.find(text, UNION_POST)
    assert everyone.find(text, VISITOR_ON_AUTHORITY)


def test_short_texts_get_no_lix_finding() -> None:
    text = "Administrationsbestemmelserne gennemføres omgående."
    assert lix(text)[0] > 50
    assert not PLAIN.find(text, AUTHORITY_POST)
    assert detector(min_words=3).find(text, AUTHORITY_POST)


def test_lix_follows_bjornssons_formula() -> None:
    # 8 words, 2 sentences, 2 words longer than six letters: 8 / 2 + 100 * 2 / 8 = 29.
    score, words = lix("Vi holder møde i morgen. Alle medlemmer velkommen.")
    assert words == 8
    assert score == pytest.approx(4 + 25)
    assert lix("") == (0.0, 0)


def test_abbreviations_do_not_end_sentences() -> None:
    # One sentence of 9 words (bl.a. counts as two), 2 of them long.
    score, words = lix("Sagen behandles iht. gældende regler og bl.a. loven")
    assert words == 9
    assert score == pytest.approx(9 / 1 + 100 * 2 / 9)


def test_label_shows_a_decimal_where_rounding_would_hide_the_excess() -> None:
    text = "Vi holder møde i morgen. Alle medlemmer velkommen."
    [finding] = detector(max_lix=28, min_words=1).find(text, AUTHORITY_POST)
    assert finding.label == "plain language: LIX 29 > 28"
    # 22 words, 2 sentences, 4 long words: 11 + 18.18 = 29.18, which rounds to the threshold.
    close_call = (
        "Vi holder et stort møde for alle medlemmer i byen i dag. "
        "Husk at tilmelde jer hurtigst muligt via vores hjemmeside nu."
    )
    [close] = detector(max_lix=29).find(close_call, AUTHORITY_POST)
    assert close.label == "plain language: LIX 29.2 > 29"


def test_jargon_can_be_replaced_or_extended() -> None:
    custom = detector(jargon=("forvaltningsakt*",), extra_jargon=("bevilling",))
    text = "Forvaltningsakten gav bevilling iht. loven."
    assert [span for span, _ in found(text)] == ["iht."]
    assert [text[f.start : f.end] for f in custom.find(text, AUTHORITY_POST)] == [
        "Forvaltningsakten",
        "bevilling",
    ]


def test_every_language_has_jargon() -> None:
    assert set(JARGON) == {"da", "sv", "nb", "nn", "en"}


@pytest.mark.parametrize(
    "params",
    [{"colour": "red"}, {"max_lix": 0}, {"min_words": 0}, {"jargon": ["*"]}],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PlainLanguageParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("plain_language")
    assert spec is not None
    assert spec.params_model is PlainLanguageParams
    assert spec.vocabulary == "plain_language"
