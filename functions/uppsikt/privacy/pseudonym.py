"""Keyed pseudonyms for platform user ids (HMAC-SHA256, key from Secrets Manager).

Keys are versioned so that the key can be rotated (`uppsikt pseudonym rotate`) without losing the
ability to answer a data-subject request. New pseudonyms are made with the current key; stored
ones keep the version they were made with, which the pseudonym itself says: version 1 (the key
every deployment started with) gives the bare 32 hex digits it always gave, a later version `n`
gives `v<n>-` and 32 hex digits. A request computes the person's pseudonym under every live
version (`every_pseudonym`) and so finds what each version stored.

The secret is a JSON object: `key` (the current key), `version` (its number, 1 when absent) and
`older` (the earlier live keys by version). A secret of only `{"key": ...}` is version 1.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Any

from uppsikt.model.events import Platform

MIN_KEY_BYTES = 16


class Pseudonymiser:
    """The same person on the same platform always gets the same pseudonym under one key version;
    without the key it cannot be reversed or recomputed, and destroying every version of the key
    unlinks every pseudonym at once."""

    def __init__(self, key: bytes, *, version: int = 1, older: Mapping[int, bytes] | None = None):
        for k in (key, *(older or {}).values()):
            if len(k) < MIN_KEY_BYTES:
                raise ValueError(f"pseudonym key must be at least {MIN_KEY_BYTES} bytes")
        if version < 1 or any(v >= version or v < 1 for v in older or {}):
            raise ValueError("pseudonym key versions must be positive and older than the current")
        self._key = key
        self.version = version
        self._older = dict(older or {})

    @classmethod
    def from_secret(cls, value: Mapping[str, Any]) -> Pseudonymiser:
        older = value.get("older") or {}
        return cls(
            str(value.get("key", "")).encode(),
            version=int(value.get("version", 1)),
            older={int(v): str(k).encode() for v, k in older.items()},
        )

    def __repr__(self) -> str:  # never show the key in tracebacks or logs
        return "Pseudonymiser(<key hidden>)"

    @property
    def versions(self) -> tuple[int, ...]:
        """The live key versions, newest first."""
        return (self.version, *sorted(self._older, reverse=True))

    def pseudonym(self, platform: Platform, raw_id: str) -> str:
        """Under the current key version: what everything written from now on carries."""
        return _pseudonym(self._key, self.version, platform, raw_id)

    def every_pseudonym(self, platform: Platform, raw_id: str) -> tuple[str, ...]:
        """The pseudonym under every live key version, the current first: what a data-subject
        request looks for, and what published admin lists hold while older pseudonyms live."""
        keys = {self.version: self._key, **self._older}
        return tuple(_pseudonym(keys[v], v, platform, raw_id) for v in self.versions)


def version_of(pseudonym: str) -> int:
    """The key version a stored pseudonym was made with."""
    if pseudonym.startswith("v") and "-" in pseudonym:
        head = pseudonym[1:].split("-", 1)[0]
        if head.isdigit():
            return int(head)
    return 1


def _pseudonym(key: bytes, version: int, platform: Platform, raw_id: str) -> str:
    digest = hmac.new(key, f"{platform.value}:{raw_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return digest if version == 1 else f"v{version}-{digest}"


def rotated(value: Mapping[str, Any], new_key: str | None = None) -> dict[str, Any]:
    """The secret after a rotation: a new current key one version up; the old current key joins
    the older live keys (so every stored pseudonym can still be recomputed)."""
    current = Pseudonymiser.from_secret(value)  # refuses a malformed secret before it is changed
    key = new_key if new_key is not None else secrets.token_urlsafe(48)
    if len(key.encode()) < MIN_KEY_BYTES:
        raise ValueError(f"pseudonym key must be at least {MIN_KEY_BYTES} bytes")
    older = {str(v): str(k) for v, k in (value.get("older") or {}).items()}
    older[str(current.version)] = str(value["key"])
    return {**value, "key": key, "version": current.version + 1, "older": older}
