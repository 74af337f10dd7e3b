"""Try a candidate policy pack before it goes live: on what the archive still holds
(`uppsikt policy backtest`), or on live traffic in shadow (`uppsikt policy shadow`).

`uppsikt policy backtest CANDIDATE --org ORG [--since DATE]` judges every item of one
organisation that is still kept (clean working copies, whose text stays for their retention
period, and flagged items' evidence) with the organisation's live pack and with the candidate, in
the same context evaluation used (platform, object kind, official or visitor, org type,
jurisdiction, admins, the language recorded with the item), and reports what would change:
flags gained and lost per rule, each with a few masked excerpts. Nothing is written and nobody is
notified.

Items are found through the items and flags tables' `by-org` indexes, never a scan. An item that
was deleted on the platform has no working copy left (retention row 1), so it is not tried; that
is the point of the retention schedule, not a gap in the backtest.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.model.records import Evidence, ShadowResult
from uppsikt.privacy.masking import masked_excerpt

if TYPE_CHECKING:
    from uppsikt.accounts.model import Organisation, Registry
    from uppsikt.model.verdict import Verdict
    from uppsikt.policy.engine import CompiledPolicy
    from uppsikt.runtime import Runtime

EXAMPLES_PER_RULE = 3


@dataclass(frozen=True)
class Archived:
    """One kept item, as much of it as judging needs."""

    event_id: str
    text: str
    platform: str
    object_kind: str
    official: bool
    author: str | None
    lang: str | None
    account_id: str


@dataclass
class RuleChange:
    gained: int = 0
    lost: int = 0
    examples_gained: list[str] = field(default_factory=list)
    examples_lost: list[str] = field(default_factory=list)


@dataclass
class Report:
    org_id: str
    live: str  # "pack version"
    candidate: str
    items: int = 0
    flagged_live: int = 0
    flagged_candidate: int = 0
    rules: dict[str, RuleChange] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "org_id": self.org_id,
            "live": self.live,
            "candidate": self.candidate,
            "items": self.items,
            "flagged_live": self.flagged_live,
            "flagged_candidate": self.flagged_candidate,
            "rules": {rule: change.__dict__ for rule, change in sorted(self.rules.items())},
        }

    def render(self) -> str:
        lines = [
            f"backtest for {self.org_id}: {self.items} kept items",
            f"  live       {self.live}: {self.flagged_live} flagged",
            f"  candidate  {self.candidate}: {self.flagged_candidate} flagged",
        ]
        if not self.rules:
            lines.append("  no rule would flag anything differently")
        for rule, change in sorted(self.rules.items()):
            lines.append(f"  {rule}: +{change.gained} gained, -{change.lost} lost")
            lines += [f"    + {text}" for text in change.examples_gained]
            lines += [f"    - {text}" for text in change.examples_lost]
        return "\n".join(lines)


def kept_items(rt: Runtime, org_id: str, since: datetime | None = None) -> Iterator[Archived]:
    """The organisation's clean working copies and flagged items' evidence, through the
    `by-org` indexes."""
    s = rt.settings
    for row in Items(rt.dynamodb, s.items_table).rows_of_org(org_id, since=since):
        if row.get("verdict") != "clean" or not row.get("text"):
            continue
        yield Archived(
            event_id=str(row["event_id"]),
            text=str(row["text"]),
            platform=str(row["platform"]),
            object_kind=str(row["object_kind"]),
            official=row.get("retention_class") == "own_post",
            author=row.get("author_pseudonym"),
            lang=row.get("lang"),
            account_id=str(row["account_id"]),
        )
    for flag in Flags(rt.dynamodb, s.flags_table).of_org(org_id, since):
        body = rt.s3.get_object(Bucket=s.archive_bucket, Key=str(flag["evidence_key"]))
        evidence = Evidence.model_validate_json(body["Body"].read())
        event = evidence.event
        yield Archived(
            event_id=event.event_id,
            text=event.text or "",
            platform=event.platform.value,
            object_kind=event.object_kind.value,
            official=not event.is_visitor_content,
            author=event.author.pseudonym if event.author else None,
            lang=evidence.lang,
            account_id=event.account_id,
        )


def backtest(
    items: Iterator[Archived],
    *,
    org: Organisation,
    registry: Registry,
    live: CompiledPolicy,
    candidate: CompiledPolicy,
) -> Report:
    from uppsikt.model.events import Platform
    from uppsikt.rules.registry import RuleContext

    report = Report(org.id, f"{live.id} {live.version}", f"{candidate.id} {candidate.version}")
    for item in items:
        platform = Platform(item.platform)
        account = registry.find(platform, item.account_id)
        context = RuleContext(
            platform=item.platform,
            object_kind=item.object_kind,
            official=item.official,
            author=item.author,
            lang=item.lang,
            org_type=org.org_type,
            jurisdiction=org.jurisdiction,
            designated_admins=org.admins_on(platform),
            account_pseudonym=account.pseudonym if account else None,
        )
        before = live.evaluate_text(item.text, context)
        after = candidate.evaluate_text(item.text, context)
        report.items += 1
        report.flagged_live += before.flagged
        report.flagged_candidate += after.flagged
        _compare(report, item.text, before, after)
    return report


def shadow_report(org_id: str, results: list[ShadowResult]) -> Report:
    """What candidates published in shadow made of one organisation's live traffic: the same
    report as a backtest, from the results evaluation kept (masked evidence, no text)."""
    versions = sorted({r.shadow_version for r in results})
    live = sorted({r.live_version for r in results})
    pack = results[0].pack_id if results else "-"
    report = Report(org_id, f"{pack} {', '.join(live)}", f"{pack} {', '.join(versions)}")
    for result in results:
        report.items += 1
        report.flagged_live += bool(result.live_rules)
        report.flagged_candidate += bool(result.shadow_rules)
        for rule, gained in [(r, True) for r in result.gained] + [(r, False) for r in result.lost]:
            change = report.rules.setdefault(rule, RuleChange())
            shown = [e for e in result.evidence if e.startswith(f"{rule}: ")][:1]
            if gained:
                change.gained += 1
                if len(change.examples_gained) < EXAMPLES_PER_RULE:
                    change.examples_gained += shown
            else:
                change.lost += 1
                if len(change.examples_lost) < EXAMPLES_PER_RULE:
                    change.examples_lost += shown
    return report


def _compare(report: Report, text: str, before: Verdict, after: Verdict) -> None:
    was, now = Counter(before.rule_ids), Counter(after.rule_ids)
    for rule in sorted(set(was) | set(now)):
        if (rule in was) == (rule in now):
            continue
        change = report.rules.setdefault(rule, RuleChange())
        verdict = after if rule in now else before
        excerpt = masked_excerpt(text, [h for h in verdict.hits if h.rule == rule])
        if rule in now:
            change.gained += 1
            if len(change.examples_gained) < EXAMPLES_PER_RULE:
                change.examples_gained.append(excerpt)
        else:
            change.lost += 1
            if len(change.examples_lost) < EXAMPLES_PER_RULE:
                change.examples_lost.append(excerpt)


def dumps(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
