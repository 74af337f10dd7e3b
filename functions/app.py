"""Uppsikt's Chalice app: webhook routes and queue consumers, each a few lines over the core.

Chalice reads this project's settings from `.chalice/config.json`, a link to the repository's
`chalice.json`. Routes and handlers only translate between AWS events and the core in `uppsikt`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from chalice.app import Chalice, CloudWatchEvent, Rate, Request, Response, SQSEvent

from uppsikt import runtime
from uppsikt.accounts.waiting import until_registry_published
from uppsikt.api.responses import error_response, json_response, text_response
from uppsikt.diagnostics import describe
from uppsikt.ingest.errors import IngestError, StoreUnavailable
from uppsikt.model.events import Platform
from uppsikt.observability import signals
from uppsikt.observability.invocation import job, middleware
from uppsikt.platforms.meta import handshake

# configure_logs=False: Powertools owns the `uppsikt` logger (uppsikt/observability/logs.py).
app = Chalice(app_name="uppsikt", configure_logs=False)
app.register_middleware(middleware, "all")
log = logging.getLogger("uppsikt.webhooks")

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
    """Facebook Pages and Instagram: the mapper finds each entry's account in the registry."""
    from uppsikt.platforms.meta import signature

    def verify(body: bytes) -> tuple[bool, str | None]:
        secret = runtime.current().meta_secrets().app_secret
        return signature.is_valid(body, _request().headers.get(signature.HEADER), secret), None

    return _deliver(Platform.FACEBOOK, verify)


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
    from uppsikt.platforms.mappers import MAPPERS
    from uppsikt.platforms.x import signature

    def verify(body: bytes) -> tuple[bool, str | None]:
        rt = runtime.current()
        secret = rt.x_consumer_secret()
        valid = signature.is_valid(body, _request().headers.get(signature.HEADER), secret)
        # The account is read from the verified body (for_user_id, or filter.user_id).
        return valid, rt.account_id(MAPPERS[Platform.X], body) if valid else None

    return _deliver(Platform.X, verify)


@app.route("/webhooks/linkedin", methods=["GET"])
def linkedin_challenge() -> Response:
    from uppsikt.platforms.linkedin import challenge

    try:
        secret = runtime.current().linkedin_client_secret()
        return json_response(challenge.answer(_request().query_params, secret))
    except IngestError as exc:
        return error_response(exc)


@app.route("/webhooks/linkedin", methods=["POST"], content_types=["application/json"])
def linkedin_delivery() -> Response:
    from uppsikt.platforms.linkedin import routing, signature

    def verify(body: bytes) -> tuple[bool, str | None]:
        rt = runtime.current()
        header = _request().headers.get("x-li-signature")
        construction = signature.verify(body, header, rt.linkedin_client_secret())
        if construction is not None:
            # platforms.md §4.2: which reading of LinkedIn's docs real deliveries use is open.
            log.info("LinkedIn signature verified", extra={"construction": construction})
        ids = [a.platform_account_id for a in rt.registry.on(Platform.LINKEDIN)]
        return construction is not None, routing.account_for(body, ids)

    return _deliver(Platform.LINKEDIN, verify)


@app.route("/webhooks/youtube/{account}", methods=["GET"])
def youtube_verification(account: str) -> Response:
    from uppsikt.platforms.youtube import websub

    rt = runtime.current()
    try:
        channel = rt.registry.by_key(Platform.YOUTUBE, account)
        challenge, lease = websub.verify_intent(
            _request().query_params,
            expected_topics={websub.topic_for(channel.platform_account_id)},
        )
    except IngestError as exc:
        return error_response(exc)
    if lease is not None:
        rt.record_lease(channel, lease)
    return text_response(challenge)


@app.route(
    "/webhooks/youtube/{account}",
    methods=["POST"],
    content_types=["application/atom+xml", "application/xml", "text/xml"],
)
def youtube_notification(account: str) -> Response:
    from uppsikt.platforms.youtube import signature

    return _deliver(
        Platform.YOUTUBE,
        _per_account(Platform.YOUTUBE, account, "websub_secret", signature.is_valid),
    )


@app.route("/webhooks/mastodon/{account}", methods=["POST"], content_types=["application/json"])
def mastodon_delivery(account: str) -> Response:
    from uppsikt.platforms.mastodon import signature

    return _deliver(
        Platform.MASTODON,
        _per_account(Platform.MASTODON, account, "webhook_secret", signature.is_valid),
    )


Verifier = Callable[[bytes], tuple[bool, str | None]]


def _per_account(
    platform: Platform,
    account: str,
    secret_name: str,
    is_valid: Callable[[bytes, str | None, str], bool],
) -> Verifier:
    """Routes that name their account in the path (one webhook, and one secret, per account):
    `X-Hub-Signature` checked with that account's own secret from its registry entry."""

    def verify(body: bytes) -> tuple[bool, str | None]:
        rt = runtime.current()
        entry = rt.registry.by_key(platform, account)
        secret = rt.account_secret(entry, secret_name)
        header = _request().headers.get("x-hub-signature")
        return is_valid(body, header, secret), entry.platform_account_id

    return verify


def _deliver(platform: Platform, verify: Verifier) -> Response:
    """The same for every webhook: verify, store raw, queue; errors to statuses."""
    from uppsikt.platforms.mappers import MAPPERS

    raw = _request().raw_body
    body = raw if isinstance(raw, bytes) else str(raw).encode()
    rt = runtime.current()
    try:
        signed, account_id = verify(body)
        receipt = rt.webhook_ingest.accept(
            MAPPERS[platform],
            body,
            signed=signed,
            account_id=account_id,
            registered=rt.registered,
            pseudonymiser=rt.pseudonymiser(),
            received_at=runtime.utcnow(),
        )
    except IngestError as exc:
        response = error_response(exc)
        log.info(
            "delivery refused",
            extra={
                "platform": platform.value,
                "status": response.status_code,
                "error": type(exc).__name__,
            },
        )
        signals.delivery_rejected(platform.value, response.status_code)
        return response
    except (BotoCoreError, ClientError) as exc:
        # Not acknowledged: a 503 (not Chalice's bare 500) tells the platform to retry.
        log.warning("delivery not accepted", extra={"error": describe(exc)})
        response = error_response(StoreUnavailable("the delivery could not be stored or queued"))
        signals.delivery_rejected(platform.value, response.status_code)
        return response
    answer = receipt.as_dict()  # counts and the raw object's key: no content
    log.info("delivery accepted", extra={"platform": platform.value, **answer})
    signals.delivery_accepted(platform.value, answer)
    return json_response(answer)


@app.schedule(Rate(5, unit=Rate.MINUTES), name="poll")
@job("poll", signals.polled)
@until_registry_published
def poll(event: CloudWatchEvent) -> dict[str, Any]:
    """Platforms without webhooks (and the gaps of those with them), every five minutes."""
    context = event.context
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    deadline = (lambda: remaining() / 1000) if remaining else None
    outcomes = runtime.current().poll_all(deadline)
    return {"streams": [outcome.as_dict() for outcome in outcomes]}


@app.schedule(Rate(12, unit=Rate.HOURS), name="renew_websub")
@job("renew_websub")
@until_registry_published
def renew_websub(event: CloudWatchEvent) -> dict[str, Any]:
    """Resubscribe YouTube channels before their WebSub leases run out (they last days)."""
    return {"renewals": [r.as_dict() for r in runtime.current().renew_websub()]}


@app.schedule(Rate(1, unit=Rate.DAYS), name="dsr_due")
@job("dsr_due")
@until_registry_published
def dsr_due(event: CloudWatchEvent) -> dict[str, Any]:
    """Remind the officers of data-subject requests due within a week (`dsr.due` alerts)."""
    rt = runtime.current()
    return {"reminded": [r.request_id for r in rt.dsr_desk().remind(rt.alerts)]}


@app.schedule(Rate(1, unit=Rate.HOURS), name="audit_checkpoint")
@job("audit_checkpoint")
@until_registry_published
def audit_checkpoint(event: CloudWatchEvent) -> dict[str, Any]:
    """Each organisation's signed audit checkpoint for the hour just ended (uppsikt/audit/chain.py
    says why hourly), written even when nothing happened."""
    return {"checkpoints": [w.as_dict() for w in runtime.current().write_checkpoints()]}


@app.schedule(Rate(5, unit=Rate.MINUTES), name="clock_tick")
@job("clock_tick", signals.ticked)
@until_registry_published
def clock_tick(event: CloudWatchEvent) -> dict[str, Any]:
    """Due clocks move and alert (read from the due-time index), and posting cadence is checked."""
    remaining = getattr(event.context, "get_remaining_time_in_millis", None)
    seconds_left = (lambda: remaining() / 1000) if remaining else None
    return runtime.current().clock_tick(seconds_left=seconds_left)


@app.on_sqs_message(
    queue_arn=INGEST_QUEUE_PLACEHOLDER, batch_size=EVALUATE_BATCH_SIZE, name="evaluate"
)
def evaluate(event: SQSEvent) -> dict[str, Any]:
    return runtime.current().evaluate_batch(event.to_dict(), event.context)  # type: ignore[arg-type]


@app.schedule(Rate(1, unit=Rate.DAYS), name="purge")
@job("purge", signals.purged)
def purge(event: CloudWatchEvent) -> dict[str, Any]:
    """Delete what has expired (retention/purge.py), resuming where a timed-out run stopped."""
    remaining = getattr(event.context, "get_remaining_time_in_millis", None)
    time_left = (lambda: remaining() / 1000) if remaining else None
    receipts = runtime.current().purge_all(runtime.utcnow(), time_left=time_left)
    return {"receipts": [r.as_dict() for r in receipts]}


# Notifications (issue 11): the queue the FlagsTopic and AlertsTopic deliver to (infra's
# NotifyQueue replaces this placeholder, as for evaluate), and the hourly digest tick.
NOTIFY_BATCH_SIZE = 5
NOTIFY_QUEUE_PLACEHOLDER = "arn:aws:sqs:eu-north-1:000000000000:notify-replaced-by-infra"


@app.on_sqs_message(queue_arn=NOTIFY_QUEUE_PLACEHOLDER, batch_size=NOTIFY_BATCH_SIZE, name="notify")
def notify(event: SQSEvent) -> dict[str, Any]:
    return runtime.current().notify_batch(event.to_dict())


@app.schedule(Rate(1, unit=Rate.HOURS), name="notify_digest")
@job("notify_digest")
@until_registry_published
def notify_digest(event: CloudWatchEvent) -> dict[str, Any]:
    """Digests and what waited out quiet hours, as each falls due (hour buckets, no scan)."""
    return runtime.current().notify_tick().as_dict()
