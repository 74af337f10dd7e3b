"""Age badges count the organisation's business hours, not the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from support.stack import REGISTRY
from uppsikt.accounts.registry import load as load_registry
from uppsikt.clocks.calendar import calendar_of
from uppsikt.console.ages import age, band


@pytest.fixture(scope="module")
def seko_calendar():  # type: ignore[no-untyped-def]
    organisation = load_registry(REGISTRY).organisation("seko")
    assert organisation is not None
    return calendar_of(organisation)


def test_a_flag_raised_on_friday_evening_is_fresh_on_monday_morning(seko_calendar) -> None:  # type: ignore[no-untyped-def]
    friday_evening = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)  # 19:00 in Stockholm
    monday_nine = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
    assert age(friday_evening, monday_nine, seko_calendar) == {
        "business_hours": 1.0,
        "band": "fresh",
    }


def test_a_whole_working_day_later_the_flag_is_overdue(seko_calendar) -> None:  # type: ignore[no-untyped-def]
    monday_opening = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm
    tuesday_noon = datetime(2026, 12, 1, 11, 0, tzinfo=UTC)
    result = age(monday_opening, tuesday_noon, seko_calendar)
    assert result == {"business_hours": 12.5, "band": "overdue"}


def test_the_bands_turn_at_four_and_eight_business_hours() -> None:
    assert [band(h) for h in (0, 3.9, 4, 7.9, 8)] == ["fresh", "fresh", "due", "due", "overdue"]


def test_a_moment_from_long_ago_is_overdue_without_counting_every_day_since(seko_calendar) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    assert age(datetime(1, 1, 1, tzinfo=UTC), now, seko_calendar)["band"] == "overdue"
