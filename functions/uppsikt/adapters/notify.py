"""The notifier's stores and channels on AWS: one DynamoDB table, SES, Secrets Manager.

`NotifyTable` rows (keys `pk` + `sk`), each with its retention class and expiry:

- `org#<org>` / `recipient#<id>`: a recipient (class `configuration`, kept while current:
  expiry `none` until it is removed);
- `due#<YYYY-MM-DDTHH>` / `<recipient>#<ref>`: a message deferred to that UTC hour (the digest,
  or the end of quiet hours), class `notification`, with a `ttl`;
- `sent#<ref>` / `<recipient>`: the record of one delivery or failure (class `notification`,
  `ttl`): the notification record, and what stops a redelivered message going out twice.

No row holds a webhook URL (recipients name their secret) or any unmasked content.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from uppsikt.dynamo_values import from_item, to_item
from uppsikt.notify.deliver import Delivered, DeliveryFailed
from uppsikt.notify.incoming import Incoming
from uppsikt.notify.mail import Email
from uppsikt.notify.ports import Sleep
from uppsikt.notify.service import Deferred, Notifier, Pacer
from uppsikt.notify.subscriptions import Recipient
from uppsikt.retention.schedule import dispose, row_values, shipped

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_secretsmanager import SecretsManagerClient

NOTIFICATION = "notification"
CONFIGURATION = "configuration"


def _retention(class_name: str, now: datetime) -> dict[str, str | int]:
    return row_values(class_name, dispose(shipped(), None, class_name, now).expires_at)


def _hour_key(hour: datetime) -> str:
    return f"due#{hour.astimezone(UTC):%Y-%m-%dT%H}"


@dataclass(frozen=True)
class NotifyTable:
    client: DynamoDBClient
    table: str

    # --- recipients ------------------------------------------------------------------------------
    def put(self, recipient: Recipient, now: datetime) -> None:
        values = {
            "pk": f"org#{recipient.org_id}",
            "sk": f"recipient#{recipient.recipient_id}",
            "recipient": recipient.model_dump_json(),
            "created_at": now.isoformat(),
            **_retention(CONFIGURATION, now),
        }
        self.client.put_item(TableName=self.table, Item=to_item(values))

    def remove(self, org_id: str, recipient_id: str) -> bool:
        response = self.client.delete_item(
            TableName=self.table,
            Key={"pk": {"S": f"org#{org_id}"}, "sk": {"S": f"recipient#{recipient_id}"}},
            ReturnValues="ALL_OLD",
        )
        return "Attributes" in response

    def of_org(self, org_id: str) -> list[Recipient]:
        rows = self._query(f"org#{org_id}", "recipient#")
        return [Recipient.model_validate_json(r["recipient"]) for r in rows]

    def get(self, org_id: str, recipient_id: str) -> Recipient | None:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"org#{org_id}"}, "sk": {"S": f"recipient#{recipient_id}"}},
        )
        if "Item" not in item:
            return None
        return Recipient.model_validate_json(from_item(item["Item"])["recipient"])

    # --- deferred messages -----------------------------------------------------------------------
    def defer(self, item: Deferred, now: datetime) -> None:
        values = {
            "pk": _hour_key(item.hour),
            "sk": f"{item.recipient_id}#{item.message.ref}",
            "org_id": item.org_id,
            "recipient_id": item.recipient_id,
            "reason": item.reason,
            "message": item.message.as_json(),
            "deferred_at": now.isoformat(),
            **_retention(NOTIFICATION, now),
        }
        self.client.put_item(TableName=self.table, Item=to_item(values))

    def due(self, hour: datetime) -> list[Deferred]:
        return [
            Deferred(
                hour=hour,
                recipient_id=row["recipient_id"],
                org_id=row["org_id"],
                reason=row["reason"],
                message=Incoming.model_validate_json(row["message"]),
            )
            for row in self._query(_hour_key(hour))
        ]

    def remove_deferred(self, item: Deferred) -> None:
        self.client.delete_item(
            TableName=self.table,
            Key={
                "pk": {"S": _hour_key(item.hour)},
                "sk": {"S": f"{item.recipient_id}#{item.message.ref}"},
            },
        )

    # --- the record of deliveries ----------------------------------------------------------------
    def was_sent(self, ref: str, recipient_id: str) -> bool:
        item = self.client.get_item(
            TableName=self.table,
            Key={"pk": {"S": f"sent#{ref}"}, "sk": {"S": recipient_id}},
            ConsistentRead=True,
        )
        return "Item" in item

    def record(
        self, ref: str, recipient: Recipient, outcome: Delivered | DeliveryFailed, now: datetime
    ) -> None:
        values: dict[str, Any] = {
            "pk": f"sent#{ref}",
            "sk": recipient.recipient_id,
            "org_id": recipient.org_id,
            "channel": recipient.channel,
            "status": "delivered" if isinstance(outcome, Delivered) else "dead_lettered",
            "attempts": outcome.attempts,
            "at": now.isoformat(),
            **_retention(NOTIFICATION, now),
        }
        if isinstance(outcome, DeliveryFailed):
            values["reason"] = outcome.reason
        self.client.put_item(TableName=self.table, Item=to_item(values))

    def _query(self, pk: str, prefix: str | None = None) -> list[dict[str, Any]]:
        condition = "pk = :pk" + (" AND begins_with(sk, :sk)" if prefix else "")
        values: dict[str, Any] = {":pk": {"S": pk}}
        if prefix:
            values[":sk"] = {"S": prefix}
        rows: list[dict[str, Any]] = []
        paginator = self.client.get_paginator("query")
        for page in paginator.paginate(
            TableName=self.table,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=values,
        ):
            rows.extend(from_item(i) for i in page["Items"])
        return rows


@dataclass(frozen=True)
class Outbox:
    """`service.Outbox` over the table (its `remove` is the deferred row's)."""

    table: NotifyTable

    def defer(self, item: Deferred, now: datetime) -> None:
        self.table.defer(item, now)

    def due(self, hour: datetime) -> list[Deferred]:
        return self.table.due(hour)

    def remove(self, item: Deferred) -> None:
        self.table.remove_deferred(item)


@dataclass(frozen=True)
class WebhookSecrets:
    """A webhook URL from its secret: `{"url": "https://hooks.slack.com/..."}`."""

    client: SecretsManagerClient

    def webhook_url(self, secret_name: str) -> str:
        value = json.loads(self.client.get_secret_value(SecretId=secret_name)["SecretString"])
        url = value.get("url") if isinstance(value, dict) else None
        if not isinstance(url, str):
            raise ValueError("webhook secret: no url")  # never the value itself
        return url


def put_webhook_secret(client: SecretsManagerClient, name: str, url: str) -> None:
    """Create or replace the secret holding a recipient's webhook URL."""
    document = json.dumps({"url": url})
    try:
        client.create_secret(
            Name=name, SecretString=document, Description="Uppsikt notification webhook"
        )
    except client.exceptions.ResourceExistsException:
        client.put_secret_value(SecretId=name, SecretString=document)


@dataclass(frozen=True)
class SesMailer:
    """E-mail through SES from a verified identity. SES raises for a rejected message (an
    unverified sender, a suppressed address); botocore retries throttling itself."""

    client: Any  # an SES client (no SES stubs among the dependencies)
    sender: str

    def send(self, address: str, email: Email, *, ref: str) -> Delivered | DeliveryFailed:
        try:
            self.client.send_email(
                Source=self.sender,
                Destination={"ToAddresses": [address]},
                Message={
                    "Subject": {"Data": email.subject, "Charset": "UTF-8"},
                    "Body": {"Text": {"Data": email.body, "Charset": "UTF-8"}},
                },
            )
        except self.client.exceptions.MessageRejected:
            return DeliveryFailed("email", ref, 1, "email: SES rejected the message", True)
        except Exception as exc:  # the error text may quote the address
            reason = f"email: SES unavailable: {type(exc).__name__}"
            return DeliveryFailed("email", ref, 1, reason, False)
        return Delivered("email", ref, 1, 200)


def build_notifier(
    *,
    dynamodb: DynamoDBClient,
    secretsmanager: SecretsManagerClient,
    sqs: Any,
    ses: Any,
    table: str,
    dlq_url: str,
    sender: str | None,
    public_base_url: str,
    allow_loopback_http: bool = False,
    sleep: Sleep = time.sleep,
) -> Notifier:
    """The notifier over AWS, as the composition root asks for it."""
    from uppsikt.adapters.sqs import DeadLetterQueue
    from uppsikt.notify.deliver import UrllibPoster, WebhookDelivery

    store = NotifyTable(dynamodb, table)
    return Notifier(
        recipients=store,
        outbox=Outbox(store),
        sent=store,
        webhooks=WebhookDelivery(
            UrllibPoster(),
            WebhookSecrets(secretsmanager),
            allow_loopback_http=allow_loopback_http,
            sleep=sleep,
        ),
        mailer=SesMailer(ses, sender) if sender else NoMailer(),
        dead_letters=DeadLetterQueue(sqs, dlq_url),
        public_base_url=public_base_url,
        pacer=Pacer(sleep=sleep),
    )


@dataclass(frozen=True)
class NoMailer:
    """No SES identity configured: an e-mail recipient's message fails loudly (to the DLQ)."""

    def send(self, address: str, email: Email, *, ref: str) -> Delivered | DeliveryFailed:
        return DeliveryFailed("email", ref, 0, "email: no SES sender configured", True)
