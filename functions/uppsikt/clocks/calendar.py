"""An organisation's business calendar and the response target its pack sets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from uppsikt.accounts.model import Organisation
from uppsikt.clocks.business_time import BusinessCalendar, due_at
from uppsikt.policy.engine import CompiledPolicy
from uppsikt.rules.registry import RuleContext
from uppsikt.rules.response_clock import ResponseClockParams


def calendar_of(org: Organisation) -> BusinessCalendar:
    hours = org.business_hours
    return BusinessCalendar(
        time_zone=org.time_zone,
        jurisdiction=org.jurisdiction,
        days=hours.days,
        opens=hours.opens,
        closes=hours.closes,
    )


@dataclass(frozen=True, slots=True)
class Target:
    """A pack's `response_clock` rule, as the clock uses it."""

    rule_id: str
    severity: str
    params: ResponseClockParams

    def moments(
        self, start: datetime, calendar: BusinessCalendar
    ) -> tuple[datetime, datetime, datetime | None]:
        """At risk, due and escalation moments for a question asked at `start`."""
        hours = self.params.target_hours
        at_risk = due_at(start, timedelta(hours=hours * self.params.at_risk), calendar)
        due = due_at(start, timedelta(hours=hours), calendar)
        extra = self.params.escalate_after_hours
        escalate = due_at(start, timedelta(hours=hours + extra), calendar) if extra else None
        return at_risk, due, escalate


def response_target(
    policy: CompiledPolicy, platform: str, object_kind: str, org_type: str, jurisdiction: str
) -> Target | None:
    """The first `response_clock` rule of the pack that applies to a visitor's item there."""
    context = RuleContext(
        platform=platform,
        object_kind=object_kind,
        official=False,
        org_type=org_type,
        jurisdiction=jurisdiction,
    )
    for rule in policy.rules:
        if rule.spec.kind == "response_clock" and rule.applies(context):
            params = ResponseClockParams.model_validate(rule.spec.params)
            return Target(rule.spec.id, rule.spec.severity.value, params)
    return None
