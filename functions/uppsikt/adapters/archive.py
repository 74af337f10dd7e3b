"""What an organisation keeps for the archive, read for a hand-over package and released to the
purge once handed over (`retention.handover.ArchiveContents`)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.governance import Governance
from uppsikt.adapters.purge import archive_classes
from uppsikt.dynamo_values import from_item
from uppsikt.retention.handover import Archived
from uppsikt.retention.schedule import Schedule, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_s3 import S3Client


@dataclass(frozen=True)
class StoredArchive:
    governance: Governance
    s3: S3Client
    archive_bucket: str
    dynamodb: DynamoDBClient
    items_table: str
    schedule: Schedule = field(default_factory=shipped)

    def archived(self, org_id: str) -> Sequence[Archived]:
        objects = [
            Archived("archive", str(r["key"]), str(r["object_class"]))
            for r in self.governance.archived_objects(org_id)
            if r["store"] == "archive"
        ]
        return objects + self._rows(org_id)

    def _rows(self, org_id: str) -> list[Archived]:
        classes = archive_classes(self.schedule)
        names = {f":c{i}": {"S": c} for i, c in enumerate(classes)}
        pages = self.dynamodb.get_paginator("query").paginate(
            TableName=self.items_table,
            IndexName="by-expiry",
            KeyConditionExpression="org_id = :org AND expires_at = :none",
            FilterExpression=f"retention_class IN ({', '.join(names)})",
            ExpressionAttributeValues={":org": {"S": org_id}, ":none": {"S": "none"}, **names},
        )
        return [
            Archived("items", str(i["event_id"]["S"]), str(i["retention_class"]["S"]))
            for p in pages
            for i in p["Items"]
        ]

    def read(self, org_id: str, thing: Archived) -> tuple[bytes, dict[str, Any]]:
        if thing.store == "archive":
            response = self.s3.get_object(Bucket=self.archive_bucket, Key=thing.key)
            stored: dict[str, Any] = {"key": thing.key, **response.get("Metadata", {})}
            return response["Body"].read(), stored
        item = self.dynamodb.get_item(
            TableName=self.items_table, Key={"event_id": {"S": thing.key}}
        )["Item"]
        row = from_item(item)
        meta: dict[str, Any] = {
            k: row.get(k) for k in ("retention_class", "evaluated_at", "org_id", "item_ref")
        }
        return json.dumps(row, sort_keys=True).encode(), meta

    def release(self, org_id: str, things: Sequence[Archived], now: datetime) -> int:
        released = 0
        rows = {str(r["key"]): r for r in self.governance.archived_objects(org_id)}
        for thing in things:
            if thing.store == "archive" and thing.key in rows:
                self.governance.release_to_expiry(org_id, rows[thing.key], now)
                released += 1
            elif thing.store == "items":
                try:
                    # Handed over: its expiry is now, so the next purge run removes Uppsikt's copy.
                    self.dynamodb.update_item(
                        TableName=self.items_table,
                        Key={"event_id": {"S": thing.key}},
                        UpdateExpression="SET expires_at = :now, handed_over_at = :now",
                        ConditionExpression="expires_at = :none",
                        ExpressionAttributeValues={
                            ":now": {"S": now.isoformat()},
                            ":none": {"S": "none"},
                        },
                    )
                    released += 1
                except self.dynamodb.exceptions.ConditionalCheckFailedException:
                    continue
        return released
