"""`detect_language`: the detector's answer when it is sure, the account's languages when not.

Every example is written for these tests (none comes from the evaluation data), and each runs
the real detector (CLD2, through pycld2).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.paths import REPO
from uppsikt.language import LANGS, LanguageGuess, UnknownLanguage, detect_language, strip_noise

BOKMAL = "Medlemmene våre fortjener bedre lønn og tryggere arbeidsforhold."
NYNORSK = "Dette er ikkje greitt, kva meiner de om det?"
DANISH = "Tak for et godt møde i går, vi ses til generalforsamlingen i marts!"
GERMAN = "Vielen Dank für das gute Treffen gestern, wir sehen uns im März!"
# Half Swedish, half English: neither language covers enough of the text to be its language.
HALF_AND_HALF = (
    "Vi kräver bättre villkor för alla som jobbar inom vården, och vi ger oss inte förrän vi "
    "får dem. We demand better conditions for everyone working in healthcare."
)
UNSURE = "Ja takk, det er bra"  # too few distinctive words for CLD2 to be sure


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Tack för ett bra möte igår, vi ses på årsmötet i mars!", "sv"),
        (DANISH, "da"),
        (BOKMAL, "nb"),
        ("Takk for eit godt møte i går, vi sjåast på årsmøtet i mars!", "nn"),
        ("Eg trur ikkje det er rett at kommunen skal kutte i tilboda til dei eldste.", "nn"),
        ("Kiitos hyvästä kokouksesta eilen, nähdään vuosikokouksessa maaliskuussa!", "fi"),
        ("Thanks for a great meeting yesterday, see you at the annual meeting in March!", "en"),
        (GERMAN, "other"),
    ],
)
def test_a_sentence_in_one_language_is_detected(text: str, lang: str) -> None:
    guess = detect_language(text)
    assert (guess.lang, guess.method) == (lang, "detected")
    assert guess.share > 0.9


def test_the_account_languages_do_not_overrule_a_sure_detection() -> None:
    assert detect_language(DANISH, ["sv"]).lang == "da"


def test_a_foreign_language_is_other_and_not_the_account_language() -> None:
    guess = detect_language(GERMAN, ["sv"])
    assert (guess.lang, guess.method, guess.known) == ("other", "detected", False)


class TestTooShort:
    def test_a_short_comment_takes_the_account_language(self) -> None:
        assert detect_language("Tack!", ["sv"]) == LanguageGuess("sv", "too_short", 0.0)

    def test_a_short_comment_without_account_languages_is_other(self) -> None:
        guess = detect_language("Helt enig!")
        assert (guess.lang, guess.method, guess.known) == ("other", "too_short", False)

    def test_links_mentions_and_emoji_do_not_make_a_comment_long_enough(self) -> None:
        text = "@seko_fack 👍👍 https://www.seko.se/nyheter/2026/avtal-klart #avtal2026 bra"
        assert len(text) > 60
        assert detect_language(text, ["sv"]) == LanguageGuess("sv", "too_short", 0.0)

    def test_of_several_account_languages_the_first_is_taken(self) -> None:
        assert detect_language("Kiitos!", ["fi", "sv"]).lang == "fi"
        assert detect_language("", ["sv", "fi"]).lang == "sv"


class TestUnsureOrMixed:
    def test_an_unsure_detection_falls_back_to_the_account_language(self) -> None:
        guess = detect_language(UNSURE, ["da"])
        assert (guess.lang, guess.method) == ("da", "fallback")

    def test_a_half_and_half_comment_falls_back_to_the_account_language(self) -> None:
        guess = detect_language(HALF_AND_HALF, ["sv"])
        assert (guess.lang, guess.method) == ("sv", "fallback")
        assert 0.3 < guess.share < 0.6

    def test_the_account_language_that_covers_most_of_the_text_is_taken(self) -> None:
        assert detect_language(HALF_AND_HALF, ["da", "sv"]).lang == "sv"
        assert detect_language(HALF_AND_HALF, ["fi", "en"]).lang == "en"

    def test_without_account_languages_an_unsure_text_is_undetermined(self) -> None:
        for text in (UNSURE, HALF_AND_HALF):
            guess = detect_language(text)
            assert (guess.lang, guess.method, guess.known) == ("other", "undetermined", False)


class TestNorwegianVariant:
    def test_nynorsk_is_detected_whatever_the_account_writes(self) -> None:
        guess = detect_language(NYNORSK, ["nb"])
        assert (guess.lang, guess.method, guess.variant) == ("nn", "detected", "detected")

    def test_plain_norwegian_is_bokmal_by_default(self) -> None:
        guess = detect_language(BOKMAL)
        assert (guess.lang, guess.method, guess.variant) == ("nb", "detected", "default")

    def test_plain_norwegian_takes_the_written_standard_of_a_nynorsk_account(self) -> None:
        guess = detect_language(BOKMAL, ["nn"])
        assert (guess.lang, guess.method, guess.variant) == ("nn", "detected", "fallback")

    def test_plain_norwegian_takes_the_first_standard_the_account_lists(self) -> None:
        assert detect_language(BOKMAL, ["sv", "nb", "nn"]).lang == "nb"
        assert detect_language(BOKMAL, ["nn", "nb"]).lang == "nn"

    def test_a_fallback_to_a_norwegian_account_says_the_variant_came_from_it(self) -> None:
        assert detect_language(UNSURE, ["nb", "nn"]) == LanguageGuess(
            "nb", "fallback", 0.0, "fallback"
        )
        assert detect_language("Takk!", ["nn"]).variant == "fallback"


class TestAccountLanguages:
    def test_an_unknown_code_is_refused_without_repeating_it(self) -> None:
        with pytest.raises(UnknownLanguage) as raised:
            detect_language("Hej", ["sv", "no-ny"])
        assert "no-ny" not in str(raised.value)

    def test_other_is_not_an_account_language(self) -> None:
        with pytest.raises(UnknownLanguage):
            detect_language("Hej", ["other"])

    def test_repeated_codes_count_once(self) -> None:
        assert detect_language(UNSURE, ("da", "da", "sv")) == detect_language(UNSURE, ("da", "sv"))


def test_every_answer_is_one_of_the_seven_codes() -> None:
    texts = ["", "ok", "🙂🙂🙂", "Hej hej ok", UNSURE, HALF_AND_HALF, "12345 678 90 " * 5]
    for text in texts:
        for fallback in ((), ("da",), ("nb", "nn")):
            assert detect_language(text, fallback).lang in LANGS


def test_cleaning_happens_before_detection() -> None:
    noisy = "@kommunal_fack Tack för ett bra möte igår 🎉 https://kommunal.se #årsmöte"
    assert detect_language(noisy) == detect_language(strip_noise(noisy))


def test_control_characters_do_not_stop_detection() -> None:
    guess = detect_language(
        "Tak for et godt møde\x00 i går,\x07 vi ses\ud800 til generalforsamlingen!"
    )
    assert (guess.lang, guess.method) == ("da", "detected")


def test_importing_the_package_loads_no_detector() -> None:
    # Lambda cold start: pycld2 is imported on the first call, never at import.
    code = (
        "import sys, uppsikt.language\n"
        "print('pycld2' in sys.modules, uppsikt.language.detect._detector is None)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    assert out == ["False", "True"]
