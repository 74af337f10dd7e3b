"""The `special_category` rule kind: GDPR Art. 9 data about another person, or about oneself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.policy.loader import load_pack, read_lexicon
from uppsikt.rules.registry import RuleContext, kind_spec
from uppsikt.rules.special_category import (
    CATEGORY_TERMS,
    SpecialCategoryDetector,
    SpecialCategoryParams,
)


def detector(**params: Any) -> SpecialCategoryDetector:
    return SpecialCategoryDetector(SpecialCategoryParams.model_validate(params))


OTHER = detector()
SELF = detector(subject="self")
ANY = detector(subject="any")


def spans(det: SpecialCategoryDetector, text: str, context: RuleContext | None = None) -> list[str]:
    found = det.find(text) if context is None else det.find(text, context)
    return [text[f.start : f.end] for f in found]


def labels(det: SpecialCategoryDetector, text: str) -> list[str]:
    return [f.label for f in det.find(text)]


def test_the_regulation_example_about_a_colleague_is_union_membership_and_health() -> None:
    text = "Jens fra lageret er også medlem, og han er sygemeldt med stress."
    found = OTHER.find(text)
    assert [text[f.start : f.end] for f in found] == ["medlem", "sygemeldt", "stress"]
    assert [f.label for f in found] == [
        "special category (union membership) about another person",
        "special category (health) about another person",
        "special category (health) about another person",
    ]


def test_the_regulation_example_of_a_self_disclosure_is_about_the_author() -> None:
    text = "Jag är själv medlem i Kommunal och har haft cancer."
    assert spans(SELF, text) == ["medlem", "cancer"]
    assert labels(SELF, text) == [
        "special category (union membership) about the author",
        "special category (health) about the author",
    ]
    assert not OTHER.find(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Min kollega er homoseksuel og muslim.", ["homoseksuel", "muslim"]),  # Danish
        ("Hun har fået konstateret brystkræft.", ["brystkræft"]),  # Danish compound
        ("Hon är sjukskriven för utmattning sedan i våras.", ["sjukskriven", "utmattning"]),
        ("Chefen röstar på Vänsterpartiet.", ["röstar på"]),  # Swedish
        ("Kari er homofil, sa han.", ["homofil"]),  # bokmål
        ("Han har vært sykmeldt i tre måneder.", ["sykmeldt"]),  # bokmål
        ("Naboen min er sjukmeld med depresjon.", ["sjukmeld", "depresjon"]),  # nynorsk
        ("Ho er tillitsvald og muslim.", ["tillitsvald", "muslim"]),  # nynorsk
        ("My colleague Sarah has cancer.", ["cancer"]),  # English
        ("He is gay and voted for Labour.", ["gay", "voted for"]),  # English
    ],
)
def test_art_9_data_about_another_person_is_found_in_every_language(
    text: str, expected: list[str]
) -> None:
    assert spans(OTHER, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Jeg er sygemeldt med stress.", ["sygemeldt", "stress"]),  # Danish
        ("Jag har diabetes sedan barndomen.", ["diabetes"]),  # Swedish
        ("Jeg er medlem av Fagforbundet.", ["medlem"]),  # bokmål
        ("Eg er sjukmeld og har angst.", ["sjukmeld", "angst"]),  # nynorsk
        ("I have been on sick leave since May.", ["on sick leave"]),  # English
    ],
)
def test_disclosures_about_oneself_are_found_when_the_subject_is_self(
    text: str, expected: list[str]
) -> None:
    assert spans(SELF, text) == expected
    assert not OTHER.find(text)


def test_a_third_person_cue_wins_over_a_first_person_cue_in_the_same_sentence() -> None:
    text = "Jeg synes min kollega er for syg til at arbejde."
    assert spans(OTHER, text) == ["syg"]
    assert not SELF.find(text)


def test_subject_any_reports_both_and_says_which() -> None:
    text = "Jeg er medlem. Hun er gravid."
    assert labels(ANY, text) == [
        "special category (union membership) about the author",
        "special category (health) about another person",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Stress er et stort problem på mange arbejdspladser.",  # general talk, no subject
        "Alle medlemmer skal stemme om overenskomsten.",
        "Psykisk ohälsa ökar bland unga.",
        "Kreftforeningen samler inn penger.",
    ],
)
def test_category_terms_without_a_subject_are_not_reported(text: str) -> None:
    assert not ANY.find(text)


@pytest.mark.parametrize(
    "text",
    [
        "Vi skal samle kræfterne, sagde hun.",  # Danish "kræfter" (forces), not "kræft"
        "Han spiste kräftor på kräftskivan.",  # Swedish crayfish
        "Hun studerer homogene blandinger og muslinger.",  # homo-, muslim- inside words
        "Sygehuset har nye regler, sagde han.",  # hospital, not "syg"
        "Hon jobbar med distressad denim.",  # "stress" inside a word
        "He is a big fan of Gayle's music.",
    ],
)
def test_terms_do_not_fire_inside_innocent_longer_words(text: str) -> None:
    assert not ANY.find(text)


def test_matching_survives_case_and_diacritics() -> None:
    assert spans(OTHER, "HAN ER SYGEMELDT") == ["SYGEMELDT"]
    assert spans(OTHER, "Han är sygemeldt") == ["sygemeldt"]  # Swedish letters in Danish
    assert spans(OTHER, "Hun er sygemæld") == []  # whole words still have to match


def test_offsets_point_into_the_original_text_even_after_normalisation() -> None:
    text = "Kære alle – han er syge\u00admeldt (ja, virkelig)."
    [finding] = OTHER.find(text)
    assert text[finding.start : finding.end] == "syge\u00admeldt"
    decomposed = "Han har a\u030angest."  # "ångest" with a combining ring
    [finding] = OTHER.find(decomposed)
    assert decomposed[finding.start : finding.end] == "a\u030angest"


def test_names_opening_a_sentence_count_when_they_are_known_first_names() -> None:
    assert spans(OTHER, "Torben har kræft.") == ["kræft"]
    assert spans(OTHER, "Vi mødte Torben i går. Han er kræftsyg.") == ["kræftsyg"]


def test_capitalised_words_count_as_names_only_where_they_do_not_open_the_sentence() -> None:
    assert spans(OTHER, "I går fortalte Wiktoria, at hun er gravid.") == ["gravid"]
    assert spans(OTHER, "Wiktoria fortalte at jeg er gravid.") == []
    assert spans(SELF, "Wiktoria fortalte at jeg er gravid.") == ["gravid"]


def test_organisations_after_a_preposition_and_the_category_term_itself_are_not_names() -> None:
    assert not OTHER.find("Jag är medlem i Unionen och har cancer.")
    assert spans(SELF, "I am a Muslim and a union member.") == ["Muslim", "union member"]


def test_tenant_not_names_keep_their_own_organisation_from_counting_as_a_person() -> None:
    text = "Jeg har været sygemeldt, og Lagerkompagniet ved det."
    assert spans(OTHER, text) == ["sygemeldt"]
    quiet = detector(not_names=("Lagerkompagniet",))
    assert not quiet.find(text)


def test_language_gated_terms_apply_only_when_the_language_is_known() -> None:
    text = "She is a Christian."
    assert not OTHER.find(text)  # "Christian" is also a common Nordic name
    assert spans(OTHER, text, RuleContext(lang="en")) == ["Christian"]


def test_english_i_is_first_person_but_danish_i_is_you_plural() -> None:
    assert spans(SELF, "I am pregnant.") == ["pregnant"]
    assert not SELF.find("Kan I se, at der er stress?")


def test_categories_can_be_restricted() -> None:
    health_only = detector(categories=["health"])
    text = "Jens er medlem og han er syg."
    assert spans(health_only, text) == ["syg"]


def test_min_confidence_filters_weak_subject_cues() -> None:
    text = "They told me he is gay."  # "he" is a pronoun cue: 0.65
    assert spans(OTHER, text) == ["gay"]
    assert not detector(min_confidence=0.7).find(text)
    assert spans(detector(min_confidence=0.7), "Sarah is gay.") == ["gay"]


def test_masks_keep_only_the_first_letter_and_labels_hold_no_personal_data() -> None:
    text = "Jens fra lageret er også medlem, og han er sygemeldt med stress."
    for finding in OTHER.find(text):
        matched = text[finding.start : finding.end]
        assert finding.mask == matched[0] + "*" * (len(matched) - 1)
        assert matched not in finding.label
        assert "Jens" not in finding.label
        assert "Jens" not in finding.mask


def test_every_category_has_terms_in_all_five_languages() -> None:
    for category, table in CATEGORY_TERMS.items():
        assert set(table) == {"da", "sv", "nb", "nn", "en"}, category
        assert all(table.values()), category


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"subject": "them"},
        {"categories": ["gossip"]},
        {"categories": []},
        {"min_confidence": 1.5},
        {"not_names": ["*"]},
    ],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SpecialCategoryParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("special_category")
    assert spec is not None
    assert spec.params_model is SpecialCategoryParams
    assert spec.vocabulary == "special_category"
    built = spec.build(SpecialCategoryParams())
    assert built.find("Han er sygemeldt.")


# --- person and category in one clause (the pack's precision params) ---------------------------

REPO = Path(__file__).resolve().parents[3]
MARKERS = {
    field: read_lexicon(REPO / "policies" / "lexicons" / f"special-{name}.txt")
    for field, name in (
        ("clause_breaks", "clause-breaks"),
        ("generic_terms", "generic-terms"),
        ("generic_before", "generic-before"),
        ("generic_after", "generic-after"),
        ("negations", "negations"),
    )
}
PACK_OTHER = detector(window=8, name_pairs=True, **MARKERS)
PACK_SELF = detector(subject="self", window=8, name_pairs=True, **MARKERS)


@pytest.mark.parametrize(
    "text",
    [
        "Mette Hansen er muslim og beder fem gange om dagen.",
        "Min kollega Jonas har kræft og er sygemeldt.",
        "Jeg har hørt, at formanden er sygemeldt med stress.",
        "Hans kone er gravid igen, fortalte han i frokostpausen.",
        "Anna Lindqvist är muslim och bär slöja.",
        "Naboen min er sjukmeld med depresjon.",
        "Stemmer det at Kari er sykmeldt igjen?",
        "@jamie_k is gay, he said so himself.",
    ],
)
def test_a_named_or_identified_person_with_a_category_is_still_found(text: str) -> None:
    assert PACK_OTHER.find(text)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Hun siger, at homoseksuelle skal have samme rettigheder.", "plural group noun"),
        ("Muslims have the right to pray at work, she said.", "plural group noun"),
        ("Han mener, at alle troende skal have fri.", "quantifier before"),
        ("Hun taler med patienter med depression.", "group word before"),
        ("Hun arbejder i Den Katolske Kirke i København.", "institution after"),
        ("Ho er medlem av styret i burettslaget.", "a board, not a union"),
        ("Han er ikke syg, han er bare doven.", "negation"),
        ("She is not a member of any union.", "negation"),
        ("Dansk Psykiatrisk Selskab mener noget andet end han.", "organisation's name"),
        ("He explained that the agreement covers illness.", "clause break"),
    ],
)
def test_generic_institutional_and_negated_uses_are_not_about_a_person(text: str, why: str) -> None:
    assert not PACK_OTHER.find(text), why
    assert not PACK_SELF.find(text), why


def test_a_person_cue_beyond_the_window_does_not_count() -> None:
    text = "Jonas sagde noget om at vejret i dag var koldt og om kræft."
    assert spans(detector(), text) == ["kræft"]  # the default: anywhere in the sentence
    assert not detector(window=6).find(text)
    assert spans(detector(window=6), "Jonas har kræft.") == ["kræft"]


def test_a_cue_does_not_reach_across_a_clause_break_but_the_clause_keeps_its_own() -> None:
    assert not PACK_OTHER.find("Hun siger, at kræft rammer mange.")
    assert spans(PACK_OTHER, "Hun siger, at han har kræft.") == ["kræft"]
    # The writer told someone about their own condition: self, not the colleague's.
    text = "Jeg fortalte min kollega, at jeg er sygemeldt."
    assert spans(PACK_SELF, text) == ["sygemeldt"]
    assert not PACK_OTHER.find(text)


def test_a_coordinated_clause_keeps_the_subject_of_the_first() -> None:
    text = "Jag är själv medlem i Kommunal och har haft cancer."
    assert spans(PACK_SELF, text) == ["medlem", "cancer"]


def test_with_name_pairs_a_lone_unknown_capitalised_word_is_not_a_person() -> None:
    text = "Medarbejdere på Rigshospitalet og Vejlefjord er ofte stressramte i år."
    assert not detector(name_pairs=True).find(text)
    assert spans(detector(name_pairs=True), "I går sagde Wiktoria Zielinska, hun er gravid.")
    assert spans(detector(name_pairs=True), "Det ved Wiktoria Zielinska: stressramt.") == [
        "stressramt"
    ]


def test_the_pack_sets_the_precision_params_on_both_rules() -> None:
    pack = load_pack(REPO / "policies", "nordic-baseline")
    for rule_id in ("baseline.special-category-other", "baseline.special-category-self"):
        [rule] = [r for r in pack.rules if r.spec.id == rule_id]
        params = SpecialCategoryParams.model_validate(rule.spec.params)
        assert params.window == 8
        assert params.name_pairs
        assert params.generic_terms == tuple(MARKERS["generic_terms"])
        assert params.negations == tuple(MARKERS["negations"])


def test_a_term_in_an_organisations_capitalised_name_is_not_about_a_person_but_shouting_is() -> (
    None
):
    assert not PACK_OTHER.find("Hun har skrevet til Dansk Psykiatrisk Selskab.")
    assert not PACK_OTHER.find("He volunteers for Muslim Aid.")
    assert spans(PACK_OTHER, "HAN ER SYGEMELDT MED STRESS") == ["SYGEMELDT", "STRESS"]
    assert spans(PACK_OTHER, "Sarah Jones is a Muslim.") == ["Muslim"]


def test_a_negation_or_group_word_in_the_previous_sentence_does_not_make_a_term_generic() -> None:
    assert spans(PACK_OTHER, "Det tror jeg ikke. Han er sygemeldt.") == ["sygemeldt"]
    assert spans(PACK_OTHER, "Tak til alle. Hun er gravid!") == ["gravid"]
