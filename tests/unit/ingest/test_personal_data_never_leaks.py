"""Personal data written into any field of any platform's payload never reaches a log line, a
dead-letter reason, an alert or an ignored-reason count.

Every string field (and every object key) of every sample payload (`../shared/platform-samples`
and `events/`) is replaced, one at a time, with a name, a Swedish personnummer or an e-mail
address, on its own or inside a plausible value (`post.…`, `urn:li:person:…`). Enum-like fields
are fields like any other: an event type, a verb, an action, a notification reason. Each variant
goes through what production runs:

* webhook platforms: `WebhookIngest.accept` with in-memory stores, then every pointer it queued
  for an unmappable item through the queue consumer (`EvaluateBatch`, re-mapping with
  `Runtime.remap`) to its dead letter;
* polled streams: the source's mapper, whose ignored reasons, unmappable descriptions and
  unreadable-page errors the runner copies into its outcome, alerts and pointers, then those
  pointers through the same consumer.

Everything said along the way is searched for the personal data. A route is one entry in
`ROUTES`; Meta's webhook (Facebook Pages and Instagram) is one of them, through the same ingest
with Meta's entry-routing mapper.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any, cast
from xml.etree import ElementTree  # building and writing only; parsed with defusedxml

import boto3
import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from support.paths import EVENTS, SAMPLES
from support.stack import sqs_event, sqs_record
from uppsikt.accounts.model import Account
from uppsikt.diagnostics import describe
from uppsikt.evaluate.batch import EvaluateBatch
from uppsikt.evaluate.ports import Finished
from uppsikt.evaluate.service import Evaluator
from uppsikt.ingest.webhook import WebhookIngest
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import Ignored, NormalisedEvent, Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.platforms.bluesky.jetstream import normalise_event
from uppsikt.platforms.bluesky.notifications import normalise_notifications as bluesky_page
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.linkedin.comments import normalise_comments as linkedin_comments
from uppsikt.platforms.linkedin.posts import normalise_posts
from uppsikt.platforms.mappers import MAPPERS
from uppsikt.platforms.mastodon.normalise import normalise_notifications as mastodon_page
from uppsikt.platforms.meta.instagram_poll import normalise_comments as instagram_comments
from uppsikt.platforms.meta.instagram_poll import normalise_mention
from uppsikt.platforms.meta.mapper import META
from uppsikt.platforms.youtube.comments import normalise_comment_threads
from uppsikt.platforms.youtube.comments import normalise_comments as youtube_replies
from uppsikt.privacy.pseudonym import Pseudonymiser
from uppsikt.runtime import Runtime
from uppsikt.settings import Settings

PSEUDONYM_KEY = "unit-test-pseudonym-key-0123456789"
PSEUDONYMISER = Pseudonymiser(PSEUDONYM_KEY.encode())
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)

NAME, PERSONNUMMER, EMAIL = "Karin Lindqvist", "811218-9876", "karin.lindqvist@example.se"
# What must never be said, in any case or spelling a truncation or normalisation could leave.
FORBIDDEN = re.compile(r"karin|lindqvist|811218-?9876|811218-", re.IGNORECASE)


# --- the in-memory world ----------------------------------------------------------------------


@dataclass
class Said:
    """Everything the pipeline said about one delivery, in the places an operator reads."""

    lines: list[str] = field(default_factory=list)

    def add(self, *values: object) -> None:
        self.lines.extend(json.dumps(v, default=str, ensure_ascii=False) for v in values)


@dataclass
class RawStore:
    bucket: str = "raw-bucket"
    objects: dict[str, bytes] = field(default_factory=dict)

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None:
        self.objects[key] = body

    def get(self, key: str) -> bytes:
        return self.objects[key]


@dataclass
class Queue:
    sent: list[EventMessage | UnmappedMessage] = field(default_factory=list)

    def send(self, messages: Any) -> None:
        self.sent.extend(messages)


@dataclass
class Alerts:
    said: Said

    def alert(self, subject: str, details: dict[str, str]) -> None:
        self.said.add(subject, details)


@dataclass
class DeadLetters:
    said: Said
    permanent: list[str] = field(default_factory=list)

    def send(
        self, body: str, *, message_id: str, reason: str, attempts: int, permanent: bool
    ) -> None:
        self.said.add(reason, json.loads(body).get("error"))
        if permanent:
            self.permanent.append(message_id)


@dataclass
class Secrets:
    """The secrets provider the runtime reads the pseudonym key from."""

    def get(self, name: str, **_: object) -> dict[str, str]:
        return {"key": PSEUDONYM_KEY}


class NoCompletions:
    """Reached only if an unmappable item were suddenly mapped and evaluated: that must not be."""

    def finished(self, keys: Collection[str]) -> dict[str, str]:
        raise AssertionError("an unmappable item reached evaluation")

    def finish(self, finished: Mapping[str, Finished]) -> None:
        assert not finished, "an unmappable item reached evaluation"


def settings_for_tests() -> Settings:
    names = {n for n, info in Settings.model_fields.items() if info.is_required()}
    return Settings.model_validate({n: f"test-{n}" for n in names})


@cache
def session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="x", aws_secret_access_key="x", region_name="eu-north-1")


class EveryAccountListed:
    """The published registry, listing whatever account a pointer names (so that re-mapping
    is tried on every item, Meta's entry-routed ones included)."""

    def current(self) -> EveryAccountListed:
        return self

    def find(self, platform: Platform, platform_account_id: str) -> Account:
        return Account(
            id="listed",
            platform=platform,
            platform_account_id=platform_account_id,
            name="listed",
            organisation="listed",
        )

    def on(self, platform: Platform) -> tuple[Account, ...]:
        return ()


def consume(store: RawStore, pointers: list[UnmappedMessage], said: Said) -> None:
    """The queue consumer, as Lambda runs it, on every pointer: re-mapped from the stored raw
    delivery by the runtime, and dead-lettered with the reason when it still cannot be mapped."""
    if not pointers:
        return
    runtime = Runtime(settings_for_tests(), session())
    # The composition root's adapters, replaced by in-memory ones (cached properties).
    runtime.__dict__["raw_deliveries"] = store
    runtime.__dict__["secrets"] = Secrets()
    runtime.__dict__["registry"] = EveryAccountListed()
    dead = DeadLetters(said)
    batch = EvaluateBatch(
        evaluator=cast(Evaluator, object()),
        dead_letters=dead,
        claims=cast(Any, None),
        remap=runtime.remap,
        completions=NoCompletions(),
        max_receive_count=5,
    )
    records = [sqs_record(m.model_dump_json(), message_id=f"m{i}") for i, m in enumerate(pointers)]
    result = batch(sqs_event(*records), cast(Any, LocalContext("uppsikt-test-evaluate")))
    said.add(result)
    # Still unmappable after a re-map: every pointer ends in the DLQ at once, with its reason.
    assert sorted(dead.permanent) == sorted(r["messageId"] for r in records)


# --- routes: how production reads each platform's payloads ------------------------------------


@dataclass(frozen=True)
class Sample:
    path: Path
    account_id: str
    wrap: Callable[[Any], Any] = lambda data: data

    @property
    def name(self) -> str:
        return f"{self.path.parent.name}/{self.path.name}"


@dataclass(frozen=True)
class Route:
    name: str
    samples: tuple[Sample, ...]
    push: Callable[[bytes, Sample, Said], None]


def webhook(platform: Platform) -> Callable[[bytes, Sample, Said], None]:
    """A webhook platform's route: one account per delivery, named by the route."""
    return _ingested(MAPPERS[platform], per_entry=False)


def meta_webhook() -> Callable[[bytes, Sample, Said], None]:
    """Meta's one webhook: its mapper routes each entry to its account (all registered here)."""
    return _ingested(META, per_entry=True)


def _ingested(mapper: Any, *, per_entry: bool) -> Callable[[bytes, Sample, Said], None]:
    def push(body: bytes, sample: Sample, said: Said) -> None:
        store, queue = RawStore(), Queue()
        routing: dict[str, Any] = (
            {"registered": lambda platform, account: True}
            if per_entry
            else {"account_id": sample.account_id}
        )
        receipt = WebhookIngest(store, queue, Alerts(said)).accept(
            mapper,
            body,
            signed=True,
            pseudonymiser=PSEUDONYMISER,
            received_at=RECEIVED_AT,
            **routing,
        )
        said.add(receipt.as_dict(), list(receipt.ignored))
        pointers = [m for m in queue.sent if isinstance(m, UnmappedMessage)]
        said.add([m.error for m in pointers])
        consume(store, pointers, said)

    return push


Mapper = Callable[[bytes, DeliveryContext], list[Any]]


def polled(platform: Platform, mapper: Mapper) -> Callable[[bytes, Sample, Said], None]:
    def push(body: bytes, sample: Sample, said: Said) -> None:
        store = RawStore()
        key = f"polls/{platform.value}/answer.json"
        store.put_delivery(key, body, {})
        ctx = DeliveryContext(
            platform, sample.account_id, store.bucket, key, RECEIVED_AT, PSEUDONYMISER
        )
        try:
            results = mapper(body, ctx)
        except (ValueError, RecursionError) as exc:  # the runner quarantines the page with this
            said.add(describe(exc))
            return
        pointers: list[UnmappedMessage] = []
        for index, result in enumerate(results):
            if isinstance(result, Ignored):
                said.add(result.reason)
            elif not isinstance(result, NormalisedEvent):
                pointer = UnmappedMessage(
                    platform=platform,
                    raw=ctx.pointer(index),
                    received_at=RECEIVED_AT,
                    error=describe(result),
                    account_id=sample.account_id,
                )
                said.add(pointer.error)
                pointers.append(pointer)
        consume(store, pointers, said)

    return push


def files(folder: Path, pattern: str, account_id: str, **kw: Any) -> tuple[Sample, ...]:
    found = tuple(Sample(p, account_id, **kw) for p in sorted(folder.glob(pattern)))
    assert found, f"no {pattern} under {folder}"
    return found


def x_account(path: Path) -> str:
    data = json.loads(path.read_bytes())
    return str(data.get("for_user_id") or data["data"]["filter"]["user_id"])


def as_status_webhook(status: Any) -> Any:
    return {"event": "status.created", "created_at": "2026-11-21T09:00:00Z", "object": status}


POLL = EVENTS / "poll"
MASTODON_ORG = "109000000000000001"
YT_CHANNEL = "UCa-vrCLQHviTOVnEKDOdetQ"  # the channel of the shared polling samples
YT_DEMO = "UCfackNordenDemoKanal001"
BLUESKY_ORG = "did:plc:fackfornordendemo2345abc"


def routes() -> list[Route]:
    x_files = [*sorted((SAMPLES / "x").glob("*.json")), *sorted((EVENTS / "x").glob("*.json"))]
    status = SAMPLES / "mastodon" / "entity-Status-example.json"
    return [
        Route(
            "x webhook",
            tuple(Sample(p, x_account(p)) for p in x_files),
            webhook(Platform.X),
        ),
        Route(
            "linkedin webhook",
            files(EVENTS / "linkedin", "*.json", "urn:li:organization:5550001"),
            webhook(Platform.LINKEDIN),
        ),
        Route(
            "youtube websub",
            (
                Sample(SAMPLES / "youtube" / "google-doc-push-notification.xml", "CHANNEL_ID"),
                *files(EVENTS / "youtube", "*.xml", YT_DEMO),
            ),
            webhook(Platform.YOUTUBE),
        ),
        Route(
            "mastodon webhook",
            (
                *files(EVENTS / "mastodon", "*.json", MASTODON_ORG),
                Sample(SAMPLES / "mastodon" / "admin-webhook-report.created.json", MASTODON_ORG),
                Sample(
                    status,
                    str(json.loads(status.read_bytes())["account"]["id"]),
                    as_status_webhook,
                ),
            ),
            webhook(Platform.MASTODON),
        ),
        Route(
            "bluesky notifications poll",
            files(POLL / "bluesky", "listNotifications-*.json", BLUESKY_ORG),
            polled(Platform.BLUESKY, bluesky_page),
        ),
        Route(
            "bluesky jetstream",
            tuple(
                Sample(p, str(json.loads(p.read_bytes())["did"]))
                for p in sorted((SAMPLES / "bluesky").glob("*.json"))
            ),
            polled(Platform.BLUESKY, normalise_event),
        ),
        Route(
            "instagram comments poll",
            files(POLL / "instagram", "comments-*.json", "17841400123456789"),
            polled(
                Platform.INSTAGRAM,
                lambda body, ctx: instagram_comments(body, ctx, {}, sweep="1"),
            ),
        ),
        Route(
            "instagram mention look-up",
            files(POLL / "instagram", "mention-*.json", "17841400123456789"),
            polled(Platform.INSTAGRAM, normalise_mention),
        ),
        Route(
            "youtube comment threads poll",
            (
                *files(POLL / "youtube", "commentThreads-*.json", YT_DEMO),
                *files(SAMPLES / "youtube", "polling-commentThreads-*.json", YT_CHANNEL),
            ),
            polled(Platform.YOUTUBE, lambda body, ctx: normalise_comment_threads(_json(body), ctx)),
        ),
        Route(
            "youtube replies poll",
            (
                *files(POLL / "youtube", "comments-parent-*.json", YT_DEMO),
                *files(SAMPLES / "youtube", "polling-comments-*.json", YT_CHANNEL),
            ),
            polled(Platform.YOUTUBE, lambda body, ctx: youtube_replies(_json(body), ctx)),
        ),
        Route(
            "linkedin posts poll",
            files(POLL / "linkedin", "posts-*.json", "urn:li:organization:5550001"),
            polled(Platform.LINKEDIN, lambda body, ctx: normalise_posts(body, ctx, since=None)),
        ),
        Route(
            "linkedin comments poll",
            files(POLL / "linkedin", "comments-*.json", "urn:li:organization:5550001"),
            polled(Platform.LINKEDIN, lambda body, ctx: linkedin_comments(body, ctx, {})),
        ),
        Route(
            "mastodon notifications poll",
            files(POLL / "mastodon", "notifications-run-*.json", MASTODON_ORG),
            polled(Platform.MASTODON, mastodon_page),
        ),
        Route(
            "meta webhook",
            (
                *files(SAMPLES / "facebook", "*.json", "-"),
                *files(SAMPLES / "instagram", "*.json", "-"),
                *files(EVENTS / "meta", "*.json", "-"),
            ),
            meta_webhook(),
        ),
    ]


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError as exc:  # the sources parse before mapping; a bad page is a ValueError
        raise ValueError("the answer is not JSON") from exc


# --- one field at a time -------------------------------------------------------------------------

Path_ = tuple[Any, ...]  # JSON: keys and indexes; a trailing ("key",) renames the key itself


@dataclass(frozen=True)
class Document:
    """A sample's payload and every place a string can be written into it."""

    sample: Sample

    @property
    def is_xml(self) -> bool:
        return self.sample.path.suffix == ".xml"

    def data(self) -> Any:
        return self.sample.wrap(json.loads(self.sample.path.read_bytes()))

    def places(self) -> list[Path_]:
        if self.is_xml:
            root = fromstring(self.sample.path.read_bytes())
            found: list[Path_] = []
            for i, element in enumerate(root.iter()):
                found.append((i, None))
                found.extend((i, name) for name in element.attrib)
            return found
        return list(_strings(self.data(), ()))

    def with_value(self, place: Path_, value: str) -> bytes:
        if self.is_xml:
            root = fromstring(self.sample.path.read_bytes())
            index, attribute = place
            element = list(root.iter())[index]
            if attribute is None:
                element.text = value
            else:
                element.set(attribute, value)
            return cast(bytes, ElementTree.tostring(root, encoding="utf-8"))
        data = self.data()
        *parents, last = place
        holder = data
        for step in parents:
            holder = holder[step]
        if isinstance(last, tuple):  # rename the key, keeping its value
            holder[value] = holder.pop(last[0])
        else:
            holder[last] = value
        return json.dumps(data, ensure_ascii=False).encode()


def _strings(value: Any, at: Path_) -> Iterator[Path_]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*at, (key,))
            yield from _strings(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, (*at, index))
    elif isinstance(value, str):
        yield at


ROUTES = routes()
PLACES = {
    route.name: [(sample, place) for sample in route.samples for place in Document(sample).places()]
    for route in ROUTES
}

personal_data = st.sampled_from([NAME, PERSONNUMMER, EMAIL])
# On its own, or inside a value shaped like the field's usual content, so that it survives the
# first checks a mapper makes (`post.` for an X event type, `urn:li:person:` for LinkedIn, …).
written = st.one_of(
    personal_data,
    st.builds(
        "{}{}{}".format,
        st.sampled_from(["", "post.", "status.", "urn:li:person:", "at://", "did:plc:", "@"]),
        personal_data,
        st.sampled_from(["", ".create", "_events", " ", "/app.bsky.feed.post/3k"]),
    ),
)


def said_about(route: Route, sample: Sample, place: Path_, value: str) -> list[str]:
    said = Said()
    route.push(Document(sample).with_value(place, value), sample, said)
    return said.lines


@pytest.fixture
def log_lines(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    caplog.set_level(logging.DEBUG)

    def lines() -> list[str]:
        found = [
            json.dumps(vars(record), default=str, ensure_ascii=False) + record.getMessage()
            for record in caplog.records
        ]
        caplog.clear()
        return found

    return lines


def test_every_route_has_samples_and_places_to_write_into() -> None:
    for route in ROUTES:
        assert route.samples, route.name
        assert len(PLACES[route.name]) >= 10, route.name


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
def test_personal_data_written_into_any_field_is_never_said_anywhere(
    route: Route, log_lines: Callable[[], list[str]]
) -> None:
    """Every place of every sample, once each, with the full set of personal data."""
    for sample, place in PLACES[route.name]:
        for value in (NAME, PERSONNUMMER, EMAIL):
            lines = said_about(route, sample, place, value) + log_lines()
            leaks = [line for line in lines if FORBIDDEN.search(line)]
            assert leaks == [], f"{route.name} {sample.name} {place}: {leaks}"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.name)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), value=written)
def test_personal_data_inside_a_plausible_value_is_never_said_anywhere(
    route: Route, log_lines: Callable[[], list[str]], data: st.DataObject, value: str
) -> None:
    sample, place = data.draw(st.sampled_from(PLACES[route.name]), label="place")
    lines = said_about(route, sample, place, value) + log_lines()
    leaks = [line for line in lines if FORBIDDEN.search(line)]
    assert leaks == [], f"{sample.name} {place}: {leaks}"
