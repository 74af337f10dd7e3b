"""Which registered organisation a LinkedIn delivery is for, read from its (verified) body."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from support.paths import EVENTS
from uppsikt.platforms.linkedin.routing import account_for, account_urns

BODY = (EVENTS / "linkedin" / "comments.json").read_bytes()


def test_the_first_notifications_organisation_picks_the_registered_account() -> None:
    assert account_for(BODY, ["urn:li:organization:1", "urn:li:organization:5550001"]) == (
        "urn:li:organization:5550001"
    )


def test_a_registry_id_written_as_the_bare_number_matches_the_urn() -> None:
    assert account_for(BODY, ["5550001"]) == "5550001"
    assert "urn:li:organizationBrand:5550001" in account_urns("5550001")


def test_an_organisation_the_registry_does_not_list_gives_none() -> None:
    assert account_for(BODY, ["urn:li:organization:9990009"]) is None


def test_a_body_without_notifications_gives_none() -> None:
    assert account_for(b'{"type": "X", "notifications": []}', ["5550001"]) is None
    assert account_for(b"not json", ["5550001"]) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(st.binary(max_size=200))
def test_any_bytes_give_an_account_or_none_and_never_raise(body: bytes) -> None:
    assert account_for(body, ["5550001"]) in (None, "5550001")


@given(JSON)
def test_any_json_gives_an_account_or_none_and_never_raise(value: object) -> None:
    body = json.dumps({"notifications": [{"organizationalEntity": value}]}).encode()
    assert account_for(body, ["5550001"]) in (None, "5550001")
