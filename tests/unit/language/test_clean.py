"""What language identification never sees: links, mentions, hashtags, entities and emoji."""

from __future__ import annotations

import pytest

from uppsikt.language import letter_count, strip_noise


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Läs mer på https://www.seko.se/avtal?id=7 innan mötet", "Läs mer på innan mötet"),
        ("Se www.kommunal.se/lon for detaljer", "Se for detaljer"),
        ("@seko_fack @anna.bsky.social tack för svaret", "tack för svaret"),
        ("Vi står sammen #fagforening #1mai", "Vi står sammen"),
        ("Hurra 🎉🇸🇪 for avtalen 👍🏽!", "Hurra for avtalen !"),
        ("Familie ❤️ og venner ⭐", "Familie og venner"),
        ("Løn &amp; vilkår &#8220;nu&#8221;", "Løn vilkår nu"),
        ("Første linje\n\nanden   linje", "Første linje anden linje"),
    ],
)
def test_noise_is_removed_and_the_words_stay_on_one_line(text: str, cleaned: str) -> None:
    assert strip_noise(text) == cleaned


def test_an_e_mail_address_and_a_word_with_hash_inside_are_not_mentions_or_hashtags() -> None:
    assert (
        strip_noise("Skriv til post@seko.se om C#-kurset") == "Skriv til post@seko.se om C#-kurset"
    )


def test_letters_are_counted_in_any_script_and_digits_and_signs_are_not() -> None:
    assert letter_count("Åsa, 12 år!") == 5
    assert letter_count("Кто ты?") == 5
    assert letter_count("123 !!! 👍") == 0


def test_control_characters_and_lone_surrogates_become_spaces() -> None:
    assert strip_noise("Hej\x00med\tdig\ud800 \x85ok") == "Hej med dig ok"
