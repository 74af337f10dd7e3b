"""Powertools' idempotency rows, each stamped with its retention class and expiry.

Powertools writes the rows itself (`DynamoDBPersistenceLayer`) with its own TTL attribute,
`expiration`: the idempotency window (`evaluate.batch.IDEMPOTENCY_SECONDS`), well inside the
`idempotency_record` class's period. Rather than copy its private write methods, the layer is
given a client that adds `retention_class` and `expires_at` (the `expiration` moment) to every
row it puts and every completion it writes, so each row states both from the moment it exists.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CLASS = "idempotency_record"
EXPIRY_ATTR = "expiration"  # Powertools' default, and the table's TTL attribute in infra/


def _expires_at(epoch: str) -> str:
    return datetime.fromtimestamp(int(epoch), UTC).isoformat()


class _Stamping:
    """Delegates to the DynamoDB client; adds the retention attributes to the layer's writes."""

    def __init__(self, client: DynamoDBClient) -> None:
        self._client = client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def put_item(self, **kwargs: Any) -> Any:
        item = dict(kwargs["Item"])
        item["retention_class"] = {"S": CLASS}
        item["expires_at"] = {"S": _expires_at(item[EXPIRY_ATTR]["N"])}
        return self._client.put_item(**{**kwargs, "Item": item})

    def update_item(self, **kwargs: Any) -> Any:
        values = dict(kwargs.get("ExpressionAttributeValues") or {})
        expiry = values.get(":expiry")
        if expiry is None:  # not the completion write: leave it as it is
            return self._client.update_item(**kwargs)
        values[":retention_class"] = {"S": CLASS}
        values[":expires_at"] = {"S": _expires_at(expiry["N"])}
        names = {**kwargs.get("ExpressionAttributeNames", {}), "#rc": "retention_class"}
        names["#ea"] = "expires_at"
        expression = kwargs["UpdateExpression"] + ", #rc = :retention_class, #ea = :expires_at"
        return self._client.update_item(
            **{
                **kwargs,
                "UpdateExpression": expression,
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            }
        )


def persistence_layer(table_name: str, client: DynamoDBClient) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(
        table_name=table_name,
        boto3_client=_Stamping(client),  # type: ignore[arg-type]
        expiry_attr=EXPIRY_ATTR,
    )
