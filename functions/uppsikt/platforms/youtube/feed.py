"""Map a WebSub notification (an Atom feed) to the event model (platforms.md §3.3).

The hub POSTs the channel's feed with one `entry` per new or changed video (an upload, or an
edit of its title or description) and one `at:deleted-entry` tombstone per video deleted or made
private. Each becomes a POST event on the video; the same video arrives again on every change, so
the idempotency key is `(videoId, updated)` as platforms.md gives it.

An upload is told from an edit by how far `updated` trails `published`. The hub stamps a new
upload's `updated` when it finishes processing, 15–30 s after `published` in real pushes (longer
for long videos), so equality to the second would turn every upload into an edit held for a
create that never comes. Up to `UPLOAD_WINDOW` (10 minutes) it is a create: long enough for slow
processing, short enough that an edit made later is still an edit. An edit made inside the window
is then mapped as a create too; its text is still evaluated (it has its own key, from `updated`),
so nothing escapes the check.

The body is parsed with defusedxml with DTDs forbidden outright: a feed never needs one, and it
is the way in for entity expansion ("billion laughs") and external entities.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated
from xml.etree.ElementTree import Element  # the type only; parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from pydantic import Field, StringConstraints

from uppsikt.model.events import (
    Action,
    Attachment,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
)
from uppsikt.platforms.delivery import DeliveryContext, Payload
from uppsikt.platforms.delivery import parse as parse_payload
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.times import SentTime
from uppsikt.platforms.youtube import _fields
from uppsikt.platforms.youtube._fields import YouTubeId

ATOM = "http://www.w3.org/2005/Atom"
YT = "http://www.youtube.com/xml/schemas/2015"
AT = "http://purl.org/atompub/tombstones/1.0"
NAMESPACES = {"atom": ATOM, "yt": YT, "at": AT}

_FEED = f"{{{ATOM}}}feed"
_ENTRY = f"{{{ATOM}}}entry"
_DELETED = f"{{{AT}}}deleted-entry"
_VIDEO_REF = "yt:video:"
_CHANNEL_IN_URI = re.compile(r"/channel/([A-Za-z0-9_\-]+)")
UPLOAD_WINDOW = timedelta(minutes=10)  # see the module docstring

Result = NormalisedEvent | Ignored | Unmappable


def parse(body: bytes) -> Element:
    """The feed element of a notification body; ValueError for anything that is not one."""
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:  # already a ValueError; say what it was
        raise ValueError("the body declares a DTD or entities, which are refused") from exc
    except ParseError as exc:
        raise ValueError("the body is not well-formed XML") from exc
    except LookupError as exc:  # an XML declaration naming an encoding Python does not know
        raise ValueError("the body declares an unknown encoding") from exc
    if root.tag != _FEED:
        raise ValueError("the body is not an Atom feed")
    return root


def normalise_feed(body: bytes, ctx: DeliveryContext) -> list[Result]:
    """One result per `entry` and `at:deleted-entry`, in document order; a bad item becomes an
    `Unmappable` in its place. Raises ValueError when the body is not an Atom feed at all."""
    _fields.check_context(ctx)
    root = parse(body)
    results: list[Result] = []
    index = 0
    for child in root:
        mapper: Callable[[Element, DeliveryContext, int], NormalisedEvent]
        if child.tag == _ENTRY:
            mapper = _entry
        elif child.tag == _DELETED:
            mapper = _tombstone
        else:
            continue  # the feed's own title, links and updated time
        try:
            results.append(mapper(child, ctx, index))
        except Unmappable as exc:
            results.append(exc)
        index += 1
    return results


def _text(element: Element, path: str) -> str | None:
    return element.findtext(path, namespaces=NAMESPACES)


def _alternate_link(element: Element) -> str | None:
    for link in element.findall("atom:link", NAMESPACES):
        if link.get("rel", "alternate") == "alternate":  # Atom's default rel
            href = link.get("href")
            return href.strip() if href and href.strip() else None
    return None


class _Entry(Payload):
    """An upload or edit, from the entry's elements (named as the feed names them)."""

    video_id: YouTubeId = Field(alias="yt:videoId")
    channel_id: str | None = Field(default=None, alias="yt:channelId")
    title: str | None = None
    published: SentTime | None = None
    updated: SentTime | None = None


class _Tombstone(Payload):
    """A video deleted or made private: `<at:deleted-entry ref="yt:video:…" when="…">`."""

    ref: Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^yt:video:")]
    when: SentTime | None = None

    @property
    def video_id(self) -> str:
        return _fields.youtube_id(self.ref[len(_VIDEO_REF) :], "deleted-entry ref")


def _entry(element: Element, ctx: DeliveryContext, index: int) -> NormalisedEvent:
    entry = parse_payload(
        _Entry,
        {
            name: text
            for name, path in (
                ("yt:videoId", "yt:videoId"),
                ("yt:channelId", "yt:channelId"),
                ("title", "atom:title"),
                ("published", "atom:published"),
                ("updated", "atom:updated"),
            )
            if (text := _text(element, path)) is not None
        },
        "entry",
    )
    video_id, published, updated = entry.video_id, entry.published, entry.updated
    moment = updated or published
    if moment is None:
        raise Unmappable("entry has neither updated nor published")
    if published is not None and (
        updated is None or updated.moment - published.moment <= UPLOAD_WINDOW
    ):
        action, when = Action.CREATED, published.moment
    else:
        action, when = Action.EDITED, moment.moment
    return _fields.event(
        ctx,
        index,
        0,
        object_kind=ObjectKind.POST,
        action=action,
        item_id=video_id,
        post_id=video_id,
        author=_fields.author(ctx, entry.channel_id, "yt:channelId"),
        text=entry.title,
        attachments=(
            Attachment(
                kind=AttachmentKind.VIDEO, url=_alternate_link(element), platform_id=video_id
            ),
        ),
        event_time=when,
        idempotency_key=f"youtube:video:{video_id}:{moment.sent}",
    )


def _tombstone(deleted: Element, ctx: DeliveryContext, index: int) -> NormalisedEvent:
    tombstone = parse_payload(_Tombstone, dict(deleted.attrib), "deleted-entry")
    video_id, when = tombstone.video_id, tombstone.when
    uri = _text(deleted, "at:by/atom:uri")
    found = _CHANNEL_IN_URI.search(uri) if uri else None
    return _fields.event(
        ctx,
        index,
        0,
        object_kind=ObjectKind.POST,
        action=Action.DELETED,
        item_id=video_id,
        post_id=video_id,
        author=_fields.author(ctx, found.group(1) if found else None, "at:by uri"),
        event_time=when.moment if when else None,
        idempotency_key=f"youtube:video:{video_id}:deleted:{when.sent if when else '-'}",
    )
