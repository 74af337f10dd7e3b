"""Publisher check over time: official posts per account and ISO week, and how many of them
were made by someone who is not a designated admin (regulation §5(a) R2).

The publisher rule flags each such post as it comes; these counts show the pattern an officer
asks about ("who else posts on our page, and how often?") without a scan: evaluation counts each
official post in its week's row (`ResponseClocks.observe`), once per event, and a report reads one
row per account of the organisation. A post whose author the platform does not name (a Facebook
Page's own post names the Page) counts as a post, not as one by a non-admin, as in the rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from uppsikt.accounts.model import Registry
from uppsikt.clocks.ports import Activity

PUBLISHER_COUNT = "analytics_aggregate"  # retention class: aggregates, no user data


def iso_week(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True, slots=True)
class WeekRow:
    org_id: str
    week: str
    account_id: str
    platform: str
    posts: int
    by_non_admins: int

    def as_dict(self) -> dict[str, str | int]:
        return {
            "org_id": self.org_id,
            "week": self.week,
            "account_id": self.account_id,
            "platform": self.platform,
            "posts": self.posts,
            "by_non_admins": self.by_non_admins,
        }


def week_report(activity: Activity, registry: Registry, org_id: str, week: str) -> list[WeekRow]:
    """One row per account of the organisation (zero where it did not post that week)."""
    accounts = registry.accounts_of(org_id)
    counts = activity.week_counts(org_id, week, [a.id for a in accounts])
    return [
        WeekRow(org_id, week, a.id, a.platform.value, *counts.get(a.id, (0, 0))) for a in accounts
    ]
