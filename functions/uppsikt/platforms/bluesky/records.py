"""What Jetstream events and notifications share: DIDs, AT URIs, post records (platforms.md §6).

Pseudonymous references. An AT URI names its author: `at://{did}/app.bsky.feed.post/{rkey}`.
Events must never carry a raw DID other than the organisation's (that one is `account_id` by
definition), so every URI and key in an event is written with `ref`: the authority is kept when
it is the organisation's DID and replaced by the author's pseudonym otherwise. The pseudonym is
keyed and stable, so the same post always gets the same reference (deduplication, deletions and
replies still line up), while the raw URI stays only in the verbatim delivery (`ctx.pointer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from uppsikt.model.events import (
    Attachment,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
)
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable

Result = NormalisedEvent | Ignored | Unmappable

PLATFORM = Platform.BLUESKY
POST = "app.bsky.feed.post"
MENTION_FEATURE = "app.bsky.richtext.facet#mention"

# atproto syntax (atproto.com/specs): DIDs, NSIDs, record keys and TIDs, with their length caps.
_DID = re.compile(r"did:[a-z]+:[a-zA-Z0-9._:%-]*[a-zA-Z0-9._-]")
_HANDLE = re.compile(r"[a-zA-Z0-9][a-zA-Z0-9.-]*[a-zA-Z0-9]")
_NSID = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*(\.[a-zA-Z0-9-]+)+(#[a-zA-Z][a-zA-Z0-9]*)?")
_RKEY = re.compile(r"[A-Za-z0-9._:~-]{1,512}")
_REV = re.compile(r"[A-Za-z0-9]{1,64}")
_CID = re.compile(r"[A-Za-z0-9]{8,128}")
_MAX_DID = 2048
_MAX_NSID = 317
_MAX_TIME = 64


def did(value: Any, what: str) -> str:
    if isinstance(value, str) and len(value) <= _MAX_DID and _DID.fullmatch(value):
        return value
    raise Unmappable(f"{what} is missing or not a DID")


def nsid(value: Any, what: str) -> str:
    if isinstance(value, str) and len(value) <= _MAX_NSID and _NSID.fullmatch(value):
        return value
    raise Unmappable(f"{what} is missing or not an NSID")


def rkey(value: Any, what: str = "rkey") -> str:
    if isinstance(value, str) and _RKEY.fullmatch(value) and value not in (".", ".."):
        return value
    raise Unmappable(f"{what} is missing or not a record key")


def revision(value: Any) -> str | None:
    return value if isinstance(value, str) and _REV.fullmatch(value) else None


def cid(value: Any) -> str | None:
    return value if isinstance(value, str) and _CID.fullmatch(value) else None


@dataclass(frozen=True, slots=True)
class AtUri:
    authority: str  # a DID, or (rarely, in old records) a handle
    collection: str
    rkey: str

    @classmethod
    def parse(cls, value: Any, what: str) -> AtUri:
        if not isinstance(value, str) or not value.startswith("at://") or len(value) > 8192:
            raise Unmappable(f"{what} is not an at:// URI")
        rest = value[len("at://") :].split("#", 1)[0].split("?", 1)[0]
        parts = rest.split("/")
        if len(parts) != 3:
            raise Unmappable(f"{what} is not an at:// record URI")
        authority, collection, key = parts
        if not (len(authority) <= _MAX_DID and _DID.fullmatch(authority)) and not (
            len(authority) <= 253 and _HANDLE.fullmatch(authority)
        ):
            raise Unmappable(f"{what} has no DID or handle")
        return cls(authority, nsid(collection, f"{what} collection"), rkey(key, f"{what} rkey"))


@dataclass(frozen=True, slots=True)
class Refs:
    """Writes references for one delivery (see the module docstring)."""

    ctx: DeliveryContext

    @property
    def org(self) -> str:
        return self.ctx.account_id

    def token(self, authority: str) -> str:
        if authority == self.org:
            return authority
        pseudonym = self.ctx.author(authority)
        if pseudonym is None:  # never: callers pass a validated, non-empty authority
            raise Unmappable("empty DID")
        return pseudonym

    def ref(self, uri: AtUri) -> str:
        return f"at://{self.token(uri.authority)}/{uri.collection}/{uri.rkey}"


# --- post records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reply:
    root: AtUri
    parent: AtUri


def reply_of(record: dict[str, Any]) -> Reply | None:
    reply = record.get("reply")
    if reply is None:
        return None
    if not isinstance(reply, dict):
        raise Unmappable("reply is not an object")
    root, parent = reply.get("root"), reply.get("parent")
    if not isinstance(root, dict) or not isinstance(parent, dict):
        raise Unmappable("reply lacks root or parent")
    return Reply(
        root=AtUri.parse(root.get("uri"), "reply.root.uri"),
        parent=AtUri.parse(parent.get("uri"), "reply.parent.uri"),
    )


def mentions(record: dict[str, Any]) -> set[str]:
    """DIDs named by mention facets. Facets are written by clients and only annotate the text,
    so a malformed one is skipped rather than failing the post."""
    found: set[str] = set()
    facets = record.get("facets")
    if not isinstance(facets, list):
        return found
    for facet in facets:
        features = facet.get("features") if isinstance(facet, dict) else None
        if not isinstance(features, list):
            continue
        for feature in features:
            if (
                isinstance(feature, dict)
                and feature.get("$type") == MENTION_FEATURE
                and isinstance(feature.get("did"), str)
            ):
                found.add(feature["did"])
    return found


def quoted(record: dict[str, Any]) -> AtUri | None:
    """The record a post quotes (`app.bsky.embed.record` or `…recordWithMedia`), if any."""
    embed = record.get("embed")
    if not isinstance(embed, dict):
        return None
    kind = embed.get("$type")
    holder: Any = None
    if kind == "app.bsky.embed.record":
        holder = embed.get("record")
    elif kind == "app.bsky.embed.recordWithMedia":
        inner = embed.get("record")
        holder = inner.get("record") if isinstance(inner, dict) else None
    if not isinstance(holder, dict):
        return None
    return AtUri.parse(holder.get("uri"), "embed.record.uri")


def classify(author: str, record: dict[str, Any], org: str) -> ObjectKind | None:
    """POST for the organisation's own post; REPLY when it is in the organisation's thread (its
    parent or root is the organisation's); MENTION when a facet names the organisation or it
    quotes one of the organisation's records; None when it is not about the organisation."""
    if author == org:
        return ObjectKind.POST
    reply = reply_of(record)
    if reply is not None and org in (reply.parent.authority, reply.root.authority):
        return ObjectKind.REPLY
    if org in mentions(record):
        return ObjectKind.MENTION
    quote = quoted(record)
    if quote is not None and quote.authority == org:
        return ObjectKind.MENTION
    return None


def text_of(record: dict[str, Any]) -> str:
    text = record.get("text")
    if text is None:
        return ""
    if not isinstance(text, str):
        raise Unmappable("record text is not a string")
    return text


def post_record(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise Unmappable("post has no record")
    kind = record.get("$type")
    if kind is not None and kind != POST:
        raise Unmappable("record is not an app.bsky.feed.post")
    return record


def attachments(record: dict[str, Any], refs: Refs) -> tuple[Attachment, ...]:
    embed = record.get("embed")
    if embed is None:
        return ()
    if not isinstance(embed, dict):
        raise Unmappable("embed is not an object")
    return _embed(embed, refs, nested=False)


def _blob_cid(blob: Any) -> str | None:
    # Current blobs: {"$type": "blob", "ref": {"$link": cid}, …}; legacy ones: {"cid": cid, …}.
    if not isinstance(blob, dict):
        return None
    ref = blob.get("ref")
    if isinstance(ref, dict):
        return cid(ref.get("$link"))
    return cid(blob.get("cid"))


def _embed(embed: dict[str, Any], refs: Refs, *, nested: bool) -> tuple[Attachment, ...]:
    kind = embed.get("$type")
    if kind == "app.bsky.embed.images":
        images = embed.get("images")
        if not isinstance(images, list):
            raise Unmappable("embed images is not a list")
        return tuple(
            Attachment(
                kind=AttachmentKind.PHOTO,
                platform_id=_blob_cid(image.get("image")) if isinstance(image, dict) else None,
            )
            for image in images
        )
    if kind == "app.bsky.embed.video":
        return (Attachment(kind=AttachmentKind.VIDEO, platform_id=_blob_cid(embed.get("video"))),)
    if kind == "app.bsky.embed.external":
        external = embed.get("external")
        uri = external.get("uri") if isinstance(external, dict) else None
        if not isinstance(uri, str):
            raise Unmappable("embed external has no uri")
        return (Attachment(kind=AttachmentKind.LINK, url=uri),)
    if kind == "app.bsky.embed.record":
        holder = embed.get("record")
        uri = AtUri.parse(holder.get("uri") if isinstance(holder, dict) else None, "embed record")
        return (Attachment(kind=AttachmentKind.SHARE, platform_id=refs.ref(uri)),)
    if kind == "app.bsky.embed.recordWithMedia" and not nested:
        record, media = embed.get("record"), embed.get("media")
        if not isinstance(record, dict) or not isinstance(media, dict):
            raise Unmappable("embed recordWithMedia lacks record or media")
        return _embed(record | {"$type": "app.bsky.embed.record"}, refs, nested=True) + _embed(
            media, refs, nested=True
        )
    # An embed type we do not know yet: record that media is there rather than drop it.
    return (Attachment(kind=AttachmentKind.MEDIA),)


# --- small parts ---------------------------------------------------------------------------------


def timestamp(value: Any) -> datetime | None:
    """An ISO 8601 datetime, or None when it is absent or unreadable (`createdAt` is written by
    the client, so a bad one must not cost us the post)."""
    if not isinstance(value, str) or not value or len(value) > _MAX_TIME:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def from_time_us(value: Any) -> datetime | None:
    """Jetstream's `time_us` (microseconds since the epoch, set by the relay)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)
    except OverflowError:
        return None
