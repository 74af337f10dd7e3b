"""The one rule for platform times (`platforms.times`): a time without a zone is UTC, on every
platform, and no event leaves a mapper with a naive time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.model.events import Action, NormalisedEvent, ObjectKind, Platform, RawPointer
from uppsikt.platforms.delivery import Payload, parse
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.times import (
    MAX_EPOCH_MS,
    EpochMillis,
    IsoTime,
    SentTime,
    aware,
    from_millis,
    parse_iso,
)


class Timed(Payload):
    at: IsoTime | None = None
    sent: SentTime | None = None
    ms: EpochMillis | None = None


def test_a_time_without_a_zone_is_utc() -> None:
    assert parse_iso("2026-11-21T09:12:44") == datetime(2026, 11, 21, 9, 12, 44, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-21T09:12:44+0000", datetime(2026, 11, 21, 9, 12, 44, tzinfo=UTC)),  # Graph API
        ("2026-11-21T09:12:44.000Z", datetime(2026, 11, 21, 9, 12, 44, tzinfo=UTC)),  # X, Mastodon
        (
            "2015-03-09T19:05:24.552394234+00:00",  # WebSub's nanoseconds, truncated
            datetime(2015, 3, 9, 19, 5, 24, 552394, tzinfo=UTC),
        ),
        (
            "2026-11-21T10:12:44+01:00",
            datetime(2026, 11, 21, 10, 12, 44, tzinfo=timezone(timedelta(hours=1))),
        ),
    ],
)
def test_a_time_with_a_zone_keeps_it(text: str, expected: datetime) -> None:
    moment = parse_iso(text)
    assert moment == expected
    assert moment.utcoffset() == expected.utcoffset()


def test_the_sent_text_is_kept_for_idempotency_keys() -> None:
    timed = parse(Timed, {"sent": " 2026-11-21T09:12:44.120Z "}, "item")
    assert timed.sent is not None
    assert timed.sent.sent == "2026-11-21T09:12:44.120Z"
    assert timed.sent.moment == datetime(2026, 11, 21, 9, 12, 44, 120000, tzinfo=UTC)


@pytest.mark.parametrize("value", ["Karin Lindqvist 811218-9876", 1763712000, "", "x" * 65, None])
def test_an_unreadable_time_names_the_field_and_never_the_value(value: object) -> None:
    with pytest.raises(Unmappable) as caught:
        parse(Timed, {"at": value} if value is not None else {"ms": "1"}, "item")
    said = str(caught.value)
    assert "item does not fit" in said
    assert "at" in said or "ms" in said
    assert "Karin" not in said
    assert "811218" not in said
    assert "1763712000" not in said


@pytest.mark.parametrize("value", [0, -1, MAX_EPOCH_MS + 1, True, 1.5, "1763712000000"])
def test_epoch_milliseconds_are_positive_integers_datetime_can_hold(value: object) -> None:
    with pytest.raises(Unmappable, match="ms"):
        parse(Timed, {"ms": value}, "item")


def test_epoch_milliseconds_are_utc() -> None:
    timed = parse(Timed, {"ms": 1763712000123}, "item")
    assert from_millis(timed.ms) == datetime(2025, 11, 21, 8, 0, 0, 123000, tzinfo=UTC)


# Fixed offsets, as platforms send them (a named zone's DST gaps hold times that never happened).
OFFSETS = st.timedeltas(min_value=timedelta(hours=-14), max_value=timedelta(hours=14)).map(
    lambda delta: timezone(timedelta(minutes=delta // timedelta(minutes=1)))
)


@given(st.datetimes(timezones=st.none() | OFFSETS))
def test_every_readable_time_is_aware_and_the_same_instant_when_it_had_a_zone(
    moment: datetime,
) -> None:
    read = parse_iso(moment.isoformat())
    assert read.utcoffset() is not None
    assert read == aware(moment)


def event(event_time: datetime) -> NormalisedEvent:
    return NormalisedEvent(
        platform=Platform.X,
        account_id="1",
        object_kind=ObjectKind.POST,
        action=Action.CREATED,
        item_id="1",
        event_time=event_time,
        received_at=datetime(2026, 11, 21, tzinfo=UTC),
        raw=RawPointer(bucket="b", key="k", entry_index=0, change_index=0),
        idempotency_key="x:1",
    )


def test_an_event_with_a_naive_time_is_refused_and_the_refusal_names_only_the_field() -> None:
    with pytest.raises(ValidationError) as caught:
        event(datetime(2026, 11, 21, 9, 0))
    assert describe(caught.value).endswith(
        "event_time: Value error, event_time must carry a time zone"
    )
    assert event(datetime(2026, 11, 21, 9, 0, tzinfo=UTC)).event_time is not None
