"""Masked excerpts for notifications: what kind of problem, never the personal data itself."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from uppsikt.model.verdict import Hit, Severity
from uppsikt.privacy.masking import mask_spans, masked_excerpt

CPR = "211062-5629"


def hit_on(text: str, fragment: str, *, kind: str = "national_id") -> Hit:
    start = text.index(fragment)
    return Hit(
        rule="baseline.national-id",
        kind=kind,
        start=start,
        end=start + len(fragment),
        evidence="******-****",
        severity=Severity.LEGAL,
        confidence=0.95,
        source="GDPR Art. 87",
    )


def test_a_hit_span_is_masked_keeping_its_separators() -> None:
    text = f"mit cpr er {CPR} tak"
    assert masked_excerpt(text, [hit_on(text, CPR)]) == "mit cpr er ******-**** tak"


def test_a_hit_on_a_word_is_masked_letter_by_letter() -> None:
    text = "du er en idiot og burde fyres"
    masked = masked_excerpt(text, [hit_on(text, "idiot", kind="harassment")])
    assert masked == "du er en ***** og burde fyres"


def test_mask_spans_ignores_spans_outside_the_text_and_keeps_whitespace() -> None:
    assert mask_spans("ab cd", [(-3, 2), (4, 99)]) == "** c*"
    assert mask_spans("a b", [(0, 3)]) == "* *"


def test_digits_outside_hits_are_masked() -> None:
    assert masked_excerpt("ring 08-123 456 78 efter kl 15", []) == "ring ##-### ### ## efter kl ##"


def test_e_mail_addresses_are_replaced() -> None:
    masked = masked_excerpt("skriv til mette.hansen+sag@example.dk i dag", [])
    assert masked == "skriv til [e-mail] i dag"


def test_handles_are_replaced() -> None:
    assert masked_excerpt("spørg @mette_h om det", []) == "spørg @[user] om det"


def test_urls_are_replaced_with_everything_in_them() -> None:
    masked = masked_excerpt("se https://example.org/u/@mette/123?navn=Lars nu", [])
    assert masked == "se [link] nu"


def test_capitalised_names_inside_a_sentence_keep_only_their_initial() -> None:
    assert masked_excerpt("tak til Lars Jensen for mødet", []) == "tak til L. J. for mødet"


def test_nordic_capital_letters_are_treated_as_names_too() -> None:
    assert masked_excerpt("hilsen Øjvind Ærø og Åsa Öberg", []) == "hilsen Ø. Æ. og Å. Ö."


def test_a_name_after_a_comma_is_masked() -> None:
    assert masked_excerpt("Hej, Lars", []) == "Hej, L."


def test_a_capitalised_word_that_opens_a_sentence_is_kept() -> None:
    text = "Lars kom også. Mette gik! Anne? Bo"
    assert masked_excerpt(text, []) == text


def test_an_all_caps_word_is_not_mistaken_for_a_name() -> None:
    assert masked_excerpt("mit CPR er hemmeligt", []) == "mit CPR er hemmeligt"


def test_whitespace_is_collapsed() -> None:
    assert masked_excerpt("hej\n\n  med\tdig ", []) == "hej med dig"


def test_everything_personal_in_one_comment_is_gone() -> None:
    text = f"Hej, mit CPR er {CPR}, skriv til lars@example.dk eller @larsj, hilsen Lars Jensen"
    masked = masked_excerpt(text, [hit_on(text, CPR)])
    for fragment in ("2110", "5629", "lars@", "larsj", "Lars", "Jensen", "example"):
        assert fragment not in masked
    assert "******-****" in masked


def test_a_short_text_is_returned_whole() -> None:
    assert masked_excerpt("kort tekst", [], width=120) == "kort tekst"


def test_a_long_text_is_cut_to_the_width_with_ellipses_around_the_first_hit() -> None:
    text = "bla " * 100 + f"mit nummer {CPR} " + "bla " * 100
    masked = masked_excerpt(text, [hit_on(text, CPR)], width=60)
    assert len(masked) <= 62
    assert masked.startswith("…")
    assert masked.endswith("…")
    assert "******-****" in masked


def test_a_long_text_without_hits_starts_at_the_beginning() -> None:
    masked = masked_excerpt("start " + "bla " * 100, [], width=40)
    assert masked.startswith("start")
    assert masked.endswith("…")
    assert len(masked) == 41


@given(text=st.text(max_size=2000), width=st.integers(min_value=10, max_value=200))
def test_an_excerpt_is_never_longer_than_the_width_plus_two_ellipses(text: str, width: int) -> None:
    assert len(masked_excerpt(text, [], width=width)) <= width + 2


@given(text=st.text(max_size=500))
def test_no_ascii_digit_survives_masking(text: str) -> None:
    assert not re.search(r"[0-9]", masked_excerpt(text, [], width=1000))


def test_a_name_after_two_spaces_is_masked_like_after_one() -> None:
    assert masked_excerpt("mit navn er  Lars Jensen", []) == "mit navn er L. J."


def test_icelandic_and_accented_names_are_masked() -> None:
    masked = masked_excerpt("hilsen Jón Þórsson og Émile", [])
    for name in ("Jón", "Þórsson", "Émile"):
        assert name not in masked


def test_the_excerpt_still_shows_the_hit_when_long_links_come_before_it() -> None:
    links = " ".join(f"https://example.org/{'a' * 90}/{i}" for i in range(6))
    text = f"se {links} mit cpr er {CPR}. " + "tak for hjælpen med sagen. " * 20
    assert "******-****" in masked_excerpt(text, [hit_on(text, CPR)])
