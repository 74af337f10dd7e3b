"""Records evaluation writes: the working capture, the flag, and the archived evidence."""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from uppsikt.model.events import NormalisedEvent, ObjectKind, Platform
from uppsikt.model.verdict import Hit, Severity


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlagStatus(StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"
    ESCALATED = "escalated"
    REMOVAL_REQUESTED = "removal_requested"
    REMOVAL_DONE = "removal_done"


class WorkingRecord(_Record):
    """One evaluated event. Text is kept only for clean visitor items (for the monitoring window);
    a flagged item's content lives in the encrypted evidence archive instead."""

    event_id: str
    item_ref: str
    platform: Platform
    account_id: str
    object_kind: ObjectKind
    action: str
    verdict: str  # "clean" | "flagged" | "recorded" (a hide, unhide or deletion)
    flag_id: str | None
    policy_id: str
    policy_version: str
    evaluated_at: datetime
    retention_class: str
    expires_at: datetime | None
    text: str | None
    author_pseudonym: str | None


class Evidence(_Record):
    """The archived copy of a flagged item: what was seen, what matched, under which policy."""

    flag_id: str
    event: NormalisedEvent
    hits: tuple[Hit, ...]
    policy_id: str
    policy_version: str
    content_sha256: str
    captured_at: datetime
    retention_class: str
    expires_at: datetime | None


class Flag(_Record):
    flag_id: str
    status: FlagStatus = FlagStatus.OPEN
    severity: Severity
    rule_ids: tuple[str, ...]
    kinds: tuple[str, ...]
    platform: Platform
    account_id: str
    object_kind: ObjectKind
    event_id: str
    policy_id: str
    policy_version: str
    evidence_key: str
    created_at: datetime
    retention_class: str


def flag_id_for(event: NormalisedEvent) -> str:
    """Derived from the event, so a redelivery long after the idempotency window still lands on
    the same flag instead of raising a second one."""
    return "F-" + hashlib.sha256(("flag:" + event.idempotency_key).encode()).hexdigest()[:20]


def content_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()
