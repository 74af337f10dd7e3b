"""moto's SQS costs that grow with the queue's depth, replaced by equivalents.

Profiling the load benchmark (docs/benchmarks.md, "Load") showed moto's SQS doing work per
message that grows with the queue's depth, which made draining a backlog O(n²):

- every message a receive hands out is checked against the queue's retention period through
  `get_queue_attributes`, which recomputes all the queue's attributes: three passes over every
  message, each asking the clock for the time per message;
- every message sent asks the queue's attributes for `ContentBasedDeduplication`, the same three
  passes, for counts the send never reads;
- every message deleted is looked for twice over the whole queue, which is then copied;
- moto reads the time as a naive `datetime` and subtracts the epoch (about 2 µs), once or twice
  per message per pass.

And per request, whatever the service, the dispatcher lists moto's package folder (`listdir` and
an `isdir` per entry, about 150 of them) to tell a service name from a host name, and the
response class lists its own methods with `inspect.getmembers` (about 7% of a DynamoDB
GetItem's time in the server).

`install()` replaces those with the same answers at a cost that does not grow with the queue:
the retention period read from the queue itself; no counts computed inside a send (in that
thread only: a concurrent `GetQueueAttributes` still counts); a delete that stops at the first
message with the handle (received messages sit near the front); the time from `time.time()`;
the folder and each response class's methods listed once. They are applied only in the
embedded AWS's server process; tests/unit/local/test_moto_fast.py holds each against moto's own
behaviour."""

from __future__ import annotations

import contextlib
import datetime
import functools
import threading
import time
from collections.abc import Iterator
from typing import Any


def _unix_time(dt: datetime.datetime | None = None) -> float:
    if dt is None:
        return time.time()
    # moto's datetimes are naive UTC.
    return (dt - datetime.datetime(1970, 1, 1)).total_seconds()


def _unix_time_millis(dt: datetime.datetime | None = None) -> float:
    return _unix_time(dt) * 1000.0


def _visible_now(messages: list[Any]) -> list[Any]:
    now = time.time() * 1000.0
    return [m for m in messages if now > m.visible_at and not now < m.delayed_until]


_sending = threading.local()


def _delayed(messages: list[Any]) -> int:
    if getattr(_sending, "now", False):
        return 0  # a send reads only ContentBasedDeduplication from the attributes
    now = time.time() * 1000.0
    return sum(1 for m in messages if now < m.delayed_until)


def _not_visible(messages: list[Any]) -> int:
    if getattr(_sending, "now", False):
        return 0
    now = time.time() * 1000.0
    return sum(1 for m in messages if not now > m.visible_at)


def _visible_count(messages: list[Any]) -> int:
    if getattr(_sending, "now", False):
        return 0
    return len(_visible_now(messages))


def _delete(queue: Any, receipt_handle: str) -> None:
    if receipt_handle in queue.deleted_messages:
        return  # deleting again is not an error, as in moto
    for i, message in enumerate(queue._messages):
        if message.had_receipt_handle(receipt_handle):
            queue.pending_messages.discard(message)
            queue.deleted_messages.update(message.all_receipt_handles)
            # A new list, as moto assigns one: a receive iterating the old one is undisturbed.
            queue._messages = queue._messages[:i] + queue._messages[i + 1 :]
            return
    from moto.sqs.exceptions import ReceiptHandleIsInvalid

    raise ReceiptHandleIsInvalid()


def _counting_nothing(send: Any) -> Any:
    def send_message(self: Any, *args: Any, **kwargs: Any) -> Any:
        _sending.now = True
        try:
            return send(self, *args, **kwargs)
        finally:
            _sending.now = False

    return send_message


def _retained(backend: Any, queue_name: str, message: Any) -> bool:
    period = backend.get_queue(queue_name).message_retention_period
    return bool(period + message.sent_timestamp / 1000 > time.time())


def _replacements() -> list[tuple[Any, str, Any]]:
    from moto import backends
    from moto.core import responses
    from moto.sqs import models

    modules = tuple(backends.list_of_moto_modules())
    listed = responses.__dict__["method_names_from_class"]
    methods = functools.cache(lambda cls: tuple(listed(cls)))
    return [
        (backends, "list_of_moto_modules", lambda: modules),
        (responses, "method_names_from_class", lambda cls: list(methods(cls))),
        (models, "unix_time", _unix_time),
        (models, "unix_time_millis", _unix_time_millis),
        (models.Queue, "messages", property(lambda q: _visible_now(q._messages))),
        (
            models.Queue,
            "approximate_number_of_messages",
            property(lambda q: _visible_count(q._messages)),
        ),
        (models.Queue, "delete_message", _delete),
        (
            models.SQSBackend,
            "send_message",
            _counting_nothing(models.SQSBackend.__dict__["send_message"]),
        ),
        (
            models.Queue,
            "approximate_number_of_messages_delayed",
            property(lambda q: _delayed(q._messages)),
        ),
        (
            models.Queue,
            "approximate_number_of_messages_not_visible",
            property(lambda q: _not_visible(q._messages)),
        ),
        (models.SQSBackend, "is_message_valid_based_on_retention_period", _retained),
    ]


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """moto with the replacements, restored on exit (for tests in a shared process)."""
    saved = []
    for owner, name, value in _replacements():
        saved.append((owner, name, owner.__dict__[name]))
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, value in reversed(saved):
            setattr(owner, name, value)


def install() -> None:
    """Patch moto for the rest of this process's life: the embedded AWS server's. (Not
    `patched().__enter__()`: the context's generator, once collected, would undo it.)"""
    for owner, name, value in _replacements():
        setattr(owner, name, value)
