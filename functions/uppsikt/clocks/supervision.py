"""Supervision lag: a clock per flag, from the flag to its first review.

BBS-lagen asks for reasonable supervision, and the supervision report shows how long flags wait
for an officer. Each new flag starts a clock due after the organisation's
`supervision_lag_hours` (registry; business hours), at risk at three quarters of it, escalated
after twice that. The review console sets `first_reviewed_at` on the flag row; the tick reads it
when the clock comes up and stops the clock at that moment instead of alerting
(`supervision.lag` when nobody has looked by the due moment).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from uppsikt.accounts.model import Organisation
from uppsikt.clocks.business_time import due_at
from uppsikt.clocks.calendar import calendar_of
from uppsikt.clocks.model import CLOCK_RECORD, Clock, Kind, clock_id_for
from uppsikt.clocks.ports import ClockStore
from uppsikt.model.records import Flag
from uppsikt.retention.schedule import Schedule, dispose, shipped

FLAG = "flag"
AT_RISK_SHARE = 0.75


@dataclass(frozen=True)
class Supervision:
    store: ClockStore
    retention: Schedule = field(default_factory=shipped)

    def __call__(self, flag: Flag, org: Organisation, now: datetime) -> bool:
        """Start the flag's clock (once, however often the flag is seen); True when started."""
        calendar = calendar_of(org)
        lag = timedelta(hours=org.supervision_lag_hours)
        start = flag.created_at
        clock = Clock(
            clock_id=clock_id_for(Kind.SUPERVISION, FLAG, flag.flag_id),
            org_id=org.id,
            kind=Kind.SUPERVISION,
            subject=FLAG,
            ref=flag.flag_id,
            severity=flag.severity.value,
            started_at=start,
            at_risk_at=due_at(start, lag * AT_RISK_SHARE, calendar),
            due_at=due_at(start, lag, calendar),
            escalate_at=due_at(start, lag * 2, calendar),
            expires_at=dispose(self.retention, org, CLOCK_RECORD, now).expires_at
            or now + timedelta(days=365),
            account_id=flag.account_id,
            platform=flag.platform.value,
        )
        return self.store.create(clock)
