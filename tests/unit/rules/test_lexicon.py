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


# --- a letter typed twice is a double letter; three or more is stretching --------------------


@pytest.mark.parametrize(
    ("term", "text"),
    [
        ("soper", "Vi plukket sopper i skogen"),
        ("taper", "Han var tapper i krigen"),
        ("loser", "The screw came looser"),
        ("kike", "Vi kikker på budgettet"),
        ("horor", "En horrorfilm"),
    ],
)
def test_a_doubled_letter_in_the_text_does_not_match_a_single_letter_of_the_term(
    term: str, text: str
) -> None:
    assert detector(terms=(term,)).find(text) == []


@pytest.mark.parametrize(
    ("term", "text", "expected"),
    [
        ("soper", "din sopppper", ["sopppper"]),
        ("loser", "what a looooser", ["looooser"]),
        ("idiot", "du er en IIIDIOOOOT", ["IIIDIOOOOT"]),
        ("ass", "what an asssshole", ["asssshole"]),  # a double letter of the term, stretched
        ("ass", "what an asshole", ["asshole"]),
    ],
)
def test_three_or_more_of_a_letter_match_one_or_two_of_the_term(
    term: str, text: str, expected: list[str]
) -> None:
    assert matched(detector(terms=(term,)), text) == expected


def test_a_double_letter_of_the_term_still_needs_two() -> None:
    assert detector(terms=("ass",)).find("as a rule") == []
    assert detector(terms=("ass",), match="word").find("assss") != []


def test_prefix_mode_still_reads_a_repeated_letter_after_the_term_as_its_tail() -> None:
    # "fitte" + "d": the tail, not a doubled letter; such words belong in `allow`.
    assert matched(detector(terms=("fitte",)), "the fitted kitchen") == ["fitted"]
    assert matched(detector(terms=("pik",)), "pikken") == ["pikken"]


def test_stretched_letters_map_back_to_the_whole_original_word() -> None:
    text = "Hej, du er en 1D1000000T og en taaaaber!!"
    det = detector(terms=("idiot", "taber"))
    assert matched(det, text) == ["1D1000000T", "taaaaber"]
    assert [f.mask for f in det.find(text)] == ["i****", "t****"]


# --- allow entries: the longer match wins -----------------------------------------------------


def test_an_allow_entry_shorter_than_the_term_that_hit_does_not_hide_it() -> None:
    assert matched(detector(terms=("pikken",), allow=("pike",)), "pikken") == ["pikken"]
    det = detector(terms=("svin", "svinehund"), allow=("svine",))
    assert matched(det, "din svinehund") == ["svinehund"]
    assert det.find("et svineri") == []  # "svine" covers more than the term "svin"


def test_an_allow_entry_at_least_as_long_as_the_term_still_hides_it() -> None:
    det = detector(terms=("svin",), allow=("svinek",))
    assert det.find("Svinekødet er billigt") == []
    assert matched(det, "dit svin!") == ["svin"]
    assert detector(terms=("slut",), allow=("slut",)).find("slut") == []


def test_an_allow_entry_may_end_with_a_star_to_say_it_is_a_prefix() -> None:
    det = detector(terms=("svin",), allow=("svinek*",))
    assert det.find("Svinekødet og svinekoteletterne") == []
    assert matched(det, "dit svin") == ["svin"]


# --- typographic apostrophes ------------------------------------------------------------------


@pytest.mark.parametrize("apostrophe", ["'", "\u2019", "\u2018", "\u02bc"])
def test_typographic_apostrophes_match_a_term_written_with_the_ascii_one(apostrophe: str) -> None:
    text = f"I{apostrophe}ll kill you"
    assert matched(detector(terms=("i'll kill you",)), text) == [text]


# --- censored letters -------------------------------------------------------------------------

CENSORED = detector(terms=("fuck", "fucking", "shit", "idiot"))


@pytest.mark.parametrize(
    ("text", "expected", "mask"),
    [
        ("f*ck this", ["f*ck"], "f***"),
        ("F**K this", ["F**K"], "f***"),
        ("this fuc*ing thing", ["fuc*ing"], "f******"),
        ("sh!t happens", ["sh!t"], "s***"),
        ("din 1d*ot", ["1d*ot"], "i****"),
    ],
)
def test_censored_letters_stand_for_letters_of_a_term(
    text: str, expected: list[str], mask: str
) -> None:
    assert matched(CENSORED, text) == expected
    assert [f.mask for f in CENSORED.find(text)] == [mask]


@pytest.mark.parametrize(
    "text",
    [
        "*",  # a lone star
        "* * * *",
        "f** off",  # stars at the end of the word: not between letters
        "s**",
        "**F**antastisk",  # markdown bold around a letter
        "TL;DR** Fin tur",
        "a***",
    ],
)
def test_stars_that_do_not_stand_between_real_letters_match_nothing(text: str) -> None:
    assert CENSORED.find(text) == []


def test_a_word_with_censored_letters_needs_two_real_letters() -> None:
    assert detector(terms=("ass",)).find("a** kicked") == []
    assert matched(detector(terms=("asshole",)), "a**hole") == ["a**hole"]


def test_a_censored_word_is_not_a_shorter_term_plus_an_inflection_tail() -> None:
    assert detector(terms=("paki",)).find("p***y") == []
    assert matched(detector(terms=("pussy",)), "p***y") == ["p***y"]


def test_in_prefix_mode_a_censored_term_may_have_a_real_inflection_tail() -> None:
    det = detector(terms=("fuck", "bitch"))
    assert matched(det, "fuc*ing f*cking b*tches") == ["fuc*ing", "f*cking", "b*tches"]
    assert [f.mask for f in det.find("fuc*ing")] == ["f***"]
    assert det.find("B*****s") == []  # one real letter where "bitch" would be
    assert detector(terms=("fuck",), match="word").find("fuc*ing") == []


def test_an_exclamation_mark_between_words_is_not_read_as_a_letter() -> None:
    assert matched(CENSORED, "Hej!idiot") == ["idiot"]
    assert matched(CENSORED, "Fuck!Det er godt") == ["Fuck"]


def test_censored_hits_are_reported_with_plain_ones_in_text_order() -> None:
    assert matched(CENSORED, "idiot, f*ck, shit") == ["idiot", "f*ck", "shit"]


# --- spelled-out words, word starts -----------------------------------------------------------


def test_a_spelled_out_term_may_start_inside_a_run_of_lone_letters() -> None:
    assert matched(INSULTS, "a i d i o t") == ["i d i o t"]


def test_a_spelled_out_term_must_end_where_the_lone_letters_end() -> None:
    assert INSULTS.find("i d i o t s") == []
    assert matched(INSULTS, "i d i o t  s") == ["i d i o t"]  # two spaces end the run
    assert matched(INSULTS, "i d i o t sen") == ["i d i o t"]  # "sen" is not a lone letter


def test_a_letter_of_another_script_right_before_a_term_is_not_a_word_start() -> None:
    assert INSULTS.find("\u03b1idiot") == []
    assert matched(INSULTS, "\u03b1 idiot \U0001f621idiot") == ["idiot", "idiot"]


def test_rules_with_the_same_terms_agree_and_repeat_themselves() -> None:
    text = "Du er en idiot og en m0r0n"
    again = detector(terms=("idiot", "jävla", "drittsekk", "moron", "dum i hovedet", "go to hell"))
    assert again.find(text) == INSULTS.find(text) == INSULTS.find(text)
