"""Reconcile raw deliveries against outcomes: did every item end exactly once in one place?

Every signed webhook delivery is stored in the raw bucket before it is acknowledged
(`uppsikt.ingest.webhook`), so the raw bucket is the ledger of what came in. Reconciling reads
the deliveries received since a moment, maps each again with the same mapper (as `quarantine
replay` and evaluation's remap do), and looks for each queued item's outcome:

* evaluated: a working record under the event's id (clean, recorded, restricted);
* flagged: the flag derived from the event (`flag_id_for`), beside its flagged working record;
* dead-lettered: a message for the item in the dead-letter queue (by event id, or by the place
  in the raw delivery for an item that could not be mapped), with its reason;
* purged: a clean copy that retention row 1 removed (or never wrote) because the item's deletion
  is on record;
* quarantined: deliveries (or some of their entries) kept under `quarantine/`, counted per
  delivery, since their items were never queued;
* test deliveries and ignored items (reactions, direct messages…) need no outcome.

An item with none of these is missing; one with an outcome and a dead letter is unfinished (its
record or flag was written, then a later step, such as the flag's notification, failed: the
rest waits in the dead-letter queue for a redrive); one dead-lettered twice is duplicated. Each
is a gap.

What is read, and what is listed. The raw bucket is listed only under day prefixes
(`deliveries/<source>/<org>/<YYYY/MM/DD>/`, `quarantine/<source>/<YYYY/MM/DD>/`) from `since` to
now, and with `org` only that organisation's folder and the `shared` one; each delivery listed is
read once. Records and flags are read by key (BatchGetItem, 100 a call), and an item's history
through the `by-item` index only for an item that has no record. The dead-letter queue has no
index: it is read whole (peeked, made visible again at once), bounded by its own depth. The
ingest queue is not read (that would take messages from the consumer); only its depth is
reported, since items still in it have no outcome yet. Nothing here runs on the hot path.

Poll answers (`polls/…`) are not reconciled: the poll ledger emits an item from the first answer
that holds it, so a second answer naming it is not a second delivery.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.model.events import Action, NormalisedEvent
from uppsikt.model.messages import QUEUE_MESSAGE, ClaimMessage, EventMessage, UnmappedMessage
from uppsikt.model.records import flag_id_for
from uppsikt.operations.dlq import peek
from uppsikt.platforms.mappers import MAPPERS, Mapper, by_source
from uppsikt.platforms.results import Delivery, Item, to_messages

if TYPE_CHECKING:
    from uppsikt.runtime import Runtime

DELIVERIES = "deliveries/"
QUARANTINE = "quarantine/"
SHARED = "shared"
UNKNOWN_ORG = "-"
# How many ids of items with a gap are named in the report (ids are hashes: no content).
GAP_IDS = 20

# An item's place in its raw delivery: (raw key, entry index, change index).
Place = tuple[str, int, int]


@dataclass
class Tally:
    """One platform's and organisation's counts."""

    deliveries: int = 0
    quarantined: int = 0  # deliveries kept (whole, or some entries) in quarantine
    items: int = 0  # distinct queued items
    evaluated: int = 0
    flagged: int = 0
    dead_lettered: int = 0
    purged: int = 0
    test: int = 0
    ignored: int = 0
    missing: int = 0
    unfinished: int = 0  # an outcome and a dead letter: redrive
    duplicated: int = 0  # dead-lettered more than once

    @property
    def gaps(self) -> int:
        return self.missing + self.unfinished + self.duplicated

    def as_dict(self) -> dict[str, int]:
        return {**self.__dict__, "gaps": self.gaps}


@dataclass
class Reconciliation:
    since: datetime
    until: datetime
    org: str | None
    tallies: dict[tuple[str, str], Tally] = field(default_factory=dict)
    # Event ids (or raw places) of items with a gap, the first GAP_IDS of each kind.
    missing_ids: list[str] = field(default_factory=list)
    unfinished_ids: list[str] = field(default_factory=list)
    duplicated_ids: list[str] = field(default_factory=list)
    unreadable: int = 0  # stored deliveries the mapper cannot read any more
    dead_letters_unmatched: int = 0  # dead letters for items outside this window
    queued: int = 0  # messages still in the ingest queue (in flight or waiting)
    objects_listed: int = 0
    objects_read: int = 0

    def tally(self, platform: str, org: str) -> Tally:
        return self.tallies.setdefault((platform, org), Tally())

    @property
    def total(self) -> Tally:
        total = Tally()
        for tally in self.tallies.values():
            for name, value in tally.__dict__.items():
                setattr(total, name, getattr(total, name) + value)
        return total

    @property
    def gaps(self) -> int:
        return self.total.gaps + self.unreadable

    @property
    def ok(self) -> bool:
        return self.gaps == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "org": self.org,
            "ok": self.ok,
            "gaps": self.gaps,
            "total": self.total.as_dict(),
            "by_platform_org": [
                {"platform": p, "org": o, **t.as_dict()}
                for (p, o), t in sorted(self.tallies.items())
            ],
            "missing_ids": self.missing_ids,
            "unfinished_ids": self.unfinished_ids,
            "duplicated_ids": self.duplicated_ids,
            "unreadable_deliveries": self.unreadable,
            "dead_letters_outside_window": self.dead_letters_unmatched,
            "ingest_queue_depth": self.queued,
            "objects_listed": self.objects_listed,
            "objects_read": self.objects_read,
        }

    def render(self) -> str:
        lines = [
            f"Reconciliation of raw deliveries from {self.since.isoformat()} "
            f"to {self.until.isoformat()}" + (f" for {self.org}" if self.org else ""),
            f"{'platform':<10} {'org':<16} {'deliv':>6} {'quar':>5} {'items':>6} {'eval':>6} "
            f"{'flag':>5} {'dlq':>5} {'purged':>6} {'test':>5} {'ign':>5} {'gaps':>5}",
        ]
        rows = [*sorted(self.tallies.items()), (("total", ""), self.total)]
        for (platform, org), t in rows:
            lines.append(
                f"{platform:<10} {org:<16} {t.deliveries:>6} {t.quarantined:>5} {t.items:>6} "
                f"{t.evaluated:>6} {t.flagged:>5} {t.dead_lettered:>5} {t.purged:>6} "
                f"{t.test:>5} {t.ignored:>5} {t.gaps:>5}"
            )
        if self.unreadable:
            lines.append(f"{self.unreadable} stored deliveries cannot be read by their mapper.")
        if self.missing_ids:
            lines.append("missing (no outcome): " + ", ".join(self.missing_ids))
        if self.unfinished_ids:
            lines.append(
                "unfinished (an outcome and a dead letter; `uppsikt dlq redrive` finishes them): "
                + ", ".join(self.unfinished_ids)
            )
        if self.duplicated_ids:
            lines.append("duplicated (dead-lettered twice): " + ", ".join(self.duplicated_ids))
        if self.queued:
            lines.append(
                f"{self.queued} messages are still in the ingest queue: items among them have "
                "no outcome yet; run again once it has drained."
            )
        lines.append(
            "No gap: every item ended exactly once in one place."
            if self.ok
            else f"{self.gaps} gap(s)."
        )
        return "\n".join(lines)


@dataclass
class _Pending:
    """A queued item waiting to be matched with its outcome."""

    platform: str
    org: str
    place: Place
    event: NormalisedEvent | None  # None: queued as a pointer (it could not be mapped)


def reconcile(
    rt: Runtime, since: datetime, *, org: str | None = None, until: datetime | None = None
) -> Reconciliation:
    until = until or datetime.now(since.tzinfo)
    result = Reconciliation(since=since, until=until, org=org)
    pending: dict[str, _Pending] = {}
    for key in _listed(rt, result, DELIVERIES):
        _read_delivery(rt, result, key, pending, org)
    for key in _listed(rt, result, QUARANTINE):
        _read_quarantined(rt, result, key, org)
    _match(rt, result, pending)
    attrs = rt.sqs.get_queue_attributes(
        QueueUrl=rt.settings.ingest_queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    result.queued = int(attrs.get("ApproximateNumberOfMessages", "0")) + int(
        attrs.get("ApproximateNumberOfMessagesNotVisible", "0")
    )
    return result


def _days(since: datetime, until: datetime) -> Iterator[str]:
    day = since.date()
    while day <= until.date():
        yield day.strftime("%Y/%m/%d")
        day += timedelta(days=1)


def _sources() -> list[str]:
    return sorted({mapper.source for mapper in MAPPERS.values()})


def _folders(rt: Runtime, prefix: str) -> list[str]:
    """The sub-folders directly under a prefix (one LIST with a delimiter: organisations)."""
    pages = rt.s3.get_paginator("list_objects_v2").paginate(
        Bucket=rt.settings.raw_bucket, Prefix=prefix, Delimiter="/"
    )
    return [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]


def _listed(rt: Runtime, result: Reconciliation, root: str) -> Iterator[str]:
    """Keys under `root` received in the window, listed by day prefix only."""
    since, until, org = result.since, result.until, result.org
    for source in _sources():
        base = f"{root}{source}/"
        if root == QUARANTINE:
            folders = [base]  # quarantine keys have no organisation segment
        elif org is not None:
            folders = [f"{base}{org}/", f"{base}{SHARED}/"]
        else:
            # Organisation folders; a year folder is a key written before keys named their
            # organisation (`deliveries/<source>/<YYYY>/…`).
            folders = [
                base if f.removeprefix(base).rstrip("/").isdigit() else f
                for f in _folders(rt, base)
            ]
        for folder in dict.fromkeys(folders):
            for day in _days(since, until):
                pages = rt.s3.get_paginator("list_objects_v2").paginate(
                    Bucket=rt.settings.raw_bucket, Prefix=f"{folder}{day}/"
                )
                for page in pages:
                    for obj in page.get("Contents", []):
                        result.objects_listed += 1
                        if since <= obj["LastModified"] <= until + timedelta(minutes=1):
                            yield obj["Key"]


def _read_delivery(
    rt: Runtime,
    result: Reconciliation,
    key: str,
    pending: dict[str, _Pending],
    org: str | None,
) -> None:
    stored = rt.s3.get_object(Bucket=rt.settings.raw_bucket, Key=key)
    result.objects_read += 1
    body = stored["Body"].read()
    metadata = stored.get("Metadata", {})
    mapper = by_source(metadata.get("platform", ""))
    segment = key.split("/")[2] if key.count("/") >= 6 else UNKNOWN_ORG
    try:
        if mapper is None:
            raise ValueError("no mapper reads deliveries of this platform")
        received_at = datetime.fromisoformat(metadata["received-at"])
        items = _items(rt, mapper, key, body, received_at=received_at, metadata=metadata)
    except (ValueError, KeyError):
        result.unreadable += 1
        return
    orgs_seen: set[tuple[str, str]] = set()
    by_org: dict[tuple[str, str], list[Item]] = {}
    for item in items:
        owner = (
            rt.organisation_of(item.platform, item.account_id) if item.account_id else None
        ) or (segment if segment != SHARED else UNKNOWN_ORG)
        by_org.setdefault((item.platform.value, owner), []).append(item)
    for (platform, owner), group in by_org.items():
        if org is not None and owner != org:
            continue
        outgoing = to_messages(group, received_at)
        tally = result.tally(platform, owner)
        if (platform, owner) not in orgs_seen:
            tally.deliveries += 1
            orgs_seen.add((platform, owner))
        tally.ignored += sum(outgoing.ignored.values())
        tally.test += outgoing.test
        for _, message in outgoing.keyed:
            if isinstance(message, EventMessage):
                event = message.event
                if event.test_delivery:
                    tally.test += 1
                    continue
                ident = event.event_id
                place = _place(event.raw.key, event.raw.entry_index, event.raw.change_index)
                entry = _Pending(platform, owner, place, event)
            else:
                raw = message.raw
                place = _place(raw.key, raw.entry_index, raw.change_index)
                ident = _place_id(place)
                entry = _Pending(platform, owner, place, None)
            pending.setdefault(ident, entry)


def _items(
    rt: Runtime,
    mapper: Mapper,
    key: str,
    body: bytes,
    *,
    received_at: datetime,
    metadata: dict[str, str],
) -> list[Item]:
    delivery = Delivery(
        rt.settings.raw_bucket,
        key,
        received_at,
        rt.pseudonymiser(),
        rt.account_id(mapper, body, metadata.get("account-id")),
        rt.registered,
    )
    return mapper.items(body, delivery)


def _read_quarantined(rt: Runtime, result: Reconciliation, key: str, org: str | None) -> None:
    head = rt.s3.head_object(Bucket=rt.settings.raw_bucket, Key=key)
    result.objects_read += 1
    metadata = head.get("Metadata", {})
    orgs = [o for o in metadata.get("org-ids", "").split(",") if o] or [UNKNOWN_ORG]
    if org is not None and org not in orgs:
        return
    for owner in [org] if org is not None else orgs:
        result.tally(metadata.get("platform", "unknown"), owner).quarantined += 1


def _place(key: str, entry: int, change: int) -> Place:
    return (key, entry, change)


def _place_id(place: Place) -> str:
    key, entry, change = place
    return f"{key.rsplit('/', 1)[-1].removesuffix('.json')[:16]}:{entry}:{change}"


def _dead_letters(rt: Runtime) -> tuple[Counter[str], Counter[Place]]:
    """How many dead letters name each event id, and each raw place."""
    by_event: Counter[str] = Counter()
    by_place: Counter[Place] = Counter()
    for _, body in peek(rt.sqs, rt.settings.ingest_dlq_url):
        try:
            message = QUEUE_MESSAGE.validate_json(body)
            if isinstance(message, ClaimMessage):
                message = QUEUE_MESSAGE.validate_json(rt.raw_deliveries.load(message))
        except (ValidationError, ValueError):
            continue  # a poison message names no item: `uppsikt dlq list` shows it
        if isinstance(message, EventMessage):
            raw = message.event.raw
            by_event[message.event.event_id] += 1
            by_place[_place(raw.key, raw.entry_index, raw.change_index)] += 1
        elif isinstance(message, UnmappedMessage):
            raw = message.raw
            by_place[_place(raw.key, raw.entry_index, raw.change_index)] += 1
    return by_event, by_place


def _match(rt: Runtime, result: Reconciliation, pending: dict[str, _Pending]) -> None:
    s = rt.settings
    items, flags = Items(rt.dynamodb, s.items_table), Flags(rt.dynamodb, s.flags_table)
    events = {i: p.event for i, p in pending.items() if p.event is not None}
    verdicts = items.verdicts(list(events))
    flag_of = {i: flag_id_for(e) for i, e in events.items()}
    raised = flags.existing(list(flag_of.values()))
    dlq_events, dlq_places = _dead_letters(rt)
    matched_places: set[Place] = set()
    for ident, p in pending.items():
        tally = result.tally(p.platform, p.org)
        tally.items += 1
        # A dead letter names an event by its id, or (an unmapped pointer) by its place.
        dead = dlq_places.get(p.place, 0) or dlq_events.get(ident, 0)
        if dead:
            matched_places.add(p.place)
        verdict = verdicts.get(ident)
        flagged = flag_of.get(ident) in raised
        if dead and (flagged or verdict is not None):
            tally.unfinished += 1
            _note(result.unfinished_ids, ident)
        elif dead > 1:
            tally.duplicated += 1
            _note(result.duplicated_ids, ident)
        elif dead:
            tally.dead_lettered += 1
        elif flagged:
            tally.flagged += 1
        elif verdict == "flagged":
            tally.missing += 1  # a flagged record without its flag
            _note(result.missing_ids, ident)
        elif verdict is not None:
            tally.evaluated += 1
        elif p.event is not None and _deleted(items, p.event):
            tally.purged += 1
        else:
            tally.missing += 1
            _note(result.missing_ids, ident)
    result.dead_letters_unmatched = sum(
        n for place, n in dlq_places.items() if place not in matched_places
    )


def _deleted(items: Items, event: NormalisedEvent) -> bool:
    """The item's deletion is on record, so its clean copy was purged or never written."""
    return any(e.action == Action.DELETED.value for e in items.history(event.item_ref))


def _note(ids: list[str], ident: str) -> None:
    if len(ids) < GAP_IDS:
        ids.append(ident)
