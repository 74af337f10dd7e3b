"""Rule kind `response_clock`: a visitor's question left unanswered longer than the target.

The rule is the organisation's response target as data: `target_hours` of business time (its
open hours, time zone and public holidays), `at_risk` (the share of the target after which the
clock is at risk) and `escalate_after_hours` (business hours after the breach before it goes to
the next level; 0: never). `uppsikt.clocks.responses` reads these when a question arrives and
starts a clock; the clock's tick raises the alerts. No single comment shows a wait, so the
detector reads `context.business_hours_unanswered`, which only the clocks supply; evaluated on an
ordinary item (where it is unset) it never fires.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register


class ResponseClockParams(Params):
    target_hours: float = Field(default=8.0, gt=0)
    at_risk: float = Field(default=0.75, gt=0, le=1)
    escalate_after_hours: float = Field(default=8.0, ge=0)


@register("response_clock", params=ResponseClockParams, vocabulary="response")
class ResponseClockDetector:
    def __init__(self, params: ResponseClockParams) -> None:
        self._target = params.target_hours

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        waited = context.business_hours_unanswered
        if waited is None or waited <= self._target:
            return ()
        label = f"question unanswered for {waited:.1f} business hours (target {self._target:g})"
        return (Finding(start=0, end=0, confidence=1.0, label=label, mask=""),)
