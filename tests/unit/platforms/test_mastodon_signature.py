"""`X-Hub-Signature` on Mastodon admin webhooks, checked against the worked example in
platforms.md §5.1 ([computed] with Python `hmac`: secret `test`, the exact sample bytes)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from uppsikt.platforms.mastodon.signature import PREFIX, is_valid, sign

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples"
REPORT_SAMPLE = SAMPLES / "mastodon" / "admin-webhook-report.created.json"
REPORT_HEADER = "sha256=1b252ea1cc660204aabcd547c7163e7b1a286982aebddf23aecd9fe7645601de"
SECRET = "test"

needs_sample = pytest.mark.skipif(
    not REPORT_SAMPLE.is_file(), reason=f"sample not found at {REPORT_SAMPLE}"
)

SMALL_BODY = b'{"event":"status.created","created_at":"2026-01-01T00:00:00Z","object":{}}'
SMALL_SECRET = "0123456789abcdef0123456789abcdef01234567"  # SecureRandom.hex(20) shape


@needs_sample
def test_the_report_sample_signs_to_the_documented_digest() -> None:
    body = REPORT_SAMPLE.read_bytes()
    assert sign(body, SECRET) == REPORT_HEADER
    assert is_valid(body, REPORT_HEADER, SECRET)


@needs_sample
def test_the_wrong_secret_is_rejected() -> None:
    body = REPORT_SAMPLE.read_bytes()
    assert not is_valid(body, REPORT_HEADER, "Test")
    assert not is_valid(body, REPORT_HEADER, SECRET + " ")
    assert not is_valid(body, REPORT_HEADER, "")


@needs_sample
def test_a_truncated_body_is_rejected() -> None:
    body = REPORT_SAMPLE.read_bytes()
    assert not is_valid(body[:-1], REPORT_HEADER, SECRET)
    assert body.endswith(b"\n")  # a stripped trailing newline is a different body
    assert not is_valid(body.rstrip(b"\n"), REPORT_HEADER, SECRET)
    assert not is_valid(b"", REPORT_HEADER, SECRET)


@needs_sample
@pytest.mark.parametrize(
    "reencode",
    [
        lambda data: json.dumps(data).encode(),
        lambda data: json.dumps(data, indent=2).encode(),
        lambda data: json.dumps(data, separators=(",", ":")).encode(),
        lambda data: json.dumps(data, indent=2, ensure_ascii=False).encode("utf-16"),
    ],
    ids=["default", "indent-2", "compact", "utf-16"],
)
def test_the_report_sample_re_encoded_no_longer_verifies(
    reencode: Callable[[Any], bytes],
) -> None:
    body = REPORT_SAMPLE.read_bytes()
    again = reencode(json.loads(body))
    assert again != body
    assert not is_valid(again, REPORT_HEADER, SECRET)


def test_a_missing_header_is_rejected() -> None:
    assert not is_valid(SMALL_BODY, None, SMALL_SECRET)
    assert not is_valid(SMALL_BODY, "", SMALL_SECRET)


def test_a_truncated_signature_is_rejected() -> None:
    header = sign(SMALL_BODY, SMALL_SECRET)
    assert not is_valid(SMALL_BODY, header[:-1], SMALL_SECRET)
    assert not is_valid(SMALL_BODY, PREFIX, SMALL_SECRET)
    assert not is_valid(SMALL_BODY, header + "0", SMALL_SECRET)


def test_a_bare_hex_digest_or_another_algorithm_is_rejected() -> None:
    digest = sign(SMALL_BODY, SMALL_SECRET).removeprefix(PREFIX)
    assert not is_valid(SMALL_BODY, digest, SMALL_SECRET)
    assert not is_valid(SMALL_BODY, "sha1=" + digest, SMALL_SECRET)
    assert not is_valid(SMALL_BODY, "SHA256=" + digest, SMALL_SECRET)


def test_uppercase_hex_and_surrounding_whitespace_in_the_digest_are_accepted() -> None:
    digest = sign(SMALL_BODY, SMALL_SECRET).removeprefix(PREFIX)
    assert is_valid(SMALL_BODY, PREFIX + digest.upper(), SMALL_SECRET)
    assert is_valid(SMALL_BODY, PREFIX + digest + " ", SMALL_SECRET)


def test_an_empty_secret_never_verifies_even_its_own_signature() -> None:
    assert not is_valid(SMALL_BODY, sign(SMALL_BODY, ""), "")


def test_a_secret_with_a_lone_surrogate_does_not_raise() -> None:
    odd = "abc\udcff"
    assert is_valid(SMALL_BODY, sign(SMALL_BODY, odd), odd)
    assert not is_valid(SMALL_BODY, REPORT_HEADER, odd)


@given(body=st.binary(), secret=st.text(min_size=1))
def test_any_body_signed_with_any_secret_verifies(body: bytes, secret: str) -> None:
    assert is_valid(body, sign(body, secret), secret)


@given(body=st.binary(), secret=st.text(min_size=1), other=st.text(min_size=1))
def test_a_signature_under_another_secret_is_rejected(body: bytes, secret: str, other: str) -> None:
    assume(secret != other)
    assert not is_valid(body, sign(body, secret), other)


@given(body=st.binary(min_size=1), secret=st.text(min_size=1), data=st.data())
def test_flipping_any_byte_of_the_body_is_rejected(
    body: bytes, secret: str, data: st.DataObject
) -> None:
    header = sign(body, secret)
    index = data.draw(st.integers(0, len(body) - 1), label="index")
    mask = data.draw(st.integers(1, 255), label="mask")
    tampered = bytearray(body)
    tampered[index] ^= mask
    assert not is_valid(bytes(tampered), header, secret)


@given(body=st.binary(min_size=1), secret=st.text(min_size=1), cut=st.integers(1, 64))
def test_a_body_cut_short_is_rejected(body: bytes, secret: str, cut: int) -> None:
    assert not is_valid(body[: max(0, len(body) - cut)], sign(body, secret), secret)


@given(
    header=st.one_of(st.none(), st.text(), st.text().map(lambda s: PREFIX + s)),
    secret=st.text(),
    body=st.binary(),
)
def test_is_valid_never_raises(header: str | None, secret: str, body: bytes) -> None:
    assert is_valid(body, header, secret) in (True, False)


@given(value=st.one_of(st.integers(), st.binary(), st.lists(st.text()), st.none()))
def test_is_valid_never_raises_for_wrongly_typed_arguments(value: object) -> None:
    # Callers are typed, but a header from a badly parsed request must still fail closed.
    assert is_valid(SMALL_BODY, value, SMALL_SECRET) is False  # type: ignore[arg-type]
    assert is_valid(SMALL_BODY, sign(SMALL_BODY, SMALL_SECRET), value) is False  # type: ignore[arg-type]
    assert is_valid(value, sign(SMALL_BODY, SMALL_SECRET), SMALL_SECRET) in (True, False)  # type: ignore[arg-type]


@given(suffix=st.text())
def test_arbitrary_text_after_the_prefix_never_verifies(suffix: str) -> None:
    digest = sign(SMALL_BODY, SMALL_SECRET).removeprefix(PREFIX)
    assume(suffix.strip().lower() != digest)
    assert not is_valid(SMALL_BODY, PREFIX + suffix, SMALL_SECRET)
