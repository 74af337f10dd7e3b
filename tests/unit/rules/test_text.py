"""Normalisation helpers: folding, de-obfuscation, run collapsing and the way back to offsets."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.rules.text import (
    WORD_GAP,
    Normalised,
    collapse_repeats,
    deobfuscate,
    fold,
    has_digit,
    is_word_char,
    normalise,
)


def test_fold_casefolds_and_strips_accents_that_are_not_nordic_letters() -> None:
    assert fold("CAFÉ Ñandú Über") == "cafe nandu uber"


def test_fold_keeps_nordic_letters_recognisable() -> None:
    assert fold("ÅÄÖ") == "åäö"


def test_fold_makes_danish_norwegian_and_swedish_spellings_equal() -> None:
    assert fold("Jævla") == fold("jävla")
    assert fold("DØDE") == fold("döde")


def test_fold_expands_sharp_s_like_casefold() -> None:
    assert fold("Straße") == "strasse"


def test_deobfuscate_swaps_digits_and_symbols_back_to_letters_inside_words() -> None:
    assert deobfuscate("1d10t") == "idiot"
    assert deobfuscate("@ss h0l3") == "ass hole"
    assert deobfuscate("$lu7") == "slut"


_SWAPS = str.maketrans("013457@$", "oieastas")


def _deobfuscated_word_by_word(text: str) -> str:
    """What `deobfuscate` means, written plainly: each run of [\\w@$] with a swap character
    and a letter has its swap characters read as letters."""

    def word(match: re.Match[str]) -> str:
        run = match.group()
        swapped = re.search(r"[013457@$]", run) and re.search(r"[^\W\d_]", run)
        return run.translate(_SWAPS) if swapped else run

    return re.sub(r"[\w@$]+", word, text)


@given(
    st.text(
        alphabet=st.sampled_from([*"ab1 0@$_-.x3z7éA", "\u00b2", "\u0663", "\u00a0"]),
        max_size=40,
    )
)
def test_deobfuscate_reads_every_word_as_the_word_by_word_definition_does(text: str) -> None:
    assert deobfuscate(text) == _deobfuscated_word_by_word(text)


def test_deobfuscate_finds_the_start_of_a_long_word_before_its_swap_character() -> None:
    assert deobfuscate("kommunikationsmedarbejder1 og 1234567x") == (
        "kommunikationsmedarbejderi og i2eas6tx"
    )


def test_deobfuscate_leaves_numbers_without_letters_alone() -> None:
    assert deobfuscate("2024 kl 13:45 koster $100") == "2024 kl 13:45 koster $100"


def test_deobfuscate_preserves_length() -> None:
    text = "h3j m3d d1g 4lle 2024"
    assert len(deobfuscate(text)) == len(text)


def test_collapse_repeats_shortens_long_letter_runs_to_the_kept_count() -> None:
    assert collapse_repeats("idiooooooot") == "idioot"
    assert collapse_repeats("idiooooooot", keep=1) == "idiot"


def test_collapse_repeats_keeps_ordinary_double_letters_and_digit_runs() -> None:
    assert collapse_repeats("tusind kroner 1000000 allé") == "tusind kroner 1000000 allé"


def test_collapse_repeats_rejects_a_zero_keep() -> None:
    with pytest.raises(ValueError, match="keep"):
        collapse_repeats("aaa", keep=0)


def test_normalise_maps_offsets_one_to_one_for_plain_text() -> None:
    norm = normalise("Hej Idiot")
    assert norm.text == "hej idiot"
    assert norm.original_span(4, 9) == (4, 9)


def test_normalise_maps_offsets_back_across_an_expanded_sharp_s() -> None:
    text = "Straße: idiot"
    norm = normalise(text)
    start = norm.text.index("idiot")
    orig_start, orig_end = norm.original_span(start, start + 5)
    assert text[orig_start:orig_end] == "idiot"


def test_normalise_composes_decomposed_nordic_letters() -> None:
    assert normalise("ja\u0308vla ma\u030al").text == "jävla mål"


def test_normalise_drops_other_combining_marks_but_keeps_them_in_the_original_span() -> None:
    text = "Ide\u0301 idiot"
    norm = normalise(text)
    assert norm.text == "ide idiot"
    assert norm.original_span(0, 3) == (0, 4)
    start = norm.text.index("idiot")
    orig_start, orig_end = norm.original_span(start, start + 5)
    assert text[orig_start:orig_end] == "idiot"


def test_normalise_removes_zero_width_characters_used_to_split_words() -> None:
    text = "du er en id\u200biot"
    norm = normalise(text)
    assert norm.text == "du er en idiot"
    assert norm.original_span(9, 14) == (9, 15)


def test_normalise_with_collapse_maps_a_shortened_run_to_the_whole_original_run() -> None:
    text = "IDIOOOOOOT!"
    norm = normalise(text, collapse=2)
    assert norm.text == "idioot!"
    assert norm.original_span(0, 6) == (0, 10)
    assert norm.original_span(6, 7) == (10, 11)


def test_normalise_undoes_leetspeak_by_default_and_can_be_told_not_to() -> None:
    assert normalise("1d10t").text == "idiot"
    assert normalise("1d10t", leet=False).text == "1d10t"


def test_normalise_maps_an_empty_span_to_an_empty_span() -> None:
    norm = normalise("Straße")
    assert norm.original_span(len(norm.text), len(norm.text)) == (6, 6)


@given(st.text(max_size=60), st.integers(min_value=1, max_value=3))
def test_normalised_spans_always_map_inside_the_original_and_in_order(text: str, keep: int) -> None:
    norm = normalise(text, collapse=keep)
    previous_start = 0
    for index in range(len(norm.text)):
        start, end = norm.original_span(index, index + 1)
        assert previous_start <= start < end <= len(text)
        previous_start = start
    assert norm.original_span(0, len(norm.text))[1] <= len(text)


@pytest.mark.parametrize("apostrophe", ["\u2019", "\u2018", "\u02bc"])
def test_normalise_folds_typographic_apostrophes_one_for_one(apostrophe: str) -> None:
    text = f"I{apostrophe}ll kill you"
    norm = normalise(text)
    assert norm.text == "i'll kill you"
    assert norm.original_span(0, len(norm.text)) == (0, len(text))
    assert fold(f"Jehovah{apostrophe}s") == "jehovah's"


def test_normalise_folds_apostrophes_on_the_path_that_maps_offsets_too() -> None:
    text = "Straße I\u2019ll"
    norm = normalise(text)
    assert norm.text == "strasse i'll"
    assert norm.original_span(8, 12) == (7, 11)


def test_normalise_gives_the_same_result_again_for_the_same_text_and_flags() -> None:
    text = "Du er en 1diot, Straße"
    first = normalise(text)
    assert normalise(text) == first
    folded = normalise(text, leet=False)
    assert folded == Normalised("du er en 1diot, strasse", len(text), first.starts, first.ends)
    assert normalise(text, collapse=2) == first  # nothing to collapse here


def test_fold_and_normalise_agree_on_every_flag_combination() -> None:
    for text in ["Idiooooot!", "Cafe\u0301 1d10t", "plain words"]:
        assert fold(text) == normalise(text, leet=False).text
        assert deobfuscate(fold(text)) == normalise(text).text
        assert collapse_repeats(normalise(text).text) == normalise(text, collapse=2).text


def test_has_digit_finds_ascii_digits_only() -> None:
    assert has_digit("ring 70 10 20 30")
    assert not has_digit("ingen tal her")
    assert not has_digit("\u0663")  # an Arabic-Indic digit is not what the ID kinds read


def test_word_gap_is_every_character_a_word_may_start_after() -> None:
    gap = re.compile(WORD_GAP)
    for cp in [*range(0x300), 0x3B1, 0x416, 0x1F600, 0x200B, 0x2019]:
        ch = chr(cp)
        # Below U+0300 exactly the non-word characters; from there on everything, and the
        # matchers check `is_word_char` on such a hit.
        expected = cp >= 0x300 or not is_word_char(ch)
        assert bool(gap.fullmatch(ch)) is expected, hex(cp)
    assert is_word_char("\u03b1")
    assert not is_word_char("\U0001f600")
