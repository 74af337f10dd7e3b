"""Property tests: on any JSON-like input the Mastodon mappers return one result per item or raise
`ValueError` for the input as a whole; nothing else ever escapes."""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uppsikt.model.events import Ignored, NormalisedEvent, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.mastodon.normalise import (
    Result,
    normalise_notifications,
    normalise_webhook,
)
from uppsikt.privacy.pseudonym import Pseudonymiser

CTX = DeliveryContext(
    platform=Platform.MASTODON,
    account_id="109876543210987654",
    raw_bucket="raw-bucket",
    raw_key="deliveries/mastodon/x.json",
    received_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
    pseudonymiser=Pseudonymiser(b"unit-test-pseudonym-key-0123456789"),
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["109876543210987654", "<p>x</p>", "2026-11-21T09:00:00Z", "image"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)

# A status that addresses the organisation, for shaped inputs that reach deep into the mapper.
STATUS: dict[str, Any] = {
    "id": "111000000000000001",
    "created_at": "2026-11-21T09:00:00.000Z",
    "edited_at": None,
    "in_reply_to_id": "110999999999999999",
    "in_reply_to_account_id": "109876543210987654",
    "spoiler_text": "",
    "content": "<p>Hej!</p>",
    "account": {"id": "42", "acct": "v@e.example", "username": "v", "url": "https://e.example/@v"},
    "mentions": [{"id": "109876543210987654", "acct": "org", "url": "https://s.example/@org"}],
    "media_attachments": [{"id": "1", "type": "image", "url": "https://f.example/1.png"}],
    "card": None,
    "reblog": None,
    "quote": None,
}
ACCOUNT_KEYS = ["id", "acct", "username", "url"]


@st.composite
def mutated_status(draw: st.DrawFn) -> dict[str, Any]:
    status = copy.deepcopy(STATUS)
    for key in draw(st.lists(st.sampled_from(sorted(STATUS)), max_size=4, unique=True)):
        if draw(st.booleans()):
            status.pop(key)
        else:
            status[key] = draw(JSON)
    if isinstance(status.get("account"), dict):
        for key in draw(st.lists(st.sampled_from(ACCOUNT_KEYS), max_size=2, unique=True)):
            status["account"][key] = draw(JSON)
    return status


EVENTS = st.sampled_from(
    ["status.created", "status.updated", "report.created", "account.updated", "status.x"]
) | st.text(max_size=16)
TYPES = st.sampled_from(
    ["mention", "quote", "update", "quoted_update", "favourite", "reblog", "follow", "status"]
) | st.text(max_size=12)

WEBHOOK_BODIES = JSON | st.fixed_dictionaries(
    {"event": EVENTS, "object": mutated_status() | JSON},
    optional={"created_at": JSON},
)
NOTIFICATION = JSON | st.fixed_dictionaries(
    {"type": TYPES, "id": st.text(max_size=8) | st.integers() | JSON},
    optional={"status": mutated_status() | JSON, "account": JSON},
)
PAGES = JSON | st.lists(NOTIFICATION, max_size=5)


def check(results: list[Result], count: int | None) -> None:
    assert isinstance(results, list)
    if count is not None:
        assert len(results) == count
    for result in results:
        assert isinstance(result, NormalisedEvent | Ignored | Unmappable)
        if isinstance(result, NormalisedEvent):
            assert result.platform is Platform.MASTODON
            assert isinstance(result.item_id, str)
            assert result.author is not None


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(WEBHOOK_BODIES)
def test_normalise_webhook_raises_only_value_error(body: Any) -> None:
    try:
        results = normalise_webhook(body, CTX)
    except ValueError:
        return
    check(results, 1)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(PAGES)
def test_normalise_notifications_raises_only_value_error(page: Any) -> None:
    try:
        results = normalise_notifications(page, CTX)
    except ValueError:
        assert not isinstance(page, list)
        return
    assert isinstance(page, list)
    check(results, len(page))


@given(st.binary() | st.text())
def test_arbitrary_bytes_or_text_raise_only_value_error(raw: bytes | str) -> None:
    for mapper in (normalise_webhook, normalise_notifications):
        with contextlib.suppress(ValueError):
            check(mapper(raw, CTX), None)


@given(WEBHOOK_BODIES)
def test_the_raw_body_and_its_parsed_form_map_alike(body: Any) -> None:
    def outcome(data: Any) -> object:
        try:
            return [
                str(r) if isinstance(r, Unmappable) else r for r in normalise_webhook(data, CTX)
            ]
        except ValueError:
            return ValueError

    try:
        raw = json.dumps(body).encode()
    except ValueError:
        return
    assert outcome(raw) == outcome(json.loads(raw))


@pytest.mark.parametrize("mapper", [normalise_webhook, normalise_notifications])
def test_deeply_nested_json_text_is_a_value_error_not_a_recursion_error(
    mapper: Callable[[Any, DeliveryContext], list[Result]],
) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ValueError, match="nested too deeply"):
        mapper(deep, CTX)
