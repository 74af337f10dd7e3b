"""A data-subject request, what it concerns, and what an erasure kept and why.

A request names one person as one organisation knows them: a platform and a platform user id,
turned into the person's pseudonym under every live key version (`privacy.pseudonym`) and from
there into the `by-author` index keys (`<org>#<pseudonym>`). The platform id itself is never
stored: the request row holds the index keys while the request is open (a pending request acts
as a hold on what it concerns) and drops them when an erasure is answered.

Due dates (GDPR Art. 12(3)): one month from receipt, extendable by two further months with a
recorded notice to the person.
"""

from __future__ import annotations

import calendar
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from uppsikt.model.events import Platform

DSR_FILE = "dsr_file"
EXTENSION_MONTHS = 2


class Kind(StrEnum):
    ACCESS = "access"
    ERASURE = "erasure"
    RESTRICTION = "restriction"


class Status(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"


class Kept(BaseModel):
    """One thing an erasure left in place, and why (no content, no personal data)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store: str  # items | flags | evidence | raw
    key: str
    reason: str


class Request(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    request_id: str
    org_id: str
    kind: Kind
    platform: Platform
    # The person's `by-author` keys under every live key version; emptied once an erasure is done.
    author_keys: tuple[str, ...]
    received_at: datetime
    due_at: datetime
    status: Status = Status.OPEN
    extended_at: datetime | None = None
    extension_notice: str | None = None
    reminded_at: datetime | None = None
    answered_at: datetime | None = None
    # What the answer did, as counts per store and action ("items.deleted": 3), and what was kept.
    counts: dict[str, int] = {}
    kept: tuple[Kept, ...] = ()
    lifted_at: datetime | None = None  # a restriction, once lifted

    @property
    def extended(self) -> bool:
        return self.extended_at is not None


@dataclass(frozen=True)
class Concern:
    """One stored thing about the person, as a keep rule (hold, archive duty) sees it: where it
    is and what it belongs to, never its content."""

    store: Literal["items", "flags", "evidence", "raw"]
    key: str
    org_id: str
    retention_class: str | None = None
    item_ref: str | None = None
    flag_id: str | None = None
    account_id: str | None = None
    author_key: str | None = None


@dataclass(frozen=True)
class PendingHold:
    """A pending request as a hold on what it concerns (for the purge's `HoldSource`): scope
    `author`, target the `by-author` key, until the request is answered (review by `due_at`)."""

    org_id: str
    scope: Literal["author"]
    target: str  # "<org>#<pseudonym>"
    reason: str  # "pending data-subject request <id> (<kind>)"
    request_id: str
    since: datetime
    review_at: datetime


@dataclass
class Findings:
    """Everything stored about the person in one organisation, found through the indexes."""

    records: list[dict[str, Any]]  # working records, held actions and shadow results (rows)
    flags: list[dict[str, Any]]
    evidence: dict[str, dict[str, Any]]  # object key -> the stored evidence (JSON)
    raw_keys: list[str]
    restricted: list[str]  # the pseudonyms under an active restriction

    @property
    def empty(self) -> bool:
        return not (self.records or self.flags or self.evidence or self.raw_keys or self.restricted)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has no such day): Art. 12(3)'s
    "one month" as the Regulation on time limits (1182/71) counts it."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def due_date(received_at: datetime) -> datetime:
    return add_months(received_at, 1)


def new_request_id(received_at: datetime) -> str:
    return f"R-{received_at:%Y%m%d}-{secrets.token_hex(4)}"
