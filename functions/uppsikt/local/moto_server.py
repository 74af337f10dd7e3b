"""moto's server for the embedded AWS, with DynamoDB requests applied one at a time.

DynamoDB applies a conditional write atomically. moto checks the condition and then writes
with nothing held in between, so two threads can both pass `attribute_not_exists` and the
second overwrites the first: the audit chain's parallel-writers test lost an entry that way
on a loaded machine. DynamoDB calls never wait inside the server, so one lock around them
costs ordering only; SQS receives, which long-poll, stay outside it."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
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


class AtomicMotoServer(ThreadedMotoServer):
    """ThreadedMotoServer whose DynamoDB requests do not interleave."""

    def _server_entry(self) -> None:
        app = dynamodb_one_at_a_time(DomainDispatcherApplication(create_backend_app))
        self._server = make_server(
            self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
