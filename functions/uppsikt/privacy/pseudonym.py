"""Keyed pseudonyms for platform user ids (HMAC-SHA256, key from Secrets Manager)."""

from __future__ import annotations

import hashlib
import hmac

from uppsikt.model.events import Platform


class Pseudonymiser:
    """The same person on the same platform always gets the same pseudonym; without the key it
    cannot be reversed or recomputed, and destroying the key unlinks every pseudonym at once."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("pseudonym key must be at least 16 bytes")
        self._key = key

    def __repr__(self) -> str:  # never show the key in tracebacks or logs
        return "Pseudonymiser(<key hidden>)"

    def pseudonym(self, platform: Platform, raw_id: str) -> str:
        message = f"{platform.value}:{raw_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]
