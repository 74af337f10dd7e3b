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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import Field, PlainValidator, field_validator

from uppsikt.model.events import (
    Attachment,
    AttachmentKind,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
)
from uppsikt.platforms.delivery import (
    CamelPayload,
    DeliveryContext,
    Lenient,
    LenientList,
    Payload,
    parse,
)
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.times import IsoTime

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


def _syntax(pattern: re.Pattern[str], limit: int, noun: str) -> Callable[[object], str]:
    def check(value: object) -> str:
        if isinstance(value, str) and len(value) <= limit and pattern.fullmatch(value):
            return value
        raise ValueError(f"not {noun}")

    return check


def _record_key(value: object) -> str:
    if isinstance(value, str) and _RKEY.fullmatch(value) and value not in (".", ".."):
        return value
    raise ValueError("not a record key")


# atproto's syntax as payload models declare it; errors say what the value is not.
Did = Annotated[str, PlainValidator(_syntax(_DID, _MAX_DID, "a DID"))]
Nsid = Annotated[str, PlainValidator(_syntax(_NSID, _MAX_NSID, "an NSID"))]
RecordKey = Annotated[str, PlainValidator(_record_key)]
Cid = Annotated[str, PlainValidator(_syntax(_CID, 128, "a CID"))]
Rev = Annotated[str, PlainValidator(_syntax(_REV, 64, "a revision"))]


def did(value: Any, what: str) -> str:
    try:
        return _syntax(_DID, _MAX_DID, "a DID")(value)
    except ValueError:
        raise Unmappable(f"{what} is missing or not a DID") from None


def rkey(value: Any, what: str = "rkey") -> str:
    try:
        return _record_key(value)
    except ValueError:
        raise Unmappable(f"{what} is missing or not a record key") from None


@dataclass(frozen=True, slots=True)
class AtUri:
    authority: str  # a DID, or (rarely, in old records) a handle
    collection: str
    rkey: str

    @classmethod
    def parse(cls, value: Any, what: str) -> AtUri:
        """`Unmappable` naming `what` for anything that is not an at:// record URI."""
        try:
            return cls.read(value)
        except ValueError as exc:
            raise Unmappable(f"{what} is {exc}") from None

    @classmethod
    def read(cls, value: object) -> AtUri:
        """The validator of `AtUriField`: `ValueError` saying what the value is not."""
        if not isinstance(value, str) or not value.startswith("at://") or len(value) > 8192:
            raise ValueError("not an at:// URI")
        rest = value[len("at://") :].split("#", 1)[0].split("?", 1)[0]
        parts = rest.split("/")
        if len(parts) != 3:
            raise ValueError("not an at:// record URI")
        authority, collection, key = parts
        if not (len(authority) <= _MAX_DID and _DID.fullmatch(authority)) and not (
            len(authority) <= 253 and _HANDLE.fullmatch(authority)
        ):
            raise ValueError("an at:// URI with no DID or handle")
        try:
            return cls(authority, _syntax(_NSID, _MAX_NSID, "")(collection), _record_key(key))
        except ValueError:
            raise ValueError("an at:// URI with a bad collection or record key") from None


AtUriField = Annotated[AtUri, PlainValidator(AtUri.read)]


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


class _StrongRef(Payload):
    uri: AtUriField


class Reply(Payload):
    root: _StrongRef
    parent: _StrongRef


class _Feature(Payload):
    type: Lenient[str] = Field(default=None, alias="$type")
    did: Lenient[str] = None


class _Facet(Payload):
    features: LenientList[_Feature] = Field(default_factory=list)


class PostRecord(CamelPayload):
    """An `app.bsky.feed.post` record. Written by clients: `createdAt` and facets only annotate
    the post, so a malformed one is read as absent rather than costing us the post."""

    type: str | None = Field(default=None, alias="$type")
    text: str | None = None
    created_at: Lenient[IsoTime] = None
    reply: Reply | None = None
    facets: LenientList[_Facet] = Field(default_factory=list)
    embed: dict[str, Any] | None = None

    @field_validator("type")
    @classmethod
    def _is_a_post(cls, value: str | None) -> str | None:
        if value is not None and value != POST:
            raise ValueError("not an app.bsky.feed.post")
        return value


def mentions(record: PostRecord) -> set[str]:
    """DIDs named by mention facets."""
    return {
        feature.did
        for facet in record.facets
        for feature in facet.features
        if feature.type == MENTION_FEATURE and feature.did is not None
    }


def quoted(record: PostRecord) -> AtUri | None:
    """The record a post quotes (`app.bsky.embed.record` or `…recordWithMedia`), if any."""
    embed = record.embed
    if embed is None:
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


def classify(author: str, record: PostRecord, org: str) -> ObjectKind | None:
    """POST for the organisation's own post; REPLY when it is in the organisation's thread (its
    parent or root is the organisation's); MENTION when a facet names the organisation or it
    quotes one of the organisation's records; None when it is not about the organisation."""
    if author == org:
        return ObjectKind.POST
    reply = record.reply
    if reply is not None and org in (reply.parent.uri.authority, reply.root.uri.authority):
        return ObjectKind.REPLY
    if org in mentions(record):
        return ObjectKind.MENTION
    quote = quoted(record)
    if quote is not None and quote.authority == org:
        return ObjectKind.MENTION
    return None


def text_of(record: PostRecord) -> str:
    return record.text or ""


def post_record(record: Any) -> PostRecord:
    if record is None:
        raise Unmappable("post has no record")
    return parse(PostRecord, record, "record")


def attachments(record: PostRecord, refs: Refs) -> tuple[Attachment, ...]:
    if record.embed is None:
        return ()
    return _embed(record.embed, refs, nested=False)


class _BlobRef(Payload):
    link: Lenient[Cid] = Field(default=None, alias="$link")


class _Blob(Payload):
    """Current blobs: `{"$type": "blob", "ref": {"$link": cid}, …}`; legacy: `{"cid": cid}`."""

    ref: Lenient[_BlobRef] = None
    cid: Lenient[Cid] = None

    @property
    def id(self) -> str | None:
        return self.ref.link if self.ref is not None else self.cid


class _Image(Payload):
    image: Lenient[_Blob] = None


class _Images(Payload):
    images: list[Lenient[_Image]]


class _Video(Payload):
    video: Lenient[_Blob] = None


class _External(Payload):
    uri: str


class _ExternalEmbed(Payload):
    external: _External


class _RecordRef(Payload):
    uri: AtUriField


class _RecordEmbed(Payload):
    record: _RecordRef


class _RecordWithMedia(Payload):
    record: dict[str, Any]
    media: dict[str, Any]


def _blob_id(blob: _Blob | None) -> str | None:
    return blob.id if blob is not None else None


def _embed(embed: dict[str, Any], refs: Refs, *, nested: bool) -> tuple[Attachment, ...]:
    kind = embed.get("$type")
    if kind == "app.bsky.embed.images":
        images = parse(_Images, embed, "embed images").images
        return tuple(
            Attachment(
                kind=AttachmentKind.PHOTO,
                platform_id=_blob_id(image.image) if image is not None else None,
            )
            for image in images
        )
    if kind == "app.bsky.embed.video":
        video = parse(_Video, embed, "embed video").video
        return (Attachment(kind=AttachmentKind.VIDEO, platform_id=_blob_id(video)),)
    if kind == "app.bsky.embed.external":
        external = parse(_ExternalEmbed, embed, "embed external").external
        return (Attachment(kind=AttachmentKind.LINK, url=external.uri),)
    if kind == "app.bsky.embed.record":
        uri = parse(_RecordEmbed, embed, "embed record").record.uri
        return (Attachment(kind=AttachmentKind.SHARE, platform_id=refs.ref(uri)),)
    if kind == "app.bsky.embed.recordWithMedia" and not nested:
        both = parse(_RecordWithMedia, embed, "embed recordWithMedia")
        record = both.record | {"$type": "app.bsky.embed.record"}
        return _embed(record, refs, nested=True) + _embed(both.media, refs, nested=True)
    # An embed type we do not know yet: record that media is there rather than drop it.
    return (Attachment(kind=AttachmentKind.MEDIA),)


# --- small parts ---------------------------------------------------------------------------------


def from_time_us(value: Any) -> datetime | None:
    """Jetstream's `time_us` (microseconds since the epoch, set by the relay)."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)
    except OverflowError:
        return None
