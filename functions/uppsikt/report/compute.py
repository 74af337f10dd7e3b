"""The supervision report's figures, from audit entries and the flags table (pure; no I/O).

Which entries count (the actions are the review API's, prompts/contract.md):

- a review is any look at or work on a flag: viewed, claimed, commented, unmasked, or a
  decision (dismissed, confirmed, escalated, removal requested, removed);
- a removal is `flag.removed` (the item was removed on the platform);
- a flag awaits removal when its last recorded status is confirmed or removal requested.

What the data cannot show exactly is approximated, and the report says so (`approximations`):

- `notification`: the notification is the flag itself (the detector notifies when it raises the
  flag); user reports and third-party notices outside Uppsikt are not in the data;
- `item_time`: when an entry lacks the item's publication time, the flag's creation stands in;
- `staff_threads`: unless the review API records `staff_in_thread` on a flag's entries, every
  comment or reply on the account is counted as in a thread staff took part in (the account
  published the post it answers); posts and mentions are not.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from uppsikt.audit.model import AuditAction, AuditEntry
from uppsikt.clocks.business_time import BusinessCalendar
from uppsikt.clocks.calendar import calendar_of
from uppsikt.report.model import AccountWeek, Durations, Gap, IsoWeek, SupervisionReport

if TYPE_CHECKING:
    from uppsikt.accounts.model import Organisation

A = AuditAction
DECISIONS = frozenset(
    {A.FLAG_DISMISSED, A.FLAG_CONFIRMED, A.FLAG_ESCALATED, A.FLAG_REMOVAL_REQUESTED, A.FLAG_REMOVED}
)
REVIEWS = DECISIONS | {A.FLAG_VIEWED, A.FLAG_CLAIMED, A.FLAG_COMMENTED, A.FLAG_UNMASKED}
AWAITING = frozenset({"confirmed", "removal_requested"})
THREAD_KINDS = frozenset({"comment", "reply", "live_comment"})
_YES = frozenset({"1", "yes", "true"})
MIN_GAP = timedelta(hours=2)


def summarise(values: Iterable[timedelta]) -> Durations:
    ordered = sorted(max(v, timedelta()) for v in values)
    if not ordered:
        return Durations(0, None, None)
    seconds = [v.total_seconds() for v in ordered]
    p90 = ordered[math.ceil(0.9 * len(ordered)) - 1]  # nearest rank
    return Durations(len(ordered), timedelta(seconds=statistics.median(seconds)), p90)


@dataclass
class _Trail:
    """One flag's story as the audit entries tell it."""

    flag_id: str
    account_id: str
    platform: str
    object_kind: str
    created_at: datetime
    item_created_at: datetime | None = None
    first_review: datetime | None = None
    first_decision: datetime | None = None
    removed: datetime | None = None
    last_status: str | None = None
    staff_in_thread: bool | None = None
    entries: list[AuditEntry] = field(default_factory=list)

    def read(self, entry: AuditEntry) -> None:
        if self.item_created_at is None and entry.detail("item_created_at"):
            self.item_created_at = _time(entry.detail("item_created_at"))
        staff = entry.detail("staff_in_thread")
        if staff is not None:
            self.staff_in_thread = staff.lower() in _YES
        if entry.action in REVIEWS and self.first_review is None:
            self.first_review = entry.at
        if entry.action in DECISIONS and self.first_decision is None:
            self.first_decision = entry.at
        if entry.action is A.FLAG_REMOVED and self.removed is None:
            self.removed = entry.at
        if entry.detail("to_status"):
            self.last_status = entry.detail("to_status")


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def week_bounds(week: IsoWeek, time_zone: str) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 on the organisation's wall clock, as UTC."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(week.monday, time(0), tzinfo=zone)
    end = datetime.combine(week.monday + timedelta(days=7), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def compute(
    org: Organisation,
    week: IsoWeek,
    *,
    accounts: Sequence[tuple[str, str]],
    flags: Iterable[Mapping[str, Any]],
    entries: Iterable[AuditEntry],
    as_of: datetime,
    checkpoint: tuple[str, str] | None,
    min_gap: timedelta = MIN_GAP,
) -> SupervisionReport:
    """The report of `org` for `week`. `accounts`: the organisation's (id, platform) pairs;
    `flags`: its flag rows (at least those raised in the week); `entries`: its audit entries
    from the week's start on; activity after `as_of` is ignored."""
    start, end = week_bounds(week, org.time_zone)
    trails: dict[str, _Trail] = {}
    for row in flags:
        created = _time(row["created_at"])
        if created is None or not start <= created < end:
            continue
        trails[str(row["flag_id"])] = _Trail(
            flag_id=str(row["flag_id"]),
            account_id=str(row["account_id"]),
            platform=str(row["platform"]),
            object_kind=str(row.get("object_kind", "")),
            created_at=created,
        )
    reviews: list[datetime] = []
    for entry in sorted(entries, key=lambda e: (e.at, e.seq)):
        if entry.at > as_of or entry.at < start:
            continue
        if entry.action in REVIEWS and entry.at < end:
            reviews.append(entry.at)
        trail = trails.get(entry.target)
        if trail is not None:
            trail.read(entry)
    approximations = {"notification"}
    if any(t.item_created_at is None and t.first_review for t in trails.values()):
        approximations.add("item_time")
    if any(t.staff_in_thread is None for t in trails.values()):
        approximations.add("staff_threads")
    known = dict(accounts)
    for trail in trails.values():
        known.setdefault(trail.account_id, trail.platform)
    rows = tuple(
        _account(account, platform, [t for t in trails.values() if t.account_id == account])
        for account, platform in sorted(known.items())
    )
    gaps, open_time = _gaps(calendar_of(org), start, min(end, as_of), reviews, min_gap)
    return SupervisionReport(
        org_id=org.id,
        org_name=org.name,
        week=week,
        start=start,
        end=end,
        as_of=as_of,
        time_zone=org.time_zone,
        accounts=rows,
        total=_account("*", "*", list(trails.values())),
        gaps=gaps,
        min_gap=min_gap,
        business_hours=open_time,
        checkpoint_key=checkpoint[0] if checkpoint else None,
        checkpoint_hash=checkpoint[1] if checkpoint else None,
        approximations=tuple(sorted(approximations)),
    )


def _account(account_id: str, platform: str, trails: list[_Trail]) -> AccountWeek:
    reviewed = [t for t in trails if t.first_review is not None]
    removed = [t for t in trails if t.removed is not None]
    staff = [t for t in trails if _in_staff_thread(t)]
    acted = [t for t in staff if t.first_decision is not None]
    return AccountWeek(
        account_id=account_id,
        platform=platform,
        flags=len(trails),
        reviewed=len(reviewed),
        first_review=summarise(
            t.first_review - (t.item_created_at or t.created_at)
            for t in reviewed
            if t.first_review is not None
        ),
        removals=len(removed),
        to_removal=summarise(t.removed - t.created_at for t in removed if t.removed is not None),
        awaiting_removal=sum(1 for t in trails if t.removed is None and t.last_status in AWAITING),
        staff_threads=len(staff),
        staff_threads_acted=len(acted),
        staff_thread_action=summarise(
            t.first_decision - t.created_at for t in acted if t.first_decision is not None
        ),
        unreviewed=tuple(sorted(t.flag_id for t in trails if t.first_review is None)),
    )


def _in_staff_thread(trail: _Trail) -> bool:
    if trail.staff_in_thread is not None:
        return trail.staff_in_thread
    return trail.object_kind in THREAD_KINDS


def _gaps(
    calendar: BusinessCalendar,
    start: datetime,
    until: datetime,
    reviews: list[datetime],
    min_gap: timedelta,
) -> tuple[tuple[Gap, ...], timedelta]:
    """Stretches of open hours in [start, until) with no review activity, each at least
    `min_gap` long, and the open hours in all."""
    gaps: list[Gap] = []
    open_time = timedelta()
    day = start.astimezone(calendar.zone).date()
    last = (until - timedelta(microseconds=1)).astimezone(calendar.zone).date()
    while day <= last:
        hours = calendar.open_hours(day)
        day += timedelta(days=1)
        if hours is None:
            continue
        lo, hi = max(hours[0], start), min(hours[1], until)
        if lo >= hi:
            continue
        open_time += hi - lo
        cursor = lo
        for moment in (r for r in reviews if lo <= r < hi):
            if moment - cursor >= min_gap:
                gaps.append(Gap(cursor, moment))
            cursor = max(cursor, moment)
        if hi - cursor >= min_gap:
            gaps.append(Gap(cursor, hi))
    return tuple(gaps), open_time
