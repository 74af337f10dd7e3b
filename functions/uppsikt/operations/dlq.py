"""Show and replay dead letters. Listing never consumes: messages are made visible again."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.sqs import ATTEMPTS, DEAD_AT, ORIGINAL_ID, PERMANENT, REASON, REDRIVES

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

NO_REASON = (
    "moved by SQS after too many receives (function crashed or timed out; no reason recorded)"
)


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    original_id: str
    reason: str
    attempts: int
    permanent: bool
    dead_lettered_at: str
    summary: str  # what kind of message it is, without its content

    def as_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _attr(message: MessageTypeDef, name: str) -> str | None:
    value = message.get("MessageAttributes", {}).get(name)
    return value.get("StringValue") if value else None


def _summary(body: str) -> str:
    try:
        data = json.loads(body)
    except ValueError:
        return f"not JSON ({len(body)} bytes)"
    if not isinstance(data, dict):
        return f"JSON {type(data).__name__}, not an object"
    kind = data.get("type", "?")
    if kind == "event" and isinstance(data.get("event"), dict):
        event = data["event"]
        return f"event {event.get('platform')}/{event.get('object_kind')}/{event.get('action')}"
    if kind == "unmapped":
        return f"unmapped {data.get('platform')} change"
    return f"message of type {kind!r}"


def _dead_letter(message: MessageTypeDef) -> DeadLetter:
    receives = int(message.get("Attributes", {}).get("ApproximateReceiveCount", "0"))
    return DeadLetter(
        message_id=message["MessageId"],
        original_id=_attr(message, ORIGINAL_ID) or message["MessageId"],
        reason=_attr(message, REASON) or NO_REASON,
        attempts=int(_attr(message, ATTEMPTS) or receives),
        permanent=_attr(message, PERMANENT) == "true",
        dead_lettered_at=_attr(message, DEAD_AT) or "",
        summary=_summary(message["Body"]),
    )


def _receive_all(sqs: SQSClient, queue_url: str, hold_seconds: int) -> Iterator[MessageTypeDef]:
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            VisibilityTimeout=hold_seconds,
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not batch:
            return
        yield from batch


def list_dead_letters(sqs: SQSClient, dlq_url: str) -> list[DeadLetter]:
    return [letter for letter, _ in peek(sqs, dlq_url)]


def peek(sqs: SQSClient, dlq_url: str) -> list[tuple[DeadLetter, str]]:
    """Every dead letter with its body (for `uppsikt reconcile`, which matches bodies to items),
    made visible again at once: peeking is not consuming."""
    held = list(_receive_all(sqs, dlq_url, hold_seconds=30))
    for message in held:
        sqs.change_message_visibility(
            QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return [(_dead_letter(m), m["Body"]) for m in held]


def redrive(
    sqs: SQSClient, dlq_url: str, source_url: str, only: set[str] | None = None
) -> list[str]:
    """Send dead letters back to the source queue (all, or those whose id is in `only`), then
    delete them from the DLQ. Returns the ids redriven."""
    moved: list[str] = []
    skipped: list[MessageTypeDef] = []
    for message in _receive_all(sqs, dlq_url, hold_seconds=60):
        letter = _dead_letter(message)
        if only is not None and not ({letter.message_id, letter.original_id} & only):
            skipped.append(message)
            continue
        redrives = int(_attr(message, REDRIVES) or "0") + 1
        sqs.send_message(
            QueueUrl=source_url,
            MessageBody=message["Body"],
            MessageAttributes={REDRIVES: {"DataType": "Number", "StringValue": str(redrives)}},
        )
        # Deleted only after the copy is safely on the source queue.
        sqs.delete_message(QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"])
        moved.append(letter.original_id)
    for message in skipped:
        sqs.change_message_visibility(
            QueueUrl=dlq_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    return moved
