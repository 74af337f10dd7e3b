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
from xml.etree.ElementTree import Element  # the type only; parsing goes through defusedxml

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from uppsikt.model.events import (
    Action,
    Attachment,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
)
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.youtube import _fields

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


def _entry(entry: Element, ctx: DeliveryContext, index: int) -> NormalisedEvent:
    video_id = _fields.youtube_id(_text(entry, "yt:videoId"), "yt:videoId")
    published = _fields.timestamp(_text(entry, "atom:published"), "published")
    updated = _fields.timestamp(_text(entry, "atom:updated"), "updated")
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
        author=_fields.author(ctx, _text(entry, "yt:channelId"), "yt:channelId"),
        text=_text(entry, "atom:title"),
        attachments=(
            Attachment(kind=AttachmentKind.VIDEO, url=_alternate_link(entry), platform_id=video_id),
        ),
        event_time=when,
        idempotency_key=f"youtube:video:{video_id}:{moment.sent}",
    )


def _tombstone(deleted: Element, ctx: DeliveryContext, index: int) -> NormalisedEvent:
    ref = deleted.get("ref")
    if ref is None or not ref.strip().startswith(_VIDEO_REF):
        raise Unmappable("deleted-entry ref is not yt:video:<id>")
    video_id = _fields.youtube_id(ref.strip()[len(_VIDEO_REF) :], "deleted-entry ref")
    when = _fields.timestamp(deleted.get("when"), "deleted-entry when")
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
