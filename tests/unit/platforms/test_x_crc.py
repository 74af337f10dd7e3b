"""X's CRC handshake (platforms.md §2.1): answer `crc_token` with a base64 HMAC-SHA256 over it,
keyed with the consumer secret."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.ingest.errors import BadHandshake, IngestError
from uppsikt.platforms.x.crc import MAX_TOKEN_CHARS, PREFIX, answer, response_token

SECRET = "test"
TOKEN = "challenge_string"
# platforms.md §2.1, worked example [computed].
EXPECTED = "sha256=SYYKwb5URQ4OnNXL3KWDH9ph6EIaP+4PTQFxLk5FIK4="


def test_the_worked_example_gives_the_documented_response_token() -> None:
    assert response_token(TOKEN, SECRET) == EXPECTED


def test_the_answer_is_the_documented_json_body() -> None:
    body = answer({"crc_token": TOKEN}, SECRET)
    assert body == {"response_token": EXPECTED}
    assert json.dumps(body, separators=(",", ":")) == (
        '{"response_token":"sha256=SYYKwb5URQ4OnNXL3KWDH9ph6EIaP+4PTQFxLk5FIK4="}'
    )


def test_other_query_parameters_are_ignored() -> None:
    assert answer({"crc_token": TOKEN, "nonce": "1", "x": ""}, SECRET) == {
        "response_token": EXPECTED
    }


def test_the_token_is_base64_of_a_sha256_digest_not_hex() -> None:
    token = response_token(TOKEN, SECRET)
    assert token.startswith(PREFIX)
    assert len(base64.b64decode(token.removeprefix(PREFIX), validate=True)) == 32


def test_another_secret_gives_another_token() -> None:
    assert response_token(TOKEN, SECRET + "x") != EXPECTED


def test_the_secret_is_the_key_and_the_token_the_message() -> None:
    assert response_token(SECRET, TOKEN) != EXPECTED


@pytest.mark.parametrize("query", [None, {}, {"crc_token": ""}, {"CRC_TOKEN": TOKEN}])
def test_a_missing_or_empty_token_is_a_bad_handshake(query: dict[str, str] | None) -> None:
    with pytest.raises(BadHandshake):
        answer(query, SECRET)


def test_a_token_of_the_maximum_length_is_answered() -> None:
    token = "a" * MAX_TOKEN_CHARS
    assert answer({"crc_token": token}, SECRET) == {"response_token": response_token(token, SECRET)}


def test_a_token_over_the_maximum_length_is_a_bad_handshake() -> None:
    with pytest.raises(BadHandshake, match="longer"):
        answer({"crc_token": "a" * (MAX_TOKEN_CHARS + 1)}, SECRET)


def test_a_non_ascii_token_is_signed_as_utf8() -> None:
    assert answer({"crc_token": "åäö"}, SECRET)["response_token"] == response_token("åäö", SECRET)


def test_a_lone_surrogate_is_a_bad_handshake_not_a_crash() -> None:
    with pytest.raises(BadHandshake):
        answer({"crc_token": "\ud800"}, SECRET)


def test_a_missing_consumer_secret_is_a_configuration_error_not_a_bad_request() -> None:
    with pytest.raises(ValueError, match="consumer secret"):
        answer({"crc_token": TOKEN}, "")


def test_a_bad_handshake_is_an_ingest_error_so_the_api_maps_it_in_one_place() -> None:
    assert issubclass(BadHandshake, IngestError)


JSON_SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()


@given(
    query=st.dictionaries(st.text(), JSON_SCALARS)
    | st.dictionaries(st.just("crc_token") | st.text(), JSON_SCALARS | st.lists(st.text())),
    secret=st.text(min_size=1),
)
def test_any_query_mapping_is_answered_or_refused_with_bad_handshake_only(
    query: dict[str, object], secret: str
) -> None:
    try:
        body = answer(cast("Mapping[str, str]", query), secret)
    except BadHandshake:
        token = query.get("crc_token")
        assert not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS
        return
    assert set(body) == {"response_token"}
    assert body["response_token"] == response_token(cast("str", query["crc_token"]), secret)


@given(token=st.text(min_size=1, max_size=MAX_TOKEN_CHARS), secret=st.text(min_size=1))
def test_every_acceptable_token_gets_a_prefixed_base64_digest(token: str, secret: str) -> None:
    value = answer({"crc_token": token}, secret)["response_token"]
    assert value.startswith(PREFIX)
    assert len(base64.b64decode(value.removeprefix(PREFIX), validate=True)) == 32
