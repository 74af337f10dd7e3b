"""`X-Hub-Signature-256` on Meta deliveries, checked against the worked examples in
platforms.md §0.1 and §1.2 ([computed] with Python `hmac`, secret `test_app_secret`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from uppsikt.platforms.meta.signature import PREFIX, is_valid, sign

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples"
SECRET = "test_app_secret"

# platforms.md §0.1: "äöå" as Meta sends it, escaped, byte for byte.
ESCAPED_BODY = b'{"message":"\\u00e4\\u00f6\\u00e5"}'
ESCAPED_HEADER = "sha256=28b7a33df19c81b024a2dbb7549d62ad257bc0977ede332448f9f5554cc8f734"
# platforms.md §1.2, the smaller case.
EMPTY_PAGE_BODY = b'{"object":"page","entry":[]}'
EMPTY_PAGE_HEADER = "sha256=5da47c9c7409e70d7a1851f0cfd9bc27786bd99587a9bf1dd5b51e23a2de03cf"
# platforms.md §1.2, the exact bytes of a saved sample (634 bytes).
COMMENT_SAMPLE = SAMPLES / "facebook" / "restfb-feed-comment-add-211.json"
COMMENT_HEADER = "sha256=c59abb446834bfa1f7afab719aa5467970b7ab2f879b60b6894d202d740d03e8"


def test_the_escaped_unicode_example_signs_to_the_documented_digest() -> None:
    assert sign(ESCAPED_BODY, SECRET) == ESCAPED_HEADER
    assert is_valid(ESCAPED_BODY, ESCAPED_HEADER, SECRET)


def test_the_same_json_re_encoded_as_utf8_is_rejected_against_the_escaped_signature() -> None:
    reencoded = json.dumps(
        json.loads(ESCAPED_BODY), ensure_ascii=False, separators=(",", ":")
    ).encode()
    assert reencoded == '{"message":"äöå"}'.encode()
    assert reencoded != ESCAPED_BODY
    assert sign(reencoded, SECRET) != ESCAPED_HEADER
    assert not is_valid(reencoded, ESCAPED_HEADER, SECRET)


def test_the_utf8_form_signs_to_a_digest_matching_the_elided_one_in_the_notes() -> None:
    # platforms.md writes this one elided (`eabe082e…fecf9`): only its ends can be checked.
    digest = sign('{"message":"äöå"}'.encode(), SECRET)
    assert digest.startswith("sha256=eabe082e")
    assert digest.endswith("fecf9")


def test_the_empty_page_envelope_signs_to_the_documented_digest() -> None:
    assert sign(EMPTY_PAGE_BODY, SECRET) == EMPTY_PAGE_HEADER
    assert is_valid(EMPTY_PAGE_BODY, EMPTY_PAGE_HEADER, SECRET)


@pytest.mark.skipif(not COMMENT_SAMPLE.is_file(), reason=f"sample not found at {COMMENT_SAMPLE}")
def test_the_exact_bytes_of_the_comment_sample_sign_to_the_documented_digest() -> None:
    body = COMMENT_SAMPLE.read_bytes()
    assert len(body) == 634
    assert sign(body, SECRET) == COMMENT_HEADER
    assert is_valid(body, COMMENT_HEADER, SECRET)


@pytest.mark.skipif(not COMMENT_SAMPLE.is_file(), reason=f"sample not found at {COMMENT_SAMPLE}")
def test_the_comment_sample_re_serialised_no_longer_matches_its_signature() -> None:
    body = COMMENT_SAMPLE.read_bytes()
    reserialised = json.dumps(json.loads(body)).encode()
    assert reserialised != body
    assert not is_valid(reserialised, COMMENT_HEADER, SECRET)


def test_a_missing_header_is_rejected() -> None:
    assert not is_valid(EMPTY_PAGE_BODY, None, SECRET)
    assert not is_valid(EMPTY_PAGE_BODY, "", SECRET)


def test_the_legacy_sha1_prefix_is_rejected_even_with_the_right_hex() -> None:
    hex_digest = EMPTY_PAGE_HEADER.removeprefix(PREFIX)
    assert not is_valid(EMPTY_PAGE_BODY, "sha1=" + hex_digest, SECRET)


def test_a_bare_hex_digest_without_prefix_is_rejected() -> None:
    assert not is_valid(EMPTY_PAGE_BODY, EMPTY_PAGE_HEADER.removeprefix(PREFIX), SECRET)


def test_uppercase_hex_is_accepted() -> None:
    upper = PREFIX + EMPTY_PAGE_HEADER.removeprefix(PREFIX).upper()
    assert upper != EMPTY_PAGE_HEADER
    assert is_valid(EMPTY_PAGE_BODY, upper, SECRET)


def test_an_uppercase_prefix_is_rejected() -> None:
    assert not is_valid(EMPTY_PAGE_BODY, "SHA256=" + EMPTY_PAGE_HEADER[len(PREFIX) :], SECRET)


def test_an_empty_secret_rejects_everything_even_its_own_signature() -> None:
    assert not is_valid(EMPTY_PAGE_BODY, sign(EMPTY_PAGE_BODY, ""), "")
    assert not is_valid(EMPTY_PAGE_BODY, EMPTY_PAGE_HEADER, "")


def test_the_wrong_secret_is_rejected() -> None:
    assert not is_valid(EMPTY_PAGE_BODY, EMPTY_PAGE_HEADER, SECRET + "x")


def test_a_truncated_body_is_rejected() -> None:
    assert not is_valid(EMPTY_PAGE_BODY[:-1], EMPTY_PAGE_HEADER, SECRET)
    assert not is_valid(b"", EMPTY_PAGE_HEADER, SECRET)


def test_a_truncated_signature_is_rejected() -> None:
    assert not is_valid(EMPTY_PAGE_BODY, EMPTY_PAGE_HEADER[:-1], SECRET)
    assert not is_valid(EMPTY_PAGE_BODY, PREFIX, SECRET)


@given(body=st.binary(), secret=st.text(min_size=1))
def test_any_body_signed_with_any_secret_verifies(body: bytes, secret: str) -> None:
    header = sign(body, secret)
    assert header.startswith(PREFIX)
    assert is_valid(body, header, secret)


@given(body=st.binary(min_size=1), secret=st.text(min_size=1), data=st.data())
def test_flipping_any_byte_of_the_body_breaks_the_signature(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    header = sign(body, secret)
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    tampered = bytearray(body)
    tampered[index] ^= mask
    assert not is_valid(bytes(tampered), header, secret)


@given(body=st.binary(), secret=st.text(min_size=1), data=st.data())
def test_flipping_any_byte_of_the_header_breaks_the_signature(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    header = sign(body, secret)
    index = data.draw(st.integers(0, len(header) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    raw = bytearray(header.encode("ascii"))
    raw[index] ^= mask
    tampered = raw.decode("latin-1")
    # Uppercase hex is accepted on purpose, so a flip that only changes a hex letter's case
    # is not tampering.
    assume(index < len(PREFIX) or tampered.lower() != header)
    assert not is_valid(body, tampered, secret)


@given(header=st.text(), secret=st.text(), body=st.binary())
def test_is_valid_never_raises_for_arbitrary_headers_and_secrets(
    header: str, secret: str, body: bytes
) -> None:
    assert is_valid(body, header, secret) in (True, False)


@given(suffix=st.text())
def test_arbitrary_text_after_the_prefix_never_verifies(suffix: str) -> None:
    assume(suffix.strip().lower() != EMPTY_PAGE_HEADER.removeprefix(PREFIX))
    assert not is_valid(EMPTY_PAGE_BODY, PREFIX + suffix, SECRET)
