"""`X-LI-Signature` (platforms.md §4.2): both readings of LinkedIn's wording are accepted, and
`verify` reports which one matched."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from uppsikt.platforms.linkedin.signature import PREFIX, sign_a, sign_b, verify

SECRET = "test"

# [computed] here with Python `hmac` (the §4.2 vectors are over a capture that is not shipped).
EMPTY_BODY = b'{"type":"ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS","notifications":[]}'
EMPTY_A = "97882fc09d4f4ae32bcea64c49a7c7a610b4e46fa4d7fd71b0c1c54269187b66"
EMPTY_B = "hmacsha256=3047888aa72b8f9fc6156ecdfe34be2cfd7a5637d391afa894af1ddb26c39f3e"

# A share notification with "Hej, väl delat!" as LinkedIn's JSON encoder would escape it.
SHARE = {
    "type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
    "notifications": [
        {
            "notificationId": -1487254829,
            "action": "SHARE",
            "organizationalEntity": "urn:li:organization:2414183",
            "sourcePost": "urn:li:activity:7090000000000000001",
            "decoratedGeneratedActivity": {
                "share": {
                    "entity": "urn:li:share:7090000000000000009",
                    "owner": "urn:li:person:AbCdEf123",
                    "text": "Hej, väl delat! ✓",
                }
            },
            "lastModifiedAt": 1690000000000,
        }
    ],
}
ESCAPED_BODY = json.dumps(SHARE, separators=(",", ":")).encode()
REENCODED_BODY = json.dumps(SHARE, separators=(",", ":"), ensure_ascii=False).encode()


def test_the_two_constructions_sign_to_the_computed_digests() -> None:
    assert sign_a(EMPTY_BODY, SECRET) == EMPTY_A
    assert sign_b(EMPTY_BODY, SECRET) == EMPTY_B


def test_construction_a_is_accepted_and_reported() -> None:
    assert verify(EMPTY_BODY, EMPTY_A, SECRET) == "A"
    assert verify(ESCAPED_BODY, sign_a(ESCAPED_BODY, SECRET), SECRET) == "A"


def test_construction_b_is_accepted_and_reported() -> None:
    assert verify(EMPTY_BODY, EMPTY_B, SECRET) == "B"
    assert verify(ESCAPED_BODY, sign_b(ESCAPED_BODY, SECRET), SECRET) == "B"


def test_the_prefix_is_optional_for_either_construction() -> None:
    # The prefix is stripped before comparing, so its presence does not decide the construction.
    assert verify(EMPTY_BODY, PREFIX + EMPTY_A, SECRET) == "A"
    assert verify(EMPTY_BODY, EMPTY_B.removeprefix(PREFIX), SECRET) == "B"


def test_the_two_constructions_give_different_digests() -> None:
    assert sign_a(EMPTY_BODY, SECRET) != sign_b(EMPTY_BODY, SECRET).removeprefix(PREFIX)


def test_uppercase_hex_and_surrounding_whitespace_are_accepted() -> None:
    assert verify(EMPTY_BODY, EMPTY_A.upper(), SECRET) == "A"
    assert verify(EMPTY_BODY, PREFIX + EMPTY_B.removeprefix(PREFIX).upper(), SECRET) == "B"
    assert verify(EMPTY_BODY, f"  {EMPTY_B}\t", SECRET) == "B"


def test_an_uppercase_prefix_is_rejected() -> None:
    assert verify(EMPTY_BODY, "HMACSHA256=" + EMPTY_B.removeprefix(PREFIX), SECRET) is None


@pytest.mark.parametrize("header", [EMPTY_A, EMPTY_B])
def test_the_wrong_secret_is_rejected(header: str) -> None:
    assert verify(EMPTY_BODY, header, SECRET + "x") is None
    assert verify(EMPTY_BODY, header, "Test") is None


@pytest.mark.parametrize("sign", [sign_a, sign_b])
def test_a_truncated_body_is_rejected(sign: Callable[[bytes, str], str]) -> None:
    header = sign(ESCAPED_BODY, SECRET)
    assert verify(ESCAPED_BODY[:-1], header, SECRET) is None
    assert verify(ESCAPED_BODY[1:], header, SECRET) is None
    assert verify(b"", header, SECRET) is None


@pytest.mark.parametrize("sign", [sign_a, sign_b])
def test_the_body_re_encoded_as_utf8_is_rejected(sign: Callable[[bytes, str], str]) -> None:
    assert b"\\u00e4" in ESCAPED_BODY
    assert "ä".encode() in REENCODED_BODY
    assert json.loads(REENCODED_BODY) == json.loads(ESCAPED_BODY)
    header = sign(ESCAPED_BODY, SECRET)
    assert verify(REENCODED_BODY, header, SECRET) is None


def test_a_re_serialised_body_with_other_whitespace_is_rejected() -> None:
    header = sign_b(ESCAPED_BODY, SECRET)
    assert verify(json.dumps(json.loads(ESCAPED_BODY)).encode(), header, SECRET) is None


@pytest.mark.parametrize("header", [None, "", " ", PREFIX, EMPTY_A[:-1], EMPTY_B[:-1], "sha256="])
def test_missing_empty_or_truncated_headers_are_rejected(header: str | None) -> None:
    assert verify(EMPTY_BODY, header, SECRET) is None


def test_a_meta_style_header_is_rejected() -> None:
    assert verify(EMPTY_BODY, "sha256=" + EMPTY_B.removeprefix(PREFIX), SECRET) is None


def test_a_non_ascii_header_is_rejected_without_raising() -> None:
    assert verify(EMPTY_BODY, EMPTY_A[:-1] + "é", SECRET) is None
    assert verify(EMPTY_BODY, "ä" * 64, SECRET) is None


def test_an_empty_secret_rejects_even_its_own_signatures() -> None:
    assert verify(EMPTY_BODY, sign_a(EMPTY_BODY, ""), "") is None
    assert verify(EMPTY_BODY, sign_b(EMPTY_BODY, ""), "") is None


def test_a_bytearray_body_verifies_like_bytes() -> None:
    assert verify(bytearray(EMPTY_BODY), EMPTY_A, SECRET) == "A"  # type: ignore[arg-type]


@given(body=st.binary(), secret=st.text(min_size=1))
def test_any_body_signed_either_way_verifies_as_that_construction(body: bytes, secret: str) -> None:
    assert verify(body, sign_a(body, secret), secret) == "A"
    assert verify(body, sign_b(body, secret), secret) == "B"


@given(body=st.binary(min_size=1), secret=st.text(min_size=1), data=st.data())
def test_flipping_any_byte_of_the_body_breaks_both_constructions(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    tampered = bytearray(body)
    tampered[index] ^= mask
    assert verify(bytes(tampered), sign_a(body, secret), secret) is None
    assert verify(bytes(tampered), sign_b(body, secret), secret) is None


@given(body=st.binary(), header=st.one_of(st.none(), st.text()), secret=st.text())
def test_verify_never_raises_for_arbitrary_bodies_headers_and_secrets(
    body: bytes, header: str | None, secret: str
) -> None:
    assert verify(body, header, secret) in ("A", "B", None)


@given(header=st.text())
def test_arbitrary_headers_never_verify_against_a_fixed_body(header: str) -> None:
    digests = {EMPTY_A, EMPTY_B.removeprefix(PREFIX)}
    assume(header.strip().removeprefix(PREFIX).strip().lower() not in digests)
    assert verify(EMPTY_BODY, header, SECRET) is None


@given(surrogates=st.text(st.characters(categories=["Cs"]), min_size=1))
def test_lone_surrogates_in_the_secret_or_header_do_not_raise(surrogates: str) -> None:
    assert verify(EMPTY_BODY, EMPTY_A, surrogates) is None
    assert verify(EMPTY_BODY, surrogates, SECRET) is None
