"""DynamoDB attribute values to and from plain values: one converter for every layer that reads
or writes rows (the adapters, and the review store below them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
