"""`x-twitter-webhooks-signature` on X deliveries (platforms.md §2.2):
`sha256=` + base64(HMAC-SHA256(consumer secret, raw body)). Base64, not hex, so case matters."""

from __future__ import annotations

import base64
import hashlib
import hmac

HEADER = "x-twitter-webhooks-signature"
PREFIX = "sha256="
_OWS = " \t"  # the optional whitespace HTTP allows around a field value


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return PREFIX + base64.b64encode(digest).decode("ascii")


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Constant-time check over the exact bytes received, never a re-serialised body. The
    base64 text is compared as sent: no case folding, no re-padding."""
    if not header or not secret:
        return False
    received = header.strip(_OWS)
    if not received.startswith(PREFIX):
        return False
    try:
        expected = sign(body, secret)
    except UnicodeEncodeError:  # a secret with a lone surrogate cannot be the configured one
        return False
    return hmac.compare_digest(expected.encode(), received.encode("ascii", "replace"))
