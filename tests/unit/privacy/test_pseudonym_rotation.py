"""Rotating the pseudonym key: new pseudonyms under the new version, old ones still computable."""

from __future__ import annotations

import pytest

from uppsikt.model.events import Platform
from uppsikt.privacy.pseudonym import Pseudonymiser, rotated, version_of

FIRST = {"key": "unit-test-pseudonym-key-0123456789"}


def test_a_secret_with_only_a_key_is_version_one_and_gives_the_pseudonyms_it_always_gave() -> None:
    legacy = Pseudonymiser(FIRST["key"].encode())
    keyring = Pseudonymiser.from_secret(FIRST)
    assert keyring.version == 1
    assert keyring.versions == (1,)
    assert keyring.pseudonym(Platform.X, "42") == legacy.pseudonym(Platform.X, "42")
    assert version_of(keyring.pseudonym(Platform.X, "42")) == 1


def test_after_a_rotation_new_pseudonyms_carry_the_new_version_and_old_ones_are_still_found() -> (
    None
):
    before = Pseudonymiser.from_secret(FIRST).pseudonym(Platform.FACEBOOK, "7300")
    secret = rotated(FIRST, "a-brand-new-key-for-version-two-000")
    after = Pseudonymiser.from_secret(secret)
    now = after.pseudonym(Platform.FACEBOOK, "7300")
    assert after.versions == (2, 1)
    assert now != before
    assert version_of(now) == 2
    assert now.startswith("v2-")
    assert after.every_pseudonym(Platform.FACEBOOK, "7300") == (now, before)


def test_rotating_twice_keeps_every_older_version_live() -> None:
    secret = rotated(rotated(FIRST, "k" * 20), "m" * 20)
    keyring = Pseudonymiser.from_secret(secret)
    assert keyring.versions == (3, 2, 1)
    assert [version_of(p) for p in keyring.every_pseudonym(Platform.X, "1")] == [3, 2, 1]
    assert secret["older"] == {"1": FIRST["key"], "2": "k" * 20}


def test_a_rotation_refuses_a_short_key_and_a_malformed_secret() -> None:
    with pytest.raises(ValueError, match="at least 16 bytes"):
        rotated(FIRST, "short")
    with pytest.raises(ValueError, match="at least 16 bytes"):
        rotated({"key": "x"})
    with pytest.raises(ValueError, match="older than the current"):
        Pseudonymiser.from_secret({"key": "k" * 20, "version": 2, "older": {"2": "m" * 20}})


def test_a_rotation_without_a_key_given_draws_a_random_one() -> None:
    one, two = rotated(FIRST), rotated(FIRST)
    assert one["key"] != two["key"]
    assert len(one["key"]) >= 32
