"""`detect_language`: the model's answer when it is sure, the account's languages when it is not.

Every example is written for these tests (none comes from the evaluation data), and each runs
the real model that ships with the package.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from support.paths import REPO
from uppsikt.language import (
    LANGS,
    LanguageGuess,
    UnknownLanguage,
    detect_language,
    strip_noise,
)
from uppsikt.language import detect as module


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Tack för ett bra möte igår, vi ses på årsmötet i mars!", "sv"),
        ("Tak for et godt møde i går, vi ses til generalforsamlingen i marts!", "da"),
        ("Takk for eit godt møte i går, vi sjåast på årsmøtet i mars!", "nn"),
        ("Eg trur ikkje det er rett at kommunen skal kutte i tilboda til dei eldste.", "nn"),
        ("Kiitos hyvästä kokouksesta eilen, nähdään vuosikokouksessa maaliskuussa!", "fi"),
        ("Thanks for a great meeting yesterday, see you at the annual meeting in March!", "en"),
        ("Vielen Dank für das gute Treffen gestern, wir sehen uns im März!", "other"),
    ],
)
def test_a_sentence_in_one_language_is_detected(text: str, lang: str) -> None:
    guess = detect_language(text)
    assert (guess.lang, guess.method) == (lang, "detected")
    assert guess.confidence >= module.MIN_CONFIDENCE


def test_the_account_languages_do_not_overrule_a_confident_detection() -> None:
    guess = detect_language("Tak for et godt møde i går, vi ses til generalforsamlingen i marts!", ["sv"])
    assert (guess.lang, guess.method) == ("da", "detected")


def test_a_foreign_language_is_other_and_not_the_account_language() -> None:
    guess = detect_language("Vielen Dank für das gute Treffen gestern, wir sehen uns im März!", ["sv"])
    assert (guess.lang, guess.method, guess.known) == ("other", "detected", False)


class TestTooShort:
    def test_a_short_comment_takes_the_account_language(self) -> None:
        assert detect_language("Tack!", ["sv"]) == LanguageGuess("sv", "too_short", 0.0)

    def test_a_short_comment_without_account_languages_is_other(self) -> None:
        guess = detect_language("Helt enig, great job")
        assert (guess.lang, guess.method, guess.confidence) == ("other", "too_short", 0.0)

    def test_links_mentions_and_emoji_do_not_make_a_comment_long_enough(self) -> None:
        text = "@seko_fack 👍👍 https://www.seko.se/nyheter/2026/avtal-klart #avtal2026"
        assert len(text) > 60
        assert detect_language(text, ["sv"]).method == "too_short"

    def test_of_several_account_languages_the_one_the_model_rates_higher_is_taken(self) -> None:
        # Both are too short to detect; the model still ranks nynorsk "kva", "kjem" above bokmål.
        assert detect_language("Kva tid kjem bussen?", ["nb", "nn"]).lang == "nn"
        assert detect_language("Ja takk, det er bra", ["nn", "nb"]).lang == "nb"

    def test_an_empty_text_takes_the_first_account_language(self) -> None:
        assert detect_language("", ["fi", "sv"]) == LanguageGuess("fi", "too_short", 0.0)


class TestMixedOrUnsure:
    MIXED = "Grattis till avtalet, well done guys"

    def test_a_mixed_comment_falls_back_to_the_account_language(self) -> None:
        guess = detect_language(self.MIXED, ["sv"])
        assert (guess.lang, guess.method) == ("sv", "fallback")

    def test_the_account_language_the_model_rates_highest_is_taken_not_the_first(self) -> None:
        # Swedish is outside the model's top five here; the whole ranking is consulted.
        assert detect_language(self.MIXED, ["da", "sv"]).lang == "sv"
        assert detect_language("Bra jobbat! Great work everyone", ["sv", "en"]).lang == "en"

    def test_without_account_languages_an_unsure_text_is_undetermined(self) -> None:
        guess = detect_language(self.MIXED)
        assert (guess.lang, guess.method, guess.known) == ("other", "undetermined", False)

    def test_a_weak_foreign_guess_on_a_short_mix_falls_back(self) -> None:
        # The compact model calls this Chinese at about 0.6: not enough for "other".
        guess = detect_language("Snyggt jobbat, fantastic", ["sv"])
        assert (guess.lang, guess.method) == ("sv", "fallback")


class TestNorwegianVariant:
    BOKMAL = "Takk for et godt møte i går, vi ses på årsmøtet i mars!"

    def test_nynorsk_the_model_recognises_is_detected_whatever_the_account(self) -> None:
        guess = detect_language("Dette er ikkje greitt, kva meiner de om det?", ["nb"])
        assert (guess.lang, guess.method, guess.variant) == ("nn", "detected", "detected")

    def test_plain_norwegian_is_bokmal_by_default(self) -> None:
        guess = detect_language(self.BOKMAL)
        assert (guess.lang, guess.method, guess.variant) == ("nb", "detected", "default")

    def test_plain_norwegian_takes_the_written_standard_of_a_nynorsk_account(self) -> None:
        guess = detect_language(self.BOKMAL, ["nn"])
        assert (guess.lang, guess.variant) == ("nn", "fallback")

    def test_plain_norwegian_takes_the_first_standard_an_account_lists(self) -> None:
        assert detect_language(self.BOKMAL, ["sv", "nb", "nn"]).lang == "nb"
        assert detect_language(self.BOKMAL, ["nn", "nb"]).lang == "nn"

    def test_a_fallback_to_a_norwegian_account_says_the_variant_came_from_it(self) -> None:
        assert detect_language("Tack!", ["nb"]).variant == "fallback"


class TestAccountLanguages:
    def test_an_unknown_code_is_refused_without_repeating_it(self) -> None:
        with pytest.raises(UnknownLanguage) as raised:
            detect_language("Hej", ["sv", "no-ny"])
        assert "no-ny" not in str(raised.value)

    def test_other_is_not_an_account_language(self) -> None:
        with pytest.raises(UnknownLanguage):
            detect_language("Hej", ["other"])

    def test_repeated_codes_count_once(self) -> None:
        assert detect_language("Tack!", ("sv", "sv")) == detect_language("Tack!", ("sv",))


def test_every_answer_is_one_of_the_seven_codes() -> None:
    texts = ["", "ok", "🙂🙂🙂", "Hej hej ok", "Kjempebra, good luck", "12345 678 90"]
    for text in texts:
        for fallback in ((), ("da",), ("nb", "nn")):
            assert detect_language(text, fallback).lang in LANGS


def test_cleaning_happens_before_detection() -> None:
    noisy = "@kommunal_fack Tack för ett bra möte igår 🎉 https://kommunal.se #årsmöte"
    assert detect_language(noisy) == detect_language(strip_noise(noisy))


def test_the_model_file_ships_with_the_dependency() -> None:
    assert module.model_path().stat().st_size > 500_000


def test_importing_the_package_loads_no_model() -> None:
    # Lambda cold start: the model is read on the first call, never at import.
    code = "import sys, uppsikt.language; print('fasttext' in sys.modules, uppsikt.language.detect._model)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout.split()
    assert out == ["False", "None"]
