"""WebSub leases, one per YouTube account, in the poll-state table: when the hub last verified
our subscription and for how long, so the renewal job resubscribes before the lease runs out.
A lease row is of class `websub_lease`, names its organisation when known, and keeps the shortest
default period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from uppsikt.adapters.poll_state import retention_item
from uppsikt.polling.ports import Lease

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

STREAM = "youtube.websub"


@dataclass(frozen=True)
class Leases:
    client: DynamoDBClient
    table: str

    def record(self, account_key: str, lease: Lease, org_id: str | None = None) -> None:
        self.client.put_item(
            TableName=self.table,
            Item={
                "pk": {"S": f"lease#{account_key}"},
                "sk": {"S": STREAM},
                "verified_at": {"S": lease.verified_at.isoformat()},
                "lease_seconds": {"N": str(lease.lease_seconds)},
                # The period restarts with each verification the hub makes.
                **retention_item("websub_lease", lease.verified_at),
                **({"org_id": {"S": org_id}} if org_id else {}),
            },
        )

    def get(self, account_key: str) -> Lease | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"lease#{account_key}"}, "sk": {"S": STREAM}},
            ConsistentRead=True,
        ).get("Item")
        if item is None:
            return None
        return Lease(
            datetime.fromisoformat(item["verified_at"]["S"]), int(item["lease_seconds"]["N"])
        )
