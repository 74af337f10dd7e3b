"""When each recipient hears about a flag or an alert: now, later, or (by its choice) not at all.

- Legal severity: at once, quiet hours or not. A legal flag (a national id number, health data
  in a public comment) may need removing tonight, and that is what the severity says.
- Mandatory: at once, except in the recipient's quiet hours, when it waits for their end.
- Advisory: into the recipient's next daily digest (none for a recipient without the digest).
- A recipient hears about flags from `flags_from` up and about alerts only when `alerts` is on.

Deferred messages are kept under the hour they fall due (`due_hour`, rounded up, in UTC), which
is what the hourly tick reads: no scan, and a digest never goes out before its time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from uppsikt.model.verdict import Severity
from uppsikt.notify.incoming import Incoming
from uppsikt.notify.subscriptions import Recipient

Reason = Literal["digest", "quiet"]


@dataclass(frozen=True)
class SendNow:
    pass


@dataclass(frozen=True)
class Defer:
    until: datetime  # UTC
    reason: Reason


@dataclass(frozen=True)
class Skip:
    why: str  # the preference that says no: for the log, never content


Decision = SendNow | Defer | Skip


def next_digest(recipient: Recipient, now: datetime) -> datetime:
    """The recipient's next digest time after `now`, in UTC (its local `digest_at`)."""
    local = now.astimezone(recipient.zone)
    at = local.replace(
        hour=recipient.digest_at.hour, minute=recipient.digest_at.minute, second=0, microsecond=0
    )
    if at <= local:
        # The same wall-clock time tomorrow (replace, not +24 h, so DST keeps it at 08:00).
        tomorrow = (local + timedelta(days=1)).date()
        at = datetime.combine(tomorrow, recipient.digest_at, tzinfo=recipient.zone)
    return at.astimezone(UTC)


def due_hour(moment: datetime) -> datetime:
    """`moment` rounded up to the full hour, in UTC."""
    moment = moment.astimezone(UTC)
    floor = moment.replace(minute=0, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(hours=1)


def decide(message: Incoming, recipient: Recipient, now: datetime) -> Decision:
    if message.org_id != recipient.org_id:
        return Skip("another organisation")
    if message.kind == "flag":
        if recipient.flags_from is None or message.severity.rank < recipient.flags_from.rank:
            return Skip("below the recipient's flag severity")
    elif not recipient.alerts:
        return Skip("the recipient takes no alerts")
    if message.severity is Severity.ADVISORY:
        if not recipient.digest:
            return Skip("advisory, and the recipient takes no digest")
        return Defer(next_digest(recipient, now), "digest")
    if message.severity is Severity.LEGAL or recipient.quiet_hours is None:
        return SendNow()
    local = now.astimezone(recipient.zone)
    if recipient.quiet_hours.contains(local.time()):
        return Defer(recipient.quiet_hours.ends_after(local).astimezone(UTC), "quiet")
    return SendNow()
