"""`X-Hub-Signature: <method>=<hex HMAC(secret, raw body)>` on WebSub deliveries (platforms.md
§3.2, WebSub §7.1). Google's hub signs with sha1; the spec also allows sha256, sha384, sha512.

Only deliveries for subscriptions made with `hub.secret` are signed. WebSub says to ignore a
delivery with a bad signature but allows a 2xx answer, so a hub does not retry it.
"""

from __future__ import annotations

import hashlib
import hmac
import re

METHODS = ("sha1", "sha256", "sha384", "sha512")
_HEX_LENGTH = {method: hashlib.new(method).digest_size * 2 for method in METHODS}
_HEX = re.compile(r"[0-9a-f]+")


def sign(body: bytes, secret: str, method: str = "sha1") -> str:
    """The header value a hub would send for `body`."""
    if method not in _HEX_LENGTH:
        raise ValueError(f"unsupported signature method; use one of {', '.join(METHODS)}")
    return f"{method}=" + hmac.new(secret.encode(), body, method).hexdigest()


def is_valid(body: bytes, header: str | None, secret: str) -> bool:
    """Constant-time check of the header against the exact bytes received.

    The method name must be one of `METHODS`, in lower case; the hex may be in either case. An
    unknown method, a malformed header, a missing header or an empty secret give False; this
    never raises.
    """
    if not header or not secret:
        return False
    method, separator, received = header.strip().partition("=")
    if not separator or method not in _HEX_LENGTH:
        return False
    received = received.strip().lower()
    if len(received) != _HEX_LENGTH[method] or not _HEX.fullmatch(received):
        return False
    try:
        key = secret.encode()
    except UnicodeEncodeError:  # a lone surrogate: no hub could have signed with it
        return False
    expected = hmac.new(key, body, method).hexdigest()
    return hmac.compare_digest(expected.encode("ascii"), received.encode("ascii"))
