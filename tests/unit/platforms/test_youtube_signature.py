"""`X-Hub-Signature` on WebSub deliveries (platforms.md §3.2), checked against the worked example
there ([computed]: secret `test`, the exact 828 bytes of the Google push sample)."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from xml.etree.ElementTree import tostring

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import assume, given
from hypothesis import strategies as st

from uppsikt.platforms.youtube.signature import METHODS, is_valid, sign

SAMPLE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "platform-samples"
    / "youtube"
    / "google-doc-push-notification.xml"
)
SECRET = "test"
SAMPLE_HEADER = "sha1=b0110a2ca7a519ef944d9787a26bb96099abf6f0"
BODY = b'<feed xmlns="http://www.w3.org/2005/Atom"/>'

needs_sample = pytest.mark.skipif(not SAMPLE.is_file(), reason=f"sample not found at {SAMPLE}")


@pytest.fixture
def sample_body() -> bytes:
    return SAMPLE.read_bytes()


@needs_sample
def test_the_exact_bytes_of_the_push_sample_sign_to_the_documented_digest(
    sample_body: bytes,
) -> None:
    assert len(sample_body) == 828
    assert sign(sample_body, SECRET) == SAMPLE_HEADER
    assert is_valid(sample_body, SAMPLE_HEADER, SECRET)


@needs_sample
def test_the_sha256_variant_of_the_sample_verifies(sample_body: bytes) -> None:
    header = sign(sample_body, SECRET, "sha256")
    expected = hmac.new(b"test", sample_body, hashlib.sha256).hexdigest()
    assert header == f"sha256={expected}"
    assert is_valid(sample_body, header, SECRET)


@needs_sample
def test_a_sha1_digest_under_another_method_name_is_rejected(sample_body: bytes) -> None:
    hex_digest = SAMPLE_HEADER.removeprefix("sha1=")
    assert not is_valid(sample_body, f"sha256={hex_digest}", SECRET)


@needs_sample
def test_the_wrong_secret_is_rejected(sample_body: bytes) -> None:
    assert not is_valid(sample_body, SAMPLE_HEADER, "Test")
    assert not is_valid(sample_body, SAMPLE_HEADER, "test ")


@needs_sample
def test_a_truncated_body_is_rejected(sample_body: bytes) -> None:
    assert not is_valid(sample_body[:-1], SAMPLE_HEADER, SECRET)
    assert not is_valid(b"", SAMPLE_HEADER, SECRET)


@needs_sample
def test_a_truncated_signature_is_rejected(sample_body: bytes) -> None:
    assert not is_valid(sample_body, SAMPLE_HEADER[:-1], SECRET)
    assert not is_valid(sample_body, "sha1=", SECRET)
    assert not is_valid(sample_body, "sha1", SECRET)


@needs_sample
@pytest.mark.parametrize(
    "reencode",
    [
        lambda body: body.replace(b"\n", b"\r\n"),
        lambda body: body.decode().encode("utf-16"),
        lambda body: tostring(fromstring(body), encoding="utf-8"),
        lambda body: body.strip(),
    ],
    ids=["crlf", "utf-16", "reserialised", "stripped"],
)
def test_the_same_feed_re_encoded_is_rejected(sample_body: bytes, reencode: object) -> None:
    assert callable(reencode)
    other = reencode(sample_body)
    assert other != sample_body
    assert not is_valid(other, SAMPLE_HEADER, SECRET)


@needs_sample
def test_uppercase_hex_and_surrounding_whitespace_are_accepted(sample_body: bytes) -> None:
    upper = "sha1=" + SAMPLE_HEADER.removeprefix("sha1=").upper()
    assert is_valid(sample_body, upper, SECRET)
    assert is_valid(sample_body, f"  {SAMPLE_HEADER} ", SECRET)


@needs_sample
def test_an_uppercase_method_name_is_rejected(sample_body: bytes) -> None:
    assert not is_valid(sample_body, "SHA1=" + SAMPLE_HEADER.removeprefix("sha1="), SECRET)


def test_an_unknown_method_is_rejected_even_with_its_correct_digest() -> None:
    md5 = hmac.new(b"test", BODY, "md5").hexdigest()
    assert not is_valid(BODY, f"md5={md5}", SECRET)
    sha224 = hmac.new(b"test", BODY, "sha224").hexdigest()
    assert not is_valid(BODY, f"sha224={sha224}", SECRET)


def test_signing_with_an_unknown_method_is_an_error() -> None:
    with pytest.raises(ValueError, match="unsupported"):
        sign(BODY, SECRET, "md5")


@pytest.mark.parametrize("method", METHODS)
def test_every_allowed_method_round_trips_and_only_under_its_own_name(method: str) -> None:
    header = sign(BODY, SECRET, method)
    assert header.startswith(f"{method}=")
    assert is_valid(BODY, header, SECRET)
    hex_digest = header.partition("=")[2]
    for other in METHODS:
        if other != method:
            assert not is_valid(BODY, f"{other}={hex_digest}", SECRET)


def test_a_missing_header_or_an_empty_secret_is_rejected() -> None:
    assert not is_valid(BODY, None, SECRET)
    assert not is_valid(BODY, "", SECRET)
    assert not is_valid(BODY, sign(BODY, ""), "")


def test_a_secret_with_a_lone_surrogate_is_rejected_not_raised() -> None:
    assert not is_valid(BODY, "sha1=" + "0" * 40, "\ud800")


def test_a_bare_hex_digest_without_a_method_is_rejected() -> None:
    assert not is_valid(BODY, sign(BODY, SECRET).removeprefix("sha1="), SECRET)


@given(body=st.binary(), secret=st.text(min_size=1), method=st.sampled_from(METHODS))
def test_any_body_signed_with_any_secret_and_method_verifies(
    body: bytes, secret: str, method: str
) -> None:
    assert is_valid(body, sign(body, secret, method), secret)


@given(
    body=st.binary(min_size=1),
    secret=st.text(min_size=1),
    method=st.sampled_from(METHODS),
    data=st.data(),
)
def test_flipping_any_byte_of_the_body_breaks_the_signature(
    body: bytes, secret: str, method: str, data: st.DataObject
) -> None:
    header = sign(body, secret, method)
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    tampered = bytearray(body)
    tampered[index] ^= data.draw(st.integers(1, 255), label="mask")
    assert not is_valid(bytes(tampered), header, secret)


@given(header=st.text(), secret=st.text(), body=st.binary())
def test_is_valid_never_raises(header: str, secret: str, body: bytes) -> None:
    assert is_valid(body, header, secret) in (True, False)


@given(method=st.sampled_from(METHODS), suffix=st.text())
def test_arbitrary_text_after_a_known_method_never_verifies(method: str, suffix: str) -> None:
    good = sign(BODY, SECRET, method).partition("=")[2]
    assume(suffix.strip().lower() != good)
    assert not is_valid(BODY, f"{method}={suffix}", SECRET)
