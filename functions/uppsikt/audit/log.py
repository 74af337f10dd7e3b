"""The audit log on DynamoDB: one hash chain per organisation in the audit table.

Rows: partition key `org_id`, sort key `sk` (the sequence number, zero-padded). An append reads
the chain's head (a strongly consistent query for the last row) and writes the next position
with `attribute_not_exists(sk)`. Two writers that read the same head race for the same key, and
only one can win: the loser re-reads the new head and links to it. So the chain cannot fork and
has no gaps, without a separate head row to keep in step (and nothing that can delete or update
a row is granted to any function: infra/functions.yaml).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from uppsikt.audit.errors import BadCursor, ChainContended
from uppsikt.audit.model import (
    GENESIS,
    SEQ_DIGITS,
    AuditEntry,
    DetailValue,
    canonical,
    chained_fields,
    check_entry,
    entry_hash,
    moment,
    sort_key,
)
from uppsikt.retention.schedule import Subject, dispose, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef, QueryInputTypeDef

RETENTION_CLASS = "audit_entry"
ATTEMPTS = 8  # writers racing for one organisation's chain; each loss re-reads the head
MAX_PAGE = 500


def _now() -> datetime:
    return datetime.now(UTC)


def to_row(
    entry: AuditEntry, retention: Mapping[str, str | int]
) -> dict[str, AttributeValueTypeDef]:
    fields = entry.chained()
    row: dict[str, AttributeValueTypeDef] = {
        "org_id": {"S": entry.org_id},
        "sk": {"S": sort_key(entry.seq)},
        "seq": {"N": str(entry.seq)},
        "at": {"S": fields["at"]},
        "recorded_at": {"S": fields["recorded_at"]},
        "actor": {"S": entry.actor},
        "role": {"S": entry.role},
        "action": {"S": entry.action.value},
        "target": {"S": entry.target},
        "details": {"S": canonical(entry.details).decode()},
        "prev_hash": {"S": entry.prev_hash},
        "hash": {"S": entry.hash},
    }
    if entry.reason is not None:
        row["reason"] = {"S": entry.reason}
    if entry.policy_version is not None:
        row["policy_version"] = {"S": entry.policy_version}
    for name, value in retention.items():
        row[name] = {"N": str(value)} if isinstance(value, int) else {"S": value}
    return row


def plain(row: Mapping[str, Any]) -> dict[str, object]:
    """A DynamoDB row as plain values (strings and numbers), as verify reads it."""
    out: dict[str, object] = {}
    for name, value in row.items():
        if "S" in value:
            out[name] = value["S"]
        elif "N" in value:
            out[name] = int(value["N"]) if value["N"].lstrip("-").isdigit() else value["N"]
    return out


def from_plain(row: Mapping[str, object]) -> AuditEntry:
    """An entry from a stored row; ValueError (or pydantic's) when the row is not one."""
    details = json.loads(str(row.get("details", "{}")))
    if not isinstance(details, dict):
        raise ValueError("details is not an object")
    return AuditEntry.model_validate(
        {
            "org_id": row["org_id"],
            "seq": row["seq"],
            "at": row["at"],
            "recorded_at": row["recorded_at"],
            "actor": row["actor"],
            "role": row["role"],
            "action": row["action"],
            "target": row["target"],
            "reason": row.get("reason"),
            "policy_version": row.get("policy_version"),
            "details": details,
            "prev_hash": row["prev_hash"],
            "hash": row["hash"],
        }
    )


@dataclass
class AuditLog:
    """`AuditTrail` and `ChainReader` on the audit table (see the module docstring)."""

    client: DynamoDBClient
    table: str
    # The organisation's retention terms (registry); None: the shortest default applies.
    organisations: Callable[[str], Subject | None] = field(default=lambda _org: None)
    clock: Callable[[], datetime] = _now
    pause: Callable[[float], None] = time.sleep

    # --- writing ----------------------------------------------------------------------------
    def append(
        self,
        org_id: str,
        *,
        actor: str,
        role: str,
        action: str,
        target: str,
        at: datetime,
        reason: str | None = None,
        policy_version: str | None = None,
        details: Mapping[str, DetailValue] | None = None,
    ) -> AuditEntry:
        details = dict(details or {})
        known = check_entry(
            actor=actor,
            role=role,
            action=action,
            target=target,
            reason=reason,
            policy_version=policy_version,
            details=details,
        )
        moment(at)  # refuses a time without a zone before anything is written
        for attempt in range(ATTEMPTS):
            seq, prev = self.head(org_id)
            recorded = self.clock()
            fields = chained_fields(
                org_id=org_id,
                seq=seq + 1,
                at=at,
                recorded_at=recorded,
                actor=actor,
                role=role,
                action=known.value,
                target=target,
                reason=reason,
                policy_version=policy_version,
                details=details,
                prev_hash=prev,
            )
            entry = AuditEntry.model_validate({**fields, "hash": entry_hash(prev, fields)})
            disposition = dispose(shipped(), self.organisations(org_id), RETENTION_CLASS, recorded)
            try:
                self.client.put_item(
                    TableName=self.table,
                    Item=to_row(entry, disposition.attributes()),
                    ConditionExpression="attribute_not_exists(sk)",
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                # Another writer took this position first: link to its entry instead.
                self.pause(random.uniform(0, 0.005 * (attempt + 1)))  # noqa: S311 - jitter
                continue
            return entry
        raise ChainContended("the audit chain kept moving; the entry was not written")

    # --- reading ----------------------------------------------------------------------------
    def head(self, org_id: str) -> tuple[int, str]:
        """The last position and its hash (0 and the genesis hash for an empty chain)."""
        response = self.client.query(
            TableName=self.table,
            KeyConditionExpression="org_id = :org",
            ExpressionAttributeValues={":org": {"S": org_id}},
            ScanIndexForward=False,
            Limit=1,
            ConsistentRead=True,
        )
        items = response.get("Items", [])
        if not items:
            return 0, GENESIS
        return int(items[0]["seq"]["N"]), items[0]["hash"]["S"]

    def entries(
        self,
        org_id: str,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> tuple[list[AuditEntry], str | None]:
        """Entries in chain order whose action time is in [since, until); `cursor` continues
        after the last entry of the previous page (None: no more)."""
        if cursor is not None and (len(cursor) != SEQ_DIGITS or not cursor.isdigit()):
            raise BadCursor("cursor: not one this listing handed out")
        limit = max(1, min(limit, MAX_PAGE))
        found: list[AuditEntry] = []
        start = cursor
        while True:
            query = self._query(org_id, since, until, start, limit)
            page = self.client.query(**query)
            for item in page.get("Items", []):
                found.append(from_plain(plain(item)))
                if len(found) == limit:
                    return found, sort_key(found[-1].seq)
            last = page.get("LastEvaluatedKey")
            if last is None:
                return found, None
            start = last["sk"]["S"]

    def between(self, org_id: str, since: datetime, until: datetime) -> Iterator[AuditEntry]:
        """Every entry whose action time is in [since, until), in chain order (the report)."""
        cursor: str | None = None
        while True:
            page, cursor = self.entries(
                org_id, since=since, until=until, limit=MAX_PAGE, cursor=cursor
            )
            yield from page
            if cursor is None:
                return

    def rows(self, org_id: str) -> Iterator[dict[str, object]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="org_id = :org",
            ExpressionAttributeValues={":org": {"S": org_id}},
            ConsistentRead=True,
        )
        for page in pages:
            for item in page["Items"]:
                yield plain(item)

    def _query(
        self,
        org_id: str,
        since: datetime | None,
        until: datetime | None,
        start: str | None,
        limit: int,
    ) -> QueryInputTypeDef:
        query: QueryInputTypeDef = {
            "TableName": self.table,
            "KeyConditionExpression": "org_id = :org",
            "ExpressionAttributeValues": {":org": {"S": org_id}},
            "Limit": limit,
        }
        filters: list[str] = []
        values: dict[str, AttributeValueTypeDef] = {":org": {"S": org_id}}
        if since is not None:
            filters.append("#at >= :since")
            values[":since"] = {"S": moment(since)}
        if until is not None:
            filters.append("#at < :until")
            values[":until"] = {"S": moment(until)}
        query["ExpressionAttributeValues"] = values
        if filters:
            query["FilterExpression"] = " AND ".join(filters)
            query["ExpressionAttributeNames"] = {"#at": "at"}
        if start is not None:
            query["ExclusiveStartKey"] = {"org_id": {"S": org_id}, "sk": {"S": start}}
        return query
