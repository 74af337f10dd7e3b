"""The `lexicon` rule kind: word-start matching that survives casing, accents and obfuscation."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.lexicon import LexiconDetector, LexiconParams
from uppsikt.rules.registry import kind_spec


def detector(**params: Any) -> LexiconDetector:
    return LexiconDetector(LexiconParams.model_validate(params))


def matched(det: LexiconDetector, text: str) -> list[str]:
    return [text[f.start : f.end] for f in det.find(text)]


INSULTS = detector(
    terms=("idiot", "jävla", "drittsekk", "moron", "dum i hovedet", "go to hell"),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Du er en idiot.", ["idiot"]),  # Danish
        ("Sikke nogle idioter!", ["idioter"]),  # Danish plural
        ("Vilken idiotisk ledning.", ["idiotisk"]),  # Swedish adjective
        ("Han blev idiotförklarad", ["idiotförklarad"]),  # Swedish compound
        ("Du er en drittsekk", ["drittsekk"]),  # Norwegian
        ("Dere er drittsekker alle sammen", ["drittsekker"]),  # Norwegian plural
        ("What a bunch of morons", ["morons"]),  # English
        ("Du er dum i hovedet", ["dum i hovedet"]),  # Danish phrase
        ("just go  to\nhell", ["go  to\nhell"]),  # flexible whitespace
        ("go-to-hell, seriously", ["go-to-hell"]),
    ],
)
def test_terms_match_with_inflection_and_compound_tails_in_every_language(
    text: str, expected: list[str]
) -> None:
    assert matched(INSULTS, text) == expected


def test_matching_ignores_case() -> None:
    assert matched(INSULTS, "IDIOT og IdIoTer") == ["IDIOT", "IdIoTer"]


def test_matching_ignores_accents_that_are_not_nordic_letters() -> None:
    assert matched(INSULTS, "quel ídíót") == ["ídíót"]


def test_swedish_and_norwegian_danish_spellings_match_each_other() -> None:
    assert matched(INSULTS, "din jævla tosk") == ["jævla"]
    assert matched(INSULTS, "JÄVLA") == ["JÄVLA"]


def test_repeated_letters_still_match() -> None:
    assert matched(INSULTS, "du er en idiooooooot") == ["idiooooooot"]
    assert matched(INSULTS, "IIIIDIOT") == ["IIIIDIOT"]


def test_digit_and_symbol_for_letter_substitutions_still_match() -> None:
    assert matched(INSULTS, "din 1diot") == ["1diot"]
    assert matched(INSULTS, "m0r0n") == ["m0r0n"]


def test_obfuscations_combined_report_the_original_obfuscated_word() -> None:
    text = "Hej, du er en 1D10000T!!"
    [finding] = INSULTS.find(text)
    assert text[finding.start : finding.end] == "1D10000T"


def test_spelled_out_words_match() -> None:
    assert matched(INSULTS, "du er en i d i o t ok") == ["i d i o t"]
    assert matched(INSULTS, "M.O.R.O.N") == ["M.O.R.O.N"]


def test_offsets_point_into_the_original_text_after_length_changing_normalisation() -> None:
    text = "Straße, Cafe\u0301, id\u200biøt og idiot"
    found = INSULTS.find(text)
    assert [text[f.start : f.end] for f in found] == ["idiot"]
    assert found[0].start == text.rindex("idiot")


def test_several_hits_in_one_comment_are_each_reported_in_order() -> None:
    text = "idiot, moron og drittsekk"
    assert matched(INSULTS, text) == ["idiot", "moron", "drittsekk"]


def test_innocent_text_yields_nothing() -> None:
    assert INSULTS.find("Tak for et godt møde i går, vi ses på fredag.") == []


def test_a_term_in_the_middle_of_a_word_never_matches() -> None:
    det = detector(terms=("cunt", "ass"))
    assert det.find("Scunthorpe United won") == []
    assert det.find("first class, bass and grass") == []


def test_word_mode_does_not_match_a_term_that_starts_a_longer_word() -> None:
    det = detector(terms=("cock",), match="word")
    assert det.find("in the cockpit") == []
    assert matched(det, "what a cock!") == ["cock"]


def test_word_mode_still_accepts_stretched_and_obfuscated_words() -> None:
    det = detector(terms=("cock",), match="word")
    assert matched(det, "c0ckkkk") == ["c0ckkkk"]


def test_allow_list_suppresses_innocent_words_that_start_with_a_term() -> None:
    det = detector(terms=("slut", "ass", "cock"), allow=("slutsats", "assessment", "cockpit"))
    assert det.find("Min slutsats är klar, slutsatsen står") == []
    assert det.find("The assessment and the assessments") == []
    assert det.find("in the cockpit") == []


def test_allow_list_does_not_hide_the_term_itself() -> None:
    det = detector(terms=("slut", "ass"), allow=("slutsats", "assessment"))
    assert matched(det, "you slut") == ["slut"]
    assert matched(det, "what an asshole") == ["asshole"]


def test_spelled_out_letters_of_a_longer_word_do_not_match_a_shorter_term() -> None:
    det = detector(terms=("idiot",))
    assert det.find("i d i o t e r n e") == []


def test_double_letters_in_a_term_are_required() -> None:
    det = detector(terms=("ass",))
    assert det.find("as a rule") == []


def test_mask_is_the_first_letter_followed_by_asterisks() -> None:
    [finding] = INSULTS.find("idioter")
    assert finding.mask == "i****"


def test_mask_and_label_never_contain_the_full_term() -> None:
    texts = ["idiot", "1D10T", "drittsekker", "go to hell", "jævla"]
    terms = ["idiot", "drittsekk", "go to hell", "jävla", "jævla"]
    for text in texts:
        for finding in INSULTS.find(text):
            for term in terms:
                assert term not in finding.mask.lower()
                assert term not in finding.label.lower()


def test_findings_carry_the_configured_confidence_and_report_kind() -> None:
    det = detector(terms=("idiot",), report_as="tone", confidence=0.4)
    [finding] = det.find("idiot")
    assert finding.confidence == 0.4
    assert "tone" in finding.label
    assert det.reports_as == "tone"


def test_reports_as_defaults_to_harassment_and_is_read_only() -> None:
    det = detector(terms=("idiot",))
    assert det.reports_as == "harassment"
    with pytest.raises(AttributeError):
        det.reports_as = "hate"  # type: ignore[misc]


def test_unknown_params_are_rejected() -> None:
    with pytest.raises(ValidationError):
        LexiconParams.model_validate({"terms": ["idiot"], "colour": "red"})


def test_an_empty_term_list_is_rejected() -> None:
    with pytest.raises(ValidationError):
        LexiconParams.model_validate({"terms": []})


def test_a_term_without_letters_or_digits_is_rejected() -> None:
    with pytest.raises(ValidationError):
        LexiconParams.model_validate({"terms": ["idiot", " !! "]})


def test_an_unknown_report_kind_is_rejected() -> None:
    with pytest.raises(ValidationError):
        LexiconParams.model_validate({"terms": ["idiot"], "report_as": "rudeness"})


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("lexicon")
    assert spec is not None
    assert spec.params_model is LexiconParams
    assert spec.vocabulary == "lexicon"
    built = spec.build(LexiconParams(terms=("idiot",)))
    assert [f.mask for f in built.find("idiot")] == ["i****"]
