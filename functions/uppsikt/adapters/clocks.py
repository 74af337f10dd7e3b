"""DynamoDB: the clocks table (`ClocksTable` in infra/resources.yaml).

One table, told apart by the key `pk`:

- `clock#<clock id>`: a clock (`uppsikt.clocks.model.Clock`). While it can still move, the row
  carries `due_shard` and `next_check_at`, the keys of the sparse `due` index: the tick queries
  each shard for `next_check_at <= now` and reads nothing else. A stopped or escalated clock
  drops both attributes and so leaves the index; the table is never scanned. Shards (a hash of
  the clock id) spread the writes of one busy moment over several index partitions.
- `thread#<digest>`: a thread's latest official reply, and the questions in its thread below the
  top comment (a string set; a top comment's own clock is found by its id).
- `lastpost#<account id>`: when an official account last posted (for the cadence check).
- `publishers#<org>#<ISO week>#<account id>`: official posts and posts by non-admins that week,
  with the event ids counted (a redelivery is not counted twice).

Every row carries its retention class and expiry; a `ttl` where expiry deletes.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from uppsikt.clocks.model import Clock, Kind, State, StopReason
from uppsikt.clocks.publishers import PUBLISHER_COUNT
from uppsikt.retention.schedule import row_values

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

DUE_INDEX = "due"
SHARDS = 4

CLOCK_PREFIX = "clock#"
_TIMES = (
    "started_at",
    "at_risk_at",
    "due_at",
    "escalate_at",
    "breached_at",
    "escalated_at",
    "stopped_at",
)
_TEXTS = ("account_id", "platform", "thread", "excerpt", "pending_alert")


def key_time(moment: datetime) -> str:
    """A fixed-width UTC form, so that the index's string order is time order."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def shard_of(clock_id: str) -> str:
    return str(int(clock_id[:8], 16) % SHARDS)


def clock_item(clock: Clock) -> dict[str, AttributeValueTypeDef]:
    item: dict[str, AttributeValueTypeDef] = {
        "pk": {"S": CLOCK_PREFIX + clock.clock_id},
        "clock_id": {"S": clock.clock_id},
        "org_id": {"S": clock.org_id},
        "kind": {"S": clock.kind.value},
        "subject": {"S": clock.subject},
        "ref": {"S": clock.ref},
        "severity": {"S": clock.severity},
        "state": {"S": clock.state.value},
    }
    for name in _TIMES:
        value: datetime | None = getattr(clock, name)
        if value is not None:
            item[name] = {"S": key_time(value)}
    for name in _TEXTS:
        text: str | None = getattr(clock, name)
        if text is not None:
            item[name] = {"S": text}
    if clock.stop_reason is not None:
        item["stop_reason"] = {"S": clock.stop_reason.value}
    for name, value2 in row_values(clock.retention_class, clock.expires_at).items():
        item[name] = {"N": str(value2)} if isinstance(value2, int) else {"S": value2}
    check = clock.next_check_at
    if check is not None:
        item["due_shard"] = {"S": shard_of(clock.clock_id)}
        item["next_check_at"] = {"S": key_time(check)}
    return item


def clock_from(item: dict[str, Any]) -> Clock:
    s = {k: v["S"] for k, v in item.items() if "S" in v}
    times = {name: parse_time(s[name]) if name in s else None for name in _TIMES}
    return Clock(
        clock_id=s["clock_id"],
        org_id=s["org_id"],
        kind=Kind(s["kind"]),
        subject=s["subject"],
        ref=s["ref"],
        severity=s["severity"],
        state=State(s["state"]),
        expires_at=datetime.fromisoformat(s["expires_at"]),
        retention_class=s["retention_class"],
        stop_reason=StopReason(s["stop_reason"]) if "stop_reason" in s else None,
        **{name: s.get(name) for name in _TEXTS},  # type: ignore[arg-type]
        **times,  # type: ignore[arg-type]
    )


def _retention(cls: str, expires_at: datetime) -> dict[str, AttributeValueTypeDef]:
    return {
        k: ({"N": str(v)} if isinstance(v, int) else {"S": v})
        for k, v in row_values(cls, expires_at).items()
    }


@dataclass(frozen=True)
class Clocks:
    """`ClockStore`, `Threads` and `Activity` over one table."""

    client: DynamoDBClient
    table: str

    # --- clocks ------------------------------------------------------------------------------
    def create(self, clock: Clock) -> bool:
        try:
            self.client.put_item(
                TableName=self.table,
                Item=clock_item(clock),
                ConditionExpression="attribute_not_exists(pk)",
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def get(self, clock_id: str) -> Clock | None:
        found = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": CLOCK_PREFIX + clock_id}}, ConsistentRead=True
        )
        return clock_from(found["Item"]) if "Item" in found else None

    def due(self, now: datetime) -> Iterator[Clock]:
        for shard in range(SHARDS):
            yield from (clock_from(i) for i in self._due_items(str(shard), now))

    def due_raw(self, now: datetime) -> Iterator[dict[str, Any]]:
        """The same index reads as `due`, without building clocks (the benchmark's baseline)."""
        for shard in range(SHARDS):
            yield from self._due_items(str(shard), now)

    def _due_items(self, shard: str, now: datetime) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName=DUE_INDEX,
            KeyConditionExpression="due_shard = :s AND next_check_at <= :now",
            ExpressionAttributeValues={":s": {"S": shard}, ":now": {"S": key_time(now)}},
        )
        for page in pages:
            yield from page["Items"]

    def transition(self, before: Clock, after: Clock) -> bool:
        condition = "#st = :before"
        if after.state is State.BREACHED:
            condition += " AND attribute_not_exists(breached_at)"  # each breach recorded once
        try:
            self.client.put_item(
                TableName=self.table,
                Item=clock_item(after),
                ConditionExpression=condition,
                ExpressionAttributeNames={"#st": "state"},
                ExpressionAttributeValues={":before": {"S": before.state.value}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def alert_sent(self, clock: Clock) -> bool:
        """Clear the clock's published alert from the outbox, unless the clock moved meanwhile
        (then the writer that moved it carried the alert, and the next tick sends it)."""
        try:
            self.client.put_item(
                TableName=self.table,
                Item=clock_item(clock.evolve(pending_alert=None)),
                ConditionExpression="#st = :state AND pending_alert = :alert",
                ExpressionAttributeNames={"#st": "state"},
                ExpressionAttributeValues={
                    ":state": {"S": clock.state.value},
                    ":alert": {"S": clock.pending_alert or ""},
                },
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    # --- threads -----------------------------------------------------------------------------
    def thread_key(self, thread: str) -> dict[str, AttributeValueTypeDef]:
        digest = hashlib.sha256(thread.encode()).hexdigest()[:32]
        return {"pk": {"S": f"thread#{digest}"}}

    def add_question(self, thread: str, clock_id: str, expires_at: datetime) -> None:
        values = _retention("clock_record", expires_at)
        names = {f"#r{i}": k for i, k in enumerate(values)}
        sets = ", ".join(f"#r{i} = :r{i}" for i in range(len(values)))
        self.client.update_item(
            TableName=self.table,
            Key=self.thread_key(thread),
            UpdateExpression=f"ADD questions :q SET {sets}",
            ExpressionAttributeNames=names,
            ExpressionAttributeValues={
                ":q": {"SS": [clock_id]},
                **{f":r{i}": v for i, v in enumerate(values.values())},
            },
        )

    def questions(self, thread: str) -> list[str]:
        found = self.client.get_item(
            TableName=self.table, Key=self.thread_key(thread), ConsistentRead=True
        )
        return sorted(found.get("Item", {}).get("questions", {}).get("SS", []))

    def note_reply(self, thread: str, at: datetime, expires_at: datetime) -> None:
        values = _retention("clock_record", expires_at)
        names = {f"#r{i}": k for i, k in enumerate(values)}
        sets = ", ".join(f"#r{i} = :r{i}" for i in range(len(values)))
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table,
                Key=self.thread_key(thread),
                UpdateExpression=f"SET last_reply_at = :at, {sets}",
                # The latest reply wins, whatever order they arrive in.
                ConditionExpression="attribute_not_exists(last_reply_at) OR last_reply_at < :at",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={
                    ":at": {"S": key_time(at)},
                    **{f":r{i}": v for i, v in enumerate(values.values())},
                },
            )

    def last_reply(self, thread: str) -> datetime | None:
        found = self.client.get_item(
            TableName=self.table, Key=self.thread_key(thread), ConsistentRead=True
        )
        value = found.get("Item", {}).get("last_reply_at", {}).get("S")
        return parse_time(value) if value else None

    # --- official activity -------------------------------------------------------------------
    def note_post(self, account_id: str, org_id: str, at: datetime, expires_at: datetime) -> None:
        item = {
            "pk": {"S": f"lastpost#{account_id}"},
            "org_id": {"S": org_id},
            "last_post_at": {"S": key_time(at)},
            **_retention("clock_record", expires_at),
        }
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.put_item(
                TableName=self.table,
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR last_post_at < :at",
                ExpressionAttributeValues={":at": {"S": key_time(at)}},
            )

    def last_post(self, account_id: str) -> datetime | None:
        found = self.client.get_item(
            TableName=self.table, Key={"pk": {"S": f"lastpost#{account_id}"}}
        )
        value = found.get("Item", {}).get("last_post_at", {}).get("S")
        return parse_time(value) if value else None

    def count_post(
        self,
        org_id: str,
        account_id: str,
        week: str,
        event_id: str,
        *,
        by_admin: bool,
        expires_at: datetime,
    ) -> None:
        values = _retention(PUBLISHER_COUNT, expires_at)
        names = {f"#r{i}": k for i, k in enumerate(values)}
        sets = ", ".join(f"#r{i} = :r{i}" for i in range(len(values)))
        with contextlib.suppress(self.client.exceptions.ConditionalCheckFailedException):
            self.client.update_item(
                TableName=self.table,
                Key={"pk": {"S": f"publishers#{org_id}#{week}#{account_id}"}},
                UpdateExpression=(
                    f"ADD posts :one, non_admin :na, seen :e SET org_id = :org, {sets}"
                ),
                ConditionExpression="attribute_not_exists(seen) OR NOT contains(seen, :eid)",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":na": {"N": "0" if by_admin else "1"},
                    ":e": {"SS": [event_id]},
                    ":eid": {"S": event_id},
                    ":org": {"S": org_id},
                    **{f":r{i}": v for i, v in enumerate(values.values())},
                },
            )

    def week_counts(
        self, org_id: str, week: str, account_ids: Iterable[str]
    ) -> dict[str, tuple[int, int]]:
        ids = list(account_ids)
        counts: dict[str, tuple[int, int]] = dict.fromkeys(ids, (0, 0))
        for start in range(0, len(ids), 100):
            keys = [
                {"pk": {"S": f"publishers#{org_id}#{week}#{a}"}} for a in ids[start : start + 100]
            ]
            pending: Any = {self.table: {"Keys": keys}}
            while pending:
                answer = self.client.batch_get_item(RequestItems=pending)
                for item in answer["Responses"].get(self.table, []):
                    account = item["pk"]["S"].rsplit("#", 1)[1]
                    counts[account] = (int(item["posts"]["N"]), int(item["non_admin"]["N"]))
                pending = answer.get("UnprocessedKeys") or None
        return counts


@dataclass(frozen=True)
class FlagReviews:
    """`Reviews` on the flags table: the review console sets `first_reviewed_at` on the row."""

    client: DynamoDBClient
    table: str

    def first_reviewed_at(self, flag_id: str) -> datetime | None:
        found = self.client.get_item(
            TableName=self.table,
            Key={"flag_id": {"S": flag_id}},
            ProjectionExpression="first_reviewed_at",
        )
        value = found.get("Item", {}).get("first_reviewed_at", {}).get("S")
        return datetime.fromisoformat(value) if value else None
