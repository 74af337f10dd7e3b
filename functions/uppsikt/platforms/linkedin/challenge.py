"""LinkedIn's webhook validation (platforms.md §4.1).

`GET <url>?challengeCode=…` must be answered within 3 s with `200`, `content-type:
application/json` and `{"challengeCode": code, "challengeResponse": hex HMAC-SHA256(clientSecret,
code)}`. LinkedIn repeats it every 2 hours and blocks the endpoint after 3 failures in a row.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from uppsikt.platforms.errors import BadHandshake

PARAM = "challengeCode"
MAX_CHALLENGE_LENGTH = 256  # LinkedIn sends a UUID; anything far longer is not LinkedIn


def response(code: str, client_secret: str) -> str:
    """The hex HMAC-SHA256 of `code` keyed with the app's client secret."""
    return hmac.new(client_secret.encode(), code.encode(), hashlib.sha256).hexdigest()


def answer(query: Mapping[str, str] | None, client_secret: str) -> dict[str, str]:
    """The JSON body to return, or `BadHandshake` when the query carries no usable challenge.

    Parent-child apps also receive `applicationId`; it is not part of the answer and is ignored.
    An empty client secret is a configuration error (anyone can compute an HMAC under an empty
    key), so it raises `ValueError` rather than answering.
    """
    code = (query or {}).get(PARAM)
    if not isinstance(code, str) or not code.strip():
        raise BadHandshake("expected a non-empty challengeCode")
    if len(code) > MAX_CHALLENGE_LENGTH:
        raise BadHandshake(f"challengeCode is longer than {MAX_CHALLENGE_LENGTH} characters")
    if not client_secret:
        raise ValueError("the LinkedIn client secret is not configured")
    return {"challengeCode": code, "challengeResponse": response(code, client_secret)}
