"""DynamoDB: the events evaluation has finished (`evaluate.ports.Completions`), in the
idempotency table.

One row per idempotency key (`id`: a digest of it, never the key, which names platform ids),
with the outcome, the `idempotency_record` class's expiry and the table's TTL attribute. A batch
reads its keys in one `BatchGetItem` and writes what it finished in one `BatchWriteItem` (25 a
request), where Powertools' per-record layer made a conditional put and an update per item
(issue 13: two of the consumer's six calls per item). What the per-record layer's in-progress
row also did, keep two invocations from notifying the same flag at once, the flag row does
itself (`FlagStore.notice`).

Rows past their expiry still in the table (TTL deletes within days, not at the moment) count as
absent, so the window ends when the schedule says.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.dynamodb import WRITE_BATCH, Throttled, batch_get, batch_write
from uppsikt.dynamo_values import to_item
from uppsikt.evaluate.ports import Finished
from uppsikt.retention.schedule import dispose, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CLASS = "idempotency_record"
EXPIRY_ATTR = "expiration"  # the table's TTL attribute (infra/resources.yaml)
PREFIX = "evaluated#"  # apart from any row another writer leaves in the table


def row_id(key: str) -> str:
    return PREFIX + hashlib.sha256(key.encode()).hexdigest()


def _fields(done: Finished) -> dict[str, str]:
    return {"outcome": done.outcome, **({"org_id": done.org_id} if done.org_id else {})}


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Completions:
    client: DynamoDBClient
    table: str
    clock: Callable[[], datetime] = _utcnow
    sleep: Callable[[float], None] = time.sleep

    def finished(self, keys: Collection[str]) -> dict[str, str]:
        ids = {row_id(key): key for key in keys}
        if not ids:
            return {}
        rows = batch_get(
            self.client,
            self.table,
            [{"id": {"S": i}} for i in ids],
            **self.read,  # consistent: a finish written a moment ago counts
        )
        outcomes = {ids[row["id"]]: self.outcome(row) for row in rows}
        return {key: outcome for key, outcome in outcomes.items() if outcome is not None}

    # How `BatchReads` asks for these rows beside the batch's other keys (one request).
    def key(self, key: str) -> dict[str, Any]:
        return {"id": {"S": row_id(key)}}

    @property
    def read(self) -> dict[str, Any]:
        return {
            "ConsistentRead": True,
            "ProjectionExpression": "#i, #o, #e",
            "ExpressionAttributeNames": {"#i": "id", "#o": "outcome", "#e": EXPIRY_ATTR},
        }

    def outcome(self, row: dict[str, Any] | None) -> str | None:
        """A row's outcome (as `from_item` reads it) while its window lasts (None: absent or
        expired)."""
        if row is None or int(row.get(EXPIRY_ATTR, 0)) <= self.clock().timestamp():
            return None
        return str(row["outcome"])

    def finish(self, finished: Mapping[str, Finished]) -> None:
        if not finished:
            return
        expires = dispose(shipped(), None, CLASS, self.clock()).expires_at
        assert expires is not None  # the class deletes a day after writing (shipped.json)
        base = {
            "retention_class": CLASS,
            "expires_at": expires.isoformat(),
            EXPIRY_ATTR: int(expires.timestamp()),
        }
        # One row per key: BatchWriteItem refuses a request that names a key twice.
        rows = {row_id(key): done for key, done in finished.items()}
        requests = [
            {"PutRequest": {"Item": to_item({"id": i, **_fields(done), **base})}}
            for i, done in sorted(rows.items())
        ]
        for start in range(0, len(requests), WRITE_BATCH):
            self._write(requests[start : start + WRITE_BATCH])

    def _write(self, requests: list[dict[str, Any]]) -> None:
        left = batch_write(self.client, self.table, requests, sleep=self.sleep)
        if left:
            raise Throttled(f"{len(left)} completion row(s) left unprocessed")
