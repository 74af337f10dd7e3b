"""X's Challenge-Response Check (platforms.md §2.1).

X sends `GET <url>?crc_token=<token>` when a webhook is registered, on `PUT /2/webhooks/:id` and
periodically after that. The answer is `{"response_token": "sha256=" + base64(HMAC-SHA256(consumer
secret, token))}`. Use the app's consumer secret (API secret key), never a bearer or access token.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

from uppsikt.platforms.errors import BadHandshake

PREFIX = "sha256="
# X documents no limit; real tokens are short. This bounds the work one unauthenticated GET can
# cause.
MAX_TOKEN_CHARS = 1024


def response_token(crc_token: str, consumer_secret: str) -> str:
    digest = hmac.new(consumer_secret.encode(), crc_token.encode(), hashlib.sha256).digest()
    return PREFIX + base64.b64encode(digest).decode("ascii")


def answer(query: Mapping[str, str] | None, consumer_secret: str) -> dict[str, str]:
    """The JSON body to return with 200, or `BadHandshake` when the request carries no usable
    `crc_token`. An unset consumer secret is a deployment error (`ValueError`), not the caller's:
    answering with a digest of the empty key would only get the webhook marked invalid."""
    if not consumer_secret:
        raise ValueError("the X consumer secret is not configured")
    token = (query or {}).get("crc_token")
    if not isinstance(token, str) or not token:
        raise BadHandshake("expected a non-empty crc_token")
    if len(token) > MAX_TOKEN_CHARS:
        raise BadHandshake(f"crc_token is longer than {MAX_TOKEN_CHARS} characters")
    try:
        return {"response_token": response_token(token, consumer_secret)}
    except UnicodeEncodeError as exc:  # a lone surrogate cannot have come from a real query
        raise BadHandshake("crc_token is not valid text") from exc
