"""How old a flag is in the organisation's own business hours, for the queue's age badges.

A flag raised on Friday evening has not waited over the weekend: its clock starts on Monday at
opening (uppsikt.clocks.business_time, public holidays included). The bands follow Coop's queue
dashboard (green under 4 hours, orange, red), counted in business hours instead of wall-clock
hours: fresh under 4, due within the first working day (8), overdue after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Literal

from uppsikt.clocks.business_time import BusinessCalendar, business_elapsed

Band = Literal["fresh", "due", "overdue"]
FRESH_HOURS = 4.0
DUE_HOURS = 8.0
# Counted back at most this far: the badge of an older flag says "overdue" all the same, and the
# count stays cheap whatever moment a caller sends.
MAX_SPAN = timedelta(days=400)


def band(business_hours: float) -> Band:
    if business_hours < FRESH_HOURS:
        return "fresh"
    return "due" if business_hours < DUE_HOURS else "overdue"


def age(created_at: datetime, now: datetime, calendar: BusinessCalendar) -> dict[str, float | str]:
    start = max(created_at, now - MAX_SPAN)
    hours = business_elapsed(start, now, calendar).total_seconds() / 3600
    return {"business_hours": round(hours, 1), "band": band(hours)}
