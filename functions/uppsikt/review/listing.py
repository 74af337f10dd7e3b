"""Queue listing: filters, the index that serves them, and opaque cursors.

Every listing is a DynamoDB Query on an index of the flags table, never a Scan: `by-org-status`
(`org_status` = `<org>#<status>`, by `created_at`) when a status is asked for, else `by-org`.
The date range narrows the key condition; the other filters are filter expressions on the same
query. The cursor is the key of the last flag returned (not DynamoDB's page end), so a page cut
short by the limit resumes exactly after its last row, and it is bound to the organisation and
filters it was issued for.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from uppsikt.model.events import Platform
from uppsikt.model.records import FlagStatus
from uppsikt.model.verdict import Severity
from uppsikt.review.errors import InvalidCursor, InvalidRequest

MAX_LIMIT = 100
DEFAULT_LIMIT = 50


class Filters(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    status: FlagStatus | None = None
    severity: Severity | None = None
    rule: str | None = Field(default=None, min_length=1, max_length=200)
    kind: str | None = Field(default=None, min_length=1, max_length=100)
    platform: Platform | None = None
    account: str | None = Field(default=None, min_length=1, max_length=200)
    assignee: str | None = Field(default=None, min_length=1, max_length=200)
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    order: str = Field(default="desc", pattern="^(asc|desc)$")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    @classmethod
    def parse(cls, query: dict[str, str] | None) -> Filters:
        values = dict(query or {})
        values.pop("cursor", None)
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            fields = sorted({str(e["loc"][0]) for e in exc.errors(include_input=False)})
            raise InvalidRequest("invalid query parameters: " + ", ".join(fields)) from None

    def fingerprint(self, org_id: str) -> str:
        data = self.model_dump(mode="json", by_alias=True, exclude={"limit"})
        raw = json.dumps([org_id, data], sort_keys=True)
        return hashlib.sha256(raw.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Query:
    """The DynamoDB Query a listing runs (without ExclusiveStartKey and Limit)."""

    index: str
    key_names: tuple[str, ...]  # the index's keys plus the table's, for cursors
    params: dict[str, Any] = field(default_factory=dict)


def build(org_id: str, f: Filters, *, with_severity: bool = True) -> Query:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    if f.status is not None:
        index, hash_key = "by-org-status", "org_status"
        values[":h"] = {"S": f"{org_id}#{f.status.value}"}
    else:
        index, hash_key = "by-org", "org_id"
        values[":h"] = {"S": org_id}
    condition = f"{hash_key} = :h"
    if f.from_ and f.to:
        names["#c"] = "created_at"
        condition += " AND #c BETWEEN :from AND :to"
        values[":from"] = {"S": f.from_.isoformat()}
        values[":to"] = {"S": f.to.isoformat()}
    elif f.from_:
        names["#c"] = "created_at"
        condition += " AND #c >= :from"
        values[":from"] = {"S": f.from_.isoformat()}
    elif f.to:
        names["#c"] = "created_at"
        condition += " AND #c <= :to"
        values[":to"] = {"S": f.to.isoformat()}
    filters: list[str] = []
    simple = {
        "severity": f.severity.value if with_severity and f.severity else None,
        "platform": f.platform.value if f.platform else None,
        "account_id": f.account,
        "assignee": f.assignee,
    }
    for i, (attr, value) in enumerate(simple.items()):
        if value is not None:
            names[f"#f{i}"] = attr
            values[f":f{i}"] = {"S": value}
            filters.append(f"#f{i} = :f{i}")
    if f.rule:
        values[":rule"] = {"S": f.rule}
        filters.append("contains(rule_ids, :rule)")
    if f.kind:
        values[":kind"] = {"S": f.kind}
        filters.append("contains(kinds, :kind)")
    params: dict[str, Any] = {
        "IndexName": index,
        "KeyConditionExpression": condition,
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ScanIndexForward": f.order == "asc",
    }
    if filters:
        params["FilterExpression"] = " AND ".join(filters)
    return Query(index, (hash_key, "created_at", "flag_id"), params)


def encode_cursor(key: dict[str, str], fingerprint: str) -> str:
    raw = json.dumps({"k": key, "f": fingerprint}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, fingerprint: str, key_names: tuple[str, ...]) -> dict[str, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key = data["k"]
        valid = (
            isinstance(key, dict)
            and set(key) == set(key_names)
            and all(isinstance(v, str) for v in key.values())
        )
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidCursor("the cursor is not one this API issued") from None
    if not valid:
        raise InvalidCursor("the cursor is not one this API issued")
    if data.get("f") != fingerprint:
        raise InvalidCursor("the cursor was issued for another organisation or other filters")
    return {name: {"S": value} for name, value in key.items()}
