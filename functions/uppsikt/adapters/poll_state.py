"""DynamoDB adapters on the poll-state table: stream cursors, the ledger of emitted items, and
references waiting to be looked up. One table; the `pk` prefix says which kind a row is
(`cursor#`, `emitted#`, `lookup#`, and `lease#` in `adapters.leases`).

Every row carries its retention class, `expires_at` and `ttl` (`uppsikt.retention.schedule`):
a cursor (`poll_cursor`) under its organisation's terms when it knows its organisation; ledger
rows (`poll_ledger`), look-up references (`lookup_reference`) and leases name their organisation
(`org_id`) when the writer knows it, and keep the shortest default period, which is shorter than
any organisation may choose. Each write restarts the period (`starts: write`)."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.dynamodb import WRITE_BATCH, batch_write
from uppsikt.dynamo_values import from_item, to_item
from uppsikt.model.events import Platform
from uppsikt.polling.errors import CursorConflict, PollError, Transient
from uppsikt.polling.ports import Cursor
from uppsikt.retention.schedule import Schedule, Subject, dispose, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import (
        AttributeValueTypeDef,
        KeysAndAttributesUnionTypeDef,
        WriteRequestUnionTypeDef,
    )

# A DynamoDB item holds at most 400 KB (attribute names and values together). A cursor's other
# attributes take well under 1 KB, so its maps may take 350 KB. Beyond that they are stored
# compressed; a listing too large even then needs a source that keeps less per item.
MAX_MAPS_BYTES = 350_000
GET_BATCH = 100  # BatchGetItem's limit
ATTEMPTS = 6


class CursorTooLarge(PollError):
    """A cursor's snapshot and listing do not fit in one DynamoDB item, even compressed."""


class LedgerUnavailable(Transient):
    """DynamoDB kept some ledger keys unprocessed (throttling); the page is repeated next run."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def retention_item(
    cls: str, now: datetime, org: Subject | None = None, schedule: Schedule | None = None
) -> dict[str, AttributeValueTypeDef]:
    """A row's `retention_class`, `expires_at` and `ttl`, as DynamoDB attribute values."""
    return to_item(dispose(schedule or shipped(), org, cls, now).attributes())


def _backoff(attempt: int) -> float:
    return float(min(0.05 * 2**attempt, 1.0))


# --- cursors -------------------------------------------------------------------------------------


def _encode_maps(cursor: Cursor, stream: str) -> dict[str, str]:
    text = json.dumps({"snapshot": cursor.snapshot, "listing": cursor.listing}, sort_keys=True)
    if len(text.encode()) <= MAX_MAPS_BYTES:
        return {"maps": text}
    packed = base64.b64encode(zlib.compress(text.encode(), 9)).decode("ascii")
    if len(packed) > MAX_MAPS_BYTES:
        raise CursorTooLarge(
            f"the cursor of {stream} holds {len(cursor.snapshot)} + {len(cursor.listing)} ids: "
            f"{len(packed)} bytes compressed, over the {MAX_MAPS_BYTES}-byte budget of one item"
        )
    return {"maps_z": packed}


def _decode_maps(values: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    if "maps_z" in values:
        text = zlib.decompress(base64.b64decode(values["maps_z"])).decode()
    else:
        text = values.get("maps") or "{}"
    maps: dict[str, dict[str, str]] = json.loads(text)
    return maps


@dataclass(frozen=True)
class Cursors:
    """One row per account and stream: pk `cursor#{account_key}`, sk the stream's name.

    `version` is an optimistic lock. A save names the version it loaded, so when two runs of
    one stream overlap, only the first save wins and the other run stops (`CursorConflict`)."""

    client: DynamoDBClient
    table: str
    # An organisation's retention terms by its id (the registry); None: the shortest default.
    organisations: Callable[[str], Subject | None] | None = None
    clock: Callable[[], datetime] = _utcnow

    @staticmethod
    def _key(account_key: str, stream: str) -> dict[str, AttributeValueTypeDef]:
        return {"pk": {"S": f"cursor#{account_key}"}, "sk": {"S": stream}}

    def load(self, account_key: str, stream: str) -> Cursor:
        response = self.client.get_item(
            TableName=self.table, Key=self._key(account_key, stream), ConsistentRead=True
        )
        if "Item" not in response:
            return Cursor()
        values = from_item(response["Item"])
        maps = _decode_maps(values)
        not_before = values.get("not_before")
        return Cursor(
            position=values.get("position"),
            page=values.get("page"),
            pending=values.get("pending"),
            snapshot=maps.get("snapshot", {}),
            listing=maps.get("listing", {}),
            not_before=datetime.fromisoformat(not_before) if not_before else None,
            version=int(values.get("version", 0)),
            org_id=values.get("org_id"),
        )

    def save(self, account_key: str, stream: str, cursor: Cursor, expected_version: int) -> Cursor:
        version = expected_version + 1
        item = to_item(
            {
                "position": cursor.position,
                "page": cursor.page,
                "pending": cursor.pending,
                "not_before": cursor.not_before.isoformat() if cursor.not_before else None,
                "version": version,
                "org_id": cursor.org_id,
                **_encode_maps(cursor, stream),
            }
        )
        item |= self._key(account_key, stream)
        org = self.organisations(cursor.org_id) if self.organisations and cursor.org_id else None
        item |= retention_item("poll_cursor", self.clock(), org)
        try:
            if expected_version == 0:
                self.client.put_item(
                    TableName=self.table, Item=item, ConditionExpression="attribute_not_exists(pk)"
                )
            else:
                self.client.put_item(
                    TableName=self.table,
                    Item=item,
                    ConditionExpression="#v = :expected",
                    ExpressionAttributeNames={"#v": "version"},
                    ExpressionAttributeValues={":expected": {"N": str(expected_version)}},
                )
        except self.client.exceptions.ConditionalCheckFailedException as exc:
            raise CursorConflict(
                f"the cursor of {stream} is no longer at version {expected_version}"
            ) from exc
        return replace(cursor, version=version)


# --- emitted ledger ------------------------------------------------------------------------------


def _emitted_pk(key: str) -> str:
    # Idempotency keys hold platform ids; only a digest of them is kept.
    return "emitted#" + hashlib.sha256(key.encode()).hexdigest()[:40]


@dataclass(frozen=True)
class EmittedLedger:
    """Which items pollers have queued: pk `emitted#{sha256(key)[:40]}`, sk `-`, expiring after
    the schedule's `poll_ledger` period (DynamoDB TTL). A sweep sees the same items again and
    again; only new ones (or new versions, whose keys differ) are queued."""

    client: DynamoDBClient
    table: str
    clock: Callable[[], datetime] = _utcnow
    sleep: Callable[[float], None] = time.sleep

    def seen(self, keys: Sequence[str]) -> set[str]:
        by_pk = {_emitted_pk(key): key for key in keys}
        pks = list(by_pk)
        found: set[str] = set()
        for start in range(0, len(pks), GET_BATCH):
            found |= self._get(pks[start : start + GET_BATCH])
        return {by_pk[pk] for pk in found}

    def _get(self, pks: list[str]) -> set[str]:
        request: dict[str, KeysAndAttributesUnionTypeDef] = {
            self.table: {
                "Keys": [{"pk": {"S": pk}, "sk": {"S": "-"}} for pk in pks],
                "ProjectionExpression": "pk",
                "ConsistentRead": True,
            }
        }
        found: set[str] = set()
        for attempt in range(ATTEMPTS):
            if attempt:
                self.sleep(_backoff(attempt))
            response = self.client.batch_get_item(RequestItems=request)
            found.update(item["pk"]["S"] for item in response["Responses"].get(self.table, []))
            unprocessed = response.get("UnprocessedKeys", {}).get(self.table)
            if not unprocessed or not unprocessed["Keys"]:
                return found
            request = {self.table: unprocessed}
        raise LedgerUnavailable(f"{len(request[self.table]['Keys'])} ledger key(s) unprocessed")

    def mark(self, keys: Sequence[str], org_id: str | None = None) -> None:
        retention = retention_item("poll_ledger", self.clock()) | _org(org_id)
        # Sorted and unique: BatchWriteItem refuses a batch that names one key twice.
        pks = sorted({_emitted_pk(key) for key in keys})
        for start in range(0, len(pks), WRITE_BATCH):
            self._put(
                [
                    {"PutRequest": {"Item": {"pk": {"S": pk}, "sk": {"S": "-"}, **retention}}}
                    for pk in pks[start : start + WRITE_BATCH]
                ]
            )

    def _put(self, requests: list[WriteRequestUnionTypeDef]) -> None:
        left = batch_write(self.client, self.table, requests, attempts=ATTEMPTS, sleep=self.sleep)
        if left:
            raise LedgerUnavailable(f"{len(left)} ledger write(s) unprocessed")


def _org(org_id: str | None) -> dict[str, AttributeValueTypeDef]:
    return {"org_id": {"S": org_id}} if org_id else {}


# --- lookups -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lookups:
    """References waiting for a lookup source (`ingest.ports.LookupStore`): pk
    `lookup#{platform}#{account_id}#{stream}`, sk the reference. A reference nobody resolves
    within the `lookup_reference` period (the source keeps failing) is dropped by TTL; failures
    are alerted."""

    client: DynamoDBClient
    table: str
    clock: Callable[[], datetime] = _utcnow

    @staticmethod
    def _pk(platform: Platform, account_id: str, stream: str) -> AttributeValueTypeDef:
        return {"S": f"lookup#{platform.value}#{account_id}#{stream}"}

    def request(
        self, platform: Platform, account_id: str, stream: str, ref: str, org_id: str | None = None
    ) -> None:
        retention = retention_item("lookup_reference", self.clock()) | _org(org_id)
        try:
            # Conditional, so a second request for the same reference keeps the first's expiry.
            self.client.put_item(
                TableName=self.table,
                Item={
                    "pk": self._pk(platform, account_id, stream),
                    "sk": {"S": ref},
                    **retention,
                },
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return

    def pending(self, platform: Platform, account_id: str, stream: str, limit: int) -> list[str]:
        if limit < 1:
            return []
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": self._pk(platform, account_id, stream)},
            ProjectionExpression="sk",
            Limit=limit,
            ConsistentRead=True,
        )
        return [item["sk"]["S"] for item in response["Items"]]

    def done(self, platform: Platform, account_id: str, stream: str, ref: str) -> None:
        self.client.delete_item(
            TableName=self.table,
            Key={"pk": self._pk(platform, account_id, stream), "sk": {"S": ref}},
        )
