"""Map one verified X delivery to the event model: one result per item, in order.

Two products deliver to the same webhook (platforms.md §2):

* Account Activity API (AAA, v1.1): `{"for_user_id", "<type>_events": [...], ...}`; every element
  of every `*_events` list is an item, and so are `user_event` and `replay_job_status`.
* X Activity API (XAA, v2): `{"data": {"event_uuid", "filter", "event_type", "payload",
  "includes"}}`; the delivery is one item.

Each item becomes a `NormalisedEvent`, an `Ignored` with its reason, or an `Unmappable` (the
instance, not raised) when its shape is not understood: one odd item never sinks the others.
`ValueError` is raised only when the body is not an X delivery at all. Result `i` points at raw
part `ctx.pointer(i)`.

Decisions, so the mapping is predictable:

* Ids are always strings, and only `*_str` fields are read in v1.1: the numeric `id` may already
  have lost precision upstream (the saved samples show it). A float or boolean id makes its item
  `Unmappable`.
* `item_id` is the post's stable identity: for an edited post, the *original* id (the first of
  `edit_history_tweet_ids` in v2, `edit_history.initial_tweet_id` in v1.1), so every version
  updates the same item; the action is then `EDITED`. `post_id` is the id of the version this
  event describes (the new id for an edit, equal to `item_id` otherwise). `parent_id` is the post
  replied to, when known.
* Reposts (retweets): the account's own repost is `POST` with a `SHARE` attachment naming the
  reposted post, and the reposted text as its text (the organisation published it on its
  timeline). Another user's pure repost is `Ignored`: it adds no text, and the original was
  already checked when it was created. A quote has text of its own, so it is always mapped, with a
  `SHARE` attachment naming the quoted post.
* Kinds: the account's own post is `POST` (or `REPLY` when it replies to anything); another
  user's post is `REPLY` when it replies to the account, `MENTION` when it names the account,
  `POST` when it quotes the account, `REPLY` when it sits in a thread the account is in, and
  otherwise `MENTION` (AAA delivers other users' posts only because they involve the account).
  In v2 the event type decides: `post.reply.create` → `REPLY`, `post.mention.create` →
  `MENTION`, `post.quote.create` → `POST`.
* A deletion says nothing about what was deleted, so it is `POST`/`DELETED`; match it on
  `item_id`.
* Idempotency: AAA `x:aaa:<type>:<id_str>:<for_user_id>` (platforms.md §2.3). XAA
  `x:xaa:<filter.user_id>:<event_type>:<event_uuid>`: the documented `event_uuid`, scoped by
  account and event type because the documented examples show post events whose `event_uuid`
  equals the post id, so the same post reaching two accounts, or a create and a delete sharing a
  uuid, must not collapse into one.
* Authors: a pseudonym of the X user id (`ctx.author`); `is_account` when that id is the
  subscribed account. The raw id of another user never appears in an event. `includes.users` is
  not read (and in `post.delete` its items are wrapped as `{"data": {...}}`); `includes.tweets`
  and `includes.media` are read only to complete the payload's own repost text and media, and
  accept the wrapped form too.
* A delivery for another account than `ctx.account_id` is `Unmappable` for each content item:
  the receiver looked up the wrong account, which must be seen, not dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from functools import cache
from typing import Annotated, Any

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from uppsikt.model.events import (
    Action,
    Attachment,
    AttachmentKind,
    Author,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
)
from uppsikt.platforms.delivery import (
    DeliveryContext,
    Lenient,
    LenientList,
    Payload,
    number_as_text,
    parse,
)
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.times import IsoTime

__all__ = ["Result", "Unmappable", "normalise_delivery"]

Result = NormalisedEvent | Ignored | Unmappable

_ID = re.compile(r"[0-9]{1,20}")  # X post and user ids: unsigned 64-bit, in decimal
_MILLIS = re.compile(r"[0-9]{1,15}")
# "Fri May 03 12:20:30 +0000 2019", parsed by hand: strptime's %a/%b follow the process locale.
_V1_TIME = re.compile(
    r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r" ([+-])([0-9]{2})([0-9]{2}) ([0-9]{4})"
)
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
        start=1,
    )
}
_MAX_LABEL = 64  # the longest time string or media key we read

_MEDIA_KINDS = {
    "photo": AttachmentKind.PHOTO,
    "video": AttachmentKind.VIDEO,
    "animated_gif": AttachmentKind.VIDEO,  # a looping video: reviewed like one
}

_USERS_NOT_CONTENT = "follows, blocks and mutes concern users, not content"
_DIRECT_MESSAGES = "direct messages are not monitored"
_AAA_IGNORED = {
    "favorite_events": "likes carry no content to check",
    "follow_events": _USERS_NOT_CONTENT,
    "unfollow_events": _USERS_NOT_CONTENT,
    "block_events": _USERS_NOT_CONTENT,
    "unblock_events": _USERS_NOT_CONTENT,
    "mute_events": _USERS_NOT_CONTENT,
    "unmute_events": _USERS_NOT_CONTENT,
    "direct_message_events": _DIRECT_MESSAGES,
    "direct_message_indicate_typing_events": _DIRECT_MESSAGES,
    "direct_message_mark_read_events": _DIRECT_MESSAGES,
    "user_event": "an app revocation carries no content",
    "replay_job_status": "a replay job status carries no content",
}
_AAA_SINGLE_ITEMS = frozenset({"user_event", "replay_job_status"})
_AAA_CREATE = "tweet_create_events"
_AAA_DELETE = "tweet_delete_events"
_NOT_A_LIST = object()  # stands in for a `*_events` value that is not a list

_XAA_IGNORED_FAMILIES = {
    "like": "likes carry no content to check",
    "follow": _USERS_NOT_CONTENT,
    "block": _USERS_NOT_CONTENT,
    "mute": _USERS_NOT_CONTENT,
    "dm": _DIRECT_MESSAGES,
    "chat": "chats are not monitored",
    "oauth": "an app revocation carries no content",
}
_XAA_KINDS = {
    "post.reply.create": ObjectKind.REPLY,
    "post.mention.create": ObjectKind.MENTION,
    "post.quote.create": ObjectKind.POST,
}
_XAA_CREATE = "post.create"
_XAA_DELETE = "post.delete"
_XAA_REPOST = "post.repost.create"
_REPOST_BY_OTHERS = "a repost by another user adds no text of its own"


def normalise_delivery(data: object, ctx: DeliveryContext) -> list[Result]:
    """One result per item of `data` (a parsed JSON body), in order."""
    if ctx.platform is not Platform.X:
        raise ValueError("the delivery context is not for X")
    if not isinstance(data, dict):
        raise ValueError("an X delivery is a JSON object")
    if "for_user_id" in data:
        return _aaa(data, ctx)
    envelope = data.get("data")
    if isinstance(envelope, dict) and isinstance(envelope.get("event_type"), str):
        return [_guard(_xaa, envelope, ctx, 0)]
    raise ValueError("neither an Account Activity (for_user_id) nor an X Activity delivery")


def _guard(map_item: Callable[..., NormalisedEvent | Ignored], *args: Any) -> Result:
    try:
        return map_item(*args)
    except Unmappable as exc:
        return exc
    except ValidationError as exc:
        # Name the fields only: pydantic's own message quotes the input, which may be content.
        fields = sorted({".".join(str(p) for p in error["loc"]) for error in exc.errors()})
        return Unmappable(f"the mapped event is invalid in: {', '.join(fields)}")


# --- the payload, as models -------------------------------------------------------------------


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


# Ids as strings; an integer (json.loads reads integers exactly) as the text it stands for. A
# float or a boolean is no id: floats are what lose an X id's digits.
XId = Annotated[str, BeforeValidator(number_as_text), StringConstraints(pattern=r"^[0-9]{1,20}$")]
OptionalXId = Annotated[XId | None, BeforeValidator(_empty_is_none)]
# Event uuids are signed 64-bit and may be negative (platforms.md §2.5).
EventUuid = Annotated[
    str, BeforeValidator(number_as_text), StringConstraints(pattern=r"^-?[0-9]{1,20}$")
]
MediaKey = Annotated[str, StringConstraints(min_length=1, max_length=_MAX_LABEL)]


@cache
def _x_id() -> TypeAdapter[str]:
    """Built on first use, not at import (cold starts)."""
    return TypeAdapter(XId, config=ConfigDict(strict=True))


def _millis(value: object) -> datetime:
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value)
        if _MILLIS.fullmatch(text):
            millis = int(text)
            return datetime.fromtimestamp(millis // 1000, tz=UTC) + timedelta(
                milliseconds=millis % 1000
            )
    raise ValueError("not a millisecond timestamp")


def _v1_time(value: object) -> datetime:
    """ "Fri May 03 12:20:30 +0000 2019", parsed by hand: strptime's %a/%b follow the locale."""
    match = _V1_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None or match[1] not in _MONTHS:
        raise ValueError("not a v1.1 date")
    month, day, hour, minute, second, sign, off_h, off_m, year = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    try:
        zone = timezone(offset)
        return datetime(
            int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError:
        raise ValueError("not a v1.1 date") from None


Millis = Annotated[datetime, PlainValidator(_millis)]
OptionalMillis = Annotated[Millis | None, BeforeValidator(_empty_is_none)]
V1Time = Annotated[datetime, PlainValidator(_v1_time)]


class _Link(Payload):
    """An `entities.urls` entry; v2 lists media urls there too (those have a `media_key`)."""

    media_key: Any = None
    expanded_url: Lenient[str] = None
    url: Lenient[str] = None

    def attachment(self) -> Attachment | None:
        if self.media_key is not None:
            return None
        found = self.expanded_url or self.url
        return Attachment(kind=AttachmentKind.LINK, url=found) if found is not None else None


def _links(urls: list[_Link | None] | None) -> list[Attachment]:
    return [link for entry in urls or () if entry and (link := entry.attachment())]


# --- Account Activity API (v1.1) models


class _V1Media(Payload):
    type: Lenient[str] = None
    media_url_https: Lenient[str] = None
    media_url: Lenient[str] = None
    id_str: OptionalXId = None


class _V1Mention(Payload):
    id_str: Lenient[str] = None


class _V1Entities(Payload):
    media: list[_V1Media] | None = None
    urls: list[Lenient[_Link]] | None = None
    user_mentions: LenientList[_V1Mention] = Field(default_factory=list)


class _V1Extended(Payload):
    full_text: Lenient[str] = None
    entities: _V1Entities | None = None
    extended_entities: _V1Entities | None = None


class _V1Status(Payload):
    """What a post shows: its text and entities (a repost shows the reposted post's)."""

    id_str: XId  # never the numeric `id`, which may already have lost precision upstream
    text: str | None = None
    full_text: str | None = None
    truncated: Any = None
    extended_tweet: Lenient[_V1Extended] = None
    entities: _V1Entities | None = None
    extended_entities: _V1Entities | None = None

    def body(self, what: str) -> str | None:
        if self.truncated is True:
            full = self.extended_tweet.full_text if self.extended_tweet else None
            if full is None:
                # Checking the first 140 characters and calling it done would drop the rest.
                raise Unmappable(f"{what} is truncated but has no extended_tweet.full_text")
            return full
        return self.text if "text" in self.model_fields_set else self.full_text

    def _entities(self, name: str) -> _V1Entities | None:
        """`entities`/`extended_entities`, from `extended_tweet` when the post is truncated."""
        source: _V1Status | _V1Extended = self
        if self.truncated is True and self.extended_tweet is not None:
            source = self.extended_tweet
        found: _V1Entities | None = getattr(source, name)
        return found

    def attachments(self) -> list[Attachment]:
        extended, entities = self._entities("extended_entities"), self._entities("entities")
        media = extended.media if extended is not None else None
        if media is None and entities is not None:  # older payloads have the first item only
            media = entities.media
        found = [
            Attachment(
                kind=_media_kind(item.type),
                url=item.media_url_https or item.media_url,
                platform_id=item.id_str,
            )
            for item in media or ()
        ]
        found.extend(_links(entities.urls if entities is not None else None))
        return found

    def mentions(self) -> set[str]:
        ids: set[str] = set()
        for entities in (self.entities, self.extended_tweet and self.extended_tweet.entities):
            for mention in entities.user_mentions if entities else ():
                if mention.id_str is not None:
                    ids.add(mention.id_str)
        return ids


class _V1User(Payload):
    id_str: XId


class _V1Quoted(Payload):
    id_str: XId


class _V1EditHistory(Payload):
    initial_tweet_id: OptionalXId = None
    edit_tweet_ids: list[XId] | None = None

    def original(self) -> str | None:
        if self.initial_tweet_id is not None:
            return self.initial_tweet_id
        return self.edit_tweet_ids[0] if self.edit_tweet_ids else None


class _V1Tweet(_V1Status):
    user: _V1User
    retweeted_status: _V1Status | None = None
    in_reply_to_status_id_str: OptionalXId = None
    in_reply_to_user_id_str: OptionalXId = None
    quoted_status_id_str: OptionalXId = None
    quoted_status: _V1Quoted | None = None
    edit_history: _V1EditHistory | None = None
    timestamp_ms: OptionalMillis = None
    created_at: V1Time | None = None

    @property
    def quoted_id(self) -> str | None:
        if self.quoted_status_id_str is not None:
            return self.quoted_status_id_str
        return self.quoted_status.id_str if self.quoted_status is not None else None

    @property
    def time(self) -> datetime | None:
        return self.timestamp_ms or self.created_at


class _V1DeletedStatus(Payload):
    id_str: XId | None = None
    id: XId | None = None
    user_id_str: OptionalXId = None
    user_id: OptionalXId = None


class _V1Delete(Payload):
    status: _V1DeletedStatus
    timestamp_ms: OptionalMillis = None


# --- X Activity API (v2) models


class _Filter(Payload):
    user_id: XId


class _XaaEnvelope(Payload):
    event_type: str
    event_uuid: EventUuid
    filter: _Filter
    payload: dict[str, Any]  # read as `_V2Post` or `_V2Delete` by event type
    includes: _Includes | None = None


class _Includes(Payload):
    """Read only to complete the payload's own repost text and media. Items may be wrapped as
    `{"data": {...}}` (as `post.delete` does); one we cannot read is skipped."""

    tweets: list[Any] | None = None
    media: list[Any] | None = None

    def by(self, name: str, key: str) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for entry in getattr(self, name) or ():
            item = _unwrap(entry)
            if isinstance(item, dict) and isinstance(item.get(key), str):
                found.setdefault(item[key], item)
        return found


class _Note(Payload):
    text: Lenient[str] = None


class _V2Attachments(Payload):
    media_keys: list[MediaKey] | None = None


class _V2Entities(Payload):
    urls: list[Lenient[_Link]] | None = None


class _V2Content(Payload):
    """What a post shows (an included reposted post has no more than this)."""

    text: str | None = None
    note_tweet: _Note | None = None  # posts longer than 280 characters carry their text here
    attachments: _V2Attachments | None = None
    entities: _V2Entities | None = None

    def body(self) -> str | None:
        if self.note_tweet is not None and self.note_tweet.text is not None:
            return self.note_tweet.text
        return self.text

    def attached(self, includes: _Includes) -> list[Attachment]:
        media = includes.by("media", "media_key")
        found: list[Attachment] = []
        for media_key in self.attachments.media_keys or () if self.attachments else ():
            item = media.get(media_key, {})
            url = item.get("url") or item.get("preview_image_url")
            found.append(
                Attachment(
                    kind=_media_kind(item.get("type")),
                    url=url if isinstance(url, str) else None,
                    platform_id=media_key,
                )
            )
        found.extend(_links(self.entities.urls if self.entities else None))
        return found


class _V2Reference(Payload):
    type: Lenient[str] = None
    id: Any = None  # read for the first reference of each type only


class _V2Post(_V2Content):
    id: XId
    author_id: XId
    referenced_tweets: list[_V2Reference] | None = None
    in_reply_to_tweet_id: OptionalXId = None
    in_reply_to_user_id: OptionalXId = None
    edit_history_tweet_ids: list[Any] | None = None
    created_at: IsoTime | None = None

    def references(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for ref in self.referenced_tweets or ():
            if ref.type is not None and ref.type not in found:
                found[ref.type] = _id(ref.id, "referenced_tweets id")
        return found

    def original_id(self) -> str | None:
        history = self.edit_history_tweet_ids or []
        return _id(history[0], "edit_history_tweet_ids[0]") if len(history) >= 2 else None


class _V2Delete(Payload):
    id: XId
    author_id: OptionalXId = None


# --- small parts ---------------------------------------------------------------------------------


def _id(value: object, what: str) -> str:
    try:
        return _x_id().validate_python(value)
    except ValidationError:
        raise Unmappable(f"{what} is missing or not an id string") from None


def _unwrap(value: object) -> object:
    """`{"data": {...}}` → `{...}`: XAA wraps some expanded objects (platforms.md §2.5)."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("data"), dict):
        return value["data"]
    return value


def _author(ctx: DeliveryContext, raw_id: str | None, account: str) -> Author | None:
    pseudonym = ctx.author(raw_id)
    if raw_id is None or pseudonym is None:
        return None
    return Author(pseudonym=pseudonym, is_account=raw_id == account)


def _check_account(account: str, ctx: DeliveryContext, what: str) -> None:
    if account != ctx.account_id:
        raise Unmappable(f"{what} is another account than the one this delivery was routed to")


def _media_kind(value: object) -> AttachmentKind:
    if isinstance(value, str) and value in _MEDIA_KINDS:
        return _MEDIA_KINDS[value]
    return AttachmentKind.MEDIA


def _event(ctx: DeliveryContext, index: int, account: str, **fields: Any) -> NormalisedEvent:
    return NormalisedEvent(
        platform=Platform.X,
        account_id=account,
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        **fields,
    )


def _version(current_id: str, original_id: str | None) -> tuple[str, Action]:
    """(item_id, action): an edit keeps the original post's id as the item's identity."""
    if original_id is None or original_id == current_id:
        return current_id, Action.CREATED
    return original_id, Action.EDITED


# --- Account Activity API (v1.1) ----------------------------------------------------------------


def _aaa(body: dict[str, Any], ctx: DeliveryContext) -> list[Result]:
    raw_account = body.get("for_user_id")
    if isinstance(raw_account, bool | float) or not isinstance(raw_account, str | int):
        raise ValueError("for_user_id is not an id")
    account = str(raw_account)
    if not _ID.fullmatch(account):
        raise ValueError("for_user_id is not an id")

    items: list[tuple[str, object]] = []
    for key, value in body.items():
        if not isinstance(key, str):
            continue
        if key.endswith("_events") and isinstance(value, list):
            items.extend((key, element) for element in value)
        elif key.endswith("_events"):
            items.append((key, _NOT_A_LIST))  # one item, refused on its own if it is content
        elif key in _AAA_SINGLE_ITEMS:
            items.append((key, value))
    return [
        _guard(_aaa_item, key, item, account, ctx, index) for index, (key, item) in enumerate(items)
    ]


def _aaa_item(
    key: str, item: object, account: str, ctx: DeliveryContext, index: int
) -> NormalisedEvent | Ignored:
    if key in (_AAA_CREATE, _AAA_DELETE) and item is _NOT_A_LIST:
        raise Unmappable(f"{key} is not a list")  # one of our two names, never the payload's
    if key == _AAA_CREATE:
        _check_account(account, ctx, "for_user_id")
        return _aaa_tweet(parse(_V1Tweet, item, "tweet_create_events item"), account, ctx, index)
    if key == _AAA_DELETE:
        _check_account(account, ctx, "for_user_id")
        return _aaa_delete(parse(_V1Delete, item, "tweet_delete_events item"), account, ctx, index)
    # Never the key itself: it is the sender's text, and reasons are counted and logged.
    reason = _AAA_IGNORED.get(key, "an Account Activity event type that is not monitored")
    return Ignored(platform=Platform.X, reason=reason)


def _aaa_tweet(
    tweet: _V1Tweet, account: str, ctx: DeliveryContext, index: int
) -> NormalisedEvent | Ignored:
    tweet_id = tweet.id_str
    author_id = tweet.user.id_str
    own = author_id == account
    attachments: list[Attachment] = []

    if tweet.retweeted_status is not None:
        if not own:
            return Ignored(platform=Platform.X, reason=_REPOST_BY_OTHERS)
        original = tweet.retweeted_status
        kind, parent = ObjectKind.POST, None
        text = original.body("retweeted_status")
        attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=original.id_str))
        attachments.extend(original.attachments())
    else:
        parent = tweet.in_reply_to_status_id_str
        replied_user = tweet.in_reply_to_user_id_str
        quoted = tweet.quoted_id
        if own:
            kind = ObjectKind.REPLY if parent or replied_user else ObjectKind.POST
        elif replied_user == account:
            kind = ObjectKind.REPLY
        elif account in tweet.mentions():
            kind = ObjectKind.MENTION
        elif quoted is not None:
            kind = ObjectKind.POST
        elif parent is not None:
            kind = ObjectKind.REPLY
        else:
            kind = ObjectKind.MENTION
        text = tweet.body("tweet")
        if quoted is not None:
            attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=quoted))
        attachments.extend(tweet.attachments())

    original_id = tweet.edit_history.original() if tweet.edit_history is not None else None
    item_id, action = _version(tweet_id, original_id)
    return _event(
        ctx,
        index,
        account,
        object_kind=kind,
        action=action,
        item_id=item_id,
        post_id=tweet_id,
        parent_id=parent,
        author=_author(ctx, author_id, account),
        text=text,
        attachments=tuple(attachments),
        event_time=tweet.time,
        idempotency_key=f"x:aaa:{_AAA_CREATE}:{tweet_id}:{account}",
    )


def _aaa_delete(item: _V1Delete, account: str, ctx: DeliveryContext, index: int) -> NormalisedEvent:
    status = item.status
    deleted = status.id_str or status.id
    if deleted is None:
        raise Unmappable("status.id is missing")
    author_id = status.user_id_str or status.user_id
    return _event(
        ctx,
        index,
        account,
        object_kind=ObjectKind.POST,
        action=Action.DELETED,
        item_id=deleted,
        post_id=deleted,
        author=_author(ctx, author_id, account),
        event_time=item.timestamp_ms,
        idempotency_key=f"x:aaa:{_AAA_DELETE}:{deleted}:{account}",
    )


# --- X Activity API (v2) ------------------------------------------------------------------------


def _xaa(data: dict[str, Any], ctx: DeliveryContext, index: int) -> NormalisedEvent | Ignored:
    event_type: str = data["event_type"]
    family = event_type.split(".", 1)[0]
    if event_type == _XAA_REPOST:
        return Ignored(platform=Platform.X, reason=_REPOST_BY_OTHERS)
    if family != "post":
        # Never the event type itself: it is the sender's text, and reasons are logged.
        reason = _XAA_IGNORED_FAMILIES.get(family, "event type is not monitored")
        return Ignored(platform=Platform.X, reason=reason)
    if event_type not in _XAA_KINDS and event_type not in (_XAA_CREATE, _XAA_DELETE):
        # A post event we do not know may carry content: say so rather than drop it.
        raise Unmappable("event_type is an unknown post event type")

    envelope = parse(_XaaEnvelope, data, "data")
    account = envelope.filter.user_id
    _check_account(account, ctx, "filter.user_id")
    key = f"x:xaa:{account}:{event_type}:{envelope.event_uuid}"
    if event_type == _XAA_DELETE:
        deleted = parse(_V2Delete, envelope.payload, "payload")
        return _event(
            ctx,
            index,
            account,
            object_kind=ObjectKind.POST,
            action=Action.DELETED,
            item_id=deleted.id,
            post_id=deleted.id,
            author=_author(ctx, deleted.author_id, account),
            idempotency_key=key,
        )
    post = parse(_V2Post, envelope.payload, "payload")
    includes = envelope.includes or _Includes()
    return _xaa_post(event_type, post, includes, account=account, key=key, ctx=ctx, index=index)


def _xaa_post(
    event_type: str,
    post: _V2Post,
    includes: _Includes,
    *,
    account: str,
    key: str,
    ctx: DeliveryContext,
    index: int,
) -> NormalisedEvent | Ignored:
    own = post.author_id == account
    refs = post.references()
    attachments: list[Attachment] = []

    if "retweeted" in refs:
        if event_type != _XAA_CREATE or not own:
            return Ignored(platform=Platform.X, reason=_REPOST_BY_OTHERS)
        included = includes.by("tweets", "id").get(refs["retweeted"])
        # The reposted post when expanded, else the payload's own "RT @…" text.
        source = (
            parse(_V2Content, included, "includes.tweets item") if included is not None else post
        )
        kind, parent = ObjectKind.POST, None
        text = source.body()
        attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=refs["retweeted"]))
        attachments.extend(source.attached(includes))
    else:
        parent = refs.get("replied_to") or post.in_reply_to_tweet_id
        replied_user = post.in_reply_to_user_id
        if event_type in _XAA_KINDS:
            kind = _XAA_KINDS[event_type]
        elif parent is not None or replied_user is not None:
            kind = ObjectKind.REPLY
        else:
            kind = ObjectKind.POST if own else ObjectKind.MENTION
        text = post.body()
        if "quoted" in refs:
            attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=refs["quoted"]))
        attachments.extend(post.attached(includes))

    item_id, action = _version(post.id, post.original_id())
    return _event(
        ctx,
        index,
        account,
        object_kind=kind,
        action=action,
        item_id=item_id,
        post_id=post.id,
        parent_id=parent,
        author=_author(ctx, post.author_id, account),
        text=text,
        attachments=tuple(attachments),
        event_time=post.created_at,
        idempotency_key=key,
    )
