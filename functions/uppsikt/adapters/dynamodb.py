"""DynamoDB: flag records, working records and held actions.

The items table holds two kinds of row, told apart by `kind` (absent on working records, which
keeps every row written before held actions existed readable) and by their key:

- a working record (`WorkingRecord`) under the event's own id;
- a held action (`HeldAction`) under `held#<event id>`, with `kind = "held"`, no text, the
  author only as the `by-author` index key (`author_key`), and a `ttl`. It carries
  `evaluated_at` (the time it was held) because the `by-item` index only lists rows that have
  it, and the create must find its item's held actions there;
- an item's change mark (`item#<hash of the item ref>`, `kind = "item"`): written by every event
  other than a create, before its record, so that a create reads one key to learn whether its
  item has anything on record it must see (a held action, a deletion). A create of an item
  without a mark skips the `by-item` query, and most events are creates. The mark holds no
  org, text, author or item ref (it is in no index) and expires with its `ttl`.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.dynamo_values import from_item, to_item
from uppsikt.evaluate.ports import Notice
from uppsikt.model.records import (
    Flag,
    HeldAction,
    ItemEntry,
    ItemState,
    ShadowResult,
    WorkingRecord,
)
from uppsikt.retention.schedule import row_values

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def _with_retention(values: dict[str, Any]) -> dict[str, Any]:
    """Every row states its class and expiry (`none` when it has none) and, when expiry deletes,
    a `ttl`: DynamoDB TTL is a backstop to the purge job (retention/schedule.py)."""
    expires = values.get("expires_at")
    moment = datetime.fromisoformat(expires) if isinstance(expires, str) else expires
    # The JSON form the model wrote is kept as it is; only a missing expiry becomes `none`.
    return {
        **values,
        **row_values(values["retention_class"], moment),
        "expires_at": expires or "none",
    }


class Throttled(RuntimeError):
    """The table kept refusing part of a read; a later retry of the message can succeed."""


HELD = "held"
HELD_PREFIX = "held#"
SHADOW = "shadow"
SHADOW_PREFIX = "shadow#"
CHANGED = "item"
CHANGED_PREFIX = "item#"
_BATCH_GET = 100  # DynamoDB's limit per BatchGetItem
WRITE_BATCH = 25  # DynamoDB's limit per BatchWriteItem
_BATCH_ATTEMPTS = 5
_ENTRY_FIELDS = (
    "event_id",
    "kind",
    "held_event_id",
    "action",
    "verdict",
    "occurred_at",
    "evaluated_at",
    "reconciled_by",
)


@dataclass(frozen=True)
class Flags:
    client: DynamoDBClient
    table: str

    @staticmethod
    def row(flag: Flag) -> dict[str, AttributeValueTypeDef]:
        values = _with_retention(flag.model_dump(mode="json"))
        # The review queue's `by-org-status` index key (review/listing.py).
        values["org_status"] = f"{flag.org_id}#{flag.status.value}"
        return to_item(values)

    def create(self, flag: Flag, *, in_flight_until: datetime | None = None) -> bool:
        """`in_flight_until`: until when the caller may still be notifying (`notice`)."""
        row = self.row(flag)
        if in_flight_until is not None:
            row["notify_in_flight_until"] = {"S": in_flight_until.isoformat()}
        try:
            self.client.put_item(
                TableName=self.table,
                Item=row,
                ConditionExpression="attribute_not_exists(flag_id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def mark_notified(self, flag_id: str, message_id: str) -> None:
        self.client.update_item(
            TableName=self.table,
            Key={"flag_id": {"S": flag_id}},
            UpdateExpression="SET notification_id = :m",
            ExpressionAttributeValues={":m": {"S": message_id}},
        )

    def release(self, flag_id: str) -> None:
        # Gone meanwhile (purged): nothing waits for it.
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table,
                Key={"flag_id": {"S": flag_id}},
                UpdateExpression="REMOVE notify_in_flight_until",
                ConditionExpression="attribute_exists(flag_id)",
            )

    def notice(self, flag_id: str) -> Notice:
        row = self.client.get_item(
            TableName=self.table,
            Key={"flag_id": {"S": flag_id}},
            ConsistentRead=True,
            ProjectionExpression="notification_id, notify_in_flight_until",
        ).get("Item", {})
        until = row.get("notify_in_flight_until", {}).get("S")
        return Notice(
            notified="notification_id" in row,
            in_flight_until=datetime.fromisoformat(until) if until else None,
        )

    def get(self, flag_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.table, Key={"flag_id": {"S": flag_id}})
        return from_item(item["Item"]) if "Item" in item else None

    def scan(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for page in self.client.get_paginator("scan").paginate(TableName=self.table):
            items.extend(from_item(i) for i in page["Items"])
        return items

    def existing(self, flag_ids: list[str]) -> set[str]:
        """Which of these flags exist (by key, never a scan), for `uppsikt reconcile`."""
        keys = [{"flag_id": {"S": i}} for i in dict.fromkeys(flag_ids)]
        rows = batch_get(self.client, self.table, keys, ProjectionExpression="flag_id")
        return {row["flag_id"] for row in rows}

    def of_org(self, org_id: str, since: datetime | None = None) -> list[dict[str, Any]]:
        """One organisation's flags, newest first (raised on or after `since`), from the
        `by-org` index (never a scan)."""
        query = _of_org(self.client, self.table, org_id, "created_at", since)
        return [from_item(i) for i in query]


def _of_org(
    client: DynamoDBClient, table: str, org_id: str, sort_key: str, since: datetime | None
) -> Iterator[Any]:
    """An organisation's rows through a table's `by-org` index, newest first."""
    condition = "org_id = :org"
    values: dict[str, AttributeValueTypeDef] = {":org": {"S": org_id}}
    if since is not None:
        condition += f" AND {sort_key} >= :since"
        values[":since"] = {"S": since.isoformat()}
    pages = client.get_paginator("query").paginate(
        TableName=table,
        IndexName="by-org",
        KeyConditionExpression=condition,
        ExpressionAttributeValues=values,
        ScanIndexForward=False,
    )
    for page in pages:
        yield from page["Items"]


def batch_get(
    client: DynamoDBClient, table: str, keys: list[dict[str, Any]], **read: Any
) -> Iterator[dict[str, Any]]:
    """Rows by key, `_BATCH_GET` a request. Unprocessed keys mean throttling: they are asked for
    again with backoff, and `Throttled` ends a read the table keeps refusing."""
    for start in range(0, len(keys), _BATCH_GET):
        request: dict[str, Any] = {table: {"Keys": keys[start : start + _BATCH_GET], **read}}
        for attempt in range(_BATCH_ATTEMPTS):
            response = client.batch_get_item(RequestItems=request)
            yield from (from_item(row) for row in response.get("Responses", {}).get(table, []))
            request = dict(response.get("UnprocessedKeys") or {})
            if not request:
                break
            time.sleep(0.05 * 2**attempt)
        else:
            raise Throttled(f"table {table} left keys unprocessed after {_BATCH_ATTEMPTS} attempts")


def batch_write(
    client: DynamoDBClient,
    table: str,
    requests: list[Any],
    *,
    attempts: int = _BATCH_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> list[Any]:
    """One BatchWriteItem of up to `WRITE_BATCH` put or delete requests for `table`.
    Unprocessed requests mean throttling: they are sent again with backoff; what is still
    unprocessed after `attempts` requests is returned (nothing: every request was written)."""
    pending = requests
    for attempt in range(attempts):
        if attempt:
            sleep(min(0.05 * 2**attempt, 1.0))
        response = client.batch_write_item(RequestItems={table: pending})
        pending = list((response.get("UnprocessedItems") or {}).get(table) or [])
        if not pending:
            break
    return pending


# A thread shown beside a flag: enough to read it in context, bounded for a page.
THREAD_LIMIT = 30


@dataclass(frozen=True)
class Items:
    client: DynamoDBClient
    table: str

    def put(self, record: WorkingRecord) -> None:
        self.client.put_item(TableName=self.table, Item=self.row(record))

    @staticmethod
    def row(record: WorkingRecord) -> dict[str, AttributeValueTypeDef]:
        return to_item(_with_retention(record.model_dump(mode="json")))

    def purge_working_copies(self, item_ref: str) -> int:
        deleted = 0
        for key in self._keys(item_ref):
            if key["event_id"].get("S", "").startswith(HELD_PREFIX):
                continue  # a held action has no text, and is the tombstone a late create needs
            if self._delete_clean(key["event_id"]):
                deleted += 1
        return deleted

    def hold(self, held: HeldAction) -> bool:
        values = held.model_dump(mode="json")
        values.update(
            event_id=HELD_PREFIX + held.event_id,
            held_event_id=held.event_id,
            kind=HELD,
            evaluated_at=values["held_at"],  # the by-item index's sort key
        )
        values = _with_retention(values)
        try:
            # A redelivered event must not reset a hold a create has already been reconciled with.
            self.client.put_item(
                TableName=self.table,
                Item=to_item(values),
                ConditionExpression="attribute_not_exists(event_id)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def mark_reconciled(self, event_id: str, create_event_id: str, at: datetime) -> None:
        try:
            self.client.update_item(
                TableName=self.table,
                Key={"event_id": {"S": HELD_PREFIX + event_id}},
                # The first create reconciled with it is kept; a duplicate changes nothing.
                UpdateExpression=(
                    "SET reconciled_by = if_not_exists(reconciled_by, :by), "
                    "reconciled_at = if_not_exists(reconciled_at, :at)"
                ),
                ConditionExpression="attribute_exists(event_id)",  # expired meanwhile: leave it
                ExpressionAttributeValues={
                    ":by": {"S": create_event_id},
                    ":at": {"S": at.isoformat()},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return

    def mark_changed(
        self, item_ref: str, retention_class: str, expires_at: datetime | None
    ) -> None:
        """Note that the item has an event other than a create (see the module docstring); a
        later mark replaces an earlier one, so the mark lives as long as the newest event's."""
        values: dict[str, Any] = {"kind": CHANGED, **row_values(retention_class, expires_at)}
        if expires_at is not None:
            # Bookkeeping, not the record: it goes at its expiry even where the record's class
            # is archived instead (the purge lists rows by organisation, and this has none).
            values["ttl"] = int(expires_at.timestamp())
        item = {**to_item(values), **self.changed_key(item_ref)}
        self.client.put_item(TableName=self.table, Item=item)

    def has_changes(self, item_ref: str) -> bool:
        """Whether an event other than a create of this item was ever marked (one GetItem)."""
        found = self.client.get_item(
            TableName=self.table,
            Key=self.changed_key(item_ref),
            ConsistentRead=True,
            ProjectionExpression="event_id",
        )
        return "Item" in found

    @staticmethod
    def changed_key(item_ref: str) -> dict[str, AttributeValueTypeDef]:
        digest = hashlib.sha256(item_ref.encode()).hexdigest()[:32]
        return {"event_id": {"S": CHANGED_PREFIX + digest}}

    def history(self, item_ref: str) -> list[ItemEntry]:
        """Every record of one item, working and held, read without its text or author."""
        keys = [{"event_id": key["event_id"]} for key in self._keys(item_ref)]
        names = {f"#{i}": name for i, name in enumerate(_ENTRY_FIELDS)}
        # Read the rows just listed as they are now: the index itself lags a little. A partial
        # history could hold back a purge, so a throttled read fails and SQS retries the event.
        rows = batch_get(
            self.client,
            self.table,
            keys,
            ConsistentRead=True,
            ProjectionExpression=", ".join(names),
            ExpressionAttributeNames=names,
        )
        return [_entry(row) for row in rows]

    def verdicts(self, event_ids: list[str]) -> dict[str, str]:
        """The verdict of each of these events' working records that exists (by key, never a
        scan), for `uppsikt reconcile`."""
        keys = [{"event_id": {"S": i}} for i in dict.fromkeys(event_ids)]
        rows = batch_get(
            self.client,
            self.table,
            keys,
            ConsistentRead=True,
            ProjectionExpression="event_id, verdict",
        )
        return {row["event_id"]: str(row.get("verdict", "")) for row in rows}

    def latest_text(self, item_ref: str) -> str | None:
        """The newest text kept for an item (clean visitor items keep theirs for the monitoring
        window), for the review's context; None when nothing is kept."""
        keys = [{"event_id": key["event_id"]} for key in self._keys(item_ref)]
        rows = batch_get(
            self.client,
            self.table,
            keys,
            ProjectionExpression="#t, evaluated_at",
            ExpressionAttributeNames={"#t": "text"},
        )
        kept = [row for row in rows if row.get("text")]
        return str(max(kept, key=lambda r: str(r["evaluated_at"]))["text"]) if kept else None

    def thread(self, thread_ref: str, limit: int = THREAD_LIMIT) -> list[dict[str, Any]]:
        """The items of one post's thread, newest record per item, oldest item first, at most
        `limit` (from the newest): item ref, kind, time, verdict and any text still kept."""
        response = self.client.query(
            TableName=self.table,
            IndexName="by-thread",
            KeyConditionExpression="thread_ref = :t",
            ExpressionAttributeValues={":t": {"S": thread_ref}},
            ScanIndexForward=False,
            Limit=limit * 2,  # an item's edit is a second record of it
        )
        keys = [{"event_id": key["event_id"]} for key in response["Items"]]
        rows = batch_get(
            self.client,
            self.table,
            keys,
            ProjectionExpression="item_ref, object_kind, verdict, occurred_at, evaluated_at, #t",
            ExpressionAttributeNames={"#t": "text"},
        )
        newest: dict[str, dict[str, Any]] = {}
        for row in sorted(rows, key=lambda r: str(r["evaluated_at"])):
            newest[str(row["item_ref"])] = row
        ordered = sorted(
            newest.values(), key=lambda r: str(r.get("occurred_at") or r["evaluated_at"])
        )
        return ordered[-limit:]

    def state(self, item_ref: str) -> ItemState:
        return ItemState.fold(item_ref, self.history(item_ref))

    def scan(self) -> list[dict[str, Any]]:
        """Working records only; held actions are read with `scan_held`."""
        return [i for i in self._scan() if i.get("kind") not in (HELD, SHADOW, CHANGED)]

    def put_shadow(self, result: ShadowResult) -> None:
        """A shadow candidate's result, under `shadow#<version>#<event id>` so that a second
        candidate of the same pack keeps its own rows; listed through `by-org` like the rest."""
        self.client.put_item(TableName=self.table, Item=self.shadow_row(result))

    @staticmethod
    def shadow_row(result: ShadowResult) -> dict[str, AttributeValueTypeDef]:
        values = _with_retention(result.model_dump(mode="json"))
        values.update(
            event_id=f"{SHADOW_PREFIX}{result.shadow_version}#{result.event_id}",
            shadow_event_id=result.event_id,
            kind=SHADOW,
        )
        return to_item(values)

    def shadow_results_of_org(self, org_id: str) -> list[ShadowResult]:
        """One organisation's shadow results, through the `by-org` index and a batch read."""
        results: list[ShadowResult] = []
        for values in self.rows_of_org(org_id, kind=SHADOW):
            values["event_id"] = values.pop("shadow_event_id")
            for name in ("kind", "ttl"):
                values.pop(name, None)
            if values.get("expires_at") == "none":
                values["expires_at"] = None
            results.append(ShadowResult.model_validate(values))
        return results

    def event_ids_of_org(self, org_id: str, since: datetime | None = None) -> list[str]:
        """The ids of one organisation's records (working, held and shadow), newest first, from the
        `by-org` index (keys only: no text leaves the table for a listing)."""
        query = _of_org(self.client, self.table, org_id, "evaluated_at", since)
        return [str(row["event_id"]["S"]) for row in query]

    def rows_of_org(
        self, org_id: str, *, since: datetime | None = None, kind: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """One organisation's whole rows of one kind (None: working records), listed through
        `by-org` and read in batches."""
        prefix = {None: "", HELD: HELD_PREFIX, SHADOW: SHADOW_PREFIX}[kind]
        ids = self.event_ids_of_org(org_id, since)
        wanted = [
            {"event_id": {"S": i}}
            for i in ids
            if (i.startswith(prefix) if prefix else not i.startswith((HELD_PREFIX, SHADOW_PREFIX)))
        ]
        yield from batch_get(self.client, self.table, wanted)

    def scan_held(self) -> list[dict[str, Any]]:
        return [i for i in self._scan() if i.get("kind") == HELD]

    def _scan(self) -> Iterator[dict[str, Any]]:
        for page in self.client.get_paginator("scan").paginate(TableName=self.table):
            yield from (from_item(i) for i in page["Items"])

    def _keys(self, item_ref: str) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName="by-item",
            KeyConditionExpression="item_ref = :ref",
            ExpressionAttributeValues={":ref": {"S": item_ref}},
        )
        for page in pages:
            yield from page["Items"]

    def _delete_clean(self, event_id: AttributeValueTypeDef) -> bool:
        try:
            # Flagged records stay: they belong to the evidence and its own retention. A
            # restricted author's stored copy is a working copy like a clean one.
            self.client.delete_item(
                TableName=self.table,
                Key={"event_id": event_id},
                ConditionExpression="verdict IN (:clean, :restricted)",
                ExpressionAttributeValues={
                    ":clean": {"S": "clean"},
                    ":restricted": {"S": "restricted"},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True


def _entry(row: dict[str, Any]) -> ItemEntry:
    held = row.get("kind") == HELD
    return ItemEntry(
        event_id=row["held_event_id"] if held else row["event_id"],
        action=row["action"],
        evaluated_at=row["evaluated_at"],
        occurred_at=row.get("occurred_at"),
        verdict=row.get("verdict"),
        held=held,
        reconciled_by=row.get("reconciled_by"),
    )
