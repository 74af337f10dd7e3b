"""No Meta error, ignored reason, dead-letter reason, receipt or alert repeats a value from the
delivery: personal data is put into one field of an otherwise valid delivery at a time, and every
text that leaves ingest is searched for it."""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.meta.mapper import META
from uppsikt.platforms.results import Delivery, NotRegistered
from uppsikt.privacy.pseudonym import Pseudonymiser

PAGE = "104729561234567"
IG = "17841400123456789"
PERSONAL = "Mette Hansen 211062-5629"
FRAGMENTS = ("Mette", "Hansen", "211062")
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)

FEED = {
    "object": "page",
    "entry": [
        {
            "id": PAGE,
            "time": 1763712000,
            "changes": [
                {
                    "field": "feed",
                    "value": {
                        "item": "comment",
                        "verb": "add",
                        "post_id": f"{PAGE}_1",
                        "comment_id": "1_2",
                        "parent_id": f"{PAGE}_1",
                        "created_time": 1763712000,
                        "from": {"id": "7300112233449876", "name": "Someone"},
                        "message": "Hej",
                        "photos": [],
                        "published": 1,
                    },
                }
            ],
        }
    ],
}
INSTAGRAM = {
    "object": "instagram",
    "entry": [
        {
            "id": IG,
            "time": 1763712000,
            "changes": [
                {
                    "field": "comments",
                    "value": {
                        "id": "17870913679156914",
                        "text": "Hej",
                        "from": {"id": "17841405309211844", "username": "someone"},
                        "media": {"id": "17887498072083520"},
                    },
                },
                {"field": "mentions", "value": {"media_id": "17887498072083520"}},
            ],
        }
    ],
}

# Where the personal data goes: a path into the delivery.
PATHS: list[tuple[str, ...]] = [
    ("object",),
    ("entry",),
    ("entry", "0"),
    ("entry", "0", "id"),
    ("entry", "0", "time"),
    ("entry", "0", "changes"),
    ("entry", "0", "changes", "0"),
    ("entry", "0", "changes", "0", "field"),
    ("entry", "0", "changes", "0", "value"),
    *[
        ("entry", "0", "changes", "0", "value", name)
        for name in (
            "item",
            "verb",
            "post_id",
            "comment_id",
            "parent_id",
            "created_time",
            "from",
            "message",
            "photos",
            "published",
            "id",
            "text",
            "media",
            "media_id",
        )
    ],
    ("entry", "0", "changes", "1", "value", "comment_id"),
    ("entry", "0", "messaging"),
]

HOSTILE = st.sampled_from(
    [
        PERSONAL,
        [PERSONAL],
        {PERSONAL: PERSONAL},
        {"id": PERSONAL},
        {"item": PERSONAL, "verb": PERSONAL},
        [{"id": PERSONAL, "changes": PERSONAL}],
    ]
)


def put(document: Any, path: tuple[str, ...], value: object) -> Any:
    document = copy.deepcopy(document)
    target = document
    for step in path[:-1]:
        key: Any = int(step) if isinstance(target, list) else step
        if isinstance(target, list) and key >= len(target):
            return document
        target = target[key]
        if not isinstance(target, dict | list):
            return document
    last: Any = int(path[-1]) if isinstance(target, list) else path[-1]
    if isinstance(target, list) and last >= len(target):
        return document
    target[last] = value
    return document


@dataclass
class Store:
    bucket: str = "raw"
    metadata: list[dict[str, str]] = field(default_factory=list)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.metadata.append(dict(metadata))


@dataclass
class Queue:
    sent: list[EventMessage | UnmappedMessage] = field(default_factory=list)

    def send(self, messages: Sequence[EventMessage | UnmappedMessage]) -> None:
        self.sent.extend(messages)


@dataclass
class Alerts:
    said: list[str] = field(default_factory=list)

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.said.append(subject + json.dumps(details, ensure_ascii=False))


def registered(platform: Platform, account: str) -> bool:
    return account in (PAGE, IG)


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from([FEED, INSTAGRAM]),
    path=st.sampled_from(PATHS),
    value=HOSTILE,
)
def test_no_text_that_leaves_meta_ingest_repeats_a_value_from_the_delivery(
    base: dict[str, Any], path: tuple[str, ...], value: object
) -> None:
    body = json.dumps(put(base, path, value)).encode()
    store, queue, alerts = Store(), Queue(), Alerts()

    receipt = WebhookIngest(store, queue, alerts).accept(
        META,
        body,
        signed=True,
        registered=registered,
        pseudonymiser=PSEUDONYMISER,
        received_at=RECEIVED_AT,
    )

    said = [json.dumps(receipt.as_dict()), *receipt.ignored, *alerts.said]
    said += [m.error for m in queue.sent if isinstance(m, UnmappedMessage)]
    said += [json.dumps(m) for m in store.metadata]
    delivery = Delivery("raw", "key", RECEIVED_AT, PSEUDONYMISER, registered=registered)
    try:
        items = META.items(body, delivery)
    except ValueError as exc:
        said.append(str(exc))
    else:
        said += [str(i.result) for i in items if isinstance(i.result, Exception | NotRegistered)]
    for text in said:
        for fragment in FRAGMENTS:
            assert fragment not in text, (path, text)
