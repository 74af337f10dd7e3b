"""`X-Hub-Signature` on Mastodon admin webhooks: `sha256=` + hex HMAC-SHA256(secret, raw body).

platforms.md §5.1: the key is the webhook's secret as shown in the admin UI, the message is the
exact request body. Verify over the bytes received, never over a re-serialised body.
"""

from __future__ import annotations

import hashlib
import hmac
import re

PREFIX = "sha256="
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _key(secret: str) -> bytes:
    # "surrogatepass": a secret read from a badly decoded source must not make the check raise.
    return secret.encode("utf-8", "surrogatepass")


def sign(body: bytes, secret: str) -> str:
    return PREFIX + hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """True only when `header` is `sha256=<hex>` of `body` under `secret`; never raises.

    The comparison is constant time; hex case is not significant. An empty secret never
    verifies anything (Mastodon requires one of at least 12 characters).
    """
    if not isinstance(header, str) or not header.startswith(PREFIX):
        return False
    if not isinstance(secret, str) or not secret or not isinstance(body, bytes | bytearray):
        return False
    received = header[len(PREFIX) :].strip().lower()
    if not _HEX_DIGEST.fullmatch(received):
        return False
    expected = hmac.new(_key(secret), bytes(body), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), received.encode())
