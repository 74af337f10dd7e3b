"""DynamoDB for the review: the flags table's workflow attributes and the review table's history.

Flag rows gain, as the review touches them: `org_status` (the `by-org-status` index key),
`claimed_by` / `claim_expires` (the expiring lock), `assignee`, `first_reviewed_at` (read by the
supervision-lag clock), `decided_at` / `decided_by`, `updated_at`. Every change is a conditional
write on the status read before it, so two officers can never both move a flag unknowingly.

Review-table rows (`pk` = `flag#<flag id>`, `sk` = `<ISO time>#<random>`) are the flag's history:
transitions, claims, assignments and comments, each with its retention class and expiry from the
moment it is written (schedule class `flag_record`).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.dynamo_values import from_item
from uppsikt.review.errors import ClaimedByOther, FlagNotFound, StaleState
from uppsikt.review.listing import Query
from uppsikt.review.model import HistoryEntry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

# Filtered listings read at most this many index pages per request before returning what they
# have (with a cursor), so one request's cost stays bounded whatever the filters match.
MAX_PAGES = 10
PAGE_READ = 200


def _s(value: str) -> dict[str, str]:
    return {"S": value}


@dataclass(frozen=True)
class ReviewFlags:
    client: DynamoDBClient
    table: str

    def get(self, flag_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(
            TableName=self.table, Key={"flag_id": _s(flag_id)}, ConsistentRead=True
        )
        return from_item(item["Item"]) if "Item" in item else None

    def page(
        self, query: Query, limit: int, start: dict[str, Any] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        """Up to `limit` flags and the key of the last one when more may follow."""
        rows: list[dict[str, Any]] = []
        filtered = "FilterExpression" in query.params
        for _ in range(MAX_PAGES):
            params = dict(query.params, TableName=self.table)
            params["Limit"] = PAGE_READ if filtered else limit - len(rows)
            if start:
                params["ExclusiveStartKey"] = start
            response = self.client.query(**params)
            for item in response["Items"]:
                rows.append(from_item(item))
                if len(rows) == limit:
                    last = rows[-1]
                    # Cut mid-page: resume after the last row returned, not the page's end.
                    more = item is not response["Items"][-1] or "LastEvaluatedKey" in response
                    return rows, _key(last, query) if more else None
            start = response.get("LastEvaluatedKey")
            if not start:
                return rows, None
        return rows, _key(from_item(start), query) if start else None

    def tally(self, query: Query, attribute: str) -> dict[str, int]:
        """How many rows the query matches, per value of one attribute (projection only)."""
        counts: dict[str, int] = {}
        params = dict(query.params, TableName=self.table)
        names = dict(params.get("ExpressionAttributeNames", {}), **{"#t": attribute})
        params.update(ProjectionExpression="#t", ExpressionAttributeNames=names)
        for page in self.client.get_paginator("query").paginate(**params):
            for item in page["Items"]:
                value = item.get(attribute, {}).get("S", "none")
                counts[value] = counts.get(value, 0) + 1
        return counts

    def since(self, org_id: str, moment: datetime) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName="by-org",
            KeyConditionExpression="org_id = :o AND created_at >= :s",
            ExpressionAttributeValues={":o": _s(org_id), ":s": _s(moment.isoformat())},
        )
        for page in pages:
            yield from (from_item(i) for i in page["Items"])

    def update(
        self,
        flag: dict[str, Any],
        *,
        actor: str,
        now: datetime,
        set_values: dict[str, str | None],
        if_not_exists: dict[str, str] | None = None,
        remove: tuple[str, ...] = (),
        respect_claim: bool = True,
    ) -> None:
        """Change one flag if it is still in the status it was read in and no one else holds a
        live claim on it. `None` values in `set_values` are removed."""
        names: dict[str, str] = {"#s": "status"}
        values: dict[str, Any] = {":expected": _s(flag["status"]), ":org": _s(flag["org_id"])}
        sets: list[str] = []
        removes = list(remove)
        for i, (attr, value) in enumerate(set_values.items()):
            names[f"#a{i}"] = attr
            if value is None:
                removes.append(f"#a{i}")
            else:
                values[f":a{i}"] = _s(value)
                sets.append(f"#a{i} = :a{i}")
        for i, (attr, value) in enumerate((if_not_exists or {}).items()):
            names[f"#n{i}"] = attr
            values[f":n{i}"] = _s(value)
            sets.append(f"#n{i} = if_not_exists(#n{i}, :n{i})")
        condition = "#s = :expected AND org_id = :org"
        if respect_claim:
            values[":me"] = _s(actor)
            values[":now"] = _s(now.isoformat())
            condition += (
                " AND (attribute_not_exists(claimed_by) OR claimed_by = :me"
                " OR claim_expires < :now)"
            )
        expression = ("SET " + ", ".join(sets)) if sets else ""
        if removes:
            expression += " REMOVE " + ", ".join(removes)
        try:
            self.client.update_item(
                TableName=self.table,
                Key={"flag_id": _s(flag["flag_id"])},
                UpdateExpression=expression.strip(),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            fresh = self.get(flag["flag_id"])
            if fresh is None or fresh.get("org_id") != flag["org_id"]:
                raise FlagNotFound("no such flag in this organisation") from None
            if fresh["status"] == flag["status"] and _claimed_by_other(fresh, actor, now):
                raise ClaimedByOther("another officer holds a claim on this flag") from None
            raise StaleState("the flag changed meanwhile; read it again") from None


def _claimed_by_other(flag: dict[str, Any], actor: str, now: datetime) -> bool:
    holder = flag.get("claimed_by")
    return (
        bool(holder) and holder != actor and str(flag.get("claim_expires", "")) >= now.isoformat()
    )


def live_claim(flag: dict[str, Any], now: datetime) -> dict[str, str] | None:
    holder = flag.get("claimed_by")
    expires = str(flag.get("claim_expires", ""))
    if holder and expires >= now.isoformat():
        return {"claimed_by": str(holder), "expires_at": expires}
    return None


def _key(row: dict[str, Any], query: Query) -> dict[str, str]:
    return {name: str(row[name]) for name in query.key_names}


@dataclass(frozen=True)
class History:
    client: DynamoDBClient
    table: str

    def add(self, entry: HistoryEntry, retention: dict[str, str | int]) -> None:
        values: dict[str, Any] = {
            "pk": _s(f"flag#{entry.flag_id}"),
            "sk": _s(f"{entry.at.isoformat()}#{secrets.token_hex(4)}"),
        }
        for key, value in {**entry.model_dump(mode="json"), **retention}.items():
            if value is None:
                continue
            values[key] = {"N": str(value)} if isinstance(value, int) else _s(str(value))
        self.client.put_item(TableName=self.table, Item=values)

    def of(self, flag_id: str) -> list[HistoryEntry]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues={":pk": _s(f"flag#{flag_id}")},
        )
        entries = []
        for page in pages:
            for item in page["Items"]:
                row = from_item(item)
                fields = {k: v for k, v in row.items() if k in HistoryEntry.model_fields}
                entries.append(HistoryEntry.model_validate(fields))
        return entries
