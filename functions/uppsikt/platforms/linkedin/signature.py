"""`X-LI-Signature` on LinkedIn deliveries (platforms.md §4.2).

LinkedIn's wording ("the HMACSHA256 hash of the JSON-encoded string representation of the POST
body prefixed by `hmacsha256=`") allows two readings, and implementations disagree:

- (A) header = hex(HMAC-SHA256(clientSecret, b"hmacsha256=" + raw body));
- (B) header = "hmacsha256=" + hex(HMAC-SHA256(clientSecret, raw body)).

Until a real delivery settles it we accept both: an optional `hmacsha256=` prefix is stripped from
the header and the rest is compared, in constant time, against both digests. `verify` says which
one matched so the caller can log it (platforms.md §8, open point 1).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Literal

PREFIX = "hmacsha256="
_PREFIX_BYTES = PREFIX.encode()

Construction = Literal["A", "B"]


def _hex(secret: str, message: bytes) -> str:
    key = secret.encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign_a(body: bytes, client_secret: str) -> str:
    """Construction (A): the bare hex digest of the prefixed body."""
    return _hex(client_secret, _PREFIX_BYTES + body)


def sign_b(body: bytes, client_secret: str) -> str:
    """Construction (B): the prefix followed by the hex digest of the body."""
    return PREFIX + _hex(client_secret, body)


def verify(body: bytes, header: str | None, client_secret: str) -> Construction | None:
    """Which construction the header matches over the exact bytes received, or None.

    Never raises: a missing, non-ASCII or malformed header, a non-bytes body or an empty secret
    all give None. Both digests are always computed and compared, so the time taken does not
    depend on which construction (if any) matched. Hex is compared case-insensitively; the prefix
    must be lowercase, as documented.
    """
    if not isinstance(header, str) or not header or not client_secret:
        return None
    if not isinstance(body, bytes | bytearray):
        return None
    received = header.strip()
    received = received.removeprefix(PREFIX).strip().lower()
    if not received.isascii():
        return None
    got = received.encode("ascii")
    raw = bytes(body)
    match_a = hmac.compare_digest(sign_a(raw, client_secret).encode(), got)
    match_b = hmac.compare_digest(sign_b(raw, client_secret).removeprefix(PREFIX).encode(), got)
    if match_a:
        return "A"
    if match_b:
        return "B"
    return None
