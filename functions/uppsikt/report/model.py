"""The supervision report's figures, per account and for the whole organisation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from uppsikt.report.errors import BadWeek

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text)
        if not match:
            raise BadWeek("week: write it as YYYY-Www, e.g. 2026-W47")
        year, week = int(match[1]), int(match[2])
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise BadWeek("week: that year has no such week") from None
        return cls(year, week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


@dataclass(frozen=True)
class Durations:
    """A set of durations, summarised (nearest-rank p90; the median of an even count is the
    mean of the two middle values)."""

    count: int
    median: timedelta | None
    p90: timedelta | None


@dataclass(frozen=True)
class AccountWeek:
    account_id: str  # "*" for the organisation's total
    platform: str
    flags: int  # flags raised in the week
    reviewed: int  # of those, reviewed at least once by the report's cut-off
    first_review: Durations  # item published -> first review
    removals: int  # of those, removed on the platform by the cut-off
    to_removal: Durations  # notification (the flag) -> removal
    awaiting_removal: int  # confirmed or removal requested, not yet removed
    staff_threads: int  # flags in threads where staff took part (see `approximations`)
    staff_threads_acted: int  # of those, decided (dismissed, confirmed, escalated, removal)
    staff_thread_action: Durations  # notification -> decision, in those threads
    unreviewed: tuple[str, ...]  # flag ids never reviewed

    @property
    def coverage(self) -> float | None:
        return None if self.flags == 0 else self.reviewed / self.flags


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start


@dataclass(frozen=True)
class SupervisionReport:
    org_id: str
    org_name: str
    week: IsoWeek
    start: datetime  # Monday 00:00 in the organisation's time zone (as UTC)
    end: datetime
    as_of: datetime  # review activity up to this moment counts
    time_zone: str
    accounts: tuple[AccountWeek, ...]
    total: AccountWeek
    gaps: tuple[Gap, ...]  # business hours with no review activity, each at least `min_gap`
    min_gap: timedelta
    business_hours: timedelta  # open hours in the week
    checkpoint_key: str | None
    checkpoint_hash: str | None
    approximations: tuple[str, ...] = field(default=())  # label keys, explained in the report

    @property
    def gap_total(self) -> timedelta:
        return sum((g.length for g in self.gaps), timedelta())
