"""What the audit package needs from outside, and what it offers to the review API and the
supervision report (Protocols; the DynamoDB, KMS and S3 adapters are in log.py and chain.py)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Protocol

from uppsikt.audit.model import AuditEntry, DetailValue


class AuditTrail(Protocol):
    """The contract the review API appends through (prompts/contract.md)."""

    def append(
        self,
        org_id: str,
        *,
        actor: str,
        role: str,
        action: str,
        target: str,
        at: datetime,
        reason: str | None = None,
        policy_version: str | None = None,
        details: Mapping[str, DetailValue] | None = None,
    ) -> AuditEntry: ...

    def entries(
        self,
        org_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> tuple[list[AuditEntry], str | None]: ...


class ChainReader(Protocol):
    """Every stored row of a chain, oldest first, as read (verify judges them)."""

    def rows(self, org_id: str) -> Iterator[dict[str, object]]: ...


class Signer(Protocol):
    """An asymmetric key that signs a message (over its SHA-256) and checks a signature."""

    @property
    def key_id(self) -> str: ...

    @property
    def algorithm(self) -> str: ...

    def sign(self, message: bytes) -> bytes: ...

    def verify(self, message: bytes, signature: bytes, key_id: str) -> bool: ...


class CheckpointStore(Protocol):
    """The write-once bucket: a checkpoint per organisation and period."""

    def put(self, key: str, body: bytes, retain_until: datetime, metadata: dict[str, str]) -> bool:
        """Store once; False when the key already holds a checkpoint (a rerun of the period)."""
        ...

    def versions(self, prefix: str) -> Iterator[tuple[str, list[bytes], bool]]:
        """Per key under `prefix`, oldest first: its versions' bodies (oldest first) and whether
        a delete marker hides it now."""
        ...

    def latest(self, prefix: str, start_after: str | None = None) -> bytes | None:
        """The body of the newest checkpoint under `prefix` (by key; after `start_after`)."""
        ...
