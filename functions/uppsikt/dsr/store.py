"""The requests table: data-subject requests and active restrictions, per organisation.

Rows (`pk` = the organisation's id):

- `request#<request id>`: one request (`Request`), class `dsr_file`. Open, it has no expiry yet
  (the class runs from the request's closure); answered, it expires three years later, with a TTL.
- `restricted#<pseudonym>`: an active restriction (Art. 18) of one person under one key version,
  read by evaluation (`restricted`), class `dsr_file`, no expiry while it is active; lifting or
  erasing deletes it, and the request row records that.

Listing an organisation's requests is one query on its partition, never a scan.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.dsr.model import DSR_FILE, Kind, PendingHold, Request, Status
from uppsikt.dynamo_values import from_item, to_item
from uppsikt.retention.schedule import Schedule, Subject, dispose, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

REQUEST = "request#"
RESTRICTED = "restricted#"


@dataclass(frozen=True)
class Requests:
    client: DynamoDBClient
    table: str
    # An organisation's retention terms by its id (None: the shortest default applies).
    organisations: Callable[[str], Subject | None] = lambda _org: None
    schedule: Schedule = field(default_factory=shipped)

    # --- requests -----------------------------------------------------------------------------
    def save(self, request: Request) -> None:
        closed = request.answered_at if request.status is Status.ANSWERED else None
        disposition = dispose(
            self.schedule,
            self.organisations(request.org_id),
            DSR_FILE,
            request.received_at,
            started_at=closed,
        )
        values = request.model_dump(mode="json")
        values.update(
            pk=request.org_id,
            sk=REQUEST + request.request_id,
            # Lists and nested models as JSON strings: `to_item` writes flat values only.
            author_keys=json.dumps(values["author_keys"]),
            counts=json.dumps(values["counts"]),
            kept=json.dumps(values["kept"]),
            **disposition.attributes(),
        )
        self.client.put_item(TableName=self.table, Item=to_item(values))

    def get(self, org_id: str, request_id: str) -> Request | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": org_id}, "sk": {"S": REQUEST + request_id}},
            ConsistentRead=True,
        )
        return _request(from_item(item["Item"])) if "Item" in item else None

    def of_org(self, org_id: str) -> list[Request]:
        """The organisation's requests, oldest first."""
        return [_request(row) for row in self._rows(org_id, REQUEST)]

    def pending_holds(self, org_id: str) -> list[PendingHold]:
        """Open requests as holds on what they concern, for the purge's `HoldSource`: one hold
        per `by-author` key of each open request (issue 9: a pending request acts as a hold)."""
        return [
            PendingHold(
                org_id=org_id,
                scope="author",
                target=key,
                reason=f"pending data-subject request {r.request_id} ({r.kind.value})",
                request_id=r.request_id,
                since=r.received_at,
                review_at=r.due_at,
            )
            for r in self.of_org(org_id)
            if r.status is Status.OPEN
            for key in r.author_keys
        ]

    # --- restrictions -------------------------------------------------------------------------
    def restrict(self, org_id: str, pseudonyms: list[str], request_id: str, at: datetime) -> None:
        disposition = dispose(self.schedule, self.organisations(org_id), DSR_FILE, at)
        for pseudonym in pseudonyms:
            values = {
                "pk": org_id,
                "sk": RESTRICTED + pseudonym,
                "request_id": request_id,
                "kind": Kind.RESTRICTION.value,
                "restricted_at": at.isoformat(),
                **disposition.attributes(),
            }
            self.client.put_item(TableName=self.table, Item=to_item(values))

    def lift(self, org_id: str, pseudonyms: list[str]) -> int:
        """Delete the restriction rows; how many there were."""
        lifted = 0
        for pseudonym in pseudonyms:
            response = self.client.delete_item(
                TableName=self.table,
                Key={"pk": {"S": org_id}, "sk": {"S": RESTRICTED + pseudonym}},
                ReturnValues="ALL_OLD",
            )
            lifted += "Attributes" in response
        return lifted

    def restricted(self, org_id: str, pseudonym: str) -> bool:
        """Evaluation's `Restrictions` port: one read by key per judged item."""
        item = self.client.get_item(
            TableName=self.table,
            Key=self.restriction_key(org_id, pseudonym),
            ProjectionExpression="pk",
        )
        return "Item" in item

    @staticmethod
    def restriction_key(org_id: str, pseudonym: str) -> dict[str, Any]:
        """The key of an active restriction's row (evaluation reads it a batch at a time too)."""
        return {"pk": {"S": org_id}, "sk": {"S": RESTRICTED + pseudonym}}

    def _rows(self, org_id: str, prefix: str) -> Iterator[dict[str, Any]]:
        pages = self.client.get_paginator("query").paginate(
            TableName=self.table,
            KeyConditionExpression="pk = :org AND begins_with(sk, :prefix)",
            ExpressionAttributeValues={":org": {"S": org_id}, ":prefix": {"S": prefix}},
            ConsistentRead=True,
        )
        for page in pages:
            yield from (from_item(i) for i in page["Items"])


def _request(row: dict[str, Any]) -> Request:
    values = {k: v for k, v in row.items() if k in Request.model_fields}
    for name in ("author_keys", "counts", "kept"):
        values[name] = json.loads(row[name])
    return Request.model_validate(values)
