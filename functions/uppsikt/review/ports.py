"""What the review needs from outside its package, as Protocols; runtime.py wires the real ones."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from uppsikt.model.records import Evidence


class AuditTrail(Protocol):
    """The organisation's hash-chained audit log (`uppsikt.audit.log.AuditLog`, the contract)."""

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
        details: Mapping[str, str | int | None] | None = None,
    ) -> Any: ...


class AuditReader(Protocol):
    """Reading the organisation's audit log (`AuditLog.entries`, the contract)."""

    def entries(
        self,
        org_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> tuple[list[Any], str | None]: ...


class EvidenceReader(Protocol):
    def get(self, key: str) -> Evidence | None:
        """The archived evidence; None when it is gone (its retention ended, or it was erased)."""
        ...


class Directory(Protocol):
    """The user pool: sign-in (local runs and tests), languages and who belongs to a group."""

    def login(self, username: str, password: str) -> tuple[str, int]: ...

    def language(self, username: str) -> str | None: ...

    def set_language(self, username: str, language: str) -> None: ...

    def members(self, group: str) -> set[str]:
        """The `sub`s of the users in a group."""
        ...
