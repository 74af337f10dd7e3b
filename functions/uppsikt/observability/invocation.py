"""Per invocation: correlation id on every log line, an X-Ray subsegment, metrics flushed.

`middleware` is registered on each Chalice app for every event type (`app.register_middleware(
middleware, "all")`), so no handler can forget it. The correlation id is API Gateway's request
id for a route, EventBridge's event id for a scheduled job; a queue consumer tags each record
with its SQS message id itself (`record_context`), since one batch holds many messages.

`job(name, measure)` wraps a scheduled handler: on success it counts the `Heartbeat` the
missing-heartbeat alarm watches (and whatever `measure` reads off the result), on failure
`JobFailures`, then re-raises so Lambda records the error and the failure destination gets it.

The Tracer is built on the first invocation, not at import: in Lambda it imports the X-Ray SDK
and patches botocore (every AWS call becomes a subsegment), once per container; outside Lambda
(tests, the local stack) Powertools disables it, so nothing is patched or sent.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from uppsikt.diagnostics import describe
from uppsikt.observability import metrics
from uppsikt.observability.logs import SERVICE, correlate, logger

if TYPE_CHECKING:
    from aws_lambda_powertools import Tracer

R = TypeVar("R")
_tracer: Tracer | None = None
_cold = True


def tracer() -> Tracer:
    global _tracer
    if _tracer is None:
        from aws_lambda_powertools import Tracer

        # botocore only: every AWS call gets its subsegment for ~10 ms. Powertools' default
        # patches every library it can import (requests, httpx, ...), ~190 ms here for
        # clients we do not use (docs/operations.md, "Cold start").
        _tracer = Tracer(service=SERVICE, auto_patch=False)
        _tracer.patch(modules=("botocore",))
    return _tracer


def _describe(event: Any) -> tuple[str, str | None]:
    """The event's kind and its correlation id (an id AWS gave it: never from its content)."""
    from chalice.app import CloudWatchEvent, Request, SQSEvent

    if isinstance(event, Request):
        # API Gateway's request id (in its access log and the caller's x-amzn-RequestId);
        # Lambda's own where there is no gateway (chalice local, the test client).
        request_id = (event.context or {}).get("requestId")
        return "http", request_id or getattr(event.lambda_context, "aws_request_id", None)
    if isinstance(event, CloudWatchEvent):
        return "scheduled", event.event_id or None
    if isinstance(event, SQSEvent):
        return "sqs", None
    return "lambda", None


def middleware(event: Any, get_response: Callable[[Any], R]) -> R:
    global _cold
    kind, correlation_id = _describe(event)
    correlate(correlation_id)
    cold, _cold = _cold, False
    context = event.lambda_context if hasattr(event, "lambda_context") else event.context
    # Lambda's request id ties a line to the platform's START/REPORT lines for the invocation.
    logger.thread_safe_append_keys(
        cold_start=cold, function_request_id=getattr(context, "aws_request_id", None)
    )
    try:
        with tracer().provider.in_subsegment(f"## {kind}") as subsegment:
            subsegment.put_annotation(key="ColdStart", value=cold)
            subsegment.put_annotation(key="Service", value=SERVICE)
            return get_response(event)
    finally:
        metrics.flush()
        correlate(None)
        logger.thread_safe_remove_keys(["cold_start", "function_request_id"])


@contextmanager
def record_context(message_id: str) -> Iterator[None]:
    """One SQS record's lines carry its message id as the correlation id."""
    correlate(message_id)
    try:
        yield
    finally:
        correlate(None)


def job(
    name: str, measure: Callable[[Any], None] | None = None
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    def wrap(handler: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(handler)
        def run(*args: Any, **kwargs: Any) -> R:
            try:
                result = handler(*args, **kwargs)
            except Exception as exc:
                metrics.count("JobFailures", job=name)
                # describe(): the exception's type and our own message, never a traceback's
                # locals or a payload value.
                logger.error("scheduled job failed", extra={"job": name, "error": describe(exc)})
                raise
            if measure is not None:
                measure(result)
            metrics.count("Heartbeat", job=name)
            logger.info("scheduled job done", extra={"job": name})
            return result

        return run

    return wrap
