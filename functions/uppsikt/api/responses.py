"""The one place where errors become HTTP responses: the status is the error class's own
(`uppsikt.errors`), the body a machine-readable code and a message that holds no payload value."""

from __future__ import annotations

import json

from chalice.app import Response

from uppsikt.errors import UppsiktError


def error_response(exc: UppsiktError) -> Response:
    return Response(
        body=json.dumps({"error": exc.code, "message": str(exc)}),
        status_code=exc.status,
        headers={"Content-Type": "application/json"},
    )


def api_error_response(exc: UppsiktError) -> Response:
    """The review API's shape (docs/review-api.openapi.yaml): the code nested with its message."""
    return json_response({"error": {"code": exc.code, "message": str(exc)}}, exc.status)


def text_response(body: str) -> Response:
    return Response(body=body, status_code=200, headers={"Content-Type": "text/plain"})


def json_response(body: object, status: int = 200) -> Response:
    return Response(
        body=json.dumps(body), status_code=status, headers={"Content-Type": "application/json"}
    )
