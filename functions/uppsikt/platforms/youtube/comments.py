"""Map the comment poller's YouTube Data API responses to the event model (platforms.md §3.4).

YouTube has no push for comments, so a scheduled poller reads:
- `commentThreads.list?part=snippet,replies&allThreadsRelatedToChannelId=…`: each thread's
  top-level comment becomes a COMMENT, each reply inlined under `replies.comments` a REPLY;
- `comments.list?parentId=…` for the replies beyond the few inlined: each item a REPLY (an item
  without `parentId`, as `comments.list?id=…` can return, is a COMMENT).

A reply has the same idempotency key whichever list it came from, so reading it twice is one
event. Edits show as a new `updatedAt`; deletions only as a comment missing from the next poll,
which `diff_deleted` finds.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from pydantic import Field

from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind
from uppsikt.platforms.delivery import CamelPayload, DeliveryContext, parse
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.html_text import html_to_text
from uppsikt.platforms.times import SentTime
from uppsikt.platforms.youtube import _fields
from uppsikt.platforms.youtube._fields import OptionalYouTubeId, YouTubeId

THREADS_KIND = "youtube#commentThreadListResponse"
COMMENTS_KIND = "youtube#commentListResponse"

Result = NormalisedEvent | Ignored | Unmappable


def _items(response: object, kind: str) -> list[Any]:
    """The `items` of a list response; ValueError when it is not that kind of response."""
    if not isinstance(response, Mapping):
        raise ValueError("the response is not a JSON object")
    if response.get("kind", kind) != kind:
        raise ValueError(f"the response is not a {kind}")
    items = response.get("items")
    if not isinstance(items, list):  # an API error body has no items: never read it as "none"
        raise ValueError("the response has no items list")
    return items


def normalise_comment_threads(response: object, ctx: DeliveryContext) -> list[Result]:
    """For thread `i`: its top-level comment (part 0), then its inlined replies (parts 1…)."""
    _fields.check_context(ctx)
    results: list[Result] = []
    for index, thread in enumerate(_items(response, THREADS_KIND)):
        results.extend(_thread(thread, ctx, index))
    return results


def normalise_comments(
    response: object, ctx: DeliveryContext, *, video_id: str | None = None
) -> list[Result]:
    """One result per item of a `comments.list` response. These items carry no `videoId`, so the
    poller, which knows the thread it asked about, may pass the video as `video_id`."""
    _fields.check_context(ctx)
    results: list[Result] = []
    for index, comment in enumerate(_items(response, COMMENTS_KIND)):
        try:
            results.append(_comment(comment, ctx, index, 0, video_id=video_id, parent_id=None))
        except Unmappable as exc:
            results.append(exc)
    return results


# --- the payload, as models -------------------------------------------------------------------


class _AuthorChannel(CamelPayload):
    value: str | None = None


class _Snippet(CamelPayload):
    video_id: OptionalYouTubeId = None
    parent_id: OptionalYouTubeId = None
    published_at: SentTime | None = None
    updated_at: SentTime | None = None
    author_channel_id: _AuthorChannel | str | None = None
    text_original: str | None = None
    text_display: str | None = None

    @property
    def author_channel(self) -> str | None:
        found = self.author_channel_id
        return found.value if isinstance(found, _AuthorChannel) else found

    @property
    def text(self) -> str | None:
        """`textOriginal`, the text as written. The API only guarantees it to the comment's
        author, so without it fall back to `textDisplay` turned from HTML into plain text."""
        if self.text_original is not None:
            return self.text_original
        return None if self.text_display is None else html_to_text(self.text_display)


class _Comment(CamelPayload):
    id: YouTubeId
    snippet: _Snippet


class _ThreadSnippet(CamelPayload):
    video_id: OptionalYouTubeId = None
    # Read on its own, so that a bad top-level comment costs only itself, not its replies.
    top_level_comment: Any = None


class _Replies(CamelPayload):
    # Each read on its own, like the top-level comment.
    comments: list[Any] = Field(default_factory=list)


class _Thread(CamelPayload):
    snippet: _ThreadSnippet
    replies: _Replies | None = None


def _thread(thread: object, ctx: DeliveryContext, index: int) -> list[Result]:
    try:
        parsed = parse(_Thread, thread, "thread")
    except Unmappable as exc:
        return [exc]
    video_id = parsed.snippet.video_id
    results: list[Result] = []
    top_id: str | None = None
    try:
        top = _comment(
            parsed.snippet.top_level_comment, ctx, index, 0, video_id=video_id, parent_id=None
        )
        top_id = top.item_id
        results.append(top)
    except Unmappable as exc:
        results.append(exc)
    replies = parsed.replies.comments if parsed.replies is not None else []
    for part, reply in enumerate(replies, start=1):
        try:
            results.append(
                _comment(reply, ctx, index, part, video_id=video_id, parent_id=top_id, reply=True)
            )
        except Unmappable as exc:
            results.append(exc)
    return results


def _comment(
    data: object,
    ctx: DeliveryContext,
    index: int,
    part: int,
    *,
    video_id: str | None,
    parent_id: str | None,
    reply: bool = False,
) -> NormalisedEvent:
    comment = parse(_Comment, data, "comment")
    snippet = comment.snippet
    parent = snippet.parent_id or parent_id
    if reply and parent is None:
        raise Unmappable("reply has no parentId and its thread no top-level comment id")
    published, updated = snippet.published_at, snippet.updated_at
    latest = updated or published
    if latest is None:
        raise Unmappable("comment has neither updatedAt nor publishedAt")
    edited = published is not None and updated is not None and updated.moment > published.moment
    return _fields.event(
        ctx,
        index,
        part,
        object_kind=ObjectKind.REPLY if parent is not None else ObjectKind.COMMENT,
        action=Action.EDITED if edited else Action.CREATED,
        item_id=comment.id,
        post_id=snippet.video_id or video_id,
        parent_id=parent,
        author=_fields.author(ctx, snippet.author_channel, "authorChannelId"),
        text=snippet.text,
        event_time=(published or latest).moment,
        idempotency_key=f"youtube:comment:{comment.id}:{latest.sent}",
    )


def listed_ids(response: object) -> set[str]:
    """Every comment id a threads or comments response lists, whether or not it maps: feed this,
    not the mapped events, to `diff_deleted`, or a comment that failed to map looks deleted."""
    if not isinstance(response, Mapping):
        raise ValueError("the response is not a JSON object")
    kind = response.get("kind", THREADS_KIND)
    return set(_ids(_items(response, kind if kind == COMMENTS_KIND else THREADS_KIND)))


def _ids(items: list[Any]) -> Iterator[str]:
    for item in items:
        if not isinstance(item, Mapping):
            continue
        yield from _id_of(item)
        snippet = item.get("snippet")
        top = snippet.get("topLevelComment") if isinstance(snippet, Mapping) else None
        if isinstance(top, Mapping):
            yield from _id_of(top)
        replies = item.get("replies")
        comments = replies.get("comments") if isinstance(replies, Mapping) else None
        if isinstance(comments, list):
            yield from _ids(comments)


def _id_of(item: Mapping[str, Any]) -> Iterator[str]:
    value = item.get("id")
    if isinstance(value, str) and value.strip():
        yield value.strip()


def diff_deleted(previous_ids: Collection[str], current_ids: Collection[str]) -> list[str]:
    """Ids in the previous poll that the current one no longer lists, sorted.

    Missing is only "deleted" when both polls listed the same complete scope: every page of
    `commentThreads.list`, and for replies every page of `comments.list?parentId=…` (a thread
    inlines only a few replies, so a reply absent from `replies` is not gone). A comment held for
    review or removed as spam also drops out of the default listing.
    """
    if isinstance(previous_ids, str | bytes) or isinstance(current_ids, str | bytes):
        raise TypeError("pass collections of ids, not a single id string")
    return sorted(set(previous_ids) - set(current_ids))
