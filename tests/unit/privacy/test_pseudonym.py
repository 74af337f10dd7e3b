"""Keyed pseudonyms for platform user ids."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.model.events import Author, Platform
from uppsikt.privacy.pseudonym import Pseudonymiser

KEY = b"unit-test-pseudonym-key-0123456789"
OTHER_KEY = b"another-unit-test-key-9876543210"


def test_the_same_person_on_the_same_platform_always_gets_the_same_pseudonym() -> None:
    first = Pseudonymiser(KEY).pseudonym(Platform.FACEBOOK, "7300112233445566")
    again = Pseudonymiser(KEY).pseudonym(Platform.FACEBOOK, "7300112233445566")
    assert first == again


def test_different_people_get_different_pseudonyms() -> None:
    p = Pseudonymiser(KEY)
    assert p.pseudonym(Platform.FACEBOOK, "7300112233445566") != p.pseudonym(
        Platform.FACEBOOK, "7300112233449876"
    )


def test_the_same_id_on_two_platforms_gets_two_pseudonyms() -> None:
    p = Pseudonymiser(KEY)
    assert p.pseudonym(Platform.FACEBOOK, "1234536447") != p.pseudonym(
        Platform.INSTAGRAM, "1234536447"
    )


def test_a_different_key_gives_a_different_pseudonym() -> None:
    assert Pseudonymiser(KEY).pseudonym(Platform.X, "42") != Pseudonymiser(OTHER_KEY).pseudonym(
        Platform.X, "42"
    )


def test_a_pseudonym_is_not_the_raw_id_and_does_not_contain_it() -> None:
    raw = "7300112233445566"
    pseudonym = Pseudonymiser(KEY).pseudonym(Platform.FACEBOOK, raw)
    assert pseudonym != raw
    assert raw not in pseudonym


def test_a_pseudonym_is_32_lowercase_hex_characters_and_fits_the_author_model() -> None:
    pseudonym = Pseudonymiser(KEY).pseudonym(Platform.BLUESKY, "did:plc:abc")
    assert re.fullmatch(r"[0-9a-f]{32}", pseudonym)
    assert Author(pseudonym=pseudonym).pseudonym == pseudonym


@pytest.mark.parametrize("key", [b"", b"short", b"x" * 15])
def test_a_key_under_16_bytes_is_refused(key: bytes) -> None:
    with pytest.raises(ValueError, match="16 bytes"):
        Pseudonymiser(key)


def test_a_key_of_exactly_16_bytes_is_accepted() -> None:
    assert Pseudonymiser(b"k" * 16).pseudonym(Platform.FACEBOOK, "1")


def test_repr_and_str_hide_the_key() -> None:
    p = Pseudonymiser(KEY)
    for shown in (repr(p), str(p), f"{p!r}", repr([p])):
        assert KEY.decode() not in shown
        assert "unit-test" not in shown
    assert repr(p) == "Pseudonymiser(<key hidden>)"


@given(raw=st.text(min_size=1, max_size=40), platform=st.sampled_from(list(Platform)))
def test_any_id_gives_a_stable_hex_pseudonym_that_is_not_the_id(
    raw: str, platform: Platform
) -> None:
    p = Pseudonymiser(KEY)
    pseudonym = p.pseudonym(platform, raw)
    assert pseudonym == p.pseudonym(platform, raw)
    assert re.fullmatch(r"[0-9a-f]{32}", pseudonym)
    assert pseudonym != raw
