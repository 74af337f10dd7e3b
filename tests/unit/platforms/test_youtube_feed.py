"""The WebSub Atom notification (platforms.md §3.3): the Google sample, tombstones written from
the documented shape, hostile XML, and arbitrary bytes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.model.events import (
    Action,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.youtube.feed import UPLOAD_WINDOW, normalise_feed
from uppsikt.privacy.pseudonym import Pseudonymiser

SAMPLE = (
    Path(__file__).resolve().parents[3].parent
    / "shared"
    / "platform-samples"
    / "youtube"
    / "google-doc-push-notification.xml"
)
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
CHANNEL = "UCa-vrCLQHviTOVnEKDOdetQ"
VISITOR_CHANNEL = "UCNvMBmCASzTNNX8lW3JRMbw"

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015"'
    ' xmlns:at="http://purl.org/atompub/tombstones/1.0"'
    ' xmlns="http://www.w3.org/2005/Atom">\n'
    '  <link rel="hub" href="https://pubsubhubbub.appspot.com"/>\n'
    "  <title>YouTube video feed</title>\n"
    "  <updated>2026-11-21T09:00:00.1+00:00</updated>\n"
)
TAIL = "</feed>\n"


def context(account_id: str = CHANNEL, received_at: datetime = RECEIVED_AT) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.YOUTUBE,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key="deliveries/youtube/2026/11/21/abc.xml",
        received_at=received_at,
        pseudonymiser=PSEUDONYMISER,
    )


def entry(
    video_id: str = "dQw4w9WgXcQ",
    channel_id: str = CHANNEL,
    title: str = "Årsmöte 2026",
    published: str | None = "2026-11-21T08:00:00+00:00",
    updated: str | None = "2026-11-21T08:00:00+00:00",
) -> str:
    parts = [
        "  <entry>",
        f"    <id>yt:video:{video_id}</id>",
        f"    <yt:videoId>{video_id}</yt:videoId>",
        f"    <yt:channelId>{channel_id}</yt:channelId>",
        f"    <title>{escape(title)}</title>",
        f'    <link rel="alternate" href="https://www.youtube.com/watch?v={video_id}"/>',
        f"    <author><name>Förbundet</name><uri>https://www.youtube.com/channel/{channel_id}</uri>"
        "</author>",
    ]
    if published is not None:
        parts.append(f"    <published>{published}</published>")
    if updated is not None:
        parts.append(f"    <updated>{updated}</updated>")
    parts.append("  </entry>")
    return "\n".join(parts) + "\n"


def tombstone(
    video_id: str = "dQw4w9WgXcQ",
    when: str | None = "2026-11-21T10:15:00+00:00",
    channel_id: str = CHANNEL,
    ref: str | None = None,
) -> str:
    # The shape platforms.md §3.3 gives (seen in receivers' code; not in Google's docs).
    when_attr = f" when={quoteattr(when)}" if when is not None else ""
    return (
        f"  <at:deleted-entry ref={quoteattr(ref or f'yt:video:{video_id}')}{when_attr}>\n"
        f'    <link href="https://www.youtube.com/watch?v={video_id}"/>\n'
        "    <at:by>\n"
        "      <name>Förbundet</name>\n"
        f"      <uri>https://www.youtube.com/channel/{channel_id}</uri>\n"
        "    </at:by>\n"
        "  </at:deleted-entry>\n"
    )


def feed(*items: str) -> bytes:
    return (HEAD + "".join(items) + TAIL).encode()


def events(body: bytes, ctx: DeliveryContext | None = None) -> list[NormalisedEvent]:
    results = normalise_feed(body, ctx or context())
    assert all(isinstance(r, NormalisedEvent) for r in results), results
    return [r for r in results if isinstance(r, NormalisedEvent)]


# --- the Google sample ---------------------------------------------------------------------------

needs_sample = pytest.mark.skipif(not SAMPLE.is_file(), reason=f"sample not found at {SAMPLE}")


@needs_sample
def test_the_google_sample_maps_to_one_edited_post_on_the_video() -> None:
    (event,) = events(SAMPLE.read_bytes(), context("CHANNEL_ID"))
    assert event.platform is Platform.YOUTUBE
    assert event.account_id == "CHANNEL_ID"
    assert (event.object_kind, event.action) == (ObjectKind.POST, Action.EDITED)
    assert event.item_id == event.post_id == "VIDEO_ID"
    assert event.parent_id is None
    assert event.text == "Video title"
    (attachment,) = event.attachments
    assert attachment.kind is AttachmentKind.VIDEO
    assert attachment.url == "http://www.youtube.com/watch?v=VIDEO_ID"
    assert attachment.platform_id == "VIDEO_ID"
    assert event.event_time == datetime(2015, 3, 9, 19, 5, 24, 552394, tzinfo=UTC)
    assert event.received_at == RECEIVED_AT
    assert event.raw == RawPointer(
        bucket="raw-bucket",
        key="deliveries/youtube/2026/11/21/abc.xml",
        entry_index=0,
        change_index=0,
    )
    # platforms.md §3.3: dedupe on (videoId, updated), with updated exactly as sent.
    assert event.idempotency_key == "youtube:video:VIDEO_ID:2015-03-09T19:05:24.552394234+00:00"


@needs_sample
def test_the_sample_author_is_the_account_only_when_its_channel_is_ours() -> None:
    (own,) = events(SAMPLE.read_bytes(), context("CHANNEL_ID"))
    (other,) = events(SAMPLE.read_bytes(), context(CHANNEL))
    assert own.author is not None
    assert own.author.is_account
    assert own.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.YOUTUBE, "CHANNEL_ID")
    assert other.author is not None
    assert not other.author.is_account


# --- entries -------------------------------------------------------------------------------------


def test_an_entry_published_and_updated_at_the_same_moment_is_created() -> None:
    (event,) = events(feed(entry()))
    assert event.action is Action.CREATED
    assert event.text == "Årsmöte 2026"
    assert event.idempotency_key == "youtube:video:dQw4w9WgXcQ:2026-11-21T08:00:00+00:00"


def test_the_same_moment_written_differently_still_counts_as_created() -> None:
    body = feed(entry(published="2026-11-21T08:00:00Z", updated="2026-11-21T09:00:00+01:00"))
    (event,) = events(body)
    assert event.action is Action.CREATED


def test_an_entry_updated_after_it_was_published_is_edited_and_timed_by_the_update() -> None:
    (event,) = events(feed(entry(updated="2026-11-21T08:30:00.5+00:00")))
    assert event.action is Action.EDITED
    assert event.event_time == datetime(2026, 11, 21, 8, 30, 0, 500000, tzinfo=UTC)


def test_a_new_upload_whose_updated_trails_published_by_seconds_is_created() -> None:
    # Real pushes for a new upload carry an `updated` 15-30 s after `published`.
    (event,) = events(feed(entry(updated="2026-11-21T08:00:27.318+00:00")))
    assert event.action is Action.CREATED
    assert event.event_time == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)  # when it went up
    assert event.idempotency_key == "youtube:video:dQw4w9WgXcQ:2026-11-21T08:00:27.318+00:00"


@pytest.mark.parametrize(
    ("updated", "action"),
    [
        ("2026-11-21T08:10:00+00:00", Action.CREATED),  # exactly the window: still the upload
        ("2026-11-21T08:10:00.000001+00:00", Action.EDITED),  # just past it: an edit
        ("2026-11-21T09:09:59+01:00", Action.CREATED),  # the window is measured, not the text
        ("2026-11-21T07:59:58+00:00", Action.CREATED),  # a hub clock a little behind
    ],
)
def test_an_upload_is_a_create_up_to_ten_minutes_after_published_and_an_edit_after(
    updated: str, action: Action
) -> None:
    assert timedelta(minutes=10) == UPLOAD_WINDOW
    (event,) = events(feed(entry(updated=updated)))
    assert event.action is action


def test_an_entry_with_only_published_is_created_at_that_time() -> None:
    (event,) = events(feed(entry(updated=None)))
    assert event.action is Action.CREATED
    assert event.event_time == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)
    assert event.idempotency_key.endswith(":2026-11-21T08:00:00+00:00")


def test_each_title_edit_is_a_new_key_and_a_redelivery_is_the_same_key() -> None:
    first = feed(entry(updated="2026-11-21T08:30:00+00:00"))
    second = feed(entry(updated="2026-11-21T08:45:00+00:00", title="Nytt namn"))
    (one,) = events(first)
    (again,) = events(first, context(received_at=RECEIVED_AT + timedelta(hours=3)))
    (two,) = events(second)
    assert one.idempotency_key == again.idempotency_key
    assert one.event_id == again.event_id
    assert one.idempotency_key != two.idempotency_key


def test_a_visitor_channel_entry_is_not_the_account_and_its_raw_id_is_not_in_the_event() -> None:
    (event,) = events(feed(entry(channel_id=VISITOR_CHANNEL)))
    assert event.author is not None
    assert not event.author.is_account
    assert VISITOR_CHANNEL not in event.model_dump_json()


def test_several_items_keep_document_order_and_their_own_pointer() -> None:
    body = feed(entry("aaaaaaaaaaa"), tombstone("bbbbbbbbbbb"), entry("ccccccccccc"))
    got = events(body)
    assert [e.item_id for e in got] == ["aaaaaaaaaaa", "bbbbbbbbbbb", "ccccccccccc"]
    assert [e.action for e in got] == [Action.CREATED, Action.DELETED, Action.CREATED]
    assert [e.raw.entry_index for e in got] == [0, 1, 2]


def test_an_empty_feed_maps_to_nothing() -> None:
    assert normalise_feed(feed(), context()) == []


# --- tombstones ----------------------------------------------------------------------------------


def test_a_tombstone_is_a_deleted_post_on_the_video() -> None:
    (event,) = events(feed(tombstone()))
    assert (event.object_kind, event.action) == (ObjectKind.POST, Action.DELETED)
    assert event.item_id == event.post_id == "dQw4w9WgXcQ"
    assert event.text is None
    assert event.attachments == ()
    assert event.event_time == datetime(2026, 11, 21, 10, 15, tzinfo=UTC)
    assert event.author is not None
    assert event.author.is_account
    assert event.idempotency_key == "youtube:video:dQw4w9WgXcQ:deleted:2026-11-21T10:15:00+00:00"


def test_a_tombstone_key_differs_from_the_entry_of_the_same_video_and_moment() -> None:
    moment = "2026-11-21T10:15:00+00:00"
    (created,) = events(feed(entry(published=moment, updated=moment)))
    (deleted,) = events(feed(tombstone(when=moment)))
    assert created.idempotency_key != deleted.idempotency_key


def test_a_tombstone_without_when_or_by_still_maps() -> None:
    body = feed(
        '  <at:deleted-entry ref="yt:video:dQw4w9WgXcQ">'
        '<link href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/></at:deleted-entry>\n'
    )
    (event,) = events(body)
    assert event.action is Action.DELETED
    assert event.event_time is None
    assert event.author is None
    assert event.idempotency_key == "youtube:video:dQw4w9WgXcQ:deleted:-"


# --- bad items -----------------------------------------------------------------------------------

BAD_ITEMS = {
    "no videoId": entry().replace("<yt:videoId>dQw4w9WgXcQ</yt:videoId>", ""),
    "videoId with a colon": entry(video_id="a:b"),
    "unparsable updated": entry(updated="last tuesday"),
    "no times at all": entry(published=None, updated=None),
    "tombstone ref not a video": tombstone(ref="yt:channel:UCxyz"),
    "tombstone ref with an empty id": tombstone(ref="yt:video:"),
    "tombstone with a bad when": tombstone(when="soon"),
}


def test_a_time_without_a_zone_is_read_as_utc_like_on_every_platform() -> None:
    (event,) = events(feed(entry(updated="2026-11-21T08:40:00")))
    assert event.action is Action.EDITED
    assert event.event_time == datetime(2026, 11, 21, 8, 40, tzinfo=UTC)


@pytest.mark.parametrize("name", sorted(BAD_ITEMS))
def test_a_bad_item_becomes_unmappable_in_its_place_and_the_others_still_map(name: str) -> None:
    results = normalise_feed(
        feed(entry("aaaaaaaaaaa"), BAD_ITEMS[name], entry("ccccccccccc")), context()
    )
    assert len(results) == 3
    first, bad, last = results
    assert isinstance(bad, Unmappable)
    assert isinstance(first, NormalisedEvent)
    assert isinstance(last, NormalisedEvent)
    assert (first.raw.entry_index, last.raw.entry_index) == (0, 2)


def test_an_unmappable_message_names_the_field_but_never_quotes_content() -> None:
    (bad,) = normalise_feed(feed(entry(updated="secret-looking value")), context())
    assert isinstance(bad, Unmappable)
    assert "updated" in str(bad)
    assert "secret" not in str(bad)


# --- bodies that are not a feed ------------------------------------------------------------------

NOT_ATOM = {
    "empty": b"",
    "json": b'{"kind": "youtube#video"}',
    "rss": b'<rss version="2.0"><channel><title>x</title></channel></rss>',
    "atom entry alone": b'<entry xmlns="http://www.w3.org/2005/Atom"><title>x</title></entry>',
    "feed without namespace": b"<feed><entry/></feed>",
    "truncated": feed(entry())[:-20],
    "html": b"<!doctype html><html><body>hi</body></html>",
    "undefined entity": b'<feed xmlns="http://www.w3.org/2005/Atom">&nbsp;</feed>',
    "unknown encoding": b'<?xml version="1.0" encoding="x-unknown"?><feed/>',
}


@pytest.mark.parametrize("name", sorted(NOT_ATOM))
def test_a_body_that_is_not_an_atom_feed_is_a_value_error(name: str) -> None:
    with pytest.raises(ValueError, match="body"):
        normalise_feed(NOT_ATOM[name], context())


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>
"""

HOSTILE = {
    "billion laughs": BILLION_LAUGHS,
    "external entity": b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&xxe;</title></feed>""",
    "external dtd": b"""<?xml version="1.0"?>
<!DOCTYPE feed SYSTEM "http://attacker.example/evil.dtd">
<feed xmlns="http://www.w3.org/2005/Atom"/>""",
    "harmless doctype": b"""<!DOCTYPE feed><feed xmlns="http://www.w3.org/2005/Atom"/>""",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_any_dtd_or_entity_declaration_is_refused_quickly(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ValueError, match="DTD or entities"):
        normalise_feed(HOSTILE[name], context())
    assert time.perf_counter() - started < 0.5


def test_a_context_for_another_platform_is_refused() -> None:
    ctx = DeliveryContext(Platform.FACEBOOK, CHANNEL, "raw-bucket", "k", RECEIVED_AT, PSEUDONYMISER)
    with pytest.raises(ValueError, match="YouTube"):
        normalise_feed(feed(entry()), ctx)


# --- properties ----------------------------------------------------------------------------------


@given(body=st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_value_error(body: bytes) -> None:
    try:
        results = normalise_feed(body, context())
    except ValueError:
        return
    assert all(isinstance(r, NormalisedEvent | Ignored | Unmappable) for r in results)


# Text that keeps the XML well-formed, so the mapper (not the parser) sees the odd values.
_xml_text = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Cn"), exclude_characters="<>&'\""), max_size=30
)
_leaf = st.one_of(
    _xml_text,
    st.sampled_from(["", " dQw4w9WgXcQ ", "dQw4w9WgXcQ", "2026-01-01T00:00:00Z", "2026-01-01"]),
)


@given(
    items=st.lists(
        st.one_of(
            st.builds(
                entry,
                video_id=_leaf,
                channel_id=_leaf,
                title=st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn"))),
                published=st.none() | _leaf,
                updated=st.none() | _leaf,
            ),
            st.builds(tombstone, video_id=_leaf, when=st.none() | _leaf, channel_id=_leaf),
        ),
        max_size=5,
    )
)
def test_feed_shaped_bodies_give_one_result_per_item(items: list[str]) -> None:
    results = normalise_feed(feed(*items), context())
    assert len(results) == len(items)
    for result in results:
        assert isinstance(result, NormalisedEvent | Unmappable)
