"""The GovernanceTable: legal holds, purge receipts and checkpoint, archive hand-overs, and the
expiry inventory of S3 objects, one partition per organisation (`pk = org#<org>`).

Sort keys: `hold#<id>`, `receipt#<run>#<batch>` (and `#summary`), `checkpoint#purge`,
`handover#<package>`, `expiry#<day>#<store>#<key>` and `archive#<store>#<key>`.

Why an inventory: S3 cannot list objects by their `expires-at` metadata, and listing a bucket to
find them grows with everything ever stored. So the writer of every object also lists it here
under the day it expires; a purge reads the key range `expiry#` .. `expiry#<today>` of one
organisation (days already passed, oldest first) and nothing else. An object of an archive class
has no day: it waits under `archive#` until it is handed over. An inventory row outlives its
object's expiry by `GRACE` (its own `expires_at` and `ttl`), so TTL cannot remove the entry before
a daily purge has read it. Every row carries its retention class and expiry like any other.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.dynamodb import WRITE_BATCH, batch_write
from uppsikt.dynamo_values import from_item, to_item
from uppsikt.retention.holds import Hold, HoldNotFound
from uppsikt.retention.ports import Candidate, Page
from uppsikt.retention.schedule import Disposition, Schedule, row_values, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

GRACE = timedelta(days=7)
UNKNOWN_ORG = "-"  # a quarantined delivery for an account nobody registered
RECEIPT_DAYS = 1095  # purge_receipt, §5b row 8b
PAGE = 500  # rows per query page: one checkpoint step (DynamoDB caps a page at 1 MB anyway)
BATCH_ATTEMPTS = 5


def pk(org_id: str) -> str:
    return f"org#{org_id}"


def _cursor(key: dict[str, Any] | None) -> str | None:
    return json.dumps(key, sort_keys=True) if key else None


def _start(cursor: str | None) -> dict[str, Any]:
    return {"ExclusiveStartKey": json.loads(cursor)} if cursor else {}


@dataclass(frozen=True)
class Governance:
    client: DynamoDBClient
    table: str
    schedule: Schedule = field(default_factory=shipped)

    # --- rows ---------------------------------------------------------------------------------
    def _put(
        self,
        org_id: str,
        sk: str,
        values: dict[str, Any],
        retention_class: str,
        expires: datetime | None,
        **put: Any,
    ) -> None:
        row = {
            **values,
            "pk": pk(org_id),
            "sk": sk,
            "org_id": org_id,
            **row_values(retention_class, expires, schedule=self.schedule),
        }
        self.client.put_item(TableName=self.table, Item=to_item(row), **put)

    def _query(self, org_id: str, prefix: str, **extra: Any) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
            ExpressionAttributeValues={":pk": {"S": pk(org_id)}, ":p": {"S": prefix}},
            **extra,
        )
        for p in pages:
            yield from (from_item(i) for i in p["Items"])

    # --- holds --------------------------------------------------------------------------------
    def save_hold(self, hold: Hold) -> None:
        values = {k: v for k, v in hold.as_dict().items() if v is not None}
        # Kept while active; three years from release (legal_hold_record, §5b row 13).
        expires = hold.released_at + timedelta(days=1095) if hold.released_at else None
        self._put(hold.org_id, f"hold#{hold.hold_id}", values, "legal_hold_record", expires)

    def holds(self, org_id: str, *, released: bool = False) -> list[Hold]:
        found = [Hold.from_dict(row) for row in self._query(org_id, "hold#")]
        return [h for h in found if released or h.released_at is None]

    def hold(self, org_id: str, hold_id: str) -> Hold:
        item = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": pk(org_id)}, "sk": {"S": f"hold#{hold_id}"}}
        ).get("Item")
        if item is None:
            raise HoldNotFound("no hold with that id in that organisation")
        return Hold.from_dict(from_item(item))

    def active_holds(self, org_id: str, now: datetime) -> Sequence[Hold]:
        """`HoldSource`: the legal holds in force at `now`."""
        return [h for h in self.holds(org_id, released=True) if h.active(now)]

    # --- receipts and checkpoint ----------------------------------------------------------------
    def put_receipt(self, org_id: str, sk_suffix: str, values: dict[str, Any]) -> None:
        written = datetime.fromisoformat(values["now"]) if "now" in values else datetime.now(UTC)
        body = {"receipt": json.dumps(values, sort_keys=True), "run_id": values.get("run_id")}
        expires = written + timedelta(days=RECEIPT_DAYS)
        self._put(org_id, f"receipt#{sk_suffix}", body, "purge_receipt", expires)

    def receipts(self, org_id: str) -> list[dict[str, Any]]:
        return [json.loads(r["receipt"]) for r in self._query(org_id, "receipt#")]

    def checkpoint(self, org_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": pk(org_id)}, "sk": {"S": "checkpoint#purge"}},
            ConsistentRead=True,
        ).get("Item")
        return json.loads(from_item(item)["state"]) if item else None

    def save_checkpoint(self, org_id: str, values: dict[str, Any]) -> None:
        # Part of the runs' record: kept as long as their receipts, from its last write.
        written = datetime.fromisoformat(values["last_now"])
        body = {"state": json.dumps(values, sort_keys=True)}
        expires = written + timedelta(days=RECEIPT_DAYS)
        self._put(org_id, "checkpoint#purge", body, "purge_receipt", expires)

    # --- hand-overs -------------------------------------------------------------------------------
    def put_handover(self, org_id: str, package_id: str, values: dict[str, Any]) -> None:
        written = datetime.fromisoformat(values["exported_at"])
        body = {"handover": json.dumps(values, sort_keys=True)}
        expires = written + timedelta(days=RECEIPT_DAYS)
        self._put(org_id, f"handover#{package_id}", body, "purge_receipt", expires)

    def handover(self, org_id: str, package_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": pk(org_id)}, "sk": {"S": f"handover#{package_id}"}},
        ).get("Item")
        return json.loads(from_item(item)["handover"]) if item else None

    # --- the expiry inventory -------------------------------------------------------------------
    def record_object(
        self,
        store: str,
        key: str,
        disposition: Disposition,
        org_ids: Iterable[str],
        attributes: dict[str, str | None] | None = None,
    ) -> None:
        """List an object under the day it expires (or under `archive#`), once per organisation."""
        archive = disposition.action.value == "archive" and disposition.expires_at is None
        if disposition.expires_at is None and not archive:
            return  # an awaited start: whoever records the event lists it (schedule.py)
        day = disposition.expires_at.date().isoformat() if disposition.expires_at else None
        sk = f"archive#{store}#{key}" if archive else f"expiry#{day}#{store}#{key}"
        values = {
            "store": store,
            "key": key,
            "object_class": disposition.retention_class,
            "object_expires": day or "none",
            **{k: v for k, v in (attributes or {}).items() if v},
        }
        expires = disposition.expires_at + GRACE if disposition.expires_at else None
        for org_id in list(org_ids) or [UNKNOWN_ORG]:
            self._put(org_id, sk, values, disposition.retention_class, expires)

    def expired_objects(self, org_id: str, now: datetime, cursor: str | None) -> Page:
        """One page of the organisation's objects whose day has passed, oldest day first."""
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
            ExpressionAttributeValues={
                ":pk": {"S": pk(org_id)},
                ":lo": {"S": "expiry#"},
                # `expiry#<today>` sorts before today's own rows: only days already passed.
                ":hi": {"S": f"expiry#{now.date().isoformat()}"},
            },
            Limit=PAGE,
            ConsistentRead=True,
            **_start(cursor),
        )
        rows = [from_item(i) for i in response["Items"]]
        return Page(
            [self._candidate(org_id, r) for r in rows], _cursor(response.get("LastEvaluatedKey"))
        )

    def archived_objects(self, org_id: str) -> list[dict[str, Any]]:
        return list(self._query(org_id, "archive#"))

    def objects_of(self, org_id: str) -> Iterator[Candidate]:
        """Every listed object of the organisation (for holds that lock evidence)."""
        for prefix in ("archive#", "expiry#"):
            for row in self._query(org_id, prefix):
                yield self._candidate(org_id, row)

    def forget_object(self, org_id: str, sk: str) -> None:
        self.client.delete_item(
            TableName=self.table, Key={"pk": {"S": pk(org_id)}, "sk": {"S": sk}}
        )

    def forget_objects(self, org_id: str, sks: Sequence[str]) -> None:
        """Inventory rows of objects already gone, 25 to a BatchWriteItem (unconditional: only
        the purge deletes them, and only after their objects)."""
        for start in range(0, len(sks), WRITE_BATCH):
            requests: list[Any] = [
                {"DeleteRequest": {"Key": {"pk": {"S": pk(org_id)}, "sk": {"S": sk}}}}
                for sk in sks[start : start + WRITE_BATCH]
            ]
            left = batch_write(self.client, self.table, requests, attempts=BATCH_ATTEMPTS)
            for request in left:  # throttled throughout: one at a time, so none is skipped
                self.client.delete_item(TableName=self.table, Key=request["DeleteRequest"]["Key"])

    def move_object(self, org_id: str, sk: str, day: str, retention_class: str | None) -> None:
        """An object whose expiry moved later: its row moves to the new day, so the purge reads
        it then rather than every day until then. Written before the old row goes: a kill in
        between lists it twice at worst (the second is then `gone` or kept again)."""
        item = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": pk(org_id)}, "sk": {"S": sk}}
        ).get("Item")
        if item is None:
            return
        row = from_item(item)
        moved = f"expiry#{day}#{row['store']}#{row['key']}"
        if moved == sk:
            return
        cls = retention_class or str(row["object_class"])
        dropped = ("pk", "sk", "ttl", "expires_at", "retention_class", "org_id")
        values = {k: v for k, v in row.items() if k not in dropped}
        values |= {"object_class": cls, "object_expires": day}
        expires = datetime.fromisoformat(day).replace(tzinfo=UTC) + GRACE
        self._put(org_id, moved, values, cls, expires)
        self.forget_object(org_id, sk)

    def release_to_expiry(self, org_id: str, row: dict[str, Any], day: datetime) -> None:
        """A handed-over archive object: listed under the hand-over day, so purge disposes of it."""
        sk = f"expiry#{day.date().isoformat()}#{row['store']}#{row['key']}"
        values = {k: v for k, v in row.items() if k not in ("pk", "sk", "ttl", "expires_at")}
        values |= {"object_expires": day.date().isoformat(), "handed_over": "yes"}
        # Written before the archive row goes: a hand-over killed half-way lists it twice at worst.
        self._put(org_id, sk, values, str(row["retention_class"]), day + GRACE)
        self.forget_object(org_id, str(row["sk"]))

    @staticmethod
    def _candidate(org_id: str, row: dict[str, Any]) -> Candidate:
        return Candidate(
            store=str(row["store"]),
            key=str(row["key"]),
            org_id=org_id,
            retention_class=str(row["object_class"]),
            expires_at=str(row["object_expires"]),
            account_id=row.get("account_id"),
            item_ref=row.get("item_ref"),
            flag_id=row.get("flag_id"),
            author=row.get("author"),
            derived=(str(row["sk"]),),
            handed_over=row.get("handed_over") == "yes",
        )
