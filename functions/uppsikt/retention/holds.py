"""Legal holds (regulation.md §5b row 13): a hold keeps everything it covers from the purge.

A hold names what it covers (`scope` and `target`): one item (`item_ref`), one author (their
pseudonym), one flag, one account, or the whole organisation. It records who placed it, why, when
it starts and when it must be reviewed (every six months by default). Released holds are kept as
records (`legal_hold_record`, three years from release). Precedence (schedule.py): a hold beats
archive duty and every retention period; on release the normal schedule resumes, and what is past
its date goes at the next run.

Holds come from several sources (`ports.HoldSource`): the legal holds in the GovernanceTable and,
wired by the lead, pending data-subject requests. The purge asks all of them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from uppsikt.errors import BadRequest, NotFound

if TYPE_CHECKING:
    from uppsikt.retention.ports import Alerts, Candidate, EvidenceIndex, HoldBook, Locks

REVIEW_EVERY = timedelta(days=182)  # §5b row 13: review every 6 months
ALERT_TYPE = "hold.review_due"


class Scope(StrEnum):
    ITEM = "item"
    AUTHOR = "author"
    FLAG = "flag"
    ACCOUNT = "account"
    ORGANISATION = "organisation"


class HoldInvalid(BadRequest):
    """A hold cannot be placed as asked (names the field, never its value)."""


class HoldNotFound(NotFound):
    """No hold with that id in that organisation."""


@dataclass(frozen=True)
class Hold:
    hold_id: str
    org_id: str
    scope: Scope
    target: str
    placed_by: str
    reason: str
    started_at: datetime
    review_at: datetime
    released_at: datetime | None = None
    released_by: str | None = None
    reminded_for: str | None = None  # the review date a reminder was last sent for
    source: str = "legal"  # "legal", or another HoldSource's name (e.g. a data-subject request)

    def active(self, now: datetime) -> bool:
        return self.started_at <= now and (self.released_at is None or self.released_at > now)

    def covers(self, candidate: Candidate) -> bool:
        if candidate.org_id != self.org_id:
            return False
        value = {
            Scope.ORGANISATION: candidate.org_id,
            Scope.ACCOUNT: candidate.account_id,
            Scope.ITEM: candidate.item_ref,
            Scope.FLAG: candidate.flag_id,
            Scope.AUTHOR: candidate.author,
        }[self.scope]
        return value == self.target

    def review_due(self, now: datetime) -> bool:
        return (
            self.released_at is None
            and self.review_at <= now
            and self.reminded_for != self.review_at.date().isoformat()
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "hold_id": self.hold_id,
            "org_id": self.org_id,
            "scope": self.scope.value,
            "target": self.target,
            "placed_by": self.placed_by,
            "reason": self.reason,
            "started_at": self.started_at.isoformat(),
            "review_at": self.review_at.isoformat(),
            "released_at": self.released_at.isoformat() if self.released_at else None,
            "released_by": self.released_by,
            "reminded_for": self.reminded_for,
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> Hold:
        def moment(name: str) -> datetime | None:
            value = values.get(name)
            return datetime.fromisoformat(value) if value else None

        started, review = moment("started_at"), moment("review_at")
        if started is None or review is None:
            raise HoldInvalid("a stored hold lacks its start or review date")
        return cls(
            hold_id=values["hold_id"],
            org_id=values["org_id"],
            scope=Scope(values["scope"]),
            target=values["target"],
            placed_by=values["placed_by"],
            reason=values["reason"],
            started_at=started,
            review_at=review,
            released_at=moment("released_at"),
            released_by=values.get("released_by"),
            reminded_for=values.get("reminded_for"),
            source=values.get("source", "legal"),
        )


def new(
    *,
    org_id: str,
    scope: str,
    target: str,
    placed_by: str,
    reason: str,
    now: datetime,
    review_at: datetime | None = None,
) -> Hold:
    """A new hold, checked: every field named, the review date after the start."""
    try:
        kind = Scope(scope)
    except ValueError:
        raise HoldInvalid("scope must be item, author, flag, account or organisation") from None
    for name, value in (("target", target), ("placed_by", placed_by), ("reason", reason)):
        if not value.strip():
            raise HoldInvalid(f"a hold needs its {name}")
    if kind is Scope.ORGANISATION and target != org_id:
        raise HoldInvalid("an organisation hold's target is the organisation itself")
    review = review_at or now + REVIEW_EVERY
    if review <= now:
        raise HoldInvalid("the review date must be after the hold starts")
    return Hold(
        hold_id=f"H-{uuid.uuid4().hex[:12]}",
        org_id=org_id,
        scope=kind,
        target=target,
        placed_by=placed_by,
        reason=reason,
        started_at=now,
        review_at=review,
    )


def released(hold: Hold, *, by: str, now: datetime) -> Hold:
    if hold.released_at is not None:
        raise HoldInvalid("the hold is already released")
    return replace(hold, released_at=now, released_by=by)


def holding(holds: list[Hold], candidate: Candidate, now: datetime) -> list[Hold]:
    return [h for h in holds if h.active(now) and h.covers(candidate)]


def remind(holds: list[Hold], alerts: Alerts, now: datetime) -> list[Hold]:
    """Publish one `hold.review_due` alert per hold whose review date has passed (once per review
    date); returns the holds reminded, to be saved with `reminded_for` set."""
    reminded: list[Hold] = []
    for hold in holds:
        if not hold.review_due(now):
            continue
        review_date = hold.review_at.date().isoformat()
        message = {
            "type": ALERT_TYPE,
            "org_id": hold.org_id,
            "hold_id": hold.hold_id,
            "review_date": review_date,
        }
        alerts.publish(
            "A legal hold is due for review",
            json.dumps(message, sort_keys=True),
            {"org_id": hold.org_id, "type": ALERT_TYPE},
        )
        reminded.append(replace(hold, reminded_for=review_date))
    return reminded


def _evidence_covered(hold: Hold, index: EvidenceIndex) -> list[str]:
    return [c.key for c in index.objects_of(hold.org_id) if c.store == "archive" and hold.covers(c)]


def place(hold: Hold, book: HoldBook, locks: Locks, index: EvidenceIndex) -> int:
    """Record the hold, then lock the evidence it covers at the storage layer (S3 Object Lock
    legal hold on every version); returns how many versions were locked."""
    book.save_hold(hold)
    return sum(locks.set(key, True) for key in _evidence_covered(hold, index))


def release(
    org_id: str,
    hold_id: str,
    *,
    by: str,
    now: datetime,
    book: HoldBook,
    locks: Locks,
    index: EvidenceIndex,
) -> tuple[Hold, int]:
    """Release a hold: its record stays (three years); the Object Lock legal hold is lifted from
    evidence no other active hold covers. What is past its date goes at the next purge run."""
    hold = released(book.hold(org_id, hold_id), by=by, now=now)
    book.save_hold(hold)
    others = [h for h in book.holds(org_id) if h.hold_id != hold_id and h.active(now)]
    unlocked = 0
    for candidate in index.objects_of(org_id):
        if candidate.store != "archive" or not hold.covers(candidate):
            continue
        if not any(o.covers(candidate) for o in others):
            unlocked += locks.set(candidate.key, False)
    return hold, unlocked
