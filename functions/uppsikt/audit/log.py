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
# Writers racing for one organisation's chain: each loss re-reads the head after a jittered,
# growing pause (capped at 0.2 s), so a handful of officers deciding at once all get through.
ATTEMPTS = 20
MAX_PAUSE = 0.2
MAX_PAGE = 500
TIME_INDEX = "by-time"  # org_id + at: an organisation's entries by action time


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
                ceiling = min(MAX_PAUSE, 0.005 * 2**attempt)
                self.pause(random.uniform(0, ceiling))  # noqa: S311 - jitter, not a secret
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
        """Entries in chain order; with `since`/`until`, those whose action time is in
        [since, until), in time order, read through the `by-time` index (a window never reads
        the whole chain). `cursor` continues after the previous page (None: no more)."""
        limit = max(1, min(limit, MAX_PAGE))
        windowed = since is not None or until is not None
        start = _decode_cursor(cursor, windowed=windowed)
        found: list[AuditEntry] = []
        while True:
            query = self._query(org_id, since, until, start, limit - len(found))
            page = self.client.query(**query)
            items = page.get("Items", [])
            found.extend(from_plain(plain(item)) for item in items)
            last = page.get("LastEvaluatedKey")
            if last is None:
                return found, None
            if len(found) >= limit:
                return found, _encode_cursor(found[-1], windowed=windowed)
            start = {name: str(value["S"]) for name, value in last.items()}

    def between(self, org_id: str, since: datetime, until: datetime) -> Iterator[AuditEntry]:
        """Every entry whose action time is in [since, until), in time order (the report)."""
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
        start: dict[str, str] | None,
        limit: int,
    ) -> QueryInputTypeDef:
        values: dict[str, AttributeValueTypeDef] = {":org": {"S": org_id}}
        query: QueryInputTypeDef = {
            "TableName": self.table,
            "KeyConditionExpression": "org_id = :org",
            "ExpressionAttributeValues": values,
            "Limit": limit,
        }
        if since is not None or until is not None:
            # DynamoDB refuses an empty key value; "0" sorts before every ISO time: an open start.
            lo = moment(since) if since is not None else "0"
            # "~" sorts after every ISO time: an open end.
            hi = moment(until) if until is not None else "~"
            values[":since"] = {"S": lo}
            values[":until"] = {"S": hi}
            query["IndexName"] = TIME_INDEX
            # BETWEEN includes its upper bound; the filter makes `until` exclusive.
            query["KeyConditionExpression"] = "org_id = :org AND #at BETWEEN :since AND :until"
            query["FilterExpression"] = "#at < :until"
            query["ExpressionAttributeNames"] = {"#at": "at"}
        if start is not None:
            query["ExclusiveStartKey"] = {
                name: {"S": value} for name, value in {"org_id": org_id, **start}.items()
            }
        return query


def _encode_cursor(entry: AuditEntry, *, windowed: bool) -> str:
    """The position after `entry`: its sort key, and its action time in a window listing."""
    sk = sort_key(entry.seq)
    return f"{moment(entry.at)}|{sk}" if windowed else sk


def _decode_cursor(cursor: str | None, *, windowed: bool) -> dict[str, str] | None:
    if cursor is None:
        return None
    at, _, sk = cursor.rpartition("|") if windowed else ("", "", cursor)
    if len(sk) != SEQ_DIGITS or not sk.isdigit() or (windowed and not _is_moment(at)):
        raise BadCursor("cursor: not one this listing handed out")
    return {"sk": sk, "at": at} if windowed else {"sk": sk}


def _is_moment(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False
