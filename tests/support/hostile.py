"""Hostile input for the edges: bodies no platform sends, a marker that no answer may repeat,
and a per-case deadline so that a hang fails its case instead of the run."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

MARK = "ZQXMARK"  # a value only the payload holds: no answer, log line or reason may repeat it
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


class Hung(Exception):
    """A case ran past its deadline."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Fail the case if it runs longer than `seconds` (main thread only: SIGALRM)."""

    def expired(*_: Any) -> None:
        raise Hung(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# Loggers that are not ours: botocore at DEBUG prints request parameters, and the local server's
# access log prints paths, as API Gateway's access log would.
FOREIGN_LOGGERS = ("botocore", "urllib3", "werkzeug", "boto3", "moto")


def our_log_lines(records: list[Any]) -> str:
    """The text of the log records our code wrote."""
    return "\n".join(
        r.getMessage() + " " + str(r.__dict__)
        for r in records
        if not r.name.startswith(FOREIGN_LOGGERS)
    )


def json_bodies(sample: bytes, limit: int) -> dict[str, bytes]:
    """Hostile variants of a JSON delivery, each named for the case it tries."""
    quote = sample.index(b'"') + 1
    mark = MARK.encode()
    return {
        "oversized": sample + b" " * (limit + 1 - len(sample)),
        "invalid utf-8": sample[:quote] + b"\xc3\x28\xff" + mark + sample[quote:],
        "deep nesting": b"[" * 200_000 + b"]" * 200_000,
        "deep nesting in a field": sample.replace(
            b"{", b'{"' + mark + b'": ' + b"[" * 50_000 + b"]" * 50_000 + b", ", 1
        ),
        "a huge integer": sample.replace(b"{", b'{"' + mark + b'": ' + b"9" * 5_000 + b", ", 1),
        "a huge float": sample.replace(b"{", b'{"' + mark + b'": 1e999, ', 1),
        "raw null bytes": sample[:quote] + b"\x00" + mark + sample[quote:],
        "escaped null bytes": sample.replace(b'"', b'"\\u0000' + mark, 1),
        "not JSON": mark + b"\x00",
        "empty": b"",
    }
