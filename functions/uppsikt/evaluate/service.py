"""Evaluate one event against the stored policy and record the result."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from uppsikt.evaluate.ports import EvidenceArchive, FlagStore, ItemStore, Notifier, PolicySource
from uppsikt.model.events import Action, NormalisedEvent
from uppsikt.model.records import Evidence, Flag, WorkingRecord, content_hash, flag_id_for
from uppsikt.model.verdict import Verdict
from uppsikt.policy.engine import CompiledPolicy
from uppsikt.privacy.masking import masked_excerpt

OrgType = Literal["union", "authority"]

# Retention classes (regulation.md §5b) that evaluation assigns itself; rules name their own.
WORKING_CAPTURE = "working_capture"
OWN_POST = "own_post"

# Only these actions carry new content to check.
CONTENT_ACTIONS = frozenset({Action.CREATED, Action.EDITED})


class Outcome(StrEnum):
    CLEAN = "clean"
    RECORDED = "recorded"
    FLAGGED = "flagged"
    ALREADY_FLAGGED = "already_flagged"
    TEST_DELIVERY = "test_delivery"


@dataclass(frozen=True)
class Evaluator:
    policies: PolicySource
    archive: EvidenceArchive
    flags: FlagStore
    items: ItemStore
    notifier: Notifier
    org_type: OrgType
    clock: Callable[[], datetime]
    jurisdiction: str | None = None

    def handle(self, event: NormalisedEvent) -> Outcome:
        if event.test_delivery:
            return Outcome.TEST_DELIVERY
        policy = self.policies.current()
        now = self.clock()
        cls = WORKING_CAPTURE if event.is_visitor_content else OWN_POST
        if event.action not in CONTENT_ACTIONS:
            # Hides, unhides and deletions are moderation facts about content already evaluated
            # when it was created or edited: record them, do not flag the same text again.
            if event.action is Action.DELETED:
                # Retention row 1: a working copy goes as soon as the deletion is observed.
                self.items.purge_working_copies(event.item_ref)
            verdict = Verdict(policy_id=policy.id, policy_version=policy.version)
            self.items.put(self._record(policy, event, verdict, cls, now, status="recorded"))
            return Outcome.RECORDED
        verdict = policy.evaluate(event, org_type=self.org_type, jurisdiction=self.jurisdiction)
        if verdict.flagged:
            return self._flag(event, verdict, policy, now)
        self.items.put(self._record(policy, event, verdict, cls, now, status="clean"))
        return Outcome.CLEAN

    def _expiry(self, policy: CompiledPolicy, cls: str, now: datetime) -> datetime | None:
        retention = policy.retention(cls)
        days = retention.union_days if self.org_type == "union" else retention.authority_days
        return None if days is None else now + timedelta(days=days)

    def _horizon(self, policy: CompiledPolicy, cls: str, now: datetime) -> tuple[bool, datetime]:
        expiry = self._expiry(policy, cls, now)
        return (expiry is None, expiry or now)  # no expiry sorts after any date

    def _record(
        self,
        policy: CompiledPolicy,
        event: NormalisedEvent,
        verdict: Verdict,
        cls: str,
        now: datetime,
        *,
        flag_id: str | None = None,
        status: Literal["clean", "flagged", "recorded"],
    ) -> WorkingRecord:
        return WorkingRecord(
            event_id=event.event_id,
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
            expires_at=self._expiry(policy, cls, now),
            # Text stays only on clean records; a flagged item's text is in the evidence archive.
            text=event.text if status == "clean" else None,
            author_pseudonym=event.author.pseudonym if event.author else None,
        )

    def _flag(
        self, event: NormalisedEvent, verdict: Verdict, policy: CompiledPolicy, now: datetime
    ) -> Outcome:
        flag_id = flag_id_for(event)
        # The longest-kept class among the rules that fired governs the evidence copy.
        # On a tie, the class of the most severe rule names what the evidence holds.
        rules = sorted((policy.rule(r) for r in verdict.rule_ids), key=lambda r: r.id)
        cls = max(
            rules, key=lambda r: (self._horizon(policy, r.retention_class, now), r.severity.rank)
        ).retention_class
        expires = self._expiry(policy, cls, now)
        evidence_key = self.archive.put(
            Evidence(
                flag_id=flag_id,
                event=event,
                hits=verdict.hits,
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
            retention_class=cls,
        )
        self.items.put(
            self._record(policy, event, verdict, cls, now, flag_id=flag_id, status="flagged")
        )
        if not self.flags.create(flag):
            return Outcome.ALREADY_FLAGGED
        subject, message = notification(flag, event, verdict)
        message_id = self.notifier.publish(
            subject, message, {"severity": flag.severity.value, "flag_id": flag.flag_id}
        )
        self.flags.mark_notified(flag_id, message_id)
        return Outcome.FLAGGED


def notification(flag: Flag, event: NormalisedEvent, verdict: Verdict) -> tuple[str, str]:
    """Subject and body for the compliance officer: what and where, masked, never who."""
    kinds = ", ".join(flag.kinds)
    subject = f"Uppsikt {flag.severity.value} flag {flag.flag_id}: {kinds} on {flag.platform.value}"
    body = {
        "flag_id": flag.flag_id,
        "severity": flag.severity.value,
        "rules": list(flag.rule_ids),
        "kinds": list(flag.kinds),
        "platform": flag.platform.value,
        "account_id": flag.account_id,
        "object_kind": flag.object_kind.value,
        "policy_version": flag.policy_version,
        "excerpt": masked_excerpt(event.text or "", verdict.hits),
    }
    return subject[:100], json.dumps(body, ensure_ascii=False)
