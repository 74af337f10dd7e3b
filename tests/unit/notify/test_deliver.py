"""Delivery to loopback receivers standing in for Slack and Teams: what they receive, the
retries and their waits, and that no URL, name, author or id number reaches a log or a reason."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from support.channel_shapes import adaptive_card_problems, block_kit_problems
from support.notices import CPR, a_notice
from uppsikt.notify.deliver import Delivered, DeliveryFailed, UrllibPoster, WebhookDelivery
from uppsikt.notify.errors import TransportFailed
from uppsikt.notify.slack import slack_message
from uppsikt.notify.teams import PAYLOAD_LIMIT, teams_message

SLACK_PATH = "/services/T0SECRET/B0SECRET/xoxSLACKSECRET"
TEAMS_PATH = "/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=SIGSECRET"
TEXT = f"Signe Karlsson (@signe_k, id 1789456) skrev: mitt personnummer är {CPR}"
NEVER = ("SECRET", "127.0.0.1", "http://", "Signe", "Karlsson", "signe_k", "1789456", CPR)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@dataclass
class Receiver:
    """Records what arrives and answers from a script: (status, headers, body), then 200s."""

    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    port: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            state.received.append(
                (self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            )
            status, headers, answer = state.answers.pop(0) if state.answers else (200, {}, b"ok")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args: object) -> None:  # keep the test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


class Secrets:
    """The secret store as delivery sees it: name → webhook URL."""

    def __init__(self, **urls: str) -> None:
        self.urls = urls

    def webhook_url(self, secret_name: str) -> str:
        return self.urls[secret_name]


class Sleeps(list[float]):
    def __call__(self, seconds: float, /) -> None:
        self.append(seconds)


def delivery(
    secrets: Secrets, sleeps: Sleeps, *, jitter: float = 1.0, **options: object
) -> WebhookDelivery:
    return WebhookDelivery(
        UrllibPoster(),
        secrets,
        sleep=sleeps,
        now=lambda: NOW,
        jitter=lambda: jitter,
        allow_loopback_http=True,
        timeout=5.0,
        **options,  # type: ignore[arg-type]
    )


def assert_nothing_leaked(caplog: pytest.LogCaptureFixture, *reasons: str) -> None:
    logged = [json.dumps({k: str(v) for k, v in vars(record).items()}) for record in caplog.records]
    assert caplog.records, "delivery logs what it did"
    for text in [*logged, *reasons]:
        for secret in NEVER:
            assert secret not in text


def test_slack_gets_the_block_kit_message_after_a_429_and_a_500(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [
        (429, {"Retry-After": "3"}, b"rate_limited"),
        (500, {}, b"oops"),
        (200, {}, b"ok"),
    ]
    sleeps = Sleeps()
    payload = slack_message(a_notice(TEXT, lang="da"))
    result = delivery(Secrets(slack=receiver.url(SLACK_PATH)), sleeps).deliver(
        "slack", "slack", payload, ref="F-1"
    )
    assert result == Delivered("slack", "F-1", 3, 200)
    assert sleeps == [3.0, 2.0]  # Retry-After as asked; then base 1 s doubled after attempt 2
    assert [path for path, _, _ in receiver.received] == [SLACK_PATH] * 3
    _, headers, body = receiver.received[-1]
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert block_kit_problems(json.loads(body)) == []
    assert json.loads(body) == payload
    assert_nothing_leaked(caplog)


def test_teams_gets_the_adaptive_card_with_its_signature_in_the_query(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [(202, {}, b"")]
    payload = teams_message(a_notice(TEXT, lang="nn"))
    result = delivery(Secrets(teams=receiver.url(TEAMS_PATH)), Sleeps()).deliver(
        "teams", "teams", payload, ref="F-2"
    )
    assert result == Delivered("teams", "F-2", 1, 202)
    path, _, body = receiver.received[0]
    assert path == TEAMS_PATH
    assert adaptive_card_problems(json.loads(body), max_bytes=PAYLOAD_LIMIT) == []
    assert len(body) <= 20 * 1024
    assert_nothing_leaked(caplog)


def test_it_gives_up_after_the_last_attempt_with_a_reason_for_the_dead_letter_queue(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [(503, {}, b"down")] * 4
    sleeps = Sleeps()
    result = delivery(Secrets(s=receiver.url(SLACK_PATH)), sleeps, max_attempts=4).deliver(
        "slack", "s", slack_message(a_notice(TEXT)), ref="F-3"
    )
    assert result == DeliveryFailed(
        "slack", "F-3", 4, "slack: HTTP 503; gave up after 4 attempts", permanent=False, status=503
    )
    assert sleeps == [1.0, 2.0, 4.0]
    assert len(receiver.received) == 4
    assert_nothing_leaked(caplog, result.reason)


@pytest.mark.parametrize(("jitter", "low"), [(0.0, True), (1.0, False)])
def test_backoff_doubles_within_half_and_all_of_its_step_and_stops_at_the_cap(
    jitter: float, low: bool
) -> None:
    waits = [
        delivery(Secrets(), Sleeps(), jitter=jitter, max_delay=5.0).backoff(n) for n in range(1, 6)
    ]
    full = [1.0, 2.0, 4.0, 5.0, 5.0]
    assert waits == ([w / 2 for w in full] if low else full)


def test_a_retry_after_date_is_honoured(receiver: Receiver) -> None:
    when = format_datetime(NOW + timedelta(seconds=7), usegmt=True)
    receiver.answers = [(429, {"Retry-After": when}, b"")]
    sleeps = Sleeps()
    result = delivery(Secrets(s=receiver.url(SLACK_PATH)), sleeps).deliver(
        "slack", "s", {"text": "x"}, ref="F-4"
    )
    assert isinstance(result, Delivered)
    assert sleeps == [7.0]


def test_a_retry_after_beyond_the_maximum_wait_hands_back_at_once(receiver: Receiver) -> None:
    receiver.answers = [(429, {"Retry-After": "600"}, b"")]
    sleeps = Sleeps()
    result = delivery(Secrets(s=receiver.url(SLACK_PATH)), sleeps, max_delay=30.0).deliver(
        "slack", "s", {"text": "x"}, ref="F-5"
    )
    assert isinstance(result, DeliveryFailed)
    assert (result.attempts, result.retry_after, result.permanent) == (1, 600.0, False)
    assert result.reason == "slack: HTTP 429; Retry-After beyond the maximum wait"
    assert sleeps == []


def test_a_known_slack_error_is_named_and_not_retried_and_an_unknown_body_is_not_repeated(
    receiver: Receiver,
) -> None:
    receiver.answers = [(400, {}, b"invalid_blocks"), (400, {}, f"bad {CPR}".encode())]
    secrets = Secrets(s=receiver.url(SLACK_PATH))
    first = delivery(secrets, Sleeps()).deliver("slack", "s", {"text": "x"}, ref="F-6")
    second = delivery(secrets, Sleeps()).deliver("slack", "s", {"text": "x"}, ref="F-7")
    assert isinstance(first, DeliveryFailed)
    assert isinstance(second, DeliveryFailed)
    assert (first.reason, first.permanent, first.attempts) == (
        "slack: HTTP 400 invalid_blocks",
        True,
        1,
    )
    assert second.reason == "slack: HTTP 400"


def test_a_redirect_is_refused_and_not_followed(
    receiver: Receiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    receiver.answers = [(307, {"Location": receiver.url("/elsewhere")}, b"")]
    result = delivery(Secrets(t=receiver.url(TEAMS_PATH)), Sleeps()).deliver(
        "teams", "t", {"x": 1}, ref="F-8"
    )
    assert isinstance(result, DeliveryFailed)
    assert (result.reason, result.permanent) == ("teams: HTTP 307 (redirect refused)", True)
    assert [path for path, _, _ in receiver.received] == [TEAMS_PATH]
    assert_nothing_leaked(caplog, result.reason)


def test_a_receiver_that_does_not_answer_is_retried_then_reported_without_its_url(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    closed = f"http://127.0.0.1:{server.server_address[1]}{SLACK_PATH}"
    server.server_close()  # nothing listens there now
    sleeps = Sleeps()
    result = delivery(Secrets(s=closed), sleeps, max_attempts=2).deliver(
        "slack", "s", {"text": "x"}, ref="F-9"
    )
    assert isinstance(result, DeliveryFailed)
    assert (
        result.reason == "slack: no HTTP answer: ConnectionRefusedError; gave up after 2 attempts"
    )
    assert sleeps == [1.0]
    assert_nothing_leaked(caplog, result.reason)


def test_the_poster_raises_a_transport_failure_that_holds_no_url() -> None:
    with pytest.raises(TransportFailed) as caught:
        UrllibPoster().post(f"http://127.0.0.1:1{SLACK_PATH}", b"{}", {}, timeout=1.0)
    assert "SECRET" not in str(caught.value)
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


@pytest.mark.parametrize(
    "url",
    [
        f"http://hooks.example.org{SLACK_PATH}",
        f"ftp://127.0.0.1{SLACK_PATH}",
        f"SECRET{CPR}",
        "http://[::1",
    ],
)
def test_a_secret_that_is_not_an_https_url_fails_permanently_without_repeating_it(
    url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    result = delivery(Secrets(s=url), Sleeps()).deliver("slack", "s", {"text": "x"}, ref="F-10")
    assert isinstance(result, DeliveryFailed)
    assert (result.reason, result.permanent, result.attempts) == (
        "slack: webhook secret does not hold an https URL",
        True,
        0,
    )
    assert_nothing_leaked(caplog, result.reason)


def test_a_secret_store_failure_is_reported_by_kind_only(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    result = delivery(Secrets(), Sleeps()).deliver(
        "teams", "uppsikt/notify/teams", {"x": 1}, ref="F-11"
    )
    assert isinstance(result, DeliveryFailed)
    assert (result.reason, result.permanent) == (
        "teams: webhook secret unavailable: KeyError",
        False,
    )
