"""Property tests: on any JSON-like input the Bluesky mappers return one result per item or raise
`ValueError` for the input as a whole; nothing else ever escapes, and an event never carries the
raw DID of anyone but the organisation."""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from uppsikt.model.events import Ignored, NormalisedEvent, Platform
from uppsikt.platforms.bluesky.jetstream import normalise_event
from uppsikt.platforms.bluesky.notifications import normalise_notifications
from uppsikt.platforms.bluesky.records import Result
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.privacy.pseudonym import Pseudonymiser

ORG = "did:plc:fackforbundetorg2345abcd"
VISITOR = "did:plc:visitorvisitor2345abcdef"
CTX = DeliveryContext(
    platform=Platform.BLUESKY,
    account_id=ORG,
    raw_bucket="raw-bucket",
    raw_key="jetstream/x.jsonl",
    received_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
    pseudonymiser=Pseudonymiser(b"unit-test-pseudonym-key-0123456789"),
)

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(
        [
            ORG,
            VISITOR,
            f"at://{ORG}/app.bsky.feed.post/3abc",
            f"at://{VISITOR}/app.bsky.feed.post/3abc",
            "app.bsky.feed.post",
            "app.bsky.embed.images",
            "app.bsky.embed.record",
            "app.bsky.richtext.facet#mention",
            "2026-07-04T14:38:07.112Z",
        ]
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)

RECORD: dict[str, Any] = {
    "$type": "app.bsky.feed.post",
    "createdAt": "2026-07-04T14:38:07.112Z",
    "text": "hej",
    "reply": {
        "root": {"uri": f"at://{ORG}/app.bsky.feed.post/3root", "cid": "bafyreiroot234567"},
        "parent": {"uri": f"at://{VISITOR}/app.bsky.feed.post/3par", "cid": "bafyreipar234567"},
    },
    "facets": [{"features": [{"$type": "app.bsky.richtext.facet#mention", "did": ORG}]}],
    "embed": {"$type": "app.bsky.embed.images", "images": [{"image": {"cid": "bafkreiimg234567"}}]},
}
COMMIT: dict[str, Any] = {
    "rev": "3mptbypnxeq2i",
    "operation": "create",
    "collection": "app.bsky.feed.post",
    "rkey": "3mptbyp7lu223",
    "record": RECORD,
    "cid": "bafyreifq66rnqqmr62ussjdhneebgoeaci5extyyjyqymkqwgtr4667gsi",
}


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    value = copy.deepcopy(base)
    for key in draw(st.lists(st.sampled_from(sorted(base)), max_size=3, unique=True)):
        if draw(st.booleans()):
            value.pop(key)
        else:
            value[key] = draw(JSON)
    return value


@st.composite
def jetstream_events(draw: st.DrawFn) -> dict[str, Any]:
    commit = draw(mutated(COMMIT))
    if draw(st.booleans()) and isinstance(commit.get("record"), dict):
        commit["record"] = draw(mutated(RECORD))
    commit["operation"] = draw(
        st.sampled_from(["create", "update", "delete"]) | st.just(commit.get("operation"))
    )
    event: dict[str, Any] = {
        "did": draw(st.sampled_from([ORG, VISITOR]) | JSON),
        "time_us": draw(st.integers() | JSON),
        "kind": draw(st.sampled_from(["commit", "identity", "account"]) | st.text(max_size=8)),
        "commit": commit,
    }
    return event


@st.composite
def notifications(draw: st.DrawFn) -> Any:
    author = draw(st.sampled_from([ORG, VISITOR]) | JSON)
    item: dict[str, Any] = {
        "uri": draw(st.just(f"at://{author}/app.bsky.feed.post/3n") | JSON),
        "cid": draw(st.just("bafyreinotif234567") | JSON),
        "author": draw(st.just({"did": author, "handle": "h.example"}) | JSON),
        "reason": draw(st.sampled_from(["mention", "reply", "quote", "like"]) | JSON),
        "record": draw(mutated(RECORD) | JSON),
        "indexedAt": draw(JSON),
    }
    return item


JETSTREAM_INPUT = JSON | jetstream_events()
NOTIFICATION_PAGES = (
    JSON
    | st.lists(notifications() | JSON, max_size=4)
    | st.fixed_dictionaries({"notifications": st.lists(notifications() | JSON, max_size=4)})
)


def check(results: list[Result], count: int | None) -> None:
    assert isinstance(results, list)
    if count is not None:
        assert len(results) == count
    for result in results:
        assert isinstance(result, NormalisedEvent | Ignored | Unmappable)
        if isinstance(result, NormalisedEvent):
            assert result.platform is Platform.BLUESKY
            # Text and link URLs are content (anyone may type a DID); ids, keys, refs are not.
            dumped = result.model_dump(
                mode="json", exclude={"text": True, "attachments": {"__all__": {"url"}}}
            )
            assert VISITOR not in str(dumped)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=400)
@given(JETSTREAM_INPUT)
def test_normalise_event_raises_only_value_error(data: Any) -> None:
    try:
        results = normalise_event(data, CTX)
    except ValueError:
        return
    check(results, 1)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(NOTIFICATION_PAGES)
def test_normalise_notifications_raises_only_value_error(page: Any) -> None:
    try:
        results = normalise_notifications(page, CTX)
    except ValueError:
        return
    items = page if isinstance(page, list) else page["notifications"]
    check(results, len(items))


@given(st.binary() | st.text())
def test_arbitrary_bytes_or_text_raise_only_value_error(raw: bytes | str) -> None:
    for mapper in (normalise_event, normalise_notifications):
        with contextlib.suppress(ValueError):
            check(mapper(raw, CTX), None)


@pytest.mark.parametrize("mapper", [normalise_event, normalise_notifications])
def test_deeply_nested_json_text_is_a_value_error_not_a_recursion_error(
    mapper: Callable[[Any, DeliveryContext], list[Result]],
) -> None:
    deep = '{"kind":' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ValueError, match="nested too deeply"):
        mapper(deep, CTX)
