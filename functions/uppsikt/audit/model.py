"""An audit entry, and the canonical bytes its hash covers.

An entry holds no raw personal data: the actor is a Cognito `sub` (or `system:<job>`), targets
are flag ids, report names or checkpoint keys, details are ids, pseudonyms, statuses and times.
Officers' reasons are the organisation's own record of its decision. So erasing a person's data
elsewhere never has to touch the chain, and the chain stays verifiable after it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

GENESIS = "0" * 64  # the `prev_hash` of an organisation's first entry
SEQ_DIGITS = 12  # sort keys are zero-padded so they sort as numbers

DetailValue = str | int | None


class AuditAction(StrEnum):
    FLAG_VIEWED = "flag.viewed"
    FLAG_CLAIMED = "flag.claimed"
    FLAG_RELEASED = "flag.released"
    FLAG_ASSIGNED = "flag.assigned"
    FLAG_COMMENTED = "flag.commented"
    FLAG_DISMISSED = "flag.dismissed"
    FLAG_CONFIRMED = "flag.confirmed"
    FLAG_ESCALATED = "flag.escalated"
    FLAG_REMOVAL_REQUESTED = "flag.removal_requested"
    FLAG_REMOVED = "flag.removed"
    FLAG_REOPENED = "flag.reopened"
    FLAG_UNMASKED = "flag.unmasked"
    REPORT_EXPORTED = "report.exported"
    AUDIT_CHECKPOINT = "audit.checkpoint"


# A Cognito `sub` is a UUID; scheduled jobs write as `system:<job>`. Nothing with an `@` or a
# space (an e-mail address, a name) can pass.
_ACTOR = re.compile(r"^(?:[0-9a-fA-F-]{8,64}|system:[a-z][a-z0-9-]{0,40})$")
_TOKEN = re.compile(r"^[A-Za-z0-9_.:#/+=-]{1,200}$")  # roles, targets, detail keys
MAX_REASON = 2000
MAX_DETAIL = 200


def moment(value: datetime) -> str:
    """The one text form of a time in the chain: UTC, microseconds (so it sorts and re-reads
    to the same bytes)."""
    if value.tzinfo is None:
        raise ValueError("a time in the audit log needs its zone")
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def sort_key(seq: int) -> str:
    return f"{seq:0{SEQ_DIGITS}d}"


class AuditEntry(BaseModel):
    """One link of an organisation's chain."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    org_id: str
    seq: int
    at: datetime  # when the action happened (the caller's clock)
    recorded_at: datetime  # when the log took it
    actor: str
    role: str
    action: AuditAction
    target: str
    reason: str | None = None
    policy_version: str | None = None
    details: dict[str, DetailValue] = {}
    prev_hash: str
    hash: str

    @field_validator("at", "recorded_at")
    @classmethod
    def _zoned(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone")
        return value.astimezone(UTC)

    def chained(self) -> dict[str, Any]:
        """The fields the hash covers, in their canonical text form."""
        return chained_fields(
            org_id=self.org_id,
            seq=self.seq,
            at=self.at,
            recorded_at=self.recorded_at,
            actor=self.actor,
            role=self.role,
            action=self.action.value,
            target=self.target,
            reason=self.reason,
            policy_version=self.policy_version,
            details=self.details,
            prev_hash=self.prev_hash,
        )

    def computed_hash(self) -> str:
        return entry_hash(self.prev_hash, self.chained())

    def detail(self, name: str) -> str | None:
        value = self.details.get(name)
        return None if value is None else str(value)


def chained_fields(
    *,
    org_id: str,
    seq: int,
    at: datetime,
    recorded_at: datetime,
    actor: str,
    role: str,
    action: str,
    target: str,
    reason: str | None,
    policy_version: str | None,
    details: Mapping[str, DetailValue],
    prev_hash: str,
) -> dict[str, Any]:
    return {
        "org_id": org_id,
        "seq": seq,
        "at": moment(at),
        "recorded_at": moment(recorded_at),
        "actor": actor,
        "role": role,
        "action": action,
        "target": target,
        "reason": reason,
        "policy_version": policy_version,
        "details": dict(details),
        "prev_hash": prev_hash,
    }


def canonical(value: Mapping[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same mapping always gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(prev_hash: str, fields: Mapping[str, Any]) -> str:
    """SHA-256 over the previous hash and the entry's canonical form (the previous hash is
    inside the fields too; it leads so that the construction reads as in docs/audit.md)."""
    digest = hashlib.sha256()
    digest.update(prev_hash.encode("ascii"))
    digest.update(b"\n")
    digest.update(canonical(fields))
    return digest.hexdigest()


def check_entry(
    *,
    actor: str,
    role: str,
    action: str,
    target: str,
    reason: str | None,
    policy_version: str | None,
    details: Mapping[str, DetailValue],
) -> AuditAction:
    """The action, once everything about the entry is acceptable; `EntryRejected` naming the
    field otherwise (never its value: it may be exactly what must not be logged)."""
    from uppsikt.audit.errors import EntryRejected

    try:
        known = AuditAction(action)
    except ValueError:
        raise EntryRejected("action: not an audit action") from None
    if not _ACTOR.match(actor):
        raise EntryRejected("actor: must be a user's sub or system:<job>, never a name or e-mail")
    for name, token in (("role", role), ("target", target)):
        if not _TOKEN.match(token):
            raise EntryRejected(f"{name}: must be an id (letters, digits, _.:#/+=-)")
    if policy_version is not None and not _TOKEN.match(policy_version):
        raise EntryRejected("policy_version: must be a version id")
    if reason is not None and len(reason) > MAX_REASON:
        raise EntryRejected(f"reason: longer than {MAX_REASON} characters")
    for key, value in details.items():
        if not _TOKEN.match(key):
            raise EntryRejected("details: a key is not an identifier")
        if value is not None and (isinstance(value, bool) or not isinstance(value, str | int)):
            raise EntryRejected(f"details.{key}: must be text, a whole number or null")
        if isinstance(value, str) and len(value) > MAX_DETAIL:
            raise EntryRejected(f"details.{key}: longer than {MAX_DETAIL} characters")
    return known
