"""Every webhook mapper against wrong types in every field of its platform's sample, and against
bodies no platform sends (invalid UTF-8, deep nesting, huge numbers, null bytes).

A mapper may refuse a whole body only with the errors ingest quarantines (`ValueError`,
`RecursionError`); anything else would reach the route as a 500. An item it cannot read comes
back as an exception that travels as an unmapped pointer, whose reason never repeats a value from
the payload.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from support.paths import EVENTS
from uppsikt.diagnostics import describe
from uppsikt.model.events import Platform
from uppsikt.platforms.mappers import MAPPERS
from uppsikt.platforms.results import Delivery, to_messages
from uppsikt.privacy.pseudonym import Pseudonymiser

MARK = "ZQXMARK"  # a value only the payload holds: no reason may repeat it
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
SAMPLES = {
    Platform.FACEBOOK: ("meta/facebook-feed-comments.json", None),
    Platform.INSTAGRAM: ("meta/instagram-comments.json", None),
    Platform.X: ("x/aaa-replies.json", "602907365"),
    Platform.LINKEDIN: ("linkedin/comments.json", "urn:li:organization:5550001"),
    Platform.MASTODON: ("mastodon/reply-created.json", "109000000000000001"),
}
WRONG: tuple[Any, ...] = (
    None,
    True,
    -1,
    10**30,
    1.5e308,
    f"{MARK}-string",
    [MARK],
    {MARK: MARK},
    "",
    f"{MARK}\u0000\u200b",
)


def leaves(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every field's path, containers included (a container replaced is a wrong type too)."""
    if path:
        yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*path, index))


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(data))
    node = copy
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copy


def delivery(account: str | None) -> Delivery:
    return Delivery(
        "raw-bucket",
        "deliveries/x/2026/12/01/abc.json",
        datetime(2026, 12, 1, tzinfo=UTC),
        PSEUDONYMISER,
        account,
        lambda platform, account_id: True,
    )


def check(platform: Platform, body: bytes, account: str | None) -> None:
    mapper = MAPPERS[platform]
    refused: str | None
    try:
        items = mapper.items(body, delivery(account))
    except (ValueError, RecursionError) as exc:  # quarantined whole by ingest
        refused = describe(exc)
    else:
        refused = None
    if refused is not None:
        assert MARK not in refused
        return
    outgoing = to_messages(items, datetime(2026, 12, 1, tzinfo=UTC))
    for item in items:
        if isinstance(item.result, Exception):
            assert MARK not in describe(item.result), describe(item.result)
    for _, message in outgoing.keyed:
        assert message.model_dump_json()  # every message serialises


@pytest.mark.parametrize("platform", list(SAMPLES))
def test_wrong_types_in_every_field_are_refused_or_mapped_never_crash(platform: Platform) -> None:
    name, account = SAMPLES[platform]
    data = json.loads((EVENTS / name).read_text())
    paths = list(leaves(data))
    assert len(paths) > 10
    for path in paths:
        for value in WRONG:
            check(platform, json.dumps(replaced(data, path, value)).encode(), account)


def hostile_bodies(sample: bytes) -> dict[str, bytes]:
    quote = sample.index(b'"') + 1
    return {
        "invalid utf-8": sample[:quote] + b"\xc3\x28\xff" + sample[quote:],
        "deep nesting": b"[" * 100_000 + b"]" * 100_000,
        "deep nesting in a field": sample.replace(
            b"{", b'{"deep": ' + b"[" * 50_000 + b"]" * 50_000 + b", ", 1
        ),
        "a huge integer": sample.replace(b"{", b'{"n": ' + b"9" * 5_000 + b", ", 1),
        "a huge float": sample.replace(b"{", b'{"n": 1e999, ', 1),
        "raw null bytes": sample[:quote] + b"\x00" + MARK.encode() + sample[quote:],
        "escaped null bytes": sample.replace(b'"', b'"\\u0000', 1),
        "not JSON": MARK.encode(),
        "empty": b"",
        "a bare number": b"1" * 10_000,
    }


@pytest.mark.parametrize("platform", list(SAMPLES))
def test_hostile_bodies_are_refused_or_mapped_never_crash(platform: Platform) -> None:
    name, account = SAMPLES[platform]
    for body in hostile_bodies((EVENTS / name).read_bytes()).values():
        check(platform, body, account)


def test_hostile_websub_feeds_are_refused_or_mapped_never_crash() -> None:
    sample = (EVENTS / "youtube" / "new-video.xml").read_bytes()
    bodies = [
        sample.replace(b"<title>", b"<title>\xc3\x28\xff", 1),
        b"<feed>" * 50_000 + b"</feed>" * 50_000,
        sample.replace(b"<title>", b"<title>\x00" + MARK.encode(), 1),
        b'<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "' + b"a" * 1000 + b'">]><feed>&a;</feed>',
        MARK.encode(),
        b"",
    ]
    for body in bodies:
        check(Platform.YOUTUBE, body, "UCfackNordenDemoKanal001")
