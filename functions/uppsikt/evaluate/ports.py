"""What evaluation needs from the outside world; the AWS adapters implement these."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import NamedTuple, Protocol

from uppsikt.accounts.model import Tenant
from uppsikt.model.events import Ignored, NormalisedEvent, Platform
from uppsikt.model.messages import ClaimMessage, UnmappedMessage
from uppsikt.model.records import (
    Evidence,
    Flag,
    HeldAction,
    ItemEntry,
    ShadowResult,
    WorkingRecord,
)
from uppsikt.policy.engine import CompiledPolicy


class Tenants(Protocol):
    def tenant(self, platform: Platform, platform_account_id: str) -> Tenant:
        """The account and its organisation; `AccountNotMonitored` when the registry has none."""
        ...


class LanguageDetector(Protocol):
    def __call__(self, text: str, fallback: tuple[str, ...]) -> str:
        """One of da, sv, nb, nn, fi, en, other; `fallback` (the organisation's languages)
        decides texts too short or mixed to tell."""
        ...


class Policies(Protocol):
    def get(self, pack_id: str) -> CompiledPolicy:
        """The current stored version of one policy pack."""
        ...

    def shadow(self, pack_id: str) -> CompiledPolicy | None:
        """A candidate running in shadow beside the pack, or None."""
        ...


class EvidenceArchive(Protocol):
    def put(self, evidence: Evidence) -> str:
        """Store encrypted; return the object key."""


class Notice(NamedTuple):
    """Where a flag's notification stands."""

    notified: bool  # its message id is recorded
    # Until when the invocation that created the flag may still be sending it (None: unknown).
    in_flight_until: datetime | None


class FlagStore(Protocol):
    def create(self, flag: Flag, *, in_flight_until: datetime) -> bool:
        """Create the flag unless it exists; True when this call created it. `in_flight_until`
        is when this invocation's time runs out: until then it may still be notifying."""

    def mark_notified(self, flag_id: str, message_id: str) -> None: ...

    def release(self, flag_id: str) -> None:
        """Its creator gave up before notifying (an error): a retry need not wait for it."""

    def notice(self, flag_id: str) -> Notice:
        """Whether the flag's notification went out, and until when its creator may still be
        sending it."""
        ...


class ItemStore(Protocol):
    def put(self, record: WorkingRecord) -> None: ...

    def purge_working_copies(self, item_ref: str) -> int:
        """Delete the clean working records of one item; returns how many were deleted."""

    def history(self, item_ref: str) -> list[ItemEntry]:
        """Every record of one item, working and held, without text or author."""

    def mark_changed(
        self, item_ref: str, retention_class: str, expires_at: datetime | None
    ) -> None:
        """Note that the item has had an event other than a create (see `has_changes`)."""

    def has_changes(self, item_ref: str) -> bool:
        """Whether the item ever had an event other than a create: only then can its history
        hold anything a create must see (a held action, a deletion)."""
        ...

    def hold(self, held: HeldAction) -> bool:
        """Store a held action unless it is already held; True when this call stored it."""

    def mark_reconciled(self, event_id: str, create_event_id: str, at: datetime) -> None:
        """Note on a held action which create it was reconciled with (the first one wins)."""

    def put_shadow(self, result: ShadowResult) -> None:
        """Keep what a shadow candidate made of an event (no text; expires like a working copy)."""
        ...


class WriteBehind(Protocol):
    """An `ItemStore` that holds a batch's plain record writes and writes them together: the
    consumer says which SQS message the writes that follow belong to, and at the batch's end
    learns which messages' writes could not be written (they must be delivered again)."""

    def working_for(self, message_id: str | None) -> None: ...

    def settle(self) -> set[str]:
        """Write what is held; the SQS message ids whose writes remain unwritten."""
        ...


class Restrictions(Protocol):
    def restricted(self, org_id: str, pseudonym: str) -> bool:
        """Whether the organisation has restricted processing of this author's data (GDPR
        Art. 18, `uppsikt dsr restrict`): their content is stored, never judged."""
        ...


class BatchReads(Protocol):
    """What the records of one SQS batch will read, read together before they are handled
    (issue 13: calls per item are what the pipeline pays): the change marks of the items they
    create (`ItemStore.has_changes`), the restriction rows of the authors they judge
    (`Restrictions.restricted`) and the clocks' thread rows (`Clocks.threads_of`), in one
    request. Until `clear`, `changes` and `restriction` answer from it (None: not read, ask the
    store), and `note_change` keeps it true to the marks the batch itself writes, so a later
    record of the same batch sees them (the clocks' adapter does the same for its threads)."""

    def load(
        self,
        changes: Collection[str],
        restrictions: Collection[tuple[str, str]],
        threads: Collection[str] = (),
        finished: Collection[str] = (),
    ) -> None:
        """Read these items' change marks, these (org id, pseudonym) restriction rows, these
        threads' rows and whether these idempotency keys were finished (for a `Completions`
        that answers from this read)."""
        ...

    def changes(self, item_ref: str) -> bool | None: ...

    def note_change(self, item_ref: str) -> None: ...

    def restriction(self, org_id: str, pseudonym: str) -> bool | None: ...

    def clear(self) -> None: ...


class Clocks(Protocol):
    """The clocks (uppsikt.clocks): questions that want an answer, official activity, and the
    review of each new flag."""

    def observe(
        self, event: NormalisedEvent, tenant: Tenant, policy: CompiledPolicy, now: datetime
    ) -> None:
        """Start, keep or stop the clocks this recorded event concerns."""

    def flagged(self, flag: Flag, tenant: Tenant, now: datetime) -> None:
        """Start the supervision clock of a flag this evaluation raised."""

    def threads_of(self, event: NormalisedEvent) -> tuple[str, ...]:
        """The threads whose rows `observe` may read for this event (read with its batch)."""
        ...


class Finished(NamedTuple):
    """An event evaluation finished: its outcome, and the organisation its account belongs to
    (None: the registry lists no owner, e.g. a platform's test delivery)."""

    outcome: str
    org_id: str | None


class Completions(Protocol):
    """The events evaluation has finished, by idempotency key, with their outcome, for a
    window (a day: the `idempotency_record` class). A redelivery inside it is answered from
    here instead of being evaluated again; after it, evaluating again changes nothing (every
    write is keyed by the event, flags and clocks conditionally), it only costs the work."""

    def finished(self, keys: Collection[str]) -> dict[str, str]:
        """The outcome of each of these keys finished within the window (absent: not finished)."""
        ...

    def finish(self, finished: Mapping[str, Finished]) -> None:
        """Record these keys as finished, with their outcomes and organisations."""


class Notifier(Protocol):
    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        """Send; return the message id."""


class DeadLetters(Protocol):
    def send(
        self, body: str, *, message_id: str, reason: str, attempts: int, permanent: bool
    ) -> None: ...


class Claims(Protocol):
    def load(self, claim: ClaimMessage) -> str:
        """The claimed body (a large message left in S3)."""


# Maps a message that travelled as a pointer to its raw delivery, once the mapper can read it.
Remapper = Callable[[UnmappedMessage], NormalisedEvent | Ignored]
