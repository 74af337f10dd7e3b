"""Business time: when a response target falls due, and how much of it has been used.

A clock counts only the organisation's open hours, in its own time zone, on its working days,
and not on its country's public holidays. A question on Friday at 16:45 with a 4-hour target in
08:00-17:00 uses 15 minutes on Friday and is due at 11:45 on Monday. A start outside the hours
(evening, weekend, holiday) starts the clock at the next opening. Due moments come back in UTC.

Open hours are computed per local date (`opens` and `closes` on that date, turned into real
instants), so a day on which the clocks change is still 08:00-17:00 on the wall and 9 real hours
long; only hours that span the change itself (opening before 02:00) are an hour longer or
shorter, as they are on the wall. A due moment at exactly closing time stays on that day.

Holidays come from the `holidays` library (vacanza/holidays). Its first lookup imports all of its
~280 country modules (about 150 ms at cold start with the shipped .pyc, 1 s from source;
docs/quality/questions.md), so the library's answers for the years around today are written
ahead of time to `closed_days.json` (`python -m uppsikt.operations.holiday_table`; a unit test
holds the file equal to the library), and a cold start reads that instead. Other years, or a
missing file, ask the library, imported then; each country's year is cached either way.
Beyond the statutory public holidays we close on the days offices are closed by custom
(`DE_FACTO_CLOSED`): Sweden's midsommarafton, julafton and nyårsafton (the library's `de_facto`
category); Denmark's juleaftensdag, nytårsaftensdag and grundlovsdag; Norway's julaften and
nyttårsaften. Finland's Midsummer Eve and Christmas Eve are public holidays in the library
already.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from uppsikt.clocks.errors import BadSchedule, NotAMoment

Jurisdiction = Literal["dk", "se", "no", "fi"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# The library's country codes, and the categories beside `public` that we count as closed.
_COUNTRY: dict[Jurisdiction, str] = {"dk": "DK", "se": "SE", "no": "NO", "fi": "FI"}
_CATEGORIES: dict[Jurisdiction, tuple[str, ...]] = {
    "dk": ("public",),
    "se": ("public", "de_facto"),  # midsommarafton, julafton, nyårsafton
    "no": ("public",),
    "fi": ("public",),  # juhannusaatto and jouluaatto are public in Finland
}
# Fixed dates (month, day) on which public offices are closed by custom, not statute. Denmark's
# `optional` category would also bring 1 May, which is a day off for some and not others.
DE_FACTO_CLOSED: dict[Jurisdiction, tuple[tuple[int, int], ...]] = {
    "dk": ((6, 5), (12, 24), (12, 31)),
    "se": (),
    "no": ((12, 24), (12, 31)),
    "fi": (),
}
# More closed days in a row than this means the schedule never opens (holidays cover its days).
_MAX_CLOSED_RUN = 366

_lock = threading.Lock()

# The library's holidays per country and year, written from it ahead of time. Switched off
# (UPPSIKT_HOLIDAY_TABLE=0) only to measure the library alone.
HOLIDAY_TABLE = Path(__file__).with_name("closed_days.json")


@cache
def closed_days(jurisdiction: Jurisdiction, year: int) -> frozenset[date]:
    """The public and de facto holidays of a country in a year (cached: built once each)."""
    written = _written().get((jurisdiction, year))
    found = set(library_holidays(jurisdiction, year) if written is None else written)
    found.update(date(year, m, d) for m, d in DE_FACTO_CLOSED[jurisdiction])
    return frozenset(found)


def library_holidays(jurisdiction: Jurisdiction, year: int) -> frozenset[date]:
    """What the library says for a country's counted categories in a year."""
    with _lock:  # the library's lazy registry is not documented as thread-safe
        import holidays

        days = holidays.country_holidays(
            _COUNTRY[jurisdiction], years=year, categories=_CATEGORIES[jurisdiction]
        )
        return frozenset(days.keys())


def holiday_table(years: range) -> dict[str, Any]:
    """The file `_written` reads: the library's answers for `years`, with the categories asked."""
    return {
        "categories": {j: list(c) for j, c in _CATEGORIES.items()},
        "days": {
            j: {str(y): sorted(d.isoformat() for d in library_holidays(j, y)) for y in years}
            for j in _COUNTRY
        },
    }


@cache
def _written() -> dict[tuple[Jurisdiction, int], frozenset[date]]:
    """The table's years, for each country whose categories are still the ones counted here
    (a table older than a change of `_CATEGORIES` is not trusted for that country)."""
    if os.environ.get("UPPSIKT_HOLIDAY_TABLE") == "0":
        return {}
    try:
        table = json.loads(HOLIDAY_TABLE.read_text(encoding="utf-8"))
        return {
            (jurisdiction, int(year)): frozenset(date.fromisoformat(d) for d in days)
            for jurisdiction, years in table["days"].items()
            if jurisdiction in _COUNTRY
            and tuple(table["categories"].get(jurisdiction, ())) == _CATEGORIES[jurisdiction]
            for year, days in years.items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}  # unreadable: the library answers, as it would without the file


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """An organisation's open hours: the shape of `accounts.model.BusinessHours`, plain values.

    Build one per organisation and keep it; it holds no state beyond its fields."""

    time_zone: str
    jurisdiction: Jurisdiction
    days: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri")
    opens: time = time(8, 0)
    closes: time = time(16, 0)

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.time_zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise BadSchedule("time_zone is not an IANA time zone") from exc
        if self.jurisdiction not in _COUNTRY:
            raise BadSchedule("jurisdiction is not one of dk, se, no, fi")
        if not self.days or any(d not in WEEKDAYS for d in self.days):
            raise BadSchedule("days must name at least one weekday (mon ... sun)")
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise BadSchedule("opens and closes are wall-clock times, without a zone")
        if self.opens >= self.closes:
            raise BadSchedule("opens must be before closes")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)  # zoneinfo caches instances per key

    def is_working_day(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.days and day not in closed_days(
            self.jurisdiction, day.year
        )

    def open_hours(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's open interval as UTC instants, or None on a closed day."""
        if not self.is_working_day(day):
            return None
        zone = self.zone
        lo = datetime.combine(day, self.opens, tzinfo=zone).astimezone(UTC)
        hi = datetime.combine(day, self.closes, tzinfo=zone).astimezone(UTC)
        return lo, hi

    def intervals_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals from `moment` on, the first clipped to start at `moment`."""
        moment = _utc(moment, "start")
        day = moment.astimezone(self.zone).date()  # opens < closes: hours never cross midnight
        closed_run = 0
        while closed_run <= _MAX_CLOSED_RUN:
            hours = self.open_hours(day)
            day += timedelta(days=1)
            closed_run = closed_run + 1 if hours is None else 0
            if hours is not None and hours[1] > moment:
                yield max(hours[0], moment), hours[1]
        raise BadSchedule("the business hours never open")

    def is_open(self, moment: datetime) -> bool:
        moment = _utc(moment, "moment")
        hours = self.open_hours(moment.astimezone(self.zone).date())
        return hours is not None and hours[0] <= moment < hours[1]

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when open, else the next opening (where a clock starts), in UTC."""
        return next(self.intervals_from(moment))[0]


def due_at(start: datetime, duration: timedelta, calendar: BusinessCalendar) -> datetime:
    """The moment (UTC) when `duration` of business time has passed since `start`."""
    if duration < timedelta(0):
        raise NotAMoment("duration must not be negative")
    remaining = duration
    for lo, hi in calendar.intervals_from(start):
        if remaining <= hi - lo:
            return lo + remaining
        remaining -= hi - lo
    raise AssertionError("unreachable: intervals_from raises when it runs out")  # pragma: no cover


def business_elapsed(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """Business time between two moments (zero when `end` is not after `start`)."""
    end = _utc(end, "end")
    total = timedelta(0)
    if end <= _utc(start, "start"):
        return total
    for lo, hi in calendar.intervals_from(start):
        if lo >= end:
            break
        total += min(hi, end) - lo
    return total


def _utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NotAMoment(f"{field} must be an aware datetime")
    return moment.astimezone(UTC)
