"""Every shared sample file of every platform is walked through the mapper production uses for
it: each maps to events or is explicitly ignored, never fails. A file without an entry in the
table fails the meta-test, so a new sample cannot go unexamined."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import pytest

from support.paths import SAMPLES
from uppsikt.model.events import Ignored, NormalisedEvent, Platform, RawPointer
from uppsikt.platforms.bluesky.jetstream import normalise_event
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.mappers import MAPPERS
from uppsikt.platforms.mastodon.normalise import normalise_webhook
from uppsikt.platforms.meta.envelope import Envelope
from uppsikt.platforms.meta.normalise import Context, normalise
from uppsikt.platforms.results import Delivery
from uppsikt.platforms.youtube.comments import normalise_comment_threads, normalise_comments
from uppsikt.privacy.pseudonym import Pseudonymiser

if not SAMPLES.is_dir():
    pytest.skip(f"samples not found under {SAMPLES}", allow_module_level=True)

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def context(platform: Platform, account_id: str) -> DeliveryContext:
    return DeliveryContext(platform, account_id, "raw", "key", RECEIVED_AT, PSEUDONYMISER)


def meta(platform: Platform) -> Callable[[bytes], Sequence[object]]:
    def walk(body: bytes) -> Sequence[object]:
        envelope = Envelope.model_validate(json.loads(body))
        results: list[object] = []
        for e, entry in enumerate(envelope.entry):
            for c, change in enumerate(entry.changes):
                pointer = RawPointer(bucket="raw", key="key", entry_index=e, change_index=c)
                ctx = Context(platform, entry, pointer, RECEIVED_AT, PSEUDONYMISER)
                results.append(normalise(change, ctx))
        return results

    return walk


def webhook(platform: Platform, account_id: str) -> Callable[[bytes], Sequence[object]]:
    delivery = Delivery("raw", "key", RECEIVED_AT, PSEUDONYMISER, account_id)
    return lambda body: [item.result for item in MAPPERS[platform].items(body, delivery)]


def direct(
    fn: Callable[[Any, DeliveryContext], Sequence[object]], platform: Platform, account_id: str
) -> Callable[[bytes], Sequence[object]]:
    return lambda body: fn(body if platform is Platform.YOUTUBE else json.loads(body),
                           context(platform, account_id))  # fmt: skip


X_ACCOUNT = "602907365"  # the for_user_id of the captures
YT_CHANNEL = "UCa-vrCLQHviTOVnEKDOdetQ"  # the channel the polling samples belong to
MASTODON_ORG = "109876543210987654"

# folder/file → (how production reads it, "events" or "ignored")
WALK: dict[str, tuple[Callable[[bytes], Sequence[object]], str]] = {
    **{
        f"facebook/{p.name}": (meta(Platform.FACEBOOK), "see-table")
        for p in (SAMPLES / "facebook").glob("*.json")
    },
    **{
        f"instagram/{p.name}": (meta(Platform.INSTAGRAM), "events-or-ignored")
        for p in (SAMPLES / "instagram").glob("*.json")
    },
    **{
        f"x/{p.name}": (webhook(Platform.X, X_ACCOUNT), "events")
        for p in (SAMPLES / "x").glob("*.json")
    },
    "youtube/google-doc-push-notification.xml": (
        webhook(Platform.YOUTUBE, "CHANNEL_ID"),
        "events",
    ),
    "youtube/polling-commentThreads-list-allThreadsRelatedToChannelId.json": (
        direct(
            lambda b, c: normalise_comment_threads(json.loads(b), c), Platform.YOUTUBE, YT_CHANNEL
        ),
        "events",
    ),
    "youtube/polling-comments-list-by-parentId.json": (
        direct(lambda b, c: normalise_comments(json.loads(b), c), Platform.YOUTUBE, YT_CHANNEL),
        "events",
    ),
    # A report concerns an account, not content: explicitly ignored.
    "mastodon/admin-webhook-report.created.json": (
        direct(normalise_webhook, Platform.MASTODON, MASTODON_ORG),
        "ignored",
    ),
    # The bare Status entity (the `object` of status.* events), wrapped as the webhook sends it,
    # read as the organisation's own status (its author's id as the account).
    "mastodon/entity-Status-example.json": (
        lambda body: normalise_webhook(
            {
                "event": "status.created",
                "created_at": "2026-11-21T09:00:00Z",
                "object": json.loads(body),
            },
            context(Platform.MASTODON, str(json.loads(body)["account"]["id"])),
        ),
        "events",
    ),
    # Jetstream events read as the organisation's own repository (the event's DID as account):
    # posts and deletions are events; likes, identity and account changes are ignored.
    **{
        f"bluesky/{p.name}": (
            lambda body: normalise_event(
                body, context(Platform.BLUESKY, str(json.loads(body)["did"]))
            ),
            "ignored" if any(k in p.name for k in ("like", "identity", "account")) else "events",
        )
        for p in (SAMPLES / "bluesky").glob("*.json")
    },
}
# Meta's own expectation table (test_meta_samples.py) says which change maps how; here every
# Facebook/Instagram change must simply be an event or an explicit Ignored.

PLATFORM_FOLDERS = sorted(p.name for p in SAMPLES.iterdir() if p.is_dir())


def sample_files() -> list[str]:
    return sorted(
        f"{folder}/{path.name}"
        for folder in PLATFORM_FOLDERS
        for path in (SAMPLES / folder).iterdir()
        if path.is_file()
    )


def test_the_walk_table_has_exactly_one_entry_per_sample_file() -> None:
    assert sorted(WALK) == sample_files()


def test_every_platform_with_samples_is_walked() -> None:
    assert {name.split("/")[0] for name in WALK} == set(PLATFORM_FOLDERS)


@pytest.mark.parametrize("name", sorted(WALK))
def test_every_item_of_every_sample_maps_to_an_event_or_an_explicit_ignore(name: str) -> None:
    walk, expected = WALK[name]
    results = walk((SAMPLES / name).read_bytes())
    assert results, f"{name} gave no results at all"
    failures = [r for r in results if not isinstance(r, NormalisedEvent | Ignored)]
    assert failures == [], f"{name}: {failures}"
    events = [r for r in results if isinstance(r, NormalisedEvent)]
    ignored = [r for r in results if isinstance(r, Ignored)]
    if expected == "events":
        assert events, f"{name} was expected to map to events"
    elif expected == "ignored":
        assert events == []
        assert all(r.reason for r in ignored)
    for event in events:
        assert event.idempotency_key
        assert event.event_time is None or event.event_time.utcoffset() is not None
        assert event.author is None or len(event.author.pseudonym) >= 16
