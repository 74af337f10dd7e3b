"""SQS: the ingest queue (with claim checks for oversized messages) and the dead-letter queue."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from uppsikt.adapters.s3 import RawDeliveries
from uppsikt.ingest.errors import EnqueueFailed
from uppsikt.model.messages import EventMessage, UnmappedMessage

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import (
        MessageAttributeValueTypeDef,
        SendMessageBatchRequestEntryTypeDef,
    )

# SQS allows 256 KiB per message and per batch call; stay clearly below it.
MAX_INLINE_BYTES = 200_000
BATCH = 10

# Message attributes that carry a dead letter's story.
REASON = "uppsikt-reason"
ATTEMPTS = "uppsikt-attempts"
PERMANENT = "uppsikt-permanent"
ORIGINAL_ID = "uppsikt-original-message-id"
DEAD_AT = "uppsikt-dead-lettered-at"
REDRIVES = "uppsikt-redrives"


def _attr(value: str) -> MessageAttributeValueTypeDef:
    return {"DataType": "String", "StringValue": value}


@dataclass(frozen=True)
class IngestQueue:
    client: SQSClient
    queue_url: str
    claims: RawDeliveries

    def _body(self, message: EventMessage | UnmappedMessage) -> str:
        body = message.model_dump_json()
        if len(body.encode()) <= MAX_INLINE_BYTES:
            return body
        key = f"claims/{hashlib.sha256(body.encode()).hexdigest()}.json"
        return self.claims.put_claim(key, body).model_dump_json()

    def send(self, messages: Sequence[EventMessage | UnmappedMessage]) -> None:
        entries: list[SendMessageBatchRequestEntryTypeDef] = [
            {"Id": str(i), "MessageBody": self._body(m)} for i, m in enumerate(messages)
        ]
        for start in range(0, len(entries), BATCH):
            self._send_batch(entries[start : start + BATCH])

    def _send_batch(self, batch: list[SendMessageBatchRequestEntryTypeDef]) -> None:
        pending = batch
        for _ in range(3):  # SQS may reject single entries transiently: resend just those
            response = self.client.send_message_batch(QueueUrl=self.queue_url, Entries=pending)
            failed = {f["Id"] for f in response.get("Failed", [])}
            pending = [entry for entry in pending if entry["Id"] in failed]
            if not pending:
                return
        raise EnqueueFailed(f"{len(pending)} message(s) could not be queued")


@dataclass(frozen=True)
class DeadLetterQueue:
    client: SQSClient
    queue_url: str

    def send(
        self, body: str, *, message_id: str, reason: str, attempts: int, permanent: bool
    ) -> None:
        self.client.send_message(
            QueueUrl=self.queue_url,
            MessageBody=body,
            MessageAttributes={
                REASON: _attr(reason[:1000] or "unknown"),
                ATTEMPTS: {"DataType": "Number", "StringValue": str(attempts)},
                PERMANENT: _attr("true" if permanent else "false"),
                ORIGINAL_ID: _attr(message_id),
                DEAD_AT: _attr(datetime.now(UTC).isoformat()),
            },
        )
