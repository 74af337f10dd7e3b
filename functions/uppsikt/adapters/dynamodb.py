"""DynamoDB: flag records and working records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.model.records import Flag, WorkingRecord

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef


def to_item(values: dict[str, Any]) -> dict[str, AttributeValueTypeDef]:
    """Plain JSON-mode values to DynamoDB attribute values (None is left out)."""
    item: dict[str, AttributeValueTypeDef] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            item[key] = {"BOOL": value}
        elif isinstance(value, int | float):
            item[key] = {"N": str(value)}
        elif isinstance(value, list | tuple):
            item[key] = {"L": [{"S": str(v)} for v in value]}
        else:
            item[key] = {"S": str(value)}
    return item


def from_item(item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        if "S" in value:
            out[key] = value["S"]
        elif "N" in value:
            number = value["N"]
            out[key] = int(number) if number.lstrip("-").isdigit() else float(number)
        elif "BOOL" in value:
            out[key] = value["BOOL"]
        elif "L" in value:
            out[key] = [v.get("S") for v in value["L"]]
    return out


def _ttl(moment: datetime | None) -> int | None:
    return int(moment.timestamp()) if moment else None


@dataclass(frozen=True)
class Flags:
    client: DynamoDBClient
    table: str

    def create(self, flag: Flag) -> bool:
        try:
            self.client.put_item(
                TableName=self.table,
                Item=to_item(flag.model_dump(mode="json")),
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

    def get(self, flag_id: str) -> dict[str, Any] | None:
        item = self.client.get_item(TableName=self.table, Key={"flag_id": {"S": flag_id}})
        return from_item(item["Item"]) if "Item" in item else None

    def scan(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for page in self.client.get_paginator("scan").paginate(TableName=self.table):
            items.extend(from_item(i) for i in page["Items"])
        return items


@dataclass(frozen=True)
class Items:
    client: DynamoDBClient
    table: str

    def put(self, record: WorkingRecord) -> None:
        values = record.model_dump(mode="json")
        values["ttl"] = _ttl(record.expires_at)  # DynamoDB TTL is a backstop to the purge job
        self.client.put_item(TableName=self.table, Item=to_item(values))

    def purge_working_copies(self, item_ref: str) -> int:
        deleted = 0
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            IndexName="by-item",
            KeyConditionExpression="item_ref = :ref",
            ExpressionAttributeValues={":ref": {"S": item_ref}},
        )
        for page in pages:
            for key in page["Items"]:
                try:
                    # Flagged records stay: they belong to the evidence and its own retention.
                    self.client.delete_item(
                        TableName=self.table,
                        Key={"event_id": key["event_id"]},
                        ConditionExpression="verdict = :clean",
                        ExpressionAttributeValues={":clean": {"S": "clean"}},
                    )
                    deleted += 1
                except self.client.exceptions.ConditionalCheckFailedException:
                    continue
        return deleted

    def scan(self) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for page in self.client.get_paginator("scan").paginate(TableName=self.table):
            items.extend(from_item(i) for i in page["Items"])
        return items
