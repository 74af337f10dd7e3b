"""`x-twitter-webhooks-signature` on X deliveries, checked against the official test vectors in
platforms.md §2.2 (`xdevplatform/autohook` test/signature.js, consumer secret `test`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from uppsikt.platforms.x.signature import HEADER, PREFIX, is_valid, sign

SECRET = "test"
FORM_BODY = b"test=1&other_test=2"
FORM_HEADER = "sha256=25Cu3iwbbiqBTwQRzcKJZwisjf736V2Q8UaTlkfLSoc="
JSON_BODY = b'{"test_number":1,"test_string":"two"}'
JSON_HEADER = "sha256=YWHphPn/JFq43jkF0y4/w8R/SelmLjvpunhVFY8JhlI="
VECTORS = [(FORM_BODY, FORM_HEADER), (JSON_BODY, JSON_HEADER)]


def test_the_header_name_is_the_documented_one() -> None:
    assert HEADER == "x-twitter-webhooks-signature"


@pytest.mark.parametrize(("body", "header"), VECTORS)
def test_the_official_vectors_sign_to_the_documented_header(body: bytes, header: str) -> None:
    assert sign(body, SECRET) == header


@pytest.mark.parametrize(("body", "header"), VECTORS)
def test_the_official_vectors_verify(body: bytes, header: str) -> None:
    assert is_valid(body, header, SECRET)


@pytest.mark.parametrize(("body", "header"), VECTORS)
def test_the_wrong_secret_is_rejected(body: bytes, header: str) -> None:
    assert not is_valid(body, header, "Test")
    assert not is_valid(body, header, SECRET + " ")


@pytest.mark.parametrize(("body", "header"), VECTORS)
def test_a_truncated_body_is_rejected(body: bytes, header: str) -> None:
    assert not is_valid(body[:-1], header, SECRET)
    assert not is_valid(body[1:], header, SECRET)
    assert not is_valid(b"", header, SECRET)


def test_the_vectors_do_not_verify_each_others_bodies() -> None:
    assert not is_valid(FORM_BODY, JSON_HEADER, SECRET)
    assert not is_valid(JSON_BODY, FORM_HEADER, SECRET)


def test_the_json_vector_re_serialised_with_spaces_no_longer_verifies() -> None:
    reserialised = json.dumps(json.loads(JSON_BODY)).encode()
    assert reserialised != JSON_BODY
    assert not is_valid(reserialised, JSON_HEADER, SECRET)


def test_escaped_unicode_re_encoded_as_utf8_is_rejected() -> None:
    escaped = b'{"text":"\\u00e4\\u00f6\\u00e5"}'
    reencoded = json.dumps(json.loads(escaped), ensure_ascii=False, separators=(",", ":")).encode()
    assert reencoded == '{"text":"äöå"}'.encode()
    header = sign(escaped, SECRET)
    assert is_valid(escaped, header, SECRET)
    assert not is_valid(reencoded, header, SECRET)


def test_the_hex_form_of_the_right_digest_is_rejected() -> None:
    hex_digest = hmac.new(SECRET.encode(), FORM_BODY, hashlib.sha256).hexdigest()
    assert not is_valid(FORM_BODY, PREFIX + hex_digest, SECRET)


def test_base64_is_case_sensitive_so_a_case_changed_digest_is_rejected() -> None:
    digest = FORM_HEADER.removeprefix(PREFIX)
    assert not is_valid(FORM_BODY, PREFIX + digest.lower(), SECRET)
    assert not is_valid(FORM_BODY, PREFIX + digest.swapcase(), SECRET)


def test_urlsafe_base64_or_missing_padding_is_rejected() -> None:
    digest = JSON_HEADER.removeprefix(PREFIX)
    urlsafe = base64.urlsafe_b64encode(base64.b64decode(digest)).decode()
    assert urlsafe != digest
    assert not is_valid(JSON_BODY, PREFIX + urlsafe, SECRET)
    assert not is_valid(JSON_BODY, PREFIX + digest.rstrip("="), SECRET)


@pytest.mark.parametrize(
    "header",
    ["", "sha256=", "SHA256=" + FORM_HEADER[7:], FORM_HEADER[7:], "sha1=" + FORM_HEADER[7:]],
)
def test_a_missing_bare_or_wrongly_prefixed_header_is_rejected(header: str) -> None:
    assert not is_valid(FORM_BODY, header, SECRET)


def test_no_header_at_all_is_rejected() -> None:
    assert not is_valid(FORM_BODY, None, SECRET)


def test_surrounding_http_whitespace_is_tolerated_but_inner_whitespace_is_not() -> None:
    assert is_valid(FORM_BODY, f" {FORM_HEADER}\t", SECRET)
    assert not is_valid(FORM_BODY, "sha256= " + FORM_HEADER[7:], SECRET)
    assert not is_valid(FORM_BODY, FORM_HEADER + "\n", SECRET)


def test_an_empty_secret_rejects_everything_even_its_own_signature() -> None:
    assert not is_valid(FORM_BODY, sign(FORM_BODY, ""), "")


def test_a_truncated_signature_is_rejected() -> None:
    assert not is_valid(FORM_BODY, FORM_HEADER[:-1], SECRET)


@given(body=st.binary(), secret=st.text(min_size=1))
def test_any_body_signed_with_any_secret_verifies(body: bytes, secret: str) -> None:
    header = sign(body, secret)
    assert header.startswith(PREFIX)
    assert is_valid(body, header, secret)


@given(header=st.text(), secret=st.text(), body=st.binary())
def test_is_valid_never_raises_for_any_bytes_header_and_secret(
    header: str, secret: str, body: bytes
) -> None:
    assert is_valid(body, header, secret) in (True, False)


@given(body=st.binary(), secret=st.text(min_size=1), other=st.text(min_size=1))
def test_a_signature_made_with_another_secret_is_rejected(
    body: bytes, secret: str, other: str
) -> None:
    assume(other != secret)
    assert not is_valid(body, sign(body, other), secret)


@given(body=st.binary(min_size=1), secret=st.text(min_size=1), data=st.data())
def test_any_strict_prefix_of_the_body_is_rejected(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    cut = data.draw(st.integers(0, len(body) - 1), label="cut")
    assert not is_valid(body[:cut], sign(body, secret), secret)


@given(body=st.binary(min_size=1), secret=st.text(min_size=1), data=st.data())
def test_flipping_any_byte_of_the_body_breaks_the_signature(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    tampered = bytearray(body)
    tampered[index] ^= mask
    assert not is_valid(bytes(tampered), sign(body, secret), secret)


@given(text=st.text(min_size=1), secret=st.text(min_size=1))
def test_non_ascii_text_verifies_only_in_the_encoding_it_was_signed_in(
    text: str, secret: str
) -> None:
    escaped = json.dumps({"t": text}).encode()  # ensure_ascii: \uXXXX, as X and Meta send
    reencoded = json.dumps({"t": text}, ensure_ascii=False).encode()
    assume(escaped != reencoded)
    assert not is_valid(reencoded, sign(escaped, secret), secret)


@given(body=st.binary(), secret=st.text(min_size=1), data=st.data())
def test_flipping_any_character_of_the_header_breaks_the_signature(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    header = sign(body, secret)
    index = data.draw(st.integers(0, len(header) - 1), label="index")
    replacement = data.draw(st.characters(), label="replacement")
    assume(replacement != header[index])
    tampered = header[:index] + replacement + header[index + 1 :]
    # Only whitespace at either end is allowed to differ (HTTP trims it anyway).
    assume(tampered.strip(" \t") != header)
    assert not is_valid(body, tampered, secret)
