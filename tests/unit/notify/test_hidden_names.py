"""Names and initials hidden in notification excerpts, in Danish, Swedish, Norwegian and English;
the archive's own excerpts keep their initials as before."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.notices import CPR, hit_on
from uppsikt.privacy.masking import cut_at_word, masked_excerpt


def hidden(text: str) -> str:
    return masked_excerpt(text, [], names="hide")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Swedish: the example, a given name that opens the sentence and its initial.
        ("Signe K. här, kan ni ringa mig?", "[name] här, kan ni ringa mig?"),
        ("Hej! Jag heter Åsa Öberg och bor i Malmö.", "Hej! Jag heter [name] och bor i [name]."),
        ("Varför svarar ni inte Anna-Karin?", "Varför svarar ni inte [name]?"),
        # Danish: "I" (you) is not an initial; a name after a question is hidden.
        ("Hvornår svarer I? Mette sagde det.", "Hvornår svarer I? [name] sagde det."),
        ("Tak til Lars Jensen for mødet", "Tak til [name] for mødet"),
        ("Hej, Søren. Jeg venter stadig", "Hej, [name]. Jeg venter stadig"),
        # Norwegian bokmål and nynorsk.
        ("Hei! Jeg heter Ola N. Nordmann og venter.", "Hei! Jeg heter [name] og venter."),
        ("Eg heiter Kari Nordmann. Kva gjer de no?", "Eg heiter [name]. Kva gjer de no?"),
        ("Kvifor har ikkje Bjørn fått svar?", "Kvifor har ikkje [name] fått svar?"),
        # English: "I" and its contractions stay, names go.
        ("I am Bob, I'm angry at John Smith.", "I am [name], I'm angry at [name]."),
        ("Why did J. R. Hartley call me?", "Why did [name] call me?"),
    ],
)
def test_names_and_initials_become_one_placeholder(text: str, expected: str) -> None:
    assert hidden(text) == expected


def test_a_sentence_opening_name_is_hidden_where_the_archive_keeps_it() -> None:
    text = "Signe Karlsson här"
    assert masked_excerpt(text, []) == "Signe K. här"
    assert hidden(text) == "[name] här"


def test_acronyms_and_lower_case_words_stay() -> None:
    assert hidden("mit CPR og GDPR spørgsmål om BBS") == "mit CPR og GDPR spørgsmål om BBS"


def test_the_archive_excerpt_keeps_its_initials_for_its_other_callers() -> None:
    assert masked_excerpt("tak til Lars Jensen for mødet", []) == "tak til L. J. for mødet"


def test_hits_digits_and_handles_are_masked_as_well() -> None:
    text = f"Lars Jensen (@larsj) har cpr {CPR}, mail lars@example.dk"
    masked = masked_excerpt(text, [hit_on(text, CPR)], names="hide")
    assert masked == "[name] (@[user]) har cpr ******-****, mail [e-mail]"


def test_a_hidden_excerpt_is_cut_between_words_only() -> None:
    text = "ring " + "Lars Jensen " * 40
    masked = masked_excerpt(text, [], width=60, names="hide")
    assert len(masked) <= 62
    assert all(word in {"ring", "[name]", "…", "[name]…"} for word in masked.split())


def test_cut_at_word_drops_a_word_longer_than_the_limit() -> None:
    assert cut_at_word("[e-mail]", 5) == ""
    assert cut_at_word("ab [e-mail]", 6) == "ab"


NAMES = ["Signe", "Lars", "Åsa", "Øjvind", "Kari", "John", "Anne-Marie", "Þórsson"]


@given(
    st.lists(
        st.sampled_from(["hej", "kan", "ni", "svara", ",", ".", "?", "mig", "når"]), max_size=8
    ),
    st.sampled_from(NAMES),
    st.sampled_from(["", " K.", " Jensen", " Ö."]),
)
def test_no_name_survives_anywhere_in_a_sentence(words: list[str], name: str, tail: str) -> None:
    for cut in range(len(words) + 1):
        text = " ".join([*words[:cut], name + tail, *words[cut:]])
        masked = hidden(text)
        assert name not in masked
        assert tail.strip() not in masked.split()
