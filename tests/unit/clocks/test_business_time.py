"""Business time: due moments and elapsed business time over hours, weekends, holidays and DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uppsikt.clocks import (
    BadSchedule,
    BusinessCalendar,
    NotAMoment,
    business_elapsed,
    closed_days,
    due_at,
)
from uppsikt.clocks.business_time import Jurisdiction

CPH = ZoneInfo("Europe/Copenhagen")
STO = ZoneInfo("Europe/Stockholm")
OSL = ZoneInfo("Europe/Oslo")
HEL = ZoneInfo("Europe/Helsinki")
DK = BusinessCalendar("Europe/Copenhagen", "dk", opens=time(8), closes=time(17))
SE = BusinessCalendar("Europe/Stockholm", "se", opens=time(8), closes=time(17))
NO = BusinessCalendar("Europe/Oslo", "no", opens=time(8), closes=time(17))
FI = BusinessCalendar("Europe/Helsinki", "fi", opens=time(8), closes=time(17))
H = timedelta(hours=1)


def local(zone: ZoneInfo, *when: int) -> datetime:
    """A wall-clock moment in `zone`: year, month, day[, hour[, minute]]."""
    year, month, day, hour, minute = (*when, 0, 0)[:5]
    return datetime(year, month, day, hour, minute, tzinfo=zone)


def test_a_question_on_friday_at_16_45_with_a_4_hour_target_is_due_on_monday_at_11_45() -> None:
    # 15 minutes on Friday 4 December 2026, 3 h 45 on Monday from 08:00.
    due = due_at(local(CPH, 2026, 12, 4, 16, 45), 4 * H, DK)

    assert due == datetime(2026, 12, 7, 10, 45, tzinfo=UTC)
    assert due.astimezone(CPH) == local(CPH, 2026, 12, 7, 11, 45)
    assert due.tzinfo is UTC


def test_hootsuites_published_example_holds_friday_16_45_plus_30_minutes_is_monday_09_15() -> None:
    hours = BusinessCalendar("Europe/Copenhagen", "dk", opens=time(9), closes=time(17))
    due = due_at(local(CPH, 2026, 12, 4, 16, 45), timedelta(minutes=30), hours)
    assert due.astimezone(CPH) == local(CPH, 2026, 12, 7, 9, 15)


def test_a_start_outside_hours_starts_the_clock_at_the_next_opening() -> None:
    evening = local(STO, 2026, 12, 1, 21, 0)
    early = local(STO, 2026, 12, 2, 6, 30)

    assert due_at(evening, 2 * H, SE).astimezone(STO) == local(STO, 2026, 12, 2, 10, 0)
    assert due_at(early, 2 * H, SE).astimezone(STO) == local(STO, 2026, 12, 2, 10, 0)
    assert SE.next_opening(evening).astimezone(STO) == local(STO, 2026, 12, 2, 8, 0)


def test_a_zero_target_is_due_at_the_next_opening_or_at_once_when_open() -> None:
    assert due_at(local(STO, 2026, 12, 5, 12, 0), timedelta(0), SE) == SE.next_opening(
        local(STO, 2026, 12, 7, 0, 0)
    )
    inside = local(STO, 2026, 12, 2, 12, 0)
    assert due_at(inside, timedelta(0), SE) == inside.astimezone(UTC)


def test_a_target_that_ends_at_closing_time_is_due_at_closing_not_at_the_next_opening() -> None:
    due = due_at(local(STO, 2026, 12, 2, 15, 0), 2 * H, SE)
    assert due.astimezone(STO) == local(STO, 2026, 12, 2, 17, 0)


def test_a_start_on_a_holiday_waits_for_the_next_working_day() -> None:
    # Christmas Day 2026 is a Friday: Saturday, Sunday, then Monday 28 December.
    due = due_at(local(CPH, 2026, 12, 25, 10, 0), H, DK)
    assert due.astimezone(CPH) == local(CPH, 2026, 12, 28, 9, 0)


def test_a_clock_crosses_the_year_boundary_over_new_years_eve_and_day() -> None:
    # Danish offices close on 31 December (de facto) and 1 January (public): Wed 30 Dec 2026
    # 16:00 + 2 h is Monday 4 January 2027 09:00, through the weekend of 2-3 January.
    due = due_at(local(CPH, 2026, 12, 30, 16, 0), 2 * H, DK)
    assert due.astimezone(CPH) == local(CPH, 2027, 1, 4, 9, 0)
    assert business_elapsed(local(CPH, 2026, 12, 30, 16, 0), due, DK) == 2 * H


def test_midsummer_eve_is_closed_in_sweden_and_finland() -> None:
    # Midsommarafton 2026 is Friday 19 June. The library has it as de facto in Sweden (taken
    # here) and as a public holiday in Finland.
    assert date(2026, 6, 19) in closed_days("se", 2026)
    assert date(2026, 6, 19) in closed_days("fi", 2026)
    due = due_at(local(STO, 2026, 6, 18, 16, 0), 2 * H, SE)
    assert due.astimezone(STO) == local(STO, 2026, 6, 22, 9, 0)


def test_christmas_eve_is_closed_in_every_jurisdiction() -> None:
    for jurisdiction in ("dk", "se", "no", "fi"):
        assert date(2026, 12, 24) in closed_days(jurisdiction, 2026), jurisdiction


def test_easter_and_the_movable_feasts_follow_easter_each_year() -> None:
    # Easter Sunday: 5 April 2026, 28 March 2027. Ascension +39 days, Whit Monday +50.
    for year, easter in ((2026, date(2026, 4, 5)), (2027, date(2027, 3, 28))):
        for jurisdiction in ("dk", "se", "no", "fi"):
            days = closed_days(jurisdiction, year)
            assert easter - timedelta(days=2) in days  # Good Friday
            assert easter + timedelta(days=39) in days  # Kristi himmelfartsdag
        for jurisdiction in ("dk", "no"):  # 2. pinsedag is a holiday in Denmark and Norway only
            assert easter + timedelta(days=50) in closed_days(jurisdiction, year)
        assert easter + timedelta(days=50) not in closed_days("se", year)
        assert easter + timedelta(days=1) in closed_days("se", year)  # annandag påsk


def test_kristi_himmelfartsdag_stops_a_clock_for_the_day() -> None:
    # Thursday 14 May 2026: Wednesday 16:00 + 2 h is Friday 09:00 in Oslo.
    due = due_at(local(OSL, 2026, 5, 13, 16, 0), 2 * H, NO)
    assert due.astimezone(OSL) == local(OSL, 2026, 5, 15, 9, 0)


@pytest.mark.parametrize(
    ("calendar", "zone", "start", "expected"),
    [
        # Denmark: Grundlovsdag, Friday 5 June 2026 (closed by custom), then the weekend.
        (DK, CPH, (2026, 6, 4, 16, 0), (2026, 6, 8, 9, 0)),
        # Sweden: National Day, Saturday 6 June 2027 is on the weekend; take Friday 6 June 2025,
        # a public holiday, then the weekend.
        (SE, STO, (2025, 6, 5, 16, 0), (2025, 6, 9, 9, 0)),
        # Norway: Easter Monday 6 April 2026 after the Easter weekend (Thursday-Monday).
        (NO, OSL, (2026, 4, 1, 16, 0), (2026, 4, 7, 9, 0)),
        # Finland: Independence Day, Friday 6 December 2024, then the weekend.
        (FI, HEL, (2024, 12, 5, 16, 0), (2024, 12, 9, 9, 0)),
    ],
    ids=["dk-grundlovsdag", "se-nationaldagen", "no-paske", "fi-itsenaisyyspaiva"],
)
def test_each_jurisdictions_holiday_next_to_a_weekend_is_skipped(
    calendar: BusinessCalendar,
    zone: ZoneInfo,
    start: tuple[int, ...],
    expected: tuple[int, ...],
) -> None:
    due = due_at(local(zone, *start), 2 * H, calendar)
    assert due.astimezone(zone) == local(zone, *expected)
    assert business_elapsed(local(zone, *start), due, calendar) == 2 * H


def test_spring_forward_keeps_wall_clock_hours_and_the_utc_moment_moves_an_hour() -> None:
    # Clocks go forward on Sunday 29 March 2026 in Stockholm and Oslo.
    due = due_at(local(STO, 2026, 3, 27, 16, 0), 2 * H, SE)
    assert due.astimezone(STO) == local(STO, 2026, 3, 30, 9, 0)
    assert due == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)  # CEST: UTC+2


def test_fall_back_keeps_wall_clock_hours_and_the_utc_moment_moves_an_hour() -> None:
    # Clocks go back on Sunday 25 October 2026.
    due = due_at(local(OSL, 2026, 10, 23, 16, 0), 2 * H, NO)
    assert due.astimezone(OSL) == local(OSL, 2026, 10, 26, 9, 0)
    assert due == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)  # CET: UTC+1


def test_hours_that_span_the_change_are_an_hour_shorter_on_the_day_clocks_go_forward() -> None:
    all_day = BusinessCalendar(
        "Europe/Stockholm", "se", days=("sun",), opens=time(0), closes=time(23, 59)
    )
    day = (local(STO, 2026, 3, 29, 0, 0), local(STO, 2026, 3, 30, 0, 0))
    assert business_elapsed(*day, all_day) == timedelta(hours=22, minutes=59)


def test_business_elapsed_counts_only_open_hours() -> None:
    start = local(CPH, 2026, 12, 4, 16, 0)  # Friday
    end = local(CPH, 2026, 12, 7, 10, 0)  # Monday
    assert business_elapsed(start, end, DK) == 3 * H
    assert business_elapsed(end, start, DK) == timedelta(0)


def test_is_open_reads_the_local_wall_clock() -> None:
    assert DK.is_open(datetime(2026, 12, 7, 7, 30, tzinfo=UTC))  # 08:30 in Copenhagen
    assert not DK.is_open(datetime(2026, 12, 7, 6, 30, tzinfo=UTC))  # 07:30
    assert not DK.is_open(local(CPH, 2026, 12, 5, 12, 0))  # Saturday


def test_naive_moments_and_negative_targets_are_refused() -> None:
    with pytest.raises(NotAMoment, match="start must be an aware datetime"):
        due_at(datetime(2026, 12, 4, 16, 45), H, DK)
    with pytest.raises(NotAMoment, match="end"):
        business_elapsed(local(CPH, 2026, 12, 4, 16, 45), datetime(2026, 12, 5), DK)
    with pytest.raises(NotAMoment, match="negative"):
        due_at(local(CPH, 2026, 12, 4, 16, 45), -H, DK)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"jurisdiction": "de"}, "jurisdiction"),
        ({"days": ()}, "days"),
        ({"days": ("monday",)}, "days"),
        ({"opens": time(17), "closes": time(8)}, "opens must be before closes"),
        ({"opens": time(8, tzinfo=UTC)}, "wall-clock"),
    ],
)
def test_a_calendar_that_cannot_run_a_clock_is_refused_when_built(
    kwargs: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {"time_zone": "Europe/Oslo", "jurisdiction": "no"} | kwargs
    with pytest.raises(BadSchedule, match=message):
        BusinessCalendar(**fields)  # type: ignore[arg-type]


def test_a_calendar_open_only_on_sundays_opens_on_the_next_sunday() -> None:
    sundays = BusinessCalendar("Europe/Oslo", "no", days=("sun",))
    assert sundays.next_opening(local(OSL, 2026, 12, 1, 12, 0)).astimezone(OSL) == local(
        OSL, 2026, 12, 6, 8, 0
    )


# Property: for any start and target, the due moment is inside (or at the close of) open hours,
# and the business time from start to due is the target exactly.
CALENDARS = {
    "dk": DK,
    "se": SE,
    "no": NO,
    "fi": FI,
    "se-short": BusinessCalendar(
        "Europe/Stockholm", "se", days=("mon", "wed", "sat"), opens=time(9, 30), closes=time(12)
    ),
}


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(sorted(CALENDARS)),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 14),
)
def test_business_elapsed_to_the_due_moment_is_the_target_and_due_is_within_hours(
    name: str, start: datetime, minutes: int
) -> None:
    calendar = CALENDARS[name]
    target = timedelta(minutes=minutes)
    due = due_at(start, target, calendar)

    assert business_elapsed(start, due, calendar) == target
    assert due >= start
    hours = calendar.open_hours(due.astimezone(calendar.zone).date())
    assert hours is not None
    assert hours[0] <= due <= hours[1]


@pytest.mark.parametrize("jurisdiction", ["dk", "se", "no", "fi"])
def test_holiday_sets_are_built_once_per_country_and_year(jurisdiction: Jurisdiction) -> None:
    assert closed_days(jurisdiction, 2026) is closed_days(jurisdiction, 2026)
