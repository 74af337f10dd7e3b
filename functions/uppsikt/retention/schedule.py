"""The retention schedule as validated data, and the one function every writer asks for an expiry.

The schedule (`policies/retention/schedule.yaml`, regulation.md §5b) names retention classes.
Each class says which §5b row it implements, its legal basis, and one term per org type (union,
authority): a period in days (or none), the event the period runs from, and what happens at
expiry: `delete`, `anonymise`, or `archive` (hand over to the public body's archive; never purged
by Uppsikt). The Lambda functions have no YAML parser, so they read `shipped.json` beside this
module, a copy `uppsikt retention schedule --write` makes from the YAML (a test keeps them equal).

Organisations. Each organisation's terms are the default for its org type, changed by its
`retention:` overrides in the registry. An override may shorten a period freely; lengthening one
(a longer period, or no period where the default has one) needs a recorded `reason`; an archive
class cannot be overridden at all, because archive law, not the tenant, decides its disposal
(`check_overrides`). Where the organisation is unknown (a quarantined delivery for an account the
registry does not list), the shortest default of any org type applies (today the union's).

Start events. A period runs from its class's start event:

- known when the thing is written: `receipt`, `capture`, `write`. The writer passes that moment.
- provisional: `decision`, `removal`. They follow the write (a moderation decision, a removal on
  the platform) and cannot come before it, so until they are recorded the period runs from the
  write: the expiry is never later than the schedule allows. Whoever records the event calls
  `dispose` again with `started_at` (decisions, a later issue), which only moves it later.
- awaited: `channel_closure`, `closure`, `superseded`, `release`. They may be years away, so the
  thing has no expiry yet (`expires-at: none`) until the event is recorded. A union's own posts are
  kept for the life of the channel + 3 years; a published policy while it is the current one.

So every stored thing gets a class and an expiry (an ISO date, or explicitly `none`) the moment it
is written; `none` only for a class with no period or with an awaited start (`Disposition`).

Precedence, when one thing falls under several classes (an item that fired several rules, a
delivery shared by several organisations), in the order Purview applies it:

1. a legal hold beats everything: nothing held is purged, whatever its classes say (holds are a
   later part of issue 9; `governing(..., held=True)` already returns a kept disposition);
2. then archive duty: a class that hands over to the archive wins over any deletion;
3. then the longest retention: no expiry (no period, or an awaited start) beats any date, and a
   later date beats an earlier one.

A period is a maximum: a store may drop a thing sooner. DynamoDB rows get a `ttl` only when the
class deletes at expiry: TTL deletes, so a class that anonymises or archives waits for the purge
job instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from uppsikt.errors import BadRequest

OrgType = Literal["union", "authority"]
ORG_TYPES: tuple[OrgType, ...] = ("union", "authority")
SHIPPED = Path(__file__).with_name("shipped.json")
# Every row of regulation.md §5b: the shipped schedule must implement each one.
REGULATION_ROWS = frozenset(
    {"1", "1a", "2", "3", "4", "5", "6", "7", "8a", "8b", "9", "10", "11", "12", "13"}
)


class ScheduleInvalid(BadRequest):
    """The schedule, or an organisation's overrides of it, break a rule; names the place."""


class StartEvent(StrEnum):
    RECEIPT = "receipt"
    CAPTURE = "capture"
    WRITE = "write"
    DECISION = "decision"
    REMOVAL = "removal"
    CHANNEL_CLOSURE = "channel_closure"
    CLOSURE = "closure"
    SUPERSEDED = "superseded"
    RELEASE = "release"


AT_WRITE = frozenset({StartEvent.RECEIPT, StartEvent.CAPTURE, StartEvent.WRITE})
PROVISIONAL = frozenset({StartEvent.DECISION, StartEvent.REMOVAL})
AWAITED = frozenset(
    {StartEvent.CHANNEL_CLOSURE, StartEvent.CLOSURE, StartEvent.SUPERSEDED, StartEvent.RELEASE}
)


class Action(StrEnum):
    DELETE = "delete"
    ANONYMISE = "anonymise"
    ARCHIVE = "archive"


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Term(_Strict):
    days: int | None = Field(ge=1)
    starts: StartEvent
    then: Action

    @model_validator(mode="after")
    def _archive_has_no_period(self) -> Term:
        if self.then is Action.ARCHIVE and self.days is not None:
            raise ValueError("an archive class has no period: the archive decides its disposal")
        return self


class RetentionClass(_Strict):
    row: str = Field(min_length=1)  # the regulation.md §5b row it implements
    description: str = Field(min_length=1)
    source: str = Field(min_length=1)  # legal basis
    union: Term
    authority: Term

    def term(self, org_type: OrgType) -> Term:
        return self.union if org_type == "union" else self.authority


class Schedule(_Strict):
    version: str = Field(min_length=1)
    classes: dict[str, RetentionClass] = Field(min_length=1)

    @model_validator(mode="after")
    def _known_rows(self) -> Schedule:
        unknown = sorted({c.row for c in self.classes.values()} - REGULATION_ROWS)
        if unknown:
            raise ValueError(f"classes name rows that regulation.md §5b does not have: {unknown}")
        return self

    def get(self, name: str) -> RetentionClass:
        try:
            return self.classes[name]
        except KeyError:
            raise ScheduleInvalid(f"retention class {name!r} is not in the schedule") from None

    def rows(self) -> frozenset[str]:
        return frozenset(c.row for c in self.classes.values())


class Override(_Strict):
    """An organisation's own period for one class; `reason` is required to lengthen it."""

    days: int | None = Field(ge=1)
    reason: str | None = Field(default=None, min_length=1)


class Subject(Protocol):
    """What `dispose` needs of an organisation (`accounts.model.Organisation` is one)."""

    @property
    def org_type(self) -> OrgType: ...

    @property
    def retention(self) -> Mapping[str, Override]: ...


@dataclass(frozen=True)
class Disposition:
    """When a thing of one class expires for one organisation, and what happens then."""

    retention_class: str
    action: Action
    expires_at: datetime | None
    awaiting: StartEvent | None = None  # the awaited start event that has not happened yet
    held: bool = False

    def metadata(self) -> dict[str, str]:
        """S3 user metadata: the class and the day it expires (`none` when there is none yet).
        A day, not a moment: a purge deletes an object once that day has passed, never early."""
        return {"retention-class": self.retention_class, "expires-at": _day(self.expires_at)}

    def attributes(self) -> dict[str, str | int]:
        """DynamoDB attributes: class, expiry, and a TTL (epoch seconds) when expiry deletes."""
        values: dict[str, str | int] = {
            "retention_class": self.retention_class,
            "expires_at": self.expires_at.isoformat() if self.expires_at else "none",
        }
        if self.expires_at is not None and self.action is Action.DELETE and not self.held:
            values["ttl"] = int(self.expires_at.timestamp())
        return values


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment else "none"


def term_for(schedule: Schedule, org: Subject | None, class_name: str) -> Term:
    """The organisation's term for a class: its override, else its org type's default; for an
    unknown organisation, the shortest default of any org type."""
    spec = schedule.get(class_name)
    if org is None:
        return min((spec.term(t) for t in ORG_TYPES), key=_length)
    term = spec.term(org.org_type)
    override = org.retention.get(class_name)
    if override is None or term.then is Action.ARCHIVE:
        return term
    return term.model_copy(update={"days": override.days})


def _length(term: Term) -> float:
    return _length_of(term.days)


def _length_of(days: int | None) -> float:
    return float("inf") if days is None else days


def dispose(
    schedule: Schedule,
    org: Subject | None,
    class_name: str,
    written_at: datetime,
    *,
    started_at: datetime | None = None,
) -> Disposition:
    """The disposition of a thing of `class_name` written at `written_at` for `org` (None: not
    known). `started_at`: when the class's start event happened, once it has (module docstring)."""
    term = term_for(schedule, org, class_name)
    awaiting: StartEvent | None = None
    if term.starts in AT_WRITE:
        start: datetime | None = written_at
    elif term.starts in PROVISIONAL:
        start = started_at or written_at
    else:
        start = started_at
        awaiting = None if started_at else term.starts
    expires = None if term.days is None or start is None else start + timedelta(days=term.days)
    return Disposition(class_name, term.then, expires, awaiting)


def governing(dispositions: Iterable[Disposition], *, held: bool = False) -> Disposition:
    """The one that decides, by the precedence in the module docstring: hold, archive, longest."""
    candidates = list(dispositions)
    if not candidates:
        raise ValueError("governing needs at least one disposition")
    winner = max(candidates, key=_precedence)
    if held:
        return Disposition(winner.retention_class, winner.action, None, winner.awaiting, held=True)
    return winner


def _precedence(d: Disposition) -> tuple[bool, bool, float]:
    return (
        d.action is Action.ARCHIVE,
        d.expires_at is None,
        d.expires_at.timestamp() if d.expires_at else 0.0,
    )


def check_overrides(
    schedule: Schedule, org_type: OrgType, overrides: Mapping[str, Override]
) -> list[str]:
    """Every problem with one organisation's overrides, each naming its class (empty: fine)."""
    problems: list[str] = []
    for name, override in sorted(overrides.items()):
        spec = schedule.classes.get(name)
        if spec is None:
            problems.append(f"{name}: not a retention class in the schedule")
            continue
        term = spec.term(org_type)
        if term.then is Action.ARCHIVE:
            problems.append(f"{name}: an archive class cannot be overridden (archive law decides)")
        elif _length_of(override.days) > _length_of(term.days) and not override.reason:
            longer = f"{override.days} days" if override.days else "no period"
            problems.append(
                f"{name}: {longer} is longer than the {org_type} default ({term.days} days); "
                "lengthening a period needs a reason"
            )
    return problems


def deletes(schedule: Schedule, class_name: str) -> bool:
    """Whether expiry deletes a thing of this class whatever its organisation (TTL may then act
    as a backstop to the purge job; it must not on a class that anonymises or archives)."""
    spec = schedule.get(class_name)
    return all(spec.term(t).then is Action.DELETE for t in ORG_TYPES)


def row_values(
    retention_class: str, expires_at: datetime | None, *, schedule: Schedule | None = None
) -> dict[str, str | int]:
    """A row's retention attributes from its class and expiry (`Disposition.attributes`, for
    writers that were handed the expiry rather than the disposition)."""
    schedule = schedule or shipped()
    values: dict[str, str | int] = {
        "retention_class": retention_class,
        "expires_at": expires_at.isoformat() if expires_at else "none",
    }
    if expires_at is not None and deletes(schedule, retention_class):
        values["ttl"] = int(expires_at.timestamp())
    return values


def parse(raw: Any, *, file: str) -> Schedule:
    try:
        return Schedule.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '<top>'}: {e['msg']}" for e in exc.errors()
        )
        raise ScheduleInvalid(f"{file}: {problems}") from exc


def load(path: Path) -> Schedule:
    """Read a schedule YAML file (operator tools; the functions read `shipped()`)."""
    import yaml  # CLI-only dependency, as for the policy packs

    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), file=str(path))


def as_json(schedule: Schedule) -> str:
    return json.dumps(schedule.model_dump(mode="json"), indent=1, sort_keys=True) + "\n"


@cache
def shipped() -> Schedule:
    """The schedule the functions run with (the JSON copy of policies/retention/schedule.yaml)."""
    return parse(json.loads(SHIPPED.read_text(encoding="utf-8")), file=SHIPPED.name)
