"""LinkedIn's webhook validation (platforms.md §4.1): answer `challengeCode` with its HMAC."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.ingest.errors import BadHandshake, IngestError
from uppsikt.platforms.linkedin.challenge import MAX_CHALLENGE_LENGTH, answer

# platforms.md §4.1, worked example [computed]: clientSecret "test".
SECRET = "test"
CODE = "890e4665-4dfe-4ab1-b689-ed553bceeed0"
RESPONSE = "af3b016efc6a95515151ee59e3a0d942b3a7bb8e3e9888e91966f124da2f3e94"


def test_the_worked_example_answers_with_the_documented_response() -> None:
    assert answer({"challengeCode": CODE}, SECRET) == {
        "challengeCode": CODE,
        "challengeResponse": RESPONSE,
    }


def test_the_answer_is_the_json_body_linkedin_expects() -> None:
    body = json.dumps(answer({"challengeCode": CODE}, SECRET))
    assert json.loads(body) == {"challengeCode": CODE, "challengeResponse": RESPONSE}


def test_the_application_id_of_parent_child_apps_does_not_change_the_answer() -> None:
    query = {"challengeCode": CODE, "applicationId": "123456"}
    assert answer(query, SECRET) == answer({"challengeCode": CODE}, SECRET)


def test_another_secret_gives_another_response() -> None:
    assert answer({"challengeCode": CODE}, SECRET + "x")["challengeResponse"] != RESPONSE


def test_the_response_is_lowercase_hex_of_sha256_length() -> None:
    response = answer({"challengeCode": CODE}, SECRET)["challengeResponse"]
    assert len(response) == 64
    assert response == response.lower()
    int(response, 16)


@pytest.mark.parametrize("query", [None, {}, {"challengecode": CODE}, {"challenge": CODE}])
def test_a_missing_challenge_code_is_a_bad_handshake(query: dict[str, str] | None) -> None:
    with pytest.raises(BadHandshake):
        answer(query, SECRET)


@pytest.mark.parametrize("code", ["", " ", "\t\n"])
def test_an_empty_challenge_code_is_a_bad_handshake(code: str) -> None:
    with pytest.raises(BadHandshake):
        answer({"challengeCode": code}, SECRET)


def test_a_challenge_code_of_256_characters_is_answered() -> None:
    code = "a" * MAX_CHALLENGE_LENGTH
    assert MAX_CHALLENGE_LENGTH == 256
    assert answer({"challengeCode": code}, SECRET)["challengeCode"] == code


def test_a_challenge_code_over_256_characters_is_a_bad_handshake() -> None:
    with pytest.raises(BadHandshake, match="256"):
        answer({"challengeCode": "a" * 257}, SECRET)


def test_an_unconfigured_secret_is_a_configuration_error_not_an_answer() -> None:
    with pytest.raises(ValueError, match="client secret"):
        answer({"challengeCode": CODE}, "")


def test_a_bad_handshake_is_an_ingest_error_so_the_api_maps_it_in_one_place() -> None:
    assert issubclass(BadHandshake, IngestError)


@given(code=st.text(min_size=1, max_size=MAX_CHALLENGE_LENGTH).filter(str.strip))
def test_any_plausible_code_is_echoed_with_its_hmac(code: str) -> None:
    expected = hmac.new(SECRET.encode(), code.encode(), hashlib.sha256).hexdigest()
    assert answer({"challengeCode": code}, SECRET) == {
        "challengeCode": code,
        "challengeResponse": expected,
    }
