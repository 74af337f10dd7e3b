"""A question's clock moments in each jurisdiction's business time, from the registry's shape
of an organisation and the pack's `response_clock` rule, across a weekend and a public holiday."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from support.paths import REPO
from uppsikt.accounts.model import BusinessHours, Organisation
from uppsikt.clocks.calendar import Target, calendar_of, response_target
from uppsikt.policy.loader import load_directory
from uppsikt.rules.response_clock import ResponseClockParams

FOUR_HOURS = Target("t", "advisory", ResponseClockParams(target_hours=4, at_risk=0.5))


def org(jurisdiction: str, zone: str) -> Organisation:
    return Organisation(
        id=f"org-{jurisdiction}",
        name="An organisation",
        org_type="union",
        jurisdiction=jurisdiction,  # type: ignore[arg-type]
        policy_pack="nordic-baseline",
        languages=("en",),
        time_zone=zone,
        business_hours=BusinessHours(opens=time(8, 0), closes=time(16, 0)),
    )


@pytest.mark.parametrize(
    ("jurisdiction", "zone", "asked", "due"),
    [
        # Wednesday 1 April 2026, 15:00 local: one hour left; Maundy Thursday, Good Friday, the
        # weekend and Easter Monday are closed in Denmark and Norway: due Tuesday 7 April 11:00.
        (
            "dk",
            "Europe/Copenhagen",
            datetime(2026, 4, 1, 13, 0, tzinfo=UTC),
            datetime(2026, 4, 7, 9, 0, tzinfo=UTC),
        ),
        (
            "no",
            "Europe/Oslo",
            datetime(2026, 4, 1, 13, 0, tzinfo=UTC),
            datetime(2026, 4, 7, 9, 0, tzinfo=UTC),
        ),
        # Sweden works on Maundy Thursday: a question on Thursday 2 April 15:00 waits over Good
        # Friday, the weekend and Easter Monday: due Tuesday 7 April 11:00.
        (
            "se",
            "Europe/Stockholm",
            datetime(2026, 4, 2, 13, 0, tzinfo=UTC),
            datetime(2026, 4, 7, 9, 0, tzinfo=UTC),
        ),
    ],
)
def test_a_clock_waits_over_the_weekend_and_the_easter_holidays_of_its_jurisdiction(
    jurisdiction: str, zone: str, asked: datetime, due: datetime
) -> None:
    at_risk, due_at, escalate = FOUR_HOURS.moments(asked, calendar_of(org(jurisdiction, zone)))
    assert due_at == due
    assert at_risk < due_at
    assert escalate is not None
    assert escalate > due_at


def test_seko_answers_in_four_business_hours_and_the_baseline_in_eight() -> None:
    packs = {p.id: p for p in load_directory(REPO / "policies")}
    seko = response_target(packs["seko"], "facebook", "comment", "union", "se")
    base = response_target(packs["nordic-baseline"], "facebook", "comment", "union", "dk")
    assert seko is not None
    assert base is not None
    assert (seko.params.target_hours, seko.params.escalate_after_hours) == (4, 4)
    assert base.params.target_hours == 8


def test_no_clock_target_applies_to_the_organisations_own_posts() -> None:
    packs = {p.id: p for p in load_directory(REPO / "policies")}
    policy = packs["seko"]
    rule = next(r for r in policy.rules if r.spec.kind == "response_clock")
    assert rule.spec.applies_to.authors.value == "visitors"
