"""Meta's subscription handshake: echo `hub.challenge` when `hub.verify_token` matches."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping

from uppsikt.platforms.errors import BadHandshake, VerifyTokenMismatch

# Meta documents the challenge as an int; allow a short token alphabet so nothing we echo can be
# markup (the body is returned verbatim).
_CHALLENGE = re.compile(r"[A-Za-z0-9_\-]{1,128}")


def _param(query: Mapping[str, str], name: str) -> str | None:
    # "PHP converts periods (.) to underscores (_) in parameter names": accept both forms.
    return query.get(f"hub.{name}") or query.get(f"hub_{name}")


def answer(query: Mapping[str, str] | None, verify_token: str) -> str:
    """Return the challenge to echo, or raise `BadHandshake` / `VerifyTokenMismatch`."""
    query = query or {}
    mode, token, challenge = (_param(query, n) for n in ("mode", "verify_token", "challenge"))
    if mode != "subscribe" or challenge is None:
        raise BadHandshake("expected hub.mode=subscribe with a hub.challenge")
    if not _CHALLENGE.fullmatch(challenge):
        raise BadHandshake("hub.challenge is not a short token")
    if (
        token is None
        or not verify_token
        or not hmac.compare_digest(token.encode(), verify_token.encode())
    ):
        raise VerifyTokenMismatch("hub.verify_token does not match")
    return challenge
