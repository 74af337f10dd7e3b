"""Bad input at every webhook route (functions/app.py): a clear 4xx or correct processing, never
a 5xx, a crash or a hang; a signed delivery is stored before it is acknowledged; and no answer,
log line, alert or dead-letter reason repeats a value from the payload."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from app import app
from support.faults import Consumer
from support.hostile import MARK, ZERO_WIDTH, deadline, json_bodies, our_log_lines
from support.paths import EVENTS
from support.stack import (
    ACCOUNT_SECRETS,
    APP_SECRET,
    LINKEDIN_CLIENT_SECRET,
    X_CONSUMER_SECRET,
    Stack,
)
from uppsikt.adapters.dynamodb import Flags
from uppsikt.ingest.common import MAX_BODY_BYTES
from uppsikt.operations.dlq import list_dead_letters
from uppsikt.operations.reconcile import reconcile
from uppsikt.platforms.linkedin import signature as linkedin
from uppsikt.platforms.mastodon import signature as mastodon
from uppsikt.platforms.meta import signature as meta
from uppsikt.platforms.x import signature as x
from uppsikt.platforms.youtube import signature as youtube

PAGE_ID = "104729561234567"
CPR = "211062-5629"
CASE_SECONDS = 20.0
Sign = Callable[[bytes], dict[str, str]]
ROUTES: dict[str, tuple[str, str, str, Sign]] = {
    "meta": (
        "/webhooks/meta",
        "meta/facebook-feed-comments.json",
        "application/json",
        lambda b: {meta.HEADER: meta.sign(b, APP_SECRET)},
    ),
    "x": (
        "/webhooks/x",
        "x/aaa-replies.json",
        "application/json",
        lambda b: {x.HEADER: x.sign(b, X_CONSUMER_SECRET)},
    ),
    "linkedin": (
        "/webhooks/linkedin",
        "linkedin/comments.json",
        "application/json",
        lambda b: {"X-LI-Signature": linkedin.sign_a(b, LINKEDIN_CLIENT_SECRET)},
    ),
    "youtube": (
        "/webhooks/youtube/seko-youtube",
        "youtube/new-video.xml",
        "application/atom+xml",
        lambda b: {
            "X-Hub-Signature": youtube.sign(b, ACCOUNT_SECRETS["seko-youtube"]["websub_secret"])
        },
    ),
    "mastodon": (
        "/webhooks/mastodon/kommunal-mastodon",
        "mastodon/reply-created.json",
        "application/json",
        lambda b: {
            "X-Hub-Signature": mastodon.sign(
                b, ACCOUNT_SECRETS["kommunal-mastodon"]["webhook_secret"]
            )
        },
    ),
}


@pytest.fixture
def client(stack: Stack) -> Iterator[Client]:
    stack.publish_policy()
    with Client(app) as test_client:
        yield test_client


def xml_bodies(sample: bytes) -> dict[str, bytes]:
    mark = MARK.encode()
    return {
        "oversized": sample + b" " * (MAX_BODY_BYTES + 1 - len(sample)),
        "invalid utf-8": sample.replace(b"<title>", b"<title>\xc3\x28\xff" + mark, 1),
        "deep nesting": b"<feed>" * 100_000 + b"</feed>" * 100_000,
        "raw null bytes": sample.replace(b"<title>", b"<title>\x00" + mark, 1),
        "an entity expansion": b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "'
        + mark * 1000
        + b'"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><feed>&b;&b;&b;&b;</feed>',
        "not XML": mark + b"\x00",
        "empty": b"",
    }


def bodies(name: str) -> dict[str, bytes]:
    _, sample, content_type, _ = ROUTES[name]
    raw = (EVENTS / sample).read_bytes()
    return xml_bodies(raw) if content_type.endswith("xml") else json_bodies(raw, MAX_BODY_BYTES)


def post(client: Client, name: str, body: bytes, *, signed: bool = True) -> Any:
    path, _, content_type, sign = ROUTES[name]
    headers = {"Content-Type": content_type, **(sign(body) if signed else {})}
    with deadline(CASE_SECONDS):
        return client.http.post(path, headers=headers, body=body)


def assert_clean(text: str | bytes, where: str) -> None:
    shown = text.decode("utf-8", "replace") if isinstance(text, bytes) else text
    assert MARK not in shown, f"{where} repeats a value from the payload"


def assert_accepted_and_stored(stack: Stack, response: Any, case: str) -> None:
    assert response.status_code < 500, (case, response.status_code, response.body)
    assert_clean(response.body, f"the answer to {case}")
    if response.status_code == 200:
        receipt = json.loads(response.body)
        # Acknowledged only once stored: the raw bucket has it (as a delivery or quarantined).
        stack.rt.s3.head_object(Bucket=stack.settings.raw_bucket, Key=receipt["delivery"])


def test_hostile_bodies_get_a_4xx_or_are_stored_never_a_5xx(
    client: Client,
    stack: Stack,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    since = datetime.now(UTC) - timedelta(minutes=1)
    cases = [(name, case, body) for name in ROUTES for case, body in bodies(name).items()]
    for name, case, body in cases:
        response = post(client, name, body)
        assert_accepted_and_stored(stack, response, case)
        # Signed: acknowledged (stored or quarantined), unless too large to take at all.
        assert response.status_code == (413 if case == "oversized" else 200), case
        unsigned = post(client, name, body, signed=False)
        assert unsigned.status_code in {401, 413}, (case, unsigned.status_code)
        assert_clean(unsigned.body, f"the answer to an unsigned {case}")
    Consumer(stack).drain()
    assert reconcile(stack.rt, since).ok
    for letter in list_dead_letters(stack.rt.sqs, stack.settings.ingest_dlq_url):
        assert_clean(letter.reason, "a dead-letter reason")
    for message in stack.inbox():
        assert_clean(json.dumps(message), "an alert")
    assert_clean(our_log_lines(caplog.records), "a log line")
    out, err = capsys.readouterr()
    assert_clean(out + err, "the output")


def meta_delivery(*values: dict[str, Any], page_id: str = PAGE_ID) -> bytes:
    changes = [{"field": "feed", "value": v} for v in values]
    entry = {"id": page_id, "time": 1763712000, "changes": changes}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def comment(text: str, n: int) -> dict[str, Any]:
    return {
        "item": "comment",
        "verb": "add",
        "comment_id": f"870011223344_5500{n:06d}",
        "post_id": f"{PAGE_ID}_870011223344",
        "parent_id": f"{PAGE_ID}_870011223344",
        "from": {"id": "7300112233449876"},
        "created_time": 1763711950 + n,
        "message": text,
    }


def test_hidden_ids_null_bytes_and_a_100000_character_comment_are_processed_correctly(
    client: Client, stack: Stack
) -> None:
    since = datetime.now(UTC) - timedelta(minutes=1)
    hidden = ZERO_WIDTH.join(CPR)  # a CPR number written through zero-width characters
    long_text = ("Tak for mødet, æøå. " * 5000)[:99_989] + " " + CPR
    assert len(long_text) == 100_001
    values = [
        comment(f"Mit nummer er {hidden}", 1),
        comment(long_text, 2),
        comment(f"null\x00byte {MARK}", 3),
        comment("\u202e\u2066" + "e\u0301" * 50, 4),  # bidi controls and combining marks
    ]
    response = post(client, "meta", meta_delivery(*values))
    assert response.status_code == 200, response.body
    assert json.loads(response.body)["enqueued"] == 4
    # A Page id with a zero-width character inside is not the registered Page: quarantined.
    spoofed = meta_delivery(comment("hej", 5), page_id=PAGE_ID[:5] + "\u200b" + PAGE_ID[5:])
    response = post(client, "meta", spoofed)
    assert response.status_code == 200
    assert json.loads(response.body)["quarantined"] is True
    with deadline(60):
        Consumer(stack).drain()
    result = reconcile(stack.rt, since)
    assert result.ok, result.render()
    assert result.total.quarantined == 1
    flags = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert sum("baseline.national-id" in f["rule_ids"] for f in flags) == 2


DISGUISED = (f"seko-{MARK}", "seko\u200b-youtube", "seko-youtube\x00", MARK * 2000)


def test_an_unknown_or_disguised_account_in_the_path_is_a_clear_404(client: Client) -> None:
    body = (EVENTS / "youtube" / "new-video.xml").read_bytes()
    for method, path in [
        (method, path)
        for account in DISGUISED
        for method, path in [
            ("POST", f"/webhooks/youtube/{account}"),
            ("POST", f"/webhooks/mastodon/{account}"),
            ("GET", f"/webhooks/youtube/{account}?hub.mode=subscribe&hub.challenge={MARK}"),
        ]
    ]:
        with deadline(CASE_SECONDS):
            response = client.http.request(
                method, path, headers={"Content-Type": "application/atom+xml"}, body=body
            )
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert_clean(response.body, "the answer")


QUERIES = (
    f"hub.mode=subscribe&hub.verify_token={MARK}&hub.challenge={MARK}",
    f"hub.mode={MARK}\u0000&hub.challenge=" + "9" * 10_000,
    "hub.mode=subscribe",
)


def test_handshakes_with_bad_parameters_are_refused_without_echo(client: Client) -> None:
    for query, path in [
        (q, p) for q in QUERIES for p in ("/webhooks/meta", "/webhooks/x", "/webhooks/linkedin")
    ]:
        with deadline(CASE_SECONDS):
            response = client.http.get(f"{path}?{query}&crc_token=&challengeCode=")
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert_clean(response.body, "the answer")
