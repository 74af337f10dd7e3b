"""`X-Hub-Signature-256` on Meta deliveries: `sha256=` + hex HMAC-SHA256(app secret, raw body)."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "x-hub-signature-256"
PREFIX = "sha256="


def sign(body: bytes, secret: str) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Constant-time check over the exact bytes received (never a re-serialised body: Meta signs
    the escaped-unicode form as sent)."""
    if not header or not header.startswith(PREFIX) or not secret:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    received = header[len(PREFIX) :].strip().lower()
    return hmac.compare_digest(expected.encode(), received.encode("ascii", "replace"))
