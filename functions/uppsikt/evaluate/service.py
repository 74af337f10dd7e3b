"""Evaluate one event against its organisation's stored policy and record the result.

Tenancy. The item's account is looked up in the published registry (`Tenants`): its
organisation decides the policy pack, the org type (which picks the retention periods), the
jurisdiction, the designated admins on the platform and the languages a short text falls back to.
Deployment settings play no part. Every record written here carries the organisation's id. An
account the registry no longer lists cannot be judged by anyone's rules: the message goes to the
dead-letter queue with that reason and can be redriven once the registry lists it again.

The events of one item arrive in any order (platforms.md §0 point 4). Before recording an event,
`Evaluator` reads the item's records (`ItemStore.history`; a create reads them only when an
event other than a create has marked the item, since nothing else can hold it back) and applies
three rules:

1. Hold. An edit, hide, unhide or deletion of an item with neither a create nor a deletion on
   record is held: a `HeldAction` (no text, no author; `adapters.dynamodb` describes the row) is
   stored besides the event's own working record, which is written as usual. An edit is still
   evaluated at once: its text is complete and may hold personal data to flag now; holding
   concerns the item's state, not evaluation. Once a deletion is on record nothing more is held
   (the item is settled and the deletion is its tombstone), and an event already on record (a
   redelivery) is not held again.
2. A deletion is final. When a deletion is observed, or is on record (held or not) when any later
   event of the item arrives, the item's clean working copies are purged (regulation.md §5b
   row 1). A create or edit of a deleted item is still evaluated and its flag raised, because the
   content was public, but its clean copy is never written. Flags, flagged records and evidence
   stay.
3. Reconcile. A create marks its item's held actions as reconciled with it, in event order. The
   item's state is not "whatever was written last": `ItemState.fold` replays the item's records in
   event order (a create first, a deletion last, and event time, else receipt time, in between),
   so a create that arrives after a newer edit does not make its older text current, and a hide
   held before the create leaves the item hidden.

A held action expires with the working capture it protects: the organisation's `working_capture`
period (30 days by default), or `HOLD_DAYS` when its schedule gives none. A create that has not
arrived by then would have its own copy expire at about the same time anyway.

Retention. Every record written here gets its class and expiry from the retention schedule
(`uppsikt.retention.schedule.dispose`) for the item's organisation: its org type's defaults and
its own overrides. Rules name their evidence class (`retention_class`); when several rules fire,
the schedule's precedence picks the one that governs (archive duty, then the longest retention;
on a tie, the most severe rule's). A flag row is a flag record (§5b row 6) with its own class.

A late or duplicate create after a reconcile changes nothing: its flag id derives from the event,
a held action keeps the first create it was reconciled with, and the deletion on record keeps its
copy from being written.

Concurrency is the one gap. The records are read through the `by-item` index before this event's
record is written (and a create's change mark at the start of its SQS batch, `prefetch`), so a
create and a deletion of one item that two invocations handle at about the same time can miss
each other. The create's copy then goes with the item's next event (every event
of a deleted item purges again) or at its TTL.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from uppsikt.accounts.errors import AccountNotMonitored
from uppsikt.accounts.model import Tenant
from uppsikt.evaluate.errors import NotifyingElsewhere, PermanentFailure
from uppsikt.evaluate.ports import (
    BatchReads,
    Clocks,
    EvidenceArchive,
    FlagStore,
    ItemStore,
    LanguageDetector,
    Notifier,
    Policies,
    Restrictions,
    Tenants,
)
from uppsikt.model.events import Action, NormalisedEvent
from uppsikt.model.records import (
    Evidence,
    Flag,
    HeldAction,
    ItemEntry,
    ItemState,
    ShadowResult,
    WorkingRecord,
    author_key,
    content_hash,
    flag_id_for,
)
from uppsikt.model.verdict import Verdict
from uppsikt.observability import metrics
from uppsikt.observability.logs import logger
from uppsikt.policy.engine import CompiledPolicy
from uppsikt.privacy.masking import masked_excerpt
from uppsikt.retention.schedule import Disposition, Schedule, dispose, governing, shipped

# Retention classes (regulation.md §5b) that evaluation assigns itself; rules name their own.
WORKING_CAPTURE = "working_capture"
OWN_POST = "own_post"
FLAG_RECORD = "flag_record"

# Only these actions carry new content to check.
CONTENT_ACTIONS = frozenset({Action.CREATED, Action.EDITED})

# How long a held action waits for its create when the policy gives working captures no period.
HOLD_DAYS = 30


# How long a flag's creator may still be notifying when the invocation gave no deadline: the
# evaluate function's timeout (chalice.json).
IN_FLIGHT_DEFAULT = timedelta(seconds=60)


class Outcome(StrEnum):
    CLEAN = "clean"
    RECORDED = "recorded"
    FLAGGED = "flagged"
    ALREADY_FLAGGED = "already_flagged"
    TEST_DELIVERY = "test_delivery"
    RESTRICTED = "restricted"


@dataclass(frozen=True)
class Judged:
    """One event in its organisation's context: what every record of it is written with."""

    event: NormalisedEvent
    tenant: Tenant
    policy: CompiledPolicy
    # When the invocation handling it runs out of time (None: `IN_FLIGHT_DEFAULT` from now).
    deadline: datetime | None = None

    @property
    def org_id(self) -> str:
        return self.tenant.org_id

    @property
    def author_key(self) -> str | None:
        author = self.event.author
        return author_key(self.org_id, author.pseudonym) if author else None


@dataclass(frozen=True)
class Evaluator:
    policies: Policies
    tenants: Tenants
    archive: EvidenceArchive
    flags: FlagStore
    items: ItemStore
    notifier: Notifier
    clock: Callable[[], datetime]
    detect_language: LanguageDetector | None = None
    retention: Schedule = field(default_factory=shipped)
    restrictions: Restrictions | None = None
    clocks: Clocks | None = None
    reads: BatchReads | None = None

    def prefetch(self, events: Iterable[NormalisedEvent]) -> None:
        """Read what these events (one SQS batch) will ask before recording anything, in one
        request (`BatchReads`): a create's change mark, a judged author's restriction, the rows
        of the threads a visitor's item sits in (a question reads their latest reply). Handling
        them then reads only what this could not know (a claim's event, an item's history).

        The reads are as old as the batch, not as each record: a deletion, a restriction or a
        reply that another invocation records while this batch is handled is missed as if it had
        come a moment later (the concurrency gap in the module docstring, a batch long instead of a
        record long). The batch's own marks are seen (`note_change`)."""
        if self.reads is None:
            return
        changes: list[str] = []
        authors: list[tuple[str, str]] = []
        threads: list[str] = []
        finished: list[str] = []
        for event in events:
            finished.append(event.idempotency_key)  # whether it was finished (`Completions`)
            if event.test_delivery:
                continue
            if event.action is Action.CREATED:
                changes.append(event.item_ref)
            if self.clocks is not None:
                threads.extend(self.clocks.threads_of(event))
            author = event.author
            if self.restrictions is None or event.action not in CONTENT_ACTIONS:
                continue
            if author is None or author.is_account:
                continue
            try:
                tenant = self.tenants.tenant(event.platform, event.account_id)
            except AccountNotMonitored:
                continue  # its record goes to the dead-letter queue; nothing to read for it
            authors.append((tenant.org_id, author.pseudonym))
        self.reads.load(changes, authors, threads, finished)

    def org_of(self, event: NormalisedEvent) -> str | None:
        """The organisation that owns the event's account (None: the registry lists none)."""
        try:
            return self.tenants.tenant(event.platform, event.account_id).org_id
        except AccountNotMonitored:
            return None

    def forget(self) -> None:
        """The batch is done: answer from the stores again."""
        if self.reads is not None:
            self.reads.clear()

    def handle(self, event: NormalisedEvent, *, deadline: datetime | None = None) -> Outcome:
        """Evaluate and record one event. `deadline`: when the invocation runs out of time; a
        flag it creates says so, and a duplicate handled elsewhere before then waits instead
        of notifying too."""
        if event.test_delivery:
            return Outcome.TEST_DELIVERY
        try:
            tenant = self.tenants.tenant(event.platform, event.account_id)
        except AccountNotMonitored as exc:
            raise PermanentFailure(str(exc)) from exc
        judged = Judged(event, tenant, self.policies.get(tenant.organisation.policy_pack), deadline)
        now = self.clock()
        # Read before writing, so that this event being on record already (a redelivery, or a
        # retry after a failure) is not confused with the record this call is about to write.
        history = self._history(judged, now)
        before = ItemState.fold(
            event.item_ref, [e for e in history if e.event_id != event.event_id]
        )
        if _must_hold(event, history, before):
            # Held before the event's own record is written: a retry after a failure in between
            # finds the event unrecorded and holds it again, which is a no-op if it was held.
            self.items.hold(self._held(judged, now))
        outcome = self._record_event(judged, now, deleted=before.deleted)
        if event.action is Action.DELETED or before.deleted:
            # Retention row 1: a working copy goes as soon as the deletion is observed. Purging
            # again on every later event of a deleted item also sweeps up a copy that a create
            # handled at the same moment as the deletion may have left.
            self.items.purge_working_copies(event.item_ref)
        if event.action is Action.CREATED:
            for held_event_id in before.pending:  # in event order
                self.items.mark_reconciled(held_event_id, event.event_id, now)
        if self.clocks is not None:  # questions start and stop clocks (issue 11)
            self.clocks.observe(event, tenant, judged.policy, now)
        return outcome

    def _history(self, judged: Judged, now: datetime) -> list[ItemEntry]:
        """The item's records. Only an event other than a create can leave what a create must
        see (a held action, a deletion), so those events mark their item first and a create of
        an unmarked item reads one key instead of querying the `by-item` index (most events
        are creates; issue 13). The mark lives as long as the longer of the event's record and
        a held action."""
        event = judged.event
        if event.action is not Action.CREATED:
            cls = WORKING_CAPTURE if event.is_visitor_content else OWN_POST
            record = self._expiry(judged, cls, now)
            held = self._working_expiry(judged, now)
            self.items.mark_changed(
                event.item_ref, cls, max(record, held) if record is not None else None
            )
            if self.reads is not None:  # a create later in the same batch must see it
                self.reads.note_change(event.item_ref)
        elif not self._has_changes(event.item_ref):
            return []
        return self.items.history(event.item_ref)

    def _has_changes(self, item_ref: str) -> bool:
        known = self.reads.changes(item_ref) if self.reads is not None else None
        return self.items.has_changes(item_ref) if known is None else known

    def _record_event(self, judged: Judged, now: datetime, *, deleted: bool) -> Outcome:
        event, policy = judged.event, judged.policy
        cls = WORKING_CAPTURE if event.is_visitor_content else OWN_POST
        if event.action not in CONTENT_ACTIONS:
            # Hides, unhides and deletions are moderation facts about content already evaluated
            # when it was created or edited: record them, do not flag the same text again.
            verdict = Verdict(policy_id=policy.id, policy_version=policy.version)
            self.items.put(self._record(judged, verdict, cls, now, status="recorded"))
            return Outcome.RECORDED
        if self._restricted(judged):
            # GDPR Art. 18: stored, not processed. No judging, no shadow run, no flag, no
            # notification; the record says why (verdict "restricted").
            if not deleted:
                self.items.put(
                    self._record(judged, _unjudged(policy), cls, now, status="restricted")
                )
            return Outcome.RESTRICTED
        org = judged.tenant.organisation
        lang = (
            self.detect_language(event.text or "", org.languages)
            if self.detect_language is not None
            else None
        )
        verdict = _judge(policy, judged, lang)
        self._shadow(judged, verdict, lang, now)
        if verdict.flagged:
            return self._flag(judged, verdict, now)
        if not deleted:  # a copy of a deleted item would only be purged at once
            self.items.put(self._record(judged, verdict, cls, now, status="clean"))
        return Outcome.CLEAN

    def _restricted(self, judged: Judged) -> bool:
        author = judged.event.author
        if self.restrictions is None or author is None or author.is_account:
            return False
        known = (
            self.reads.restriction(judged.org_id, author.pseudonym)
            if self.reads is not None
            else None
        )
        if known is not None:
            return known
        return self.restrictions.restricted(judged.org_id, author.pseudonym)

    def _shadow(self, judged: Judged, live: Verdict, lang: str | None, now: datetime) -> None:
        """A candidate published in shadow beside the pack judges the same event in the same
        context; what it makes of it is kept for `uppsikt policy shadow`, never flagged or
        notified (issue 12: policies tried before they go live)."""
        candidate = self.policies.shadow(judged.tenant.organisation.policy_pack)
        if candidate is None:
            return
        tried = _judge(candidate, judged, lang)
        mine, theirs = set(live.rule_ids), set(tried.rule_ids)
        differing = [h for h in live.hits if h.rule not in theirs] + [
            h for h in tried.hits if h.rule not in mine
        ]
        self.items.put_shadow(
            ShadowResult(
                event_id=judged.event.event_id,
                org_id=judged.org_id,
                pack_id=candidate.id,
                live_version=live.policy_version,
                shadow_version=candidate.version,
                platform=judged.event.platform,
                live_rules=live.rule_ids,
                shadow_rules=tried.rule_ids,
                evidence=tuple(f"{h.rule}: {h.evidence}" for h in differing),
                evaluated_at=now,
                retention_class=WORKING_CAPTURE,
                expires_at=self._working_expiry(judged, now),
                author_key=judged.author_key,
            )
        )

    def _held(self, judged: Judged, now: datetime) -> HeldAction:
        event = judged.event
        expires = self._working_expiry(judged, now)
        return HeldAction(
            event_id=event.event_id,
            org_id=judged.org_id,
            item_ref=event.item_ref,
            platform=event.platform,
            account_id=event.account_id,
            object_kind=event.object_kind,
            action=event.action.value,
            occurred_at=_occurred(event),
            held_at=now,
            expires_at=expires,
            author_key=judged.author_key,
        )

    def _disposition(self, judged: Judged, cls: str, now: datetime) -> Disposition:
        # The organisation's terms: its org type's defaults and its own overrides.
        return dispose(self.retention, judged.tenant.organisation, cls, now)

    def _expiry(self, judged: Judged, cls: str, now: datetime) -> datetime | None:
        return self._disposition(judged, cls, now).expires_at

    def _working_expiry(self, judged: Judged, now: datetime) -> datetime:
        """When a held action or a shadow result goes: with the working capture it belongs
        to, or after `HOLD_DAYS` where the organisation's schedule gives that none."""
        return self._expiry(judged, WORKING_CAPTURE, now) or now + timedelta(days=HOLD_DAYS)

    def _record(
        self,
        judged: Judged,
        verdict: Verdict,
        cls: str,
        now: datetime,
        *,
        flag_id: str | None = None,
        status: Literal["clean", "flagged", "recorded", "restricted"],
    ) -> WorkingRecord:
        event = judged.event
        return WorkingRecord(
            event_id=event.event_id,
            org_id=judged.org_id,
            item_ref=event.item_ref,
            platform=event.platform,
            account_id=event.account_id,
            object_kind=event.object_kind,
            action=event.action.value,
            verdict=status,
            flag_id=flag_id,
            policy_id=verdict.policy_id,
            policy_version=verdict.policy_version,
            evaluated_at=now,
            retention_class=cls,
            expires_at=self._expiry(judged, cls, now),
            # Text stays only on clean records; a flagged item's text is in the evidence archive.
            # A restricted author's text is stored as it came, unjudged (Art. 18).
            text=event.text if status in ("clean", "restricted") else None,
            author_pseudonym=event.author.pseudonym if event.author else None,
            occurred_at=_occurred(event),
            lang=verdict.lang,
            author_key=judged.author_key,
            raw_key=event.raw.key,
            thread_ref=_thread_ref(event),
        )

    def _flag(self, judged: Judged, verdict: Verdict, now: datetime) -> Outcome:
        event, policy = judged.event, judged.policy
        flag_id = flag_id_for(event)
        # The schedule's precedence among the rules that fired picks the evidence's class
        # (archive duty, then the longest retention); on a tie, the most severe rule's.
        rules = sorted((policy.rule(r) for r in verdict.rule_ids), key=lambda r: r.id)
        candidates = [(self._disposition(judged, r.retention_class, now), r) for r in rules]
        winner = governing(d for d, _ in candidates)
        cls = max(
            (r for d, r in candidates if _ranks_with(d, winner)), key=lambda r: r.severity.rank
        ).retention_class
        expires = winner.expires_at
        evidence_key = self.archive.put(
            Evidence(
                flag_id=flag_id,
                org_id=judged.org_id,
                event=event,
                hits=verdict.hits,
                lang=verdict.lang,
                policy_id=verdict.policy_id,
                policy_version=verdict.policy_version,
                content_sha256=content_hash(event.text),
                captured_at=now,
                retention_class=cls,
                expires_at=expires,
            )
        )
        severity = verdict.severity
        assert severity is not None  # a flagged verdict has hits
        flag = Flag(
            flag_id=flag_id,
            org_id=judged.org_id,
            severity=severity,
            rule_ids=verdict.rule_ids,
            kinds=tuple(sorted({hit.kind for hit in verdict.hits})),
            platform=event.platform,
            account_id=event.account_id,
            object_kind=event.object_kind,
            event_id=event.event_id,
            policy_id=verdict.policy_id,
            policy_version=verdict.policy_version,
            evidence_key=evidence_key,
            created_at=now,
            retention_class=FLAG_RECORD,
            expires_at=self._expiry(judged, FLAG_RECORD, now),
            evidence_class=cls,
            author_key=judged.author_key,
            item_created_at=event.event_time or event.received_at,
        )
        self.items.put(self._record(judged, verdict, cls, now, flag_id=flag_id, status="flagged"))
        deadline = judged.deadline or now + IN_FLIGHT_DEFAULT
        created = self.flags.create(flag, in_flight_until=deadline)
        try:
            return self._notify(judged, verdict, flag, now, created=created)
        except NotifyingElsewhere:
            raise
        except Exception:
            if created:  # the retry must not wait for this invocation: it gave up
                self._release(flag.flag_id)
            raise

    def _notify(
        self, judged: Judged, verdict: Verdict, flag: Flag, now: datetime, *, created: bool
    ) -> Outcome:
        if self.clocks is not None:  # the supervision clock (once): time to first review
            self.clocks.flagged(flag, judged.tenant, now)
        if not created:
            notice = self.flags.notice(flag.flag_id)
            if notice.notified:
                return Outcome.ALREADY_FLAGGED
            if notice.in_flight_until is not None and now < notice.in_flight_until:
                # A duplicate of this event (a platform's retry, SQS's at-least-once delivery)
                # is being handled by another invocation that may be notifying right now.
                raise NotifyingElsewhere("the flag's creator may still be notifying it")
        # A flag an earlier attempt created but could not notify (SNS failed, or the function
        # was killed in between) is notified by the retry: at least once, never lost. Only a
        # kill between the publish and `mark_notified` sends it twice (same flag id).
        subject, message = notification(flag, judged.event, verdict)
        message_id = self.notifier.publish(
            subject,
            message,
            # Subscribers filter on these (an SNS filter policy per organisation and severity).
            {"severity": flag.severity.value, "flag_id": flag.flag_id, "org_id": flag.org_id},
        )
        self.flags.mark_notified(flag.flag_id, message_id)
        if created:
            metrics.count("FlagsRaised", severity=flag.severity.value)
        return Outcome.FLAGGED if created else Outcome.ALREADY_FLAGGED

    def _release(self, flag_id: str) -> None:
        try:
            self.flags.release(flag_id)
        except Exception:  # the retry then waits until this invocation's deadline, no longer
            logger.warning("flag not released", extra={"flag_id": flag_id})


def _judge(policy: CompiledPolicy, judged: Judged, lang: str | None) -> Verdict:
    """One event in its organisation's context: org type, jurisdiction, admins, language."""
    org = judged.tenant.organisation
    return policy.evaluate(
        judged.event,
        org_type=org.org_type,
        jurisdiction=org.jurisdiction,
        lang=lang,
        designated_admins=judged.tenant.admins,
        account_pseudonym=judged.tenant.account.pseudonym,
    )


def _unjudged(policy: CompiledPolicy) -> Verdict:
    return Verdict(policy_id=policy.id, policy_version=policy.version)


def _ranks_with(d: Disposition, winner: Disposition) -> bool:
    return (d.action, d.expires_at) == (winner.action, winner.expires_at)


def _must_hold(event: NormalisedEvent, history: list[ItemEntry], before: ItemState) -> bool:
    """Rule 1 of the module docstring: an event not on record yet, of an item with neither a
    create nor a deletion on record."""
    if event.action is Action.CREATED or before.created or before.deleted:
        return False
    return not any(e.event_id == event.event_id for e in history)


def _occurred(event: NormalisedEvent) -> datetime:
    """When the event happened, for ordering: the platform's time, else when we received it."""
    return event.event_time or event.received_at


def notification(flag: Flag, event: NormalisedEvent, verdict: Verdict) -> tuple[str, str]:
    """Subject and body for the compliance officer: what and where, masked, never who."""
    kinds = ", ".join(flag.kinds)
    subject = f"Uppsikt {flag.severity.value} flag {flag.flag_id}: {kinds} on {flag.platform.value}"
    body = {
        "flag_id": flag.flag_id,
        "org_id": flag.org_id,
        "severity": flag.severity.value,
        "rules": list(flag.rule_ids),
        "kinds": list(flag.kinds),
        "platform": flag.platform.value,
        "account_id": flag.account_id,
        "object_kind": flag.object_kind.value,
        "policy_id": flag.policy_id,
        "policy_version": flag.policy_version,
        # No names of people either, not even a first name and an initial (issue 11).
        "excerpt": masked_excerpt(event.text or "", verdict.hits, names="hide"),
    }
    return subject[:99], json.dumps(body, ensure_ascii=False)  # SNS: "less than 100"


def _thread_ref(event: NormalisedEvent) -> str:
    """The post an item belongs to (a post belongs to itself), for the `by-thread` index."""
    post = event.post_id or event.item_id
    return f"{event.platform}#{event.account_id}#{post}"
