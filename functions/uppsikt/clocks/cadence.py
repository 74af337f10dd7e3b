"""Posting cadence: an official account silent longer than its pack allows is flagged.

The pack's `posting_cadence` rules (Seko's `seko.facebook-daily`: Facebook, at most 24 hours)
are run for real by the tick: for each of the organisation's accounts on a platform a rule
covers, the hours since its last official post (`Activity.last_post`, kept by evaluation) go into
the rule as `hours_since_last_post`, and a finding becomes a flag through the flag writer
evaluation uses, so it appears in review and on the flags topic like any other.

One flag per silence: the flag id derives from the account and the last post it measures from,
so every tick during the same silence lands on the same flag, and the next post starts a new
count. An account with no post on record is watched from the first check (that moment is
recorded as its last post), so a new account is not flagged for the time before it was watched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from uppsikt.accounts.model import Account, Organisation, Registry
from uppsikt.clocks.model import CLOCK_RECORD
from uppsikt.clocks.ports import Activity, AlertSink, FlagWriter
from uppsikt.model.events import ObjectKind
from uppsikt.model.records import Flag
from uppsikt.policy.engine import CompiledPolicy, CompiledRule
from uppsikt.retention.schedule import Schedule, dispose, shipped
from uppsikt.rules.registry import RuleContext

FLAG_RECORD = "flag_record"
NO_EVIDENCE = "none"  # a silence has no content to archive


@dataclass(frozen=True, slots=True)
class Silence:
    org_id: str
    account_id: str
    platform: str
    hours: float
    flag_id: str
    created: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "org_id": self.org_id,
            "account_id": self.account_id,
            "platform": self.platform,
            "hours": round(self.hours, 1),
            "flag_id": self.flag_id,
            "created": self.created,
        }


def cadence_flag_id(account_id: str, last_post: datetime) -> str:
    digest = hashlib.sha256(f"cadence:{account_id}:{last_post.isoformat()}".encode()).hexdigest()
    return "F-" + digest[:20]


@dataclass(frozen=True)
class CadenceCheck:
    activity: Activity
    flags: FlagWriter
    notifier: AlertSink
    packs: Callable[[str], CompiledPolicy]
    retention: Schedule = field(default_factory=shipped)

    def run(self, registry: Registry, now: datetime) -> list[Silence]:
        found: list[Silence] = []
        for org in registry.organisations:
            policy = self.packs(org.policy_pack)
            rules = [r for r in policy.rules if r.spec.kind == "posting_cadence"]
            if not rules:
                continue
            for account in registry.accounts_of(org.id):
                for rule in rules:
                    silence = self._check(org, account, policy, rule, now)
                    if silence is not None:
                        found.append(silence)
        return found

    def _check(
        self,
        org: Organisation,
        account: Account,
        policy: CompiledPolicy,
        rule: CompiledRule,
        now: datetime,
    ) -> Silence | None:
        platform = account.platform.value
        if platform not in rule.spec.params.get("platforms", (platform,)):
            return None
        base = RuleContext(
            platform=platform, official=True, org_type=org.org_type, jurisdiction=org.jurisdiction
        )
        if not rule.applies(base):
            return None
        last = self.activity.last_post(account.id)
        if last is None:  # watched from now on
            expires = dispose(self.retention, org, CLOCK_RECORD, now).expires_at
            self.activity.note_post(account.id, org.id, now, expires or now + timedelta(days=365))
            return None
        hours = (now - last).total_seconds() / 3600
        context = RuleContext(
            platform=platform,
            official=True,
            org_type=org.org_type,
            jurisdiction=org.jurisdiction,
            hours_since_last_post=hours,
        )
        hits = rule.hits("", context)
        if not hits:
            return None
        flag_id = cadence_flag_id(account.id, last)
        flag = Flag(
            flag_id=flag_id,
            org_id=org.id,
            severity=rule.spec.severity,
            rule_ids=(rule.spec.id,),
            kinds=tuple(sorted({h.kind for h in hits})),
            platform=account.platform,
            account_id=account.platform_account_id,
            object_kind=ObjectKind.POST,
            event_id=flag_id[2:],
            policy_id=policy.id,
            policy_version=policy.version,
            evidence_key=NO_EVIDENCE,
            created_at=now,
            retention_class=FLAG_RECORD,
            expires_at=dispose(self.retention, org, FLAG_RECORD, now).expires_at,
        )
        created = self.flags.create(flag)
        if created:
            body = {
                "flag_id": flag_id,
                "org_id": org.id,
                "severity": flag.severity.value,
                "rules": list(flag.rule_ids),
                "kinds": list(flag.kinds),
                "platform": platform,
                "account_id": flag.account_id,
                "object_kind": ObjectKind.POST.value,
                "policy_version": policy.version,
                "excerpt": f"no official post for {hours:.0f} h",
            }
            subject = f"Uppsikt {flag.severity.value} flag {flag_id}: cadence on {platform}"
            message_id = self.notifier.publish(
                subject[:99],
                json.dumps(body, ensure_ascii=False),
                {"severity": flag.severity.value, "flag_id": flag_id, "org_id": org.id},
            )
            self.flags.mark_notified(flag_id, message_id)
        return Silence(org.id, account.id, platform, hours, flag_id, created)
