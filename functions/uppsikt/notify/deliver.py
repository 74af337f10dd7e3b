"""Posting a formatted message to a webhook: retries with backoff, a failure record at the end.

The webhook URL is a credential (Slack's path, Teams' `sig=` parameter), so it is read from a
secret at delivery time and appears nowhere else: not in a log record, not in an exception
message, not in the failure record. Neither does the content. Transport exceptions are raised
`from None` so a logged traceback cannot carry a URL fragment from urllib's own messages.

Retry policy: HTTP 429 waits what `Retry-After` says (seconds or an HTTP date), or gives up at
once when that is longer than `max_delay`, so the caller can requeue with that delay instead of
holding a Lambda; 408, 425, 5xx and transport failures back off exponentially (`base_delay`
doubling, capped at `max_delay`, with jitter between half and all of it); any other status is
permanent. Redirects are refused (a redirect could carry the credential elsewhere). After
`max_attempts` the result is a `DeliveryFailed` for the caller's dead-letter queue.
"""

from __future__ import annotations

import json
import logging
import random
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from uppsikt.notify.errors import NotAWebhookUrl, TransportFailed
from uppsikt.notify.ports import HttpPoster, PostResponse, Sleep, WebhookSecrets

logger = logging.getLogger("uppsikt.notify")

Channel = Literal["slack", "teams", "email"]
USER_AGENT = "uppsikt-notify/1"
MAX_RESPONSE_BYTES = 64 * 1024
RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
# Slack answers errors with a short code in the body; only these known codes are repeated in a
# failure reason (a body we do not know is not repeated at all).
SLACK_ERRORS = frozenset(
    {
        "invalid_payload",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_blocks_too_long",
        "too_many_attachments",
        "no_text",
        "user_not_found",
        "channel_not_found",
        "channel_is_archived",
        "action_prohibited",
        "posting_to_general_channel_denied",
        "no_service",
        "no_service_id",
        "no_team",
        "team_disabled",
        "invalid_token",
        "rollup_error",
    }
)
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class Delivered:
    channel: Channel
    ref: str  # what was delivered, e.g. the flag id: never content
    attempts: int
    status: int


@dataclass(frozen=True)
class DeliveryFailed:
    """For the caller's dead-letter queue. `reason` names the channel, the status or failure
    kind and the attempts; never the URL, never the content."""

    channel: Channel
    ref: str
    attempts: int
    reason: str
    permanent: bool  # True: retrying the same message will not help (4xx, bad secret)
    status: int | None = None
    retry_after: float | None = None  # seconds, when the receiver asked for a longer wait


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


class UrllibPoster:
    """`HttpPoster` over the standard library (nothing new in the Lambda package)."""

    def post(
        self, url: str, body: bytes, headers: Mapping[str, str], *, timeout: float
    ) -> PostResponse:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked by the caller)
            url, data=body, method="POST", headers={"User-Agent": USER_AGENT, **headers}
        )
        try:
            with _OPENER.open(request, timeout=timeout) as resp:
                return PostResponse(
                    resp.status, _lower(resp.headers), resp.read(MAX_RESPONSE_BYTES)
                )
        except urllib.error.HTTPError as exc:
            with exc:
                return PostResponse(exc.code, _lower(exc.headers), exc.read(MAX_RESPONSE_BYTES))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            kind = "timed out" if isinstance(reason, TimeoutError) else type(reason).__name__
            raise TransportFailed(f"no HTTP answer: {kind}") from None


def _lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()} if headers is not None else {}


def check_webhook_url(url: str, *, allow_loopback_http: bool = False) -> None:
    """https only; plain http only to a loopback receiver, and only when allowed (local runs)."""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise NotAWebhookUrl("webhook secret: not a URL") from None
    if parts.scheme == "https" and host:
        return
    if parts.scheme == "http" and allow_loopback_http and host in _LOOPBACK:
        return
    raise NotAWebhookUrl("webhook secret: not an https URL")


def retry_after_seconds(headers: Mapping[str, str], now: datetime) -> float | None:
    """`Retry-After` in seconds (delta or HTTP date), or None when absent or unreadable."""
    value = (headers.get("retry-after") or "").strip()
    if value.isdigit():
        return float(value)
    if value:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max(0.0, (when - now).total_seconds())
    return None


class WebhookDelivery:
    def __init__(
        self,
        poster: HttpPoster,
        secrets: WebhookSecrets,
        *,
        sleep: Sleep = time.sleep,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        jitter: Callable[[], float] = random.random,
        max_attempts: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 30.0,
        timeout: float = 10.0,
        allow_loopback_http: bool = False,
    ) -> None:
        if max_attempts < 1:
            raise ValueError("max_attempts: must be at least 1")
        self._poster = poster
        self._secrets = secrets
        self._sleep = sleep
        self._now = now
        self._jitter = jitter
        self._max_attempts = max_attempts
        self._base_delay = base_delay
        self._max_delay = max_delay
        self._timeout = timeout
        self._allow_loopback_http = allow_loopback_http

    def backoff(self, attempt: int) -> float:
        """The wait after failed attempt `attempt` (1-based): between half and all of
        `base_delay * 2**(attempt-1)`, capped at `max_delay`."""
        full = min(self._max_delay, self._base_delay * 2.0 ** (attempt - 1))
        return full * (0.5 + 0.5 * self._jitter())

    def deliver(
        self, channel: Channel, secret_name: str, payload: Mapping[str, Any], *, ref: str
    ) -> Delivered | DeliveryFailed:
        """Post `payload` as JSON to the webhook in `secret_name`."""
        try:
            url = self._secrets.webhook_url(secret_name)
            check_webhook_url(url, allow_loopback_http=self._allow_loopback_http)
        except NotAWebhookUrl:
            return self._failed(
                channel, ref, 0, "webhook secret does not hold an https URL", permanent=True
            )
        except Exception as exc:  # the secret store's errors may quote the secret
            problem = f"webhook secret unavailable: {type(exc).__name__}"
            return self._failed(channel, ref, 0, problem, permanent=False)
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for attempt in range(1, self._max_attempts + 1):
            outcome = self._attempt(url, body)
            if isinstance(outcome, PostResponse) and 200 <= outcome.status < 300:
                logger.info(
                    "notification delivered",
                    extra={"channel": channel, "ref": ref, "attempts": attempt},
                )
                return Delivered(channel, ref, attempt, outcome.status)
            if isinstance(outcome, PostResponse):
                status: int | None = outcome.status
                problem = _status_problem(channel, outcome)
                if outcome.status not in RETRYABLE:
                    return self._failed(
                        channel, ref, attempt, problem, permanent=True, status=status
                    )
            else:
                status, problem = None, str(outcome)
            if attempt == self._max_attempts:
                break
            delay = self.backoff(attempt)
            if isinstance(outcome, PostResponse) and outcome.status == 429:
                asked = retry_after_seconds(outcome.headers, self._now())
                if asked is not None and asked > self._max_delay:
                    problem += "; Retry-After beyond the maximum wait"
                    return self._failed(
                        channel,
                        ref,
                        attempt,
                        problem,
                        permanent=False,
                        status=status,
                        retry_after=asked,
                    )
                delay = asked if asked is not None else delay
            logger.warning(
                "notification attempt failed, retrying",
                extra={
                    "channel": channel,
                    "ref": ref,
                    "attempt": attempt,
                    "status": status,
                    "delay_seconds": round(delay, 3),
                },
            )
            self._sleep(delay)
        problem += f"; gave up after {self._max_attempts} attempts"
        return self._failed(
            channel, ref, self._max_attempts, problem, permanent=False, status=status
        )

    def _attempt(self, url: str, body: bytes) -> PostResponse | TransportFailed:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            return self._poster.post(url, body, headers, timeout=self._timeout)
        except TransportFailed as exc:
            return exc

    def _failed(
        self,
        channel: Channel,
        ref: str,
        attempts: int,
        problem: str,
        *,
        permanent: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> DeliveryFailed:
        reason = f"{channel}: {problem}"
        logger.error(
            "notification not delivered",
            extra={"channel": channel, "ref": ref, "attempts": attempts, "reason": reason},
        )
        return DeliveryFailed(channel, ref, attempts, reason, permanent, status, retry_after)


def _status_problem(channel: Channel, response: PostResponse) -> str:
    if 300 <= response.status < 400:
        return f"HTTP {response.status} (redirect refused)"
    code = response.body.decode("utf-8", "replace").strip()
    if channel == "slack" and code in SLACK_ERRORS:
        return f"HTTP {response.status} {code}"
    return f"HTTP {response.status}"
