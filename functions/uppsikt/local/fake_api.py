"""A platform API on loopback that answers from recorded responses: the pollers' tests and the
demo talk to it over real HTTP, through the same client code as production.

Routes are matched in the order they were added, by method, path and (optionally) query values.
Each route answers with its replies in turn and keeps repeating the last one, so a test can
script "429, then 200" or "a timeout, then the page". Every request is recorded.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = (
        0.0  # seconds to wait before answering (longer than the client's timeout = a timeout)
    )

    @classmethod
    def json(cls, data: Any, status: int = 200, **headers: str) -> Reply:
        return cls(
            status, json.dumps(data).encode(), {"Content-Type": "application/json", **headers}
        )

    @classmethod
    def file(cls, path: Path, status: int = 200, **headers: str) -> Reply:
        kind = "application/atom+xml" if path.suffix == ".xml" else "application/json"
        return cls(status, path.read_bytes(), {"Content-Type": kind, **headers})


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes


@dataclass
class _Route:
    method: str
    path: str
    match: Mapping[str, str]
    replies: list[Reply]

    def fits(self, method: str, path: str, query: dict[str, list[str]]) -> bool:
        return (
            self.method == method
            and self.path == path
            and all(value in query.get(name, []) for name, value in self.match.items())
        )

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


class FakeApi:
    def __init__(self) -> None:
        self._routes: list[_Route] = []
        self._lock = threading.Lock()
        self.requests: list[Recorded] = []
        self._server: ThreadingHTTPServer | None = None

    def route(
        self, method: str, path: str, *replies: Reply, match: Mapping[str, str] | None = None
    ) -> None:
        if not replies:
            raise ValueError("a route needs at least one reply")
        with self._lock:
            self._routes.append(_Route(method.upper(), path, dict(match or {}), list(replies)))

    def reset(self) -> None:
        with self._lock:
            self._routes.clear()
            self.requests.clear()

    def calls(self, path: str) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake API is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def _answer(self, method: str, raw_path: str, headers: dict[str, str], body: bytes) -> Reply:
        parts = urllib.parse.urlsplit(raw_path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, headers, body))
            for route in self._routes:
                if route.fits(method, parts.path, query):
                    return route.next_reply()
        return Reply.json({"error": f"no recorded response for {method} {parts.path}"}, 404)

    def __enter__(self) -> Self:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                reply = api._answer(self.command, self.path, headers, body)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a scripted timeout)

            do_GET = do_POST = do_PUT = do_DELETE = _handle  # noqa: N815 (http.server names)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: tests and the demo print their own summaries

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
