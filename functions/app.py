"""Uppsikt's Chalice app: webhook routes and queue consumers, each a few lines over the core.

Chalice reads this project's settings from `.chalice/config.json`, a link to the repository's
`chalice.json`. Routes and handlers only translate between AWS events and the core in `uppsikt`.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Chalice, Request, Response, SQSEvent

from uppsikt import runtime
from uppsikt.api.responses import error_response, json_response, text_response
from uppsikt.ingest.errors import IngestError
from uppsikt.platforms.meta import handshake

app = Chalice(app_name="uppsikt")

# Batch settings must match the event source mapping in infra/functions.yaml (a test checks).
EVALUATE_BATCH_SIZE = 10
# Chalice needs a queue to register the consumer. The real one is infra's IngestQueue: the merge
# in `make package` replaces this placeholder ARN with its `Fn::GetAtt` (a test checks).
INGEST_QUEUE_PLACEHOLDER = "arn:aws:sqs:eu-north-1:000000000000:replaced-by-infra"


def _request() -> Request:
    request = app.current_request
    assert request is not None  # Chalice sets it for every routed call
    return request


@app.route("/webhooks/meta", methods=["GET"])
def meta_handshake() -> Response:
    try:
        secrets = runtime.current().meta_secrets()
        return text_response(handshake.answer(_request().query_params, secrets.verify_token))
    except IngestError as exc:
        return error_response(exc)


@app.route("/webhooks/meta", methods=["POST"], content_types=["application/json"])
def meta_delivery() -> Response:
    request = _request()
    raw = request.raw_body
    rt = runtime.current()
    try:
        receipt = rt.meta_ingest.accept(
            raw if isinstance(raw, bytes) else str(raw).encode(),
            request.headers.get("x-hub-signature-256"),
            app_secret=rt.meta_secrets().app_secret,
            pseudonymiser=rt.pseudonymiser(),
            received_at=runtime.utcnow(),
        )
    except IngestError as exc:
        return error_response(exc)
    return json_response(receipt.as_dict())


@app.route("/webhooks/x", methods=["GET"])
def x_crc() -> Response:
    from uppsikt.platforms.x import crc

    try:
        token = crc.answer(_request().query_params, runtime.current().x_consumer_secret())
    except IngestError as exc:
        return error_response(exc)
    return json_response(token)


@app.route("/webhooks/x", methods=["POST"], content_types=["application/json"])
def x_delivery() -> Response:
    from uppsikt.model.events import Platform
    from uppsikt.platforms.mappers import MAPPERS
    from uppsikt.platforms.x import signature

    request = _request()
    raw = request.raw_body
    body = raw if isinstance(raw, bytes) else str(raw).encode()
    rt = runtime.current()
    try:
        secret = rt.x_consumer_secret()
        receipt = rt.webhook_ingest.accept(
            MAPPERS[Platform.X],
            body,
            signed=signature.is_valid(body, request.headers.get(signature.HEADER), secret),
            account_id=rt.account_id(Platform.X),
            pseudonymiser=rt.pseudonymiser(),
            received_at=runtime.utcnow(),
        )
    except IngestError as exc:
        return error_response(exc)
    return json_response(receipt.as_dict())


@app.on_sqs_message(
    queue_arn=INGEST_QUEUE_PLACEHOLDER, batch_size=EVALUATE_BATCH_SIZE, name="evaluate"
)
def evaluate(event: SQSEvent) -> dict[str, Any]:
    return runtime.current().evaluate_batch(event.to_dict(), event.context)  # type: ignore[arg-type]
