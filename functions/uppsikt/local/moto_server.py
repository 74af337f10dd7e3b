"""moto's server for the embedded AWS, with DynamoDB requests applied one at a time.

DynamoDB applies a conditional write atomically. moto checks the condition and then writes
with nothing held in between, so two threads can both pass `attribute_not_exists` and the
second overwrites the first: the audit chain's parallel-writers test lost an entry that way
on a loaded machine. DynamoDB calls never wait inside the server, so one lock around them
costs ordering only; SQS receives, which long-poll, stay outside it.

moto's SQS is not safe against itself either: a delete builds the queue's new message list from
a snapshot and assigns it, so a send or another delete in between is undone (a message lost, or
a deleted one back in flight, which the load benchmark saw as 17 messages redelivered after the
visibility timeout). `sqs_one_at_a_time` applies the queue operations one at a time, as SQS
does, and lets a long-polling receive wait without holding the others up.

`MotoProcess` runs that server in a process of its own, as a real AWS endpoint is outside the
caller: the embedded AWS then has a core to itself instead of sharing one interpreter lock with
the API, its senders and the test or benchmark driving them (docs/benchmarks.md, "Load")."""

from __future__ import annotations

import contextlib
import functools
import os
import select
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def dynamodb_one_at_a_time(app: WSGIApp) -> WSGIApp:
    lock = threading.Lock()

    def serve(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("HTTP_X_AMZ_TARGET", "").startswith("DynamoDB_"):
            return app(environ, start_response)
        with lock:
            # The body is produced inside the lock: moto does the work before returning it.
            return list(app(environ, start_response))

    return serve


_SQS_LOCK = threading.RLock()
_sqs_serialised = False
# The backend's operations that change a queue's messages (the batches call these per entry).
_SQS_OPERATIONS = (
    "send_message",
    "send_message_batch",
    "receive_message",
    "delete_message",
    "delete_message_batch",
    "change_message_visibility",
    "change_message_visibility_batch",
    "purge_queue",
    "get_queue_attributes",
)


def under_lock(operation: Callable[..., Any], lock: Any) -> Callable[..., Any]:
    """`operation` applied only while holding `lock`: one of moto's backend methods made
    atomic against the others wrapped with the same lock."""

    @functools.wraps(operation)
    def run(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return operation(*args, **kwargs)

    return run


def _waits_unlocked(wait: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(wait)
    def run(queue: Any, timeout: int) -> Any:
        # A receive holds the lock once (the batches re-enter only send and delete); while it
        # waits for a message, a send must be able to add one.
        _SQS_LOCK.release()
        try:
            return wait(queue, timeout)
        finally:
            _SQS_LOCK.acquire()

    return run


def sqs_one_at_a_time() -> None:
    """Serialise moto's SQS queue operations in this process (idempotent)."""
    from moto.sqs import models

    global _sqs_serialised
    if _sqs_serialised:
        return
    _sqs_serialised = True
    backend = models.SQSBackend
    for name in _SQS_OPERATIONS:
        setattr(backend, name, under_lock(backend.__dict__[name], _SQS_LOCK))
    models.Queue.wait_for_messages = _waits_unlocked(models.Queue.__dict__["wait_for_messages"])  # type: ignore[method-assign]


class AtomicMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose DynamoDB requests and SQS queue operations do not interleave."""

    def _server_entry(self) -> None:
        sqs_one_at_a_time()
        app = dynamodb_one_at_a_time(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()


def serve(ip_address: str, calls: bool = True) -> None:
    """The server process's body: print the port, serve until stdin closes. `calls` False
    leaves out moto_fast's per-call replacements (bench/moto_calls.py compares the two)."""
    import logging

    from uppsikt.local import moto_fast

    # A line per request on the terminal costs the server as much as a cheap request.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    moto_fast.install(calls=calls)
    server = AtomicMotoServer(ip_address=ip_address, port=0, verbose=False)
    server.start()
    print(server.get_host_and_port()[1], flush=True)
    sys.stdin.read()  # returns when the parent closes the pipe or is gone
    server.stop()


class MotoProcess:
    """AtomicMotoServer in a process of its own; the same start/get_host_and_port/stop.

    A plain child interpreter (`python -m uppsikt.local.moto_server`), not multiprocessing:
    spawn would import the caller's main module again in the child, which breaks any script
    without a `__main__` guard, and fork would copy the caller's threads mid-use."""

    def __init__(self, ip_address: str = "127.0.0.1", calls_patched: bool = True) -> None:
        self._ip_address = ip_address
        self._calls_patched = calls_patched
        self._address: tuple[str, int] | None = None

    def start(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        self._process = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
            [sys.executable, "-m", "uppsikt.local.moto_server", self._ip_address]
            + ([] if self._calls_patched else ["--calls-as-moto"]),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
            text=True,
        )
        assert self._process.stdout is not None
        ready = select.select([self._process.stdout], [], [], 60)[0]
        line = self._process.stdout.readline() if ready else ""
        if not line.strip().isdigit():
            self._process.kill()
            code = self._process.wait()
            raise RuntimeError(
                f"the embedded AWS server did not start (exit code {code}; its error is above)"
            )
        self._address = (self._ip_address, int(line))

    def get_host_and_port(self) -> tuple[str, int]:
        assert self._address is not None, "call start() first"
        return self._address

    @property
    def pid(self) -> int:
        return self._process.pid

    def stop(self) -> None:
        assert self._process.stdin is not None
        with contextlib.suppress(OSError):  # the child already gone
            self._process.stdin.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1", "--calls-as-moto" not in sys.argv)
