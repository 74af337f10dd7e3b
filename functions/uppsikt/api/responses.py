"""The one place where ingest errors become HTTP status codes."""

from __future__ import annotations

import json

from chalice.app import Response

from uppsikt.ingest.errors import (
    BadHandshake,
    EnqueueFailed,
    IngestError,
    NotConfigured,
    PayloadTooLarge,
    ServiceUnavailable,
    SignatureInvalid,
    VerifyTokenMismatch,
)

STATUS: dict[type[IngestError], int] = {
    BadHandshake: 400,
    SignatureInvalid: 401,
    VerifyTokenMismatch: 403,
    NotConfigured: 404,
    PayloadTooLarge: 413,
    EnqueueFailed: 503,  # the platform retries; the raw delivery is already stored
    ServiceUnavailable: 503,
}


def error_response(exc: IngestError) -> Response:
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
    return Response(
        body=json.dumps({"error": type(exc).__name__, "message": str(exc)}),
        status_code=status,
        headers={"Content-Type": "application/json"},
    )


def text_response(body: str) -> Response:
    return Response(body=body, status_code=200, headers={"Content-Type": "text/plain"})


def json_response(body: object, status: int = 200) -> Response:
    return Response(
        body=json.dumps(body), status_code=status, headers={"Content-Type": "application/json"}
    )
