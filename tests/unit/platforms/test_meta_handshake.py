"""Meta's subscription handshake (platforms.md §1.1): echo `hub.challenge` on a matching token."""

from __future__ import annotations

import pytest

from uppsikt.ingest.errors import BadHandshake, IngestError, VerifyTokenMismatch
from uppsikt.platforms.meta.handshake import answer

TOKEN = "meatyhamhock"


def dotted(
    mode: str = "subscribe", challenge: str = "1158201444", token: str = TOKEN
) -> dict[str, str]:
    return {"hub.mode": mode, "hub.challenge": challenge, "hub.verify_token": token}


def test_the_documented_example_echoes_the_challenge() -> None:
    assert answer(dotted(), TOKEN) == "1158201444"


def test_the_underscore_form_php_produces_is_accepted_too() -> None:
    query = {"hub_mode": "subscribe", "hub_challenge": "42", "hub_verify_token": TOKEN}
    assert answer(query, TOKEN) == "42"


def test_the_two_forms_can_be_mixed_in_one_request() -> None:
    query = {"hub.mode": "subscribe", "hub_challenge": "7", "hub.verify_token": TOKEN}
    assert answer(query, TOKEN) == "7"


def test_a_token_like_challenge_with_letters_dashes_and_underscores_is_echoed() -> None:
    assert answer(dotted(challenge="abc-DEF_123"), TOKEN) == "abc-DEF_123"


def test_a_challenge_of_exactly_128_characters_is_echoed() -> None:
    challenge = "9" * 128
    assert answer(dotted(challenge=challenge), TOKEN) == challenge


def test_a_wrong_verify_token_raises_the_403_error() -> None:
    with pytest.raises(VerifyTokenMismatch):
        answer(dotted(token="not-the-token"), TOKEN)


def test_a_missing_verify_token_raises_the_403_error() -> None:
    query = {"hub.mode": "subscribe", "hub.challenge": "1"}
    with pytest.raises(VerifyTokenMismatch):
        answer(query, TOKEN)


def test_a_token_that_only_differs_in_case_does_not_match() -> None:
    with pytest.raises(VerifyTokenMismatch):
        answer(dotted(token=TOKEN.upper()), TOKEN)


def test_an_empty_configured_verify_token_never_matches() -> None:
    with pytest.raises(VerifyTokenMismatch):
        answer(dotted(token="anything"), "")


def test_an_empty_configured_verify_token_does_not_match_an_empty_sent_token() -> None:
    with pytest.raises(VerifyTokenMismatch):
        answer(dotted(token=""), "")


def test_a_missing_mode_is_a_bad_handshake() -> None:
    query = {"hub.challenge": "1", "hub.verify_token": TOKEN}
    with pytest.raises(BadHandshake):
        answer(query, TOKEN)


def test_a_missing_challenge_is_a_bad_handshake() -> None:
    query = {"hub.mode": "subscribe", "hub.verify_token": TOKEN}
    with pytest.raises(BadHandshake):
        answer(query, TOKEN)


@pytest.mark.parametrize("mode", ["unsubscribe", "Subscribe", "", "subscribe "])
def test_a_mode_other_than_subscribe_is_a_bad_handshake(mode: str) -> None:
    with pytest.raises(BadHandshake):
        answer(dotted(mode=mode), TOKEN)


@pytest.mark.parametrize("query", [None, {}])
def test_no_query_at_all_is_a_bad_handshake(query: dict[str, str] | None) -> None:
    with pytest.raises(BadHandshake):
        answer(query, TOKEN)


@pytest.mark.parametrize(
    "challenge",
    [
        "<script>alert(1)</script>",
        "123<b>",
        "a b",
        "1;2",
        "",
        "ä",
        "9" * 129,
    ],
)
def test_a_challenge_that_is_not_a_short_token_is_a_bad_handshake(challenge: str) -> None:
    with pytest.raises(BadHandshake):
        answer(dotted(challenge=challenge), TOKEN)


def test_a_bad_challenge_is_refused_even_with_the_right_token() -> None:
    with pytest.raises(BadHandshake, match="challenge"):
        answer(dotted(challenge="<script>"), TOKEN)


def test_a_challenge_with_a_trailing_newline_is_a_bad_handshake() -> None:
    with pytest.raises(BadHandshake):
        answer(dotted(challenge="9" * 128 + "\n"), TOKEN)


def test_both_handshake_errors_are_ingest_errors_so_the_api_maps_them_in_one_place() -> None:
    assert issubclass(BadHandshake, IngestError)
    assert issubclass(VerifyTokenMismatch, IngestError)
    assert not issubclass(VerifyTokenMismatch, BadHandshake)
