"""The comment poller's two Data API responses (platforms.md §3.4): every item of both saved
samples maps, plus edits, inlined replies, the HTML fallback, bad items and deletions."""

from __future__ import annotations

import contextlib
import copy
import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.youtube.comments import (
    diff_deleted,
    listed_ids,
    normalise_comment_threads,
    normalise_comments,
)
from uppsikt.privacy.pseudonym import Pseudonymiser

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "platform-samples" / "youtube"
THREADS = SAMPLES / "polling-commentThreads-list-allThreadsRelatedToChannelId.json"
REPLIES = SAMPLES / "polling-comments-list-by-parentId.json"

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
RECEIVED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
CHANNEL = "UCa-vrCLQHviTOVnEKDOdetQ"  # the channel the sample threads belong to
KUN = "UCNvMBmCASzTNNX8lW3JRMbw"  # a commenter in both samples

needs_samples = pytest.mark.skipif(
    not (THREADS.is_file() and REPLIES.is_file()), reason=f"samples not found under {SAMPLES}"
)


def context(account_id: str = CHANNEL) -> DeliveryContext:
    return DeliveryContext(
        platform=Platform.YOUTUBE,
        account_id=account_id,
        raw_bucket="raw-bucket",
        raw_key="polls/youtube/2026/11/21/threads.json",
        received_at=RECEIVED_AT,
        pseudonymiser=PSEUDONYMISER,
    )


@cache
def _load(path: Path) -> str:
    return path.read_text()


def threads() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_load(THREADS))
    return loaded


def replies() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(_load(REPLIES))
    return loaded


def only_events(results: list[NormalisedEvent | Ignored | Unmappable]) -> list[NormalisedEvent]:
    assert all(isinstance(r, NormalisedEvent) for r in results), results
    return [r for r in results if isinstance(r, NormalisedEvent)]


def comment(
    comment_id: str,
    *,
    author: str = KUN,
    text: str = "Bra jobbat!",
    published: str = "2026-11-20T10:00:00.000Z",
    updated: str = "2026-11-20T10:00:00.000Z",
    parent: str | None = None,
    video: str | None = "dQw4w9WgXcQ",
) -> dict[str, Any]:
    snippet: dict[str, Any] = {
        "authorDisplayName": "Någon",
        "authorChannelId": {"value": author},
        "channelId": CHANNEL,
        "textDisplay": text,
        "textOriginal": text,
        "publishedAt": published,
        "updatedAt": updated,
    }
    if video is not None:
        snippet["videoId"] = video
    if parent is not None:
        snippet["parentId"] = parent
    return {"kind": "youtube#comment", "id": comment_id, "snippet": snippet}


def thread(top: dict[str, Any], *inline: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "youtube#commentThread",
        "id": top.get("id", "thread-without-top-id"),
        "snippet": {
            "channelId": CHANNEL,
            "videoId": "dQw4w9WgXcQ",
            "topLevelComment": top,
            "totalReplyCount": len(inline),
        },
    }
    if inline:
        item["replies"] = {"comments": list(inline)}
    return item


def thread_response(*items: object) -> dict[str, Any]:
    return {"kind": "youtube#commentThreadListResponse", "items": list(items)}


def comment_response(*items: object) -> dict[str, Any]:
    return {"kind": "youtube#commentListResponse", "items": list(items)}


# --- the saved samples ---------------------------------------------------------------------------


@needs_samples
def test_every_sample_thread_maps_to_a_created_top_level_comment() -> None:
    got = only_events(normalise_comment_threads(threads(), context()))
    assert len(got) == len(threads()["items"]) == 4
    assert {(e.object_kind, e.action) for e in got} == {(ObjectKind.COMMENT, Action.CREATED)}
    assert [e.item_id for e in got] == [t["id"] for t in threads()["items"]]
    assert [e.raw.entry_index for e in got] == [0, 1, 2, 3]
    assert all(e.parent_id is None for e in got)
    assert all(e.platform is Platform.YOUTUBE and e.account_id == CHANNEL for e in got)


@needs_samples
def test_sample_threads_on_a_video_carry_it_and_channel_discussion_threads_do_not() -> None:
    got = only_events(normalise_comment_threads(threads(), context()))
    assert [e.post_id for e in got] == ["JE8xdDp5B8Q", "JE8xdDp5B8Q", None, None]


@needs_samples
def test_sample_text_is_text_original_and_times_are_published_at() -> None:
    first, *_, last = only_events(normalise_comment_threads(threads(), context()))
    assert first.text == "Hope to go next time. yah!"
    assert last.text == "中午吃啥"
    assert first.event_time == datetime(2019, 12, 1, 3, 36, 55, tzinfo=UTC)
    assert (
        first.idempotency_key
        == "youtube:comment:UgyWeTdgc4sc1xgmbld4AaABAg:2019-12-01T03:36:55.000Z"
    )


@needs_samples
def test_every_sample_reply_maps_to_a_created_reply_on_its_thread() -> None:
    got = only_events(normalise_comments(replies(), context()))
    assert len(got) == len(replies()["items"]) == 2
    assert {(e.object_kind, e.action) for e in got} == {(ObjectKind.REPLY, Action.CREATED)}
    assert {e.parent_id for e in got} == {"Ugw5zYU6n9pmIgAZWvN4AaABAg"}
    assert [e.text for e in got] == ["this is the third reply!", "this is the second reply!"]
    assert all(e.post_id is None for e in got)  # comments.list items carry no videoId


@needs_samples
def test_the_poller_can_supply_the_video_of_the_thread_it_asked_about() -> None:
    got = only_events(normalise_comments(replies(), context(), video_id="JE8xdDp5B8Q"))
    assert {e.post_id for e in got} == {"JE8xdDp5B8Q"}


@needs_samples
def test_sample_authors_are_pseudonymous_and_the_account_only_when_it_is_ours() -> None:
    for ctx, expect_own in ((context(), False), (context(KUN), True)):
        got = only_events(normalise_comments(replies(), ctx))
        for event in got:
            assert event.author is not None
            assert event.author.pseudonym == PSEUDONYMISER.pseudonym(Platform.YOUTUBE, KUN)
            assert event.author.is_account is expect_own
    for event in only_events(normalise_comment_threads(threads(), context())):
        dumped = event.model_dump_json()
        assert KUN not in dumped
        assert "kun liu" not in dumped


@needs_samples
def test_listed_ids_of_the_samples_are_every_comment_in_them() -> None:
    assert listed_ids(threads()) == {t["id"] for t in threads()["items"]}
    assert listed_ids(replies()) == {c["id"] for c in replies()["items"]}


# --- edits, replies, text ------------------------------------------------------------------------


def test_a_comment_updated_after_publishing_is_edited_with_a_new_key() -> None:
    original = comment("Ugx1", updated="2026-11-20T10:00:00.000Z")
    edited = comment("Ugx1", updated="2026-11-20T11:30:00.000Z", text="Bra jobbat! (ändrat)")
    (first,) = only_events(normalise_comment_threads(thread_response(thread(original)), context()))
    (second,) = only_events(normalise_comment_threads(thread_response(thread(edited)), context()))
    assert first.action is Action.CREATED
    assert second.action is Action.EDITED
    assert second.event_time == first.event_time  # publishedAt
    assert first.idempotency_key != second.idempotency_key
    assert second.idempotency_key == "youtube:comment:Ugx1:2026-11-20T11:30:00.000Z"


def test_inlined_replies_follow_their_top_level_comment_as_replies() -> None:
    top = comment("Ugx1")
    reply = comment("Ugx1.r1", parent="Ugx1", author=CHANNEL, text="Tack!")
    no_parent = comment("Ugx1.r2")  # the thread says whose reply it is
    results = normalise_comment_threads(thread_response(thread(top, reply, no_parent)), context())
    got = only_events(results)
    assert [(e.object_kind, e.item_id) for e in got] == [
        (ObjectKind.COMMENT, "Ugx1"),
        (ObjectKind.REPLY, "Ugx1.r1"),
        (ObjectKind.REPLY, "Ugx1.r2"),
    ]
    assert [e.parent_id for e in got] == [None, "Ugx1", "Ugx1"]
    assert {e.post_id for e in got} == {"dQw4w9WgXcQ"}
    assert [(e.raw.entry_index, e.raw.change_index) for e in got] == [(0, 0), (0, 1), (0, 2)]
    assert got[1].author is not None
    assert got[1].author.is_account


def test_a_reply_seen_inline_and_via_comments_list_has_one_key() -> None:
    reply = comment("Ugx1.r1", parent="Ugx1")
    inline = only_events(
        normalise_comment_threads(thread_response(thread(comment("Ugx1"), reply)), context())
    )[1]
    (listed,) = only_events(normalise_comments(comment_response(reply), context()))
    assert inline.idempotency_key == listed.idempotency_key


def test_a_comments_list_item_without_parent_is_a_top_level_comment() -> None:
    (event,) = only_events(normalise_comments(comment_response(comment("Ugx9")), context()))
    assert event.object_kind is ObjectKind.COMMENT
    assert event.parent_id is None


def test_without_text_original_the_display_html_becomes_plain_text() -> None:
    item = comment("Ugx1")
    del item["snippet"]["textOriginal"]
    item["snippet"]["textDisplay"] = (
        'Se <a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ&amp;t=30">0:30</a>'
        "<br>R&amp;D &lt;3 &quot;bra&quot;"
    )
    (event,) = only_events(normalise_comments(comment_response(item), context()))
    assert event.text == 'Se 0:30\nR&D <3 "bra"'


def test_without_any_text_the_event_has_none() -> None:
    item = comment("Ugx1")
    del item["snippet"]["textOriginal"]
    del item["snippet"]["textDisplay"]
    (event,) = only_events(normalise_comments(comment_response(item), context()))
    assert event.text is None


def test_a_comment_without_an_author_channel_has_no_author() -> None:
    item = comment("Ugx1")
    del item["snippet"]["authorChannelId"]
    (event,) = only_events(normalise_comments(comment_response(item), context()))
    assert event.author is None


# --- bad items and bad responses -----------------------------------------------------------------


def _broken(change: str) -> dict[str, Any]:
    item = comment("Ugx2")
    snippet = item["snippet"]
    if change == "no id":
        del item["id"]
    elif change == "numeric id":
        item["id"] = 12345
    elif change == "no snippet":
        del item["snippet"]
    elif change == "no times":
        del snippet["publishedAt"], snippet["updatedAt"]
    elif change == "bad time":
        snippet["updatedAt"] = "yesterday"
    elif change == "text not a string":
        snippet["textOriginal"] = ["a"]
    elif change == "author not a string":
        snippet["authorChannelId"] = {"value": 7}
    elif change == "videoId with a colon":
        snippet["videoId"] = "a:b"
    return item


BROKEN = [
    "no id",
    "numeric id",
    "no snippet",
    "no times",
    "bad time",
    "text not a string",
    "author not a string",
    "videoId with a colon",
]


def test_a_time_without_a_zone_is_read_as_utc_like_on_every_platform() -> None:
    naive = comment("Ugx2", published="2026-11-20T10:00:00", updated="2026-11-20T10:00:00")
    (event,) = only_events(normalise_comments(comment_response(naive), context()))
    assert event.event_time == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert event.idempotency_key == "youtube:comment:Ugx2:2026-11-20T10:00:00"  # as sent


def test_an_unmappable_comment_names_the_field_and_never_its_content() -> None:
    bad = comment("Ugx2")
    bad["snippet"]["updatedAt"] = "Karin Lindqvist 811218-9876"
    (result,) = normalise_comments(comment_response(bad), context())
    assert isinstance(result, Unmappable)
    assert "snippet.updatedAt" in str(result)
    assert "Karin" not in str(result)
    assert "811218" not in str(result)


@pytest.mark.parametrize("change", BROKEN)
def test_a_bad_comment_is_unmappable_in_its_place_and_its_neighbours_still_map(
    change: str,
) -> None:
    results = normalise_comments(
        comment_response(comment("Ugx1"), _broken(change), comment("Ugx3")), context()
    )
    first, bad, last = results
    assert isinstance(bad, Unmappable), bad
    assert isinstance(first, NormalisedEvent)
    assert isinstance(last, NormalisedEvent)
    assert "Bra jobbat" not in str(bad)


@pytest.mark.parametrize("change", BROKEN)
def test_a_bad_top_level_comment_does_not_sink_its_inlined_replies(change: str) -> None:
    reply = comment("Ugx2.r1", parent="Ugx2")
    results = normalise_comment_threads(thread_response(thread(_broken(change), reply)), context())
    bad, mapped = results
    assert isinstance(bad, Unmappable)
    assert isinstance(mapped, NormalisedEvent)
    assert mapped.parent_id == "Ugx2"


@pytest.mark.parametrize(
    "item",
    [None, "Ugx1", [], {"id": "Ugx1"}, {"id": "Ugx1", "snippet": {"videoId": 5}}],
    ids=["null", "string", "list", "no snippet", "bad video"],
)
def test_a_thread_that_is_not_one_is_a_single_unmappable(item: object) -> None:
    results = normalise_comment_threads(thread_response(item, thread(comment("Ugx3"))), context())
    assert len(results) == 2
    assert isinstance(results[0], Unmappable)
    assert isinstance(results[1], NormalisedEvent)
    assert results[1].raw.entry_index == 1


@pytest.mark.parametrize(
    "response",
    [
        None,
        [],
        "items",
        {},
        {"kind": "youtube#commentThreadListResponse"},
        {"kind": "youtube#commentThreadListResponse", "items": {}},
        {"error": {"code": 403, "message": "quotaExceeded"}},
        {"kind": "youtube#commentListResponse", "items": []},
    ],
)
def test_a_response_that_is_not_a_thread_list_is_a_value_error(response: object) -> None:
    with pytest.raises(ValueError, match="response"):
        normalise_comment_threads(response, context())


def test_a_thread_list_is_not_read_as_a_comment_list() -> None:
    with pytest.raises(ValueError, match="commentListResponse"):
        normalise_comments(thread_response(), context())


def test_empty_lists_map_to_nothing() -> None:
    assert normalise_comment_threads(thread_response(), context()) == []
    assert normalise_comments({"items": []}, context()) == []


# --- deletions -----------------------------------------------------------------------------------


def test_comments_missing_from_the_next_poll_are_reported_sorted() -> None:
    assert diff_deleted(["c", "a", "b", "d"], {"b", "e"}) == ["a", "c", "d"]
    assert diff_deleted(set(), {"a"}) == []
    assert diff_deleted(("a", "a"), ()) == ["a"]


def test_a_single_id_string_is_refused_rather_than_diffed_letter_by_letter() -> None:
    with pytest.raises(TypeError):
        diff_deleted("Ugx1", ["Ugx1"])
    with pytest.raises(TypeError):
        diff_deleted(["Ugx1"], "Ugx1")


def test_a_comment_that_fails_to_map_is_still_listed_so_it_is_not_taken_as_deleted() -> None:
    before = thread_response(thread(comment("Ugx1")), thread(comment("Ugx2")))
    after = copy.deepcopy(before)
    del after["items"][1]["snippet"]["topLevelComment"]["snippet"]["publishedAt"]
    del after["items"][1]["snippet"]["topLevelComment"]["snippet"]["updatedAt"]
    assert isinstance(normalise_comment_threads(after, context())[1], Unmappable)
    assert diff_deleted(listed_ids(before), listed_ids(after)) == []


def test_listed_ids_include_inlined_replies() -> None:
    response = thread_response(thread(comment("Ugx1"), comment("Ugx1.r1", parent="Ugx1")))
    assert listed_ids(response) == {"Ugx1", "Ugx1.r1"}
    with pytest.raises(ValueError, match="response"):
        listed_ids({"error": {}})


# --- properties ----------------------------------------------------------------------------------

KEYS = [
    "kind",
    "items",
    "id",
    "snippet",
    "topLevelComment",
    "replies",
    "comments",
    "videoId",
    "parentId",
    "authorChannelId",
    "value",
    "textOriginal",
    "textDisplay",
    "publishedAt",
    "updatedAt",
]
json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["Ugx1", "dQw4w9WgXcQ", "2026-11-20T10:00:00Z", "<b>x</b>&amp;"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=5), children, max_size=6)
    ),
    max_leaves=40,
)


@given(response=json_like)
def test_the_comment_normalisers_raise_only_value_error_on_json_like_data(
    response: object,
) -> None:
    calls = (
        lambda: normalise_comment_threads(response, context()),
        lambda: normalise_comments(response, context()),
        lambda: listed_ids(response),
    )
    for call in calls:
        with contextlib.suppress(ValueError):
            call()


@given(markup=st.text())
def test_any_display_html_falls_back_to_some_plain_text(markup: str) -> None:
    item = comment("Ugx1")
    del item["snippet"]["textOriginal"]
    item["snippet"]["textDisplay"] = markup
    (event,) = only_events(normalise_comments(comment_response(item), context()))
    assert isinstance(event.text, str)
    assert len(event.text) <= len(markup)  # entities and tags only ever shrink


@given(items=st.lists(json_like, max_size=4))
def test_any_items_list_maps_item_by_item_without_raising(items: list[object]) -> None:
    threads_out = normalise_comment_threads(thread_response(*items), context())
    comments_out = normalise_comments(comment_response(*items), context())
    assert len(comments_out) == len(items)
    assert len(threads_out) >= len(items)
    for result in (*threads_out, *comments_out):
        assert isinstance(result, NormalisedEvent | Ignored | Unmappable)
