"""Lambda's concurrent pollers for the embedded AWS: the evaluate consumer in worker processes.

Lambda runs each concurrent batch of an SQS event source in its own execution environment. The
local stack did it in one thread of the process that also runs moto's server and the API, so
under load the consumer fell behind the webhook, the queue grew, and moto's SQS (whose send,
receive and delete walk the whole queue) slowed in proportion: draining a backlog cost O(n^2)
(issue 13). Here `count` processes each run an `EventSourceMapping` against the queue over HTTP,
as Lambda's pollers would, so the consumer keeps pace with the API on a laptop's cores and the
queue stays shallow. Each process builds its own runtime from the environment, as a Lambda
container does; nothing is shared with the parent but the embedded AWS's address.

`with Pollers(aws.environment, count=4) as pollers:` starts them; `pollers.done` is how many
messages they have finished; leaving the block stops them after their current batch and collects
what each one counted (`Totals`).
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import BotoCoreError, ClientError

from uppsikt.local.event_source import EventSourceMapping

if TYPE_CHECKING:
    from multiprocessing.synchronize import Event

    from mypy_boto3_sqs import SQSClient

IDLE_SECONDS = 0.05  # after a failed poll
# Each receive waits up to this long for a message (long polling), well inside the clients'
# 5 s read timeout; an idle poller then costs the embedded AWS nothing.
WAIT_SECONDS = 1


@dataclass
class Totals:
    """What the pollers did, summed over processes: messages and the AWS calls they made by
    `service.Operation[table]`."""

    succeeded: int = 0
    failed: int = 0
    invocations: int = 0
    calls: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)  # failed polls, by exception


def count_calls(client: Any, calls: Counter[str]) -> None:
    """Count every API call `client` makes into `calls` (a botocore hook), with the table's
    logical name for DynamoDB (`uppsikt-local-ItemsTable-…` -> `ItemsTable`)."""

    def hook(model: Any, params: dict[str, Any], **_: Any) -> None:
        parts = str(params.get("TableName", "")).split("-")
        table = f"[{parts[-2]}]" if len(parts) > 2 else ""
        calls[f"{model.service_model.service_name}.{model.name}{table}"] += 1

    client.meta.events.register("before-parameter-build", hook)


class _OneReceiveAtATime:
    """The poller's SQS client with its receives serialised across every poller process:
    moto's receive is not safe against a concurrent one (it can fail half-way with a 500 after
    marking messages received, which hides them for the queue's visibility timeout)."""

    def __init__(self, sqs: Any, lock: Any) -> None:
        self._sqs = sqs
        self._lock = lock

    def receive_message(self, **kwargs: Any) -> Any:
        with self._lock:
            return self._sqs.receive_message(**kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sqs, name)


def _poll(environment: dict[str, str], stop: Event, done: Any, results: Any, lock: Any) -> None:
    """One poller process: the evaluate function's mapping, polled until `stop` is set."""
    os.environ.update(environment)
    import boto3
    from botocore.config import Config

    from uppsikt import infra, runtime
    from uppsikt.local.stack import _chalice_module

    rt = runtime.current()
    calls: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    # The poller is Lambda's, not the function's: its own client, with time to spare for a
    # long poll on a busy laptop (the function's clients keep the runtime's 5 s timeouts).
    sqs = boto3.client("sqs", config=Config(read_timeout=30, retries={"mode": "standard"}))
    for client in (rt.s3, rt.sqs, rt.dynamodb, rt.sns, rt.kms, rt.secretsmanager, sqs):
        count_calls(client, calls)
    source = infra.event_source(infra.load(infra.FUNCTIONS), "Evaluate")
    mapping = EventSourceMapping(
        sqs=cast("SQSClient", _OneReceiveAtATime(sqs, lock)),
        queue_url=rt.settings.ingest_queue_url,
        handler=_chalice_module().evaluate,
        function_name="uppsikt-dev-evaluate",
        batch_size=int(source["BatchSize"]),
        report_batch_item_failures="ReportBatchItemFailures"
        in source.get("FunctionResponseTypes", []),
        wait_seconds=WAIT_SECONDS,
    )
    while not stop.is_set():
        before = mapping.counters.succeeded
        try:
            polled = mapping.poll_once()
        except (BotoCoreError, ClientError) as exc:
            # Lambda's pollers outlive a failed receive or delete: the messages stay on the
            # queue (a batch whose delete failed comes back, and idempotency absorbs it).
            errors[type(exc).__name__] += 1
            time.sleep(IDLE_SECONDS)
            continue
        if polled == 0:
            continue  # the receive itself waited
        with done.get_lock():
            done.value += mapping.counters.succeeded - before
    c = mapping.counters
    results.put((c.succeeded, c.failed, c.invocations, dict(calls), dict(errors)))


class Pollers:
    def __init__(self, environment: dict[str, str], count: int) -> None:
        # spawn, not fork: the parent runs moto's and the API's server threads.
        self._ctx = multiprocessing.get_context("spawn")
        self._environment = dict(environment)
        self.count = count
        self._stop = self._ctx.Event()
        self._done = self._ctx.Value("q", 0)
        self._results = self._ctx.Queue()
        self._receive_lock = self._ctx.Lock()
        self._processes: list[Any] = []
        self.totals = Totals()

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self._processes if p.pid is not None]

    def alive(self) -> int:
        return sum(p.is_alive() for p in self._processes)

    @property
    def done(self) -> int:
        """Messages finished so far (deleted from the queue), over every poller."""
        return int(self._done.value)

    def __enter__(self) -> Pollers:
        for i in range(self.count):
            process = self._ctx.Process(
                target=_poll,
                args=(
                    self._environment,
                    self._stop,
                    self._done,
                    self._results,
                    self._receive_lock,
                ),
                name=f"poller-{i}",
                daemon=True,
            )
            process.start()
            self._processes.append(process)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        for _ in range(self.alive()):
            try:
                succeeded, failed, invocations, calls, errors = self._results.get(timeout=120)
            except queue.Empty:
                break
            self.totals.succeeded += succeeded
            self.totals.failed += failed
            self.totals.invocations += invocations
            self.totals.calls.update(calls)
            self.totals.errors.update(errors)
        for process in self._processes:
            process.join(timeout=30)
