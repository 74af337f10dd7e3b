"""Lambda's SQS event-source mapping, reproduced for the embedded AWS.

It polls the queue, hands the function a batch in Lambda's event format, and then does what
Lambda does with the answer: with `ReportBatchItemFailures`, deletes every message except the
reported failures; without it, deletes the whole batch on success and none on an exception.
Failed messages stay on the queue and, past the redrive policy's `maxReceiveCount`, SQS moves them
to the dead-letter queue. One liberty: a failed message is made visible again at once instead of
after the visibility timeout, so a local run does not wait minutes between retries.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from uppsikt.local.lambda_context import LocalContext

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

Handler = Callable[[dict[str, Any], Any], Any]


def _attributes(message: MessageTypeDef) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, value in message.get("MessageAttributes", {}).items():
        out[name] = {
            "stringValue": value.get("StringValue"),
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value["DataType"],
        }
    return out


def lambda_event(messages: list[MessageTypeDef], queue_arn: str, region: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "messageId": m["MessageId"],
                "receiptHandle": m["ReceiptHandle"],
                "body": m["Body"],
                "attributes": dict(m.get("Attributes", {})),
                "messageAttributes": _attributes(m),
                "md5OfBody": m.get("MD5OfBody") or hashlib.md5(m["Body"].encode()).hexdigest(),  # noqa: S324  (SQS's own checksum)
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for m in messages
        ]
    }


@dataclass
class Counters:
    polls: int = 0
    invocations: int = 0
    delivered: int = 0
    succeeded: int = 0
    failed: int = 0
    crashed_batches: int = 0


@dataclass
class EventSourceMapping:
    sqs: SQSClient
    queue_url: str
    handler: Handler
    function_name: str
    batch_size: int
    report_batch_item_failures: bool
    timeout_seconds: float = 60.0
    # Long polling, as Lambda's pollers do: an idle poller then waits inside SQS instead of
    # asking again and again (on the embedded AWS every empty receive walks the whole queue).
    wait_seconds: int = 0
    counters: Counters = field(default_factory=Counters)

    def __post_init__(self) -> None:
        attrs = self.sqs.get_queue_attributes(QueueUrl=self.queue_url, AttributeNames=["QueueArn"])
        self.queue_arn = attrs["Attributes"]["QueueArn"]
        self.region = self.queue_arn.split(":")[3]

    def poll_once(self) -> int:
        """Receive one batch and invoke the function with it; returns the batch size."""
        self.counters.polls += 1
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=self.wait_seconds,
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        self.counters.invocations += 1
        self.counters.delivered += len(messages)
        context = LocalContext(self.function_name, self.timeout_seconds)
        try:
            result = self.handler(lambda_event(messages, self.queue_arn, self.region), context)
        except Exception:
            self.counters.crashed_batches += 1
            self._retry_later(messages)
            return len(messages)
        failed_ids: set[str] = set()
        if self.report_batch_item_failures and isinstance(result, dict):
            failed_ids = {f["itemIdentifier"] for f in result.get("batchItemFailures") or []}
        done = [m for m in messages if m["MessageId"] not in failed_ids]
        retry = [m for m in messages if m["MessageId"] in failed_ids]
        for start in range(0, len(done), 10):
            chunk = done[start : start + 10]
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)
                ],
            )
        self.counters.succeeded += len(done)
        self._retry_later(retry)
        return len(messages)

    def _retry_later(self, messages: list[MessageTypeDef]) -> None:
        self.counters.failed += len(messages)
        for m in messages:
            self.sqs.change_message_visibility(
                QueueUrl=self.queue_url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
            )

    def in_flight(self) -> int:
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return int(attrs["ApproximateNumberOfMessages"]) + int(
            attrs["ApproximateNumberOfMessagesNotVisible"]
        )

    def drain(self, max_polls: int = 10_000) -> None:
        """Poll until the queue is empty (or `max_polls` batches, as a guard against a loop)."""
        for _ in range(max_polls):
            if self.poll_once() == 0 and self.in_flight() == 0:
                return
        raise RuntimeError(f"queue not drained after {max_polls} polls")
