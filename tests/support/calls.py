"""Counting the AWS calls a piece of work makes (issue 13: calls per item are what the pipeline
pays), with a botocore hook on each client before its parameters are built (so the table is read
from the call's own parameters)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


@contextmanager
def counting(*clients: Any) -> Iterator[Counter[str]]:
    """Counts `service.Operation[table]` (the table only where the call names one) for every call
    the clients make inside the block. A BatchGetItem counts once, whatever tables it reads."""
    calls: Counter[str] = Counter()

    def count(event_name: str, params: dict[str, Any], **_: Any) -> None:
        service, operation = event_name.split(".")[1:3]
        table = params.get("TableName")
        calls[f"{service}.{operation}" + (f"[{table}]" if table else "")] += 1

    for client in clients:
        client.meta.events.register("before-parameter-build.*.*", count)
    try:
        yield calls
    finally:
        for client in clients:
            client.meta.events.unregister("before-parameter-build.*.*", count)


def total(calls: Counter[str], prefix: str = "") -> int:
    return sum(n for name, n in calls.items() if name.startswith(prefix))
