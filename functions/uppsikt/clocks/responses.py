"""Unanswered member questions: the clock a visitor's question starts, and what stops it.

Evaluation calls `ResponseClocks.observe` for every event it records (port
`evaluate.ports.Clocks`). For a visitor's item that asks something (`questions.detect_question`)
under a pack with a `response_clock` rule, a clock starts at the moment the platform gives for it,
due after the rule's target in the organisation's business hours. What stops it:

- a human reply from an official account to it, or in its thread (on platforms that nest
  comments under a post's comments: a reply to the thread's top comment answers the thread). An
  automated reply does not: the platforms that say so (Mastodon's `bot` accounts) mark the event
  `automated`; the others say nothing, and a reply from the official account counts as human;
- an officer marking it forwarded to the right unit, or not a question (`mark`);
- its deletion (recorded as such).

Clocks survive edits (an edit neither restarts nor stops one; an edit that turns a comment into
a question starts one) and any order of delivery: the clock's id derives from the item, so a
deletion or an officer's mark that arrives first leaves a stopped clock that the question cannot
restart, and a reply that arrives first is noted on its thread, so the question starts stopped
("answered") when the reply came after it was asked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from uppsikt.accounts.model import Organisation, Tenant
from uppsikt.clocks.calendar import calendar_of, response_target
from uppsikt.clocks.machine import stop
from uppsikt.clocks.model import CLOCK_RECORD, Clock, Kind, State, StopReason, clock_id_for
from uppsikt.clocks.ports import Activity, ClockStore, Threads
from uppsikt.clocks.publishers import PUBLISHER_COUNT, iso_week
from uppsikt.clocks.questions import detect_question
from uppsikt.model.events import Action, NormalisedEvent, ObjectKind
from uppsikt.model.records import Flag
from uppsikt.policy.engine import CompiledPolicy
from uppsikt.privacy.masking import masked_excerpt
from uppsikt.retention.schedule import Schedule, dispose, shipped

QUESTION = "question"
# How many times a stop retries when the tick moved the clock in between.
_STOP_ATTEMPTS = 3


def item_ref(event: NormalisedEvent, item_id: str) -> str:
    return f"{event.platform}#{event.account_id}#{item_id}"


def thread_of(event: NormalisedEvent) -> str | None:
    """The thread an item sits in below its post: its parent comment's ref, where the platform
    nests comments under a post's comments (the parent is not the post). None otherwise."""
    if event.parent_id is None or event.post_id is None or event.parent_id == event.post_id:
        return None
    return item_ref(event, event.parent_id)


@dataclass(frozen=True)
class ResponseClocks:
    store: ClockStore
    threads: Threads
    activity: Activity
    detect_language: Callable[[str, tuple[str, ...]], str] | None = None
    retention: Schedule = field(default_factory=shipped)
    supervision: Callable[[Flag, Organisation, datetime], object] | None = None

    def _expiry(self, org: Organisation, now: datetime) -> datetime:
        return dispose(self.retention, org, CLOCK_RECORD, now).expires_at or now + timedelta(
            days=365
        )

    # --- evaluation's port -------------------------------------------------------------------
    def observe(
        self, event: NormalisedEvent, tenant: Tenant, policy: CompiledPolicy, now: datetime
    ) -> None:
        at = event.event_time or event.received_at
        if event.is_visitor_content:
            self._visitor(event, tenant.organisation, policy, at, now)
        elif event.action is Action.CREATED:
            self._official(event, tenant, at, now)

    def flagged(self, flag: Flag, tenant: Tenant, now: datetime) -> None:
        if self.supervision is not None:
            self.supervision(flag, tenant.organisation, now)

    # --- officers ----------------------------------------------------------------------------
    def mark(self, org: Organisation, ref: str, reason: StopReason, now: datetime) -> Clock:
        """An officer's mark (forwarded, not a question) on an item's clock; one that has not
        started yet (the question not delivered) is left stopped, so it never starts."""
        clock_id = clock_id_for(Kind.RESPONSE, QUESTION, ref)
        return self._stop(clock_id, reason, now, org=org, ref=ref)

    # --- visitors ----------------------------------------------------------------------------
    def _visitor(
        self,
        event: NormalisedEvent,
        org: Organisation,
        policy: CompiledPolicy,
        at: datetime,
        now: datetime,
    ) -> None:
        ref = event.item_ref
        clock_id = clock_id_for(Kind.RESPONSE, QUESTION, ref)
        if event.action is Action.DELETED:
            self._stop(clock_id, StopReason.DELETED, now, org=org, ref=ref, event=event)
            return
        if event.action not in (Action.CREATED, Action.EDITED) or not event.text:
            return
        target = response_target(
            policy, event.platform.value, event.object_kind.value, org.org_type, org.jurisdiction
        )
        if target is None:
            return
        lang = self.detect_language(event.text, org.languages) if self.detect_language else None
        if not detect_question(event.text, lang).is_question:
            return
        # No read of the clock first (issue 13): its create is conditional, so an edit, a
        # redelivery or a question stopped before it arrived changes nothing.
        at_risk, due, escalate = target.moments(at, calendar_of(org))
        expires = self._expiry(org, now)
        thread = thread_of(event)
        clock = Clock(
            clock_id=clock_id,
            org_id=org.id,
            kind=Kind.RESPONSE,
            subject=QUESTION,
            ref=ref,
            severity=target.severity,
            started_at=at,
            at_risk_at=at_risk,
            due_at=due,
            escalate_at=escalate,
            expires_at=expires,
            account_id=event.account_id,
            platform=event.platform.value,
            thread=thread,
            excerpt=masked_excerpt(event.text, (), width=80, names="hide"),
        )
        # A reply that arrived before the question (out of order) answered it already.
        replies = [self.threads.last_reply(t) for t in (ref, thread) if t is not None]
        answered = max((r for r in replies if r is not None and r >= at), default=None)
        if answered is not None:
            clock = stop(clock, answered, StopReason.ANSWERED) or clock
        # A reply to the question itself finds its clock by the question's id; only a reply to
        # the top comment of its thread needs the question noted there.
        if self.store.create(clock) and thread is not None:
            self.threads.add_question(thread, clock_id, expires)

    def threads_of(self, event: NormalisedEvent) -> tuple[str, ...]:
        """The threads whose latest reply `observe` may read for this event (a visitor's
        content), so that a batch of events can read them together."""
        if not event.is_visitor_content or event.action not in (Action.CREATED, Action.EDITED):
            return ()
        thread = thread_of(event)
        return (event.item_ref,) if thread is None else (event.item_ref, thread)

    # --- official accounts -------------------------------------------------------------------
    def _official(
        self, event: NormalisedEvent, tenant: Tenant, at: datetime, now: datetime
    ) -> None:
        org = tenant.organisation
        expires = self._expiry(org, now)
        author = event.author.pseudonym if event.author else None
        # Like the publisher rule: the account itself as author says nothing about who posted.
        by_admin = (
            author is None
            or author == tenant.account.pseudonym
            or not tenant.admins
            or author in tenant.admins
        )
        self.activity.count_post(
            org.id,
            tenant.account.id,
            iso_week(at),
            event.event_id,
            by_admin=by_admin,
            expires_at=self.retention_expiry(org, now),
        )
        if event.parent_id is None or event.parent_id == event.item_id:
            if event.object_kind is ObjectKind.POST:
                self.activity.note_post(tenant.account.id, org.id, at, expires)
            return
        if event.parent_id == event.post_id:
            return  # a comment of its own under its post answers nobody in particular
        if event.automated:
            return  # a bot's reply answers nobody
        thread = item_ref(event, event.parent_id)
        self.threads.note_reply(thread, at, expires)
        # The question it replies to (by its id), and the questions in the thread below it.
        own = clock_id_for(Kind.RESPONSE, QUESTION, thread)
        for clock_id in dict.fromkeys([own, *self.threads.questions(thread)]):
            clock = self.store.get(clock_id)
            if clock is not None and clock.started_at <= at:
                self._stop(clock_id, StopReason.ANSWERED, at)

    def retention_expiry(self, org: Organisation, now: datetime) -> datetime:
        """Publisher counts are aggregates per account and week (no user data)."""
        disposition = dispose(self.retention, org, PUBLISHER_COUNT, now)
        return disposition.expires_at or now + timedelta(days=730)

    # --- stopping ----------------------------------------------------------------------------
    def _stop(
        self,
        clock_id: str,
        reason: StopReason,
        now: datetime,
        *,
        org: Organisation | None = None,
        ref: str | None = None,
        event: NormalisedEvent | None = None,
    ) -> Clock:
        for _ in range(_STOP_ATTEMPTS):
            clock = self.store.get(clock_id)
            if clock is None:
                if org is None or ref is None:
                    raise LookupError("no clock to stop")
                tombstone = self._tombstone(
                    clock_id, org=org, ref=ref, reason=reason, now=now, event=event
                )
                if self.store.create(tombstone):
                    return tombstone
                continue  # the question arrived in between: stop it
            stopped = stop(clock, now, reason)
            if stopped is None or self.store.transition(clock, stopped):
                return stopped or clock
        raise RuntimeError("the clock kept changing while it was being stopped")

    def _tombstone(
        self,
        clock_id: str,
        *,
        org: Organisation,
        ref: str,
        reason: StopReason,
        now: datetime,
        event: NormalisedEvent | None,
    ) -> Clock:
        return Clock(
            clock_id=clock_id,
            org_id=org.id,
            kind=Kind.RESPONSE,
            subject=QUESTION,
            ref=ref,
            severity="advisory",
            started_at=now,
            at_risk_at=now,
            due_at=now,
            escalate_at=None,
            expires_at=self._expiry(org, now),
            state=State.STOPPED,
            stopped_at=now,
            stop_reason=reason,
            account_id=event.account_id if event else None,
            platform=event.platform.value if event else None,
        )
