"""Faults injected into the embedded AWS at the wire, and Lambda's SQS consumer around them.

`failing` hooks botocore's `before-send` event of one client (ahead of moto's own stub), so the
Nth call of an operation gets the error answer the real service gives: botocore parses it, its
retry policy sees it (a throttle or a 5xx is retried, as on AWS), and our code gets the
`ClientError` only when the fault outlasts the retries. Nothing of ours is mocked.

`Killed` is the Lambda runtime ending an invocation (time-out, out of memory): a BaseException,
so neither Powertools nor our handler can catch it, and nothing after it runs. `Consumer` then
does what SQS does: the killed invocation's batch is redelivered after the visibility timeout.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse, HTTPHeaders

from app import evaluate
from support.stack import Stack
from uppsikt.local.event_source import lambda_event
from uppsikt.local.lambda_context import LocalContext


class Killed(BaseException):
    """The runtime ended the invocation; nothing after this point ran."""


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


def _error_body(protocol: str, code: str) -> bytes:
    message = "injected by the fault test"
    if protocol == "json":
        return json.dumps({"__type": f"com.amazonaws#{code}", "message": message}).encode()
    if protocol == "query":
        return (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>fault</RequestId></ErrorResponse>"
        ).encode()
    return f"<Error><Code>{code}</Code><Message>{message}</Message></Error>".encode()


@dataclass
class Fault:
    operation: str
    calls: int = 0
    injected: int = 0


@contextmanager
def failing(
    client: Any,
    operation: str,
    *,
    nth: int = 1,
    times: int = 1,
    code: str = "InternalError",
    status: int = 500,
    kill: bool = False,
) -> Iterator[Fault]:
    """Calls `nth` … `nth + times - 1` of `operation` (e.g. "PutItem") on `client` fail with
    `code`/`status` (or kill the invocation). Counts every call, including botocore's retries."""
    model = client.meta.service_model
    event = f"before-send.{model.service_id.hyphenize()}.{operation}"
    fault = Fault(operation)

    def answer(request: Any, **_: Any) -> AWSResponse | None:
        fault.calls += 1
        if not nth <= fault.calls < nth + times:
            return None
        fault.injected += 1
        if kill:
            raise Killed
        headers = HTTPHeaders()
        headers["x-amzn-RequestId"] = "fault"
        headers["x-amzn-ErrorType"] = code
        return AWSResponse(request.url, status, headers, _Raw(_error_body(model.protocol, code)))

    client.meta.events.register_first(event, answer)
    try:
        yield fault
    finally:
        client.meta.events.unregister(event, answer)


@dataclass
class Consumer:
    """Lambda's event-source mapping on the ingest queue, as on AWS (with
    ReportBatchItemFailures): failures reported are redelivered, the rest deleted; a killed
    invocation deletes nothing and its whole batch comes back after the visibility timeout."""

    stack: Stack
    batch_size: int = 10
    # Short, so that a killed invocation's time has run out by the time SQS redelivers (on AWS
    # the visibility timeout is longer than the function's): a flag it created but did not
    # notify is then notified by the retry.
    timeout_seconds: float = 0.2
    kills: int = 0
    invocations: int = 0
    failures: int = 0
    results: list[dict[str, Any]] = field(default_factory=list)

    def drain(self, max_polls: int = 60) -> None:
        sqs, url = self.stack.rt.sqs, self.stack.settings.ingest_queue_url
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        for _ in range(max_polls):
            messages = sqs.receive_message(
                QueueUrl=url,
                MaxNumberOfMessages=self.batch_size,
                AttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not messages:
                if self.stack.queue_depth(url) == 0:
                    return
                continue
            self.invocations += 1
            context = LocalContext("uppsikt-test-evaluate", self.timeout_seconds)
            try:
                result = evaluate(lambda_event(messages, arn, arn.split(":")[3]), context)
            except Killed:
                self.kills += 1
                time.sleep(self.timeout_seconds)  # the visibility timeout outlasts the function
                retry = messages
            else:
                self.results.append(result)
                failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
                retry = [m for m in messages if m["MessageId"] in failed]
                self.failures += len(retry)
                for m in messages:
                    if m["MessageId"] not in failed:
                        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
            for m in retry:
                sqs.change_message_visibility(
                    QueueUrl=url, ReceiptHandle=m["ReceiptHandle"], VisibilityTimeout=0
                )
        raise AssertionError(f"the ingest queue did not drain in {max_polls} polls")
