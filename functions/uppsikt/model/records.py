"""Records evaluation writes: the working capture, the flag, the archived evidence, and the
held actions that keep an item's history whole when its events arrive out of order.

Ordering (platforms.md §0 point 4: no ordering guarantee). Every working record carries
`occurred_at`, the event's `event_time` or, when the platform gave none, its `received_at`. An
item's state is never "whatever was written last": `ItemState.fold` replays the item's records in
event order, so the same set of events gives the same state whatever order they arrived in. That
order is a create first and a deletion last whatever the timestamps say (an item cannot be edited
before it exists nor after it is gone, and platforms' clocks and `created_time` fields are not
precise enough to be trusted against that), and event time in between, the event id breaking ties
so that even a tie does not depend on arrival.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from uppsikt.model.events import NormalisedEvent, ObjectKind, Platform
from uppsikt.model.verdict import Hit, Severity


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FlagStatus(StrEnum):
    OPEN = "open"
    IN_REVIEW = "in_review"  # claimed by an officer (review/workflow.py has the transitions)
    DISMISSED = "dismissed"
    CONFIRMED = "confirmed"
    ESCALATED = "escalated"
    REMOVAL_REQUESTED = "removal_requested"
    REMOVAL_DONE = "removal_done"


class WorkingRecord(_Record):
    """One evaluated event. Text is kept only for clean visitor items (for the monitoring window);
    a flagged item's content lives in the encrypted evidence archive instead."""

    event_id: str
    org_id: str  # the organisation (tenant) whose account the item is on
    item_ref: str
    platform: Platform
    account_id: str
    object_kind: ObjectKind
    action: str
    verdict: str  # "clean" | "flagged" | "recorded" (a hide, unhide or deletion) | "restricted"
    flag_id: str | None
    policy_id: str
    policy_version: str
    evaluated_at: datetime
    retention_class: str
    expires_at: datetime | None
    text: str | None
    author_pseudonym: str | None
    # When the event happened, for ordering; None on records written before it was kept.
    occurred_at: datetime | None = None
    lang: str | None = None  # the language the item was judged in
    # "<org>#<author pseudonym>": the `by-author` index a data-subject request finds it by.
    author_key: str | None = None
    raw_key: str | None = None  # the raw delivery it came from (found and erased with it)
    # "<platform>#<account>#<post id>": the post the item belongs to (a post: itself), so the
    # review shows a flagged comment in its thread through the `by-thread` index.
    thread_ref: str | None = None


class HeldAction(_Record):
    """An edit, hide, unhide or deletion that arrived before its item's create.

    The event's own working record is written as usual (an edit is evaluated at once); this record
    only says "this happened to an item we have not seen created yet", so the create can be
    reconciled with it. It never holds text, nor its author other than as the `by-author` index
    key a data-subject request finds it by: a held deletion is a tombstone, and a held edit's text
    stays on the edit's own working record under that record's retention.
    """

    event_id: str  # the held event; its own working record has this key
    org_id: str
    item_ref: str
    platform: Platform
    account_id: str
    object_kind: ObjectKind
    action: str
    occurred_at: datetime
    held_at: datetime
    expires_at: datetime
    # It expires with the working capture it protects (evaluate/service.py).
    retention_class: str = "working_capture"
    reconciled_by: str | None = None  # the create that was reconciled with it
    reconciled_at: datetime | None = None
    # Not the author as such: the `by-author` index key, so a data-subject request finds it.
    author_key: str | None = None


# A create comes first and a deletion last, whatever the timestamps say (see the module docstring).
_PHASE = {"created": 0, "edited": 1, "hidden": 1, "unhidden": 1, "deleted": 2}


class ItemEntry(_Record):
    """One record of an item as ordering sees it: what happened and when, never text or author."""

    event_id: str  # the event the record stands for (a held record's is the held event)
    action: str
    evaluated_at: datetime
    occurred_at: datetime | None = None
    verdict: str | None = None  # None on held records
    held: bool = False
    reconciled_by: str | None = None

    @property
    def order(self) -> tuple[int, datetime, str]:
        moment = self.occurred_at or self.evaluated_at
        if moment.tzinfo is None:  # a naive time from a platform mapper is UTC
            moment = moment.replace(tzinfo=UTC)
        return (_PHASE.get(self.action, 1), moment, self.event_id)

    @classmethod
    def of(cls, record: WorkingRecord) -> ItemEntry:
        return cls(
            event_id=record.event_id,
            action=record.action,
            evaluated_at=record.evaluated_at,
            occurred_at=record.occurred_at,
            verdict=record.verdict,
        )

    @classmethod
    def of_held(cls, held: HeldAction) -> ItemEntry:
        return cls(
            event_id=held.event_id,
            action=held.action,
            evaluated_at=held.held_at,
            occurred_at=held.occurred_at,
            held=True,
            reconciled_by=held.reconciled_by,
        )


class ItemState(_Record):
    """Where one item stands, folded from its records in event order (see the module docstring).

    `current_event_id` names the create or the latest edit, whose record holds the item's current
    content (its text when clean, its evidence when flagged); None once the item is deleted.
    `pending` lists held events that no create has been reconciled with yet.
    """

    item_ref: str
    created: bool
    current_event_id: str | None
    hidden: bool
    deleted: bool
    pending: tuple[str, ...]

    @classmethod
    def fold(cls, item_ref: str, entries: Iterable[ItemEntry]) -> ItemState:
        entries = list(entries)
        events: dict[str, ItemEntry] = {}
        for entry in entries:
            # A held record and its event's own record describe one event: count it once.
            events.setdefault(entry.event_id, entry)
        created = hidden = deleted = False
        current: str | None = None
        for entry in sorted(events.values(), key=_order):
            if entry.action == "created":
                created, current = True, entry.event_id
            elif entry.action == "edited":
                current = entry.event_id
            elif entry.action in ("hidden", "unhidden"):
                hidden = entry.action == "hidden"
            elif entry.action == "deleted":
                deleted = True
        pending = sorted((e for e in entries if e.held and e.reconciled_by is None), key=_order)
        return cls(
            item_ref=item_ref,
            created=created,
            current_event_id=None if deleted else current,
            hidden=hidden,
            deleted=deleted,
            pending=tuple(dict.fromkeys(e.event_id for e in pending)),
        )


def _order(entry: ItemEntry) -> tuple[int, datetime, str]:
    return entry.order


class Evidence(_Record):
    """The archived copy of a flagged item: what was seen, what matched, under which policy."""

    flag_id: str
    org_id: str
    event: NormalisedEvent
    hits: tuple[Hit, ...]
    lang: str | None = None
    policy_id: str
    policy_version: str
    content_sha256: str
    captured_at: datetime
    retention_class: str
    expires_at: datetime | None


class Flag(_Record):
    flag_id: str
    org_id: str  # listed per organisation through the flags table's `by-org` index
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
    # The flag row itself is a flag record (regulation.md §5b row 6); its evidence has its own
    # class (the one the fired rules name) and expiry, in the evidence archive.
    retention_class: str
    expires_at: datetime | None = None
    evidence_class: str | None = None
    author_key: str | None = None  # "<org>#<pseudonym>", for the `by-author` index
    # When the item itself was made (the event's time, else its receipt), for review clocks.
    item_created_at: datetime | None = None


class ShadowResult(_Record):
    """What a candidate pack running in shadow made of one event, beside the live verdict. It
    never becomes a flag and never reaches a notification; it holds no text, only rule ids and
    masked evidence of the hits that differ."""

    event_id: str
    org_id: str
    pack_id: str
    live_version: str
    shadow_version: str
    platform: Platform
    live_rules: tuple[str, ...]
    shadow_rules: tuple[str, ...]
    evidence: tuple[str, ...]  # "rule: masked evidence" for hits only one side has
    evaluated_at: datetime
    retention_class: str
    expires_at: datetime | None
    author_key: str | None = None  # "<org>#<pseudonym>", for the `by-author` index

    @property
    def gained(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.shadow_rules) - set(self.live_rules)))

    @property
    def lost(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.live_rules) - set(self.shadow_rules)))


def author_key(org_id: str, pseudonym: str) -> str:
    """The `by-author` index key: one person as one organisation knows them (no scans)."""
    return f"{org_id}#{pseudonym}"


def flag_id_for(event: NormalisedEvent) -> str:
    """Derived from the event, so a redelivery long after the idempotency window still lands on
    the same flag instead of raising a second one."""
    return "F-" + hashlib.sha256(("flag:" + event.idempotency_key).encode()).hexdigest()[:20]


def content_hash(text: str | None) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()
