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
from typing import Any

from pydantic import ValidationError

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
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.errors import Unmappable

__all__ = ["Result", "Unmappable", "normalise_delivery"]

Result = NormalisedEvent | Ignored | Unmappable

_ID = re.compile(r"[0-9]{1,20}")  # X post and user ids: unsigned 64-bit, in decimal
_EVENT_UUID = re.compile(r"-?[0-9]{1,20}")  # signed 64-bit, may be negative (platforms.md §2.5)
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


# --- small readers; each raises Unmappable naming the field, never its content ------------------


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Unmappable(f"{what} is not an object")
    return value


def _optional_id(value: object, what: str, pattern: re.Pattern[str] = _ID) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # json.loads reads integers exactly; floats are what lose digits
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise Unmappable(f"{what} is not an id string")
    return value


def _id(value: object, what: str, pattern: re.Pattern[str] = _ID) -> str:
    found = _optional_id(value, what, pattern)
    if found is None:
        raise Unmappable(f"{what} is missing")
    return found


def _optional_text(value: object, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unmappable(f"{what} is not a string")
    return value


def _list(value: object, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Unmappable(f"{what} is not a list")
    return value


def _unwrap(value: object) -> object:
    """`{"data": {...}}` → `{...}`: XAA wraps some expanded objects (platforms.md §2.5)."""
    if isinstance(value, dict) and len(value) == 1 and isinstance(value.get("data"), dict):
        return value["data"]
    return value


def _millis(value: object, what: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _MILLIS.fullmatch(value):
        raise Unmappable(f"{what} is not a millisecond timestamp")
    millis = int(value)
    try:
        return datetime.fromtimestamp(millis // 1000, tz=UTC) + timedelta(
            milliseconds=millis % 1000
        )
    except (OverflowError, OSError, ValueError) as exc:
        raise Unmappable(f"{what} is out of range") from exc


def _v1_time(value: object) -> datetime | None:
    if value is None:
        return None
    match = _V1_TIME.fullmatch(value) if isinstance(value, str) else None
    if match is None or match[1] not in _MONTHS:
        raise Unmappable("created_at is not a v1.1 date")
    month, day, hour, minute, second, sign, off_h, off_m, year = match.groups()
    offset = timedelta(hours=int(off_h), minutes=int(off_m)) * (-1 if sign == "-" else 1)
    try:
        zone = timezone(offset)
        return datetime(
            int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second), tzinfo=zone
        )
    except ValueError as exc:
        raise Unmappable("created_at is not a v1.1 date") from exc


def _iso_time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_LABEL:
        raise Unmappable("created_at is not an ISO-8601 date")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Unmappable("created_at is not an ISO-8601 date") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


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


def _link(entry: object) -> Attachment | None:
    if not isinstance(entry, dict) or "media_key" in entry:  # v2 lists media urls here too
        return None
    url = entry.get("expanded_url") or entry.get("url")
    return Attachment(kind=AttachmentKind.LINK, url=url) if isinstance(url, str) else None


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
        raise Unmappable(f"{key} is not a list")
    if key == _AAA_CREATE:
        _check_account(account, ctx, "for_user_id")
        return _aaa_tweet(_object(item, "tweet_create_events item"), account, ctx, index)
    if key == _AAA_DELETE:
        _check_account(account, ctx, "for_user_id")
        return _aaa_delete(_object(item, "tweet_delete_events item"), account, ctx, index)
    reason = _AAA_IGNORED.get(key, "an Account Activity event type that is not monitored")
    return Ignored(platform=Platform.X, reason=reason)


def _aaa_text(tweet: dict[str, Any], what: str) -> str | None:
    if tweet.get("truncated") is True:
        extended = tweet.get("extended_tweet")
        full = extended.get("full_text") if isinstance(extended, dict) else None
        if not isinstance(full, str):
            # Checking the first 140 characters and calling it done would drop the rest silently.
            raise Unmappable(f"{what} is truncated but has no extended_tweet.full_text")
        return full
    if "text" in tweet:
        return _optional_text(tweet["text"], f"{what}.text")
    return _optional_text(tweet.get("full_text"), f"{what}.full_text")


def _aaa_entities(tweet: dict[str, Any], name: str) -> dict[str, Any]:
    """`entities`/`extended_entities`, from `extended_tweet` when the post is truncated."""
    source = tweet
    if tweet.get("truncated") is True and isinstance(tweet.get("extended_tweet"), dict):
        source = tweet["extended_tweet"]
    found = source.get(name)
    if found is None:
        return {}
    return _object(found, name)


def _aaa_attachments(tweet: dict[str, Any]) -> list[Attachment]:
    media = _aaa_entities(tweet, "extended_entities").get("media")
    if media is None:  # older payloads only have the first item under entities
        media = _aaa_entities(tweet, "entities").get("media")
    found: list[Attachment] = []
    for item in _list(media, "extended_entities.media"):
        if not isinstance(item, dict):
            raise Unmappable("a media item is not an object")
        url = item.get("media_url_https") or item.get("media_url")
        found.append(
            Attachment(
                kind=_media_kind(item.get("type")),
                url=url if isinstance(url, str) else None,
                platform_id=_optional_id(item.get("id_str"), "media id_str"),
            )
        )
    urls = _aaa_entities(tweet, "entities").get("urls")
    found.extend(link for entry in _list(urls, "entities.urls") if (link := _link(entry)))
    return found


def _aaa_mentions(tweet: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    for source in (tweet, tweet.get("extended_tweet")):
        entities = source.get("entities") if isinstance(source, dict) else None
        mentions = entities.get("user_mentions") if isinstance(entities, dict) else None
        for mention in mentions if isinstance(mentions, list) else []:
            if isinstance(mention, dict) and isinstance(mention.get("id_str"), str):
                ids.add(mention["id_str"])
    return ids


def _aaa_quoted_id(tweet: dict[str, Any]) -> str | None:
    quoted = _optional_id(tweet.get("quoted_status_id_str"), "quoted_status_id_str")
    if quoted is None and tweet.get("quoted_status") is not None:
        status = _object(tweet["quoted_status"], "quoted_status")
        quoted = _id(status.get("id_str"), "quoted_status.id_str")
    return quoted


def _aaa_original_id(tweet: dict[str, Any]) -> str | None:
    history = tweet.get("edit_history")
    if history is None:
        return None
    history = _object(history, "edit_history")
    initial = _optional_id(history.get("initial_tweet_id"), "edit_history.initial_tweet_id")
    if initial is not None:
        return initial
    edits = _list(history.get("edit_tweet_ids"), "edit_history.edit_tweet_ids")
    return _id(edits[0], "edit_history.edit_tweet_ids[0]") if edits else None


def _aaa_time(item: dict[str, Any]) -> datetime | None:
    moment = _millis(item.get("timestamp_ms"), "timestamp_ms")
    return moment if moment is not None else _v1_time(item.get("created_at"))


def _aaa_tweet(
    tweet: dict[str, Any], account: str, ctx: DeliveryContext, index: int
) -> NormalisedEvent | Ignored:
    tweet_id = _id(tweet.get("id_str"), "id_str")  # never the numeric `id`
    user = _object(tweet.get("user"), "user")
    author_id = _id(user.get("id_str"), "user.id_str")
    own = author_id == account
    attachments: list[Attachment] = []

    if tweet.get("retweeted_status") is not None:
        if not own:
            return Ignored(platform=Platform.X, reason=_REPOST_BY_OTHERS)
        original = _object(tweet["retweeted_status"], "retweeted_status")
        shared = _id(original.get("id_str"), "retweeted_status.id_str")
        kind, parent = ObjectKind.POST, None
        text = _aaa_text(original, "retweeted_status")
        attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=shared))
        attachments.extend(_aaa_attachments(original))
    else:
        parent = _optional_id(tweet.get("in_reply_to_status_id_str"), "in_reply_to_status_id_str")
        replied_user = _optional_id(tweet.get("in_reply_to_user_id_str"), "in_reply_to_user_id_str")
        quoted = _aaa_quoted_id(tweet)
        if own:
            kind = ObjectKind.REPLY if parent or replied_user else ObjectKind.POST
        elif replied_user == account:
            kind = ObjectKind.REPLY
        elif account in _aaa_mentions(tweet):
            kind = ObjectKind.MENTION
        elif quoted is not None:
            kind = ObjectKind.POST
        elif parent is not None:
            kind = ObjectKind.REPLY
        else:
            kind = ObjectKind.MENTION
        text = _aaa_text(tweet, "tweet")
        if quoted is not None:
            attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=quoted))
        attachments.extend(_aaa_attachments(tweet))

    item_id, action = _version(tweet_id, _aaa_original_id(tweet))
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
        event_time=_aaa_time(tweet),
        idempotency_key=f"x:aaa:{_AAA_CREATE}:{tweet_id}:{account}",
    )


def _aaa_delete(
    item: dict[str, Any], account: str, ctx: DeliveryContext, index: int
) -> NormalisedEvent:
    status = _object(item.get("status"), "status")
    raw_id = status.get("id_str", status.get("id"))
    deleted = _id(raw_id, "status.id")
    raw_author = status.get("user_id_str", status.get("user_id"))
    author_id = _optional_id(raw_author, "status.user_id")
    return _event(
        ctx,
        index,
        account,
        object_kind=ObjectKind.POST,
        action=Action.DELETED,
        item_id=deleted,
        post_id=deleted,
        author=_author(ctx, author_id, account),
        event_time=_millis(item.get("timestamp_ms"), "timestamp_ms"),
        idempotency_key=f"x:aaa:{_AAA_DELETE}:{deleted}:{account}",
    )


# --- X Activity API (v2) ------------------------------------------------------------------------


def _xaa(envelope: dict[str, Any], ctx: DeliveryContext, index: int) -> NormalisedEvent | Ignored:
    event_type: str = envelope["event_type"]
    family = event_type.split(".", 1)[0]
    if event_type == _XAA_REPOST:
        return Ignored(platform=Platform.X, reason=_REPOST_BY_OTHERS)
    if family != "post":
        reason = _XAA_IGNORED_FAMILIES.get(family, "event type is not monitored")
        return Ignored(platform=Platform.X, reason=reason)
    if event_type not in _XAA_KINDS and event_type not in (_XAA_CREATE, _XAA_DELETE):
        # A post event we do not know may carry content: say so rather than drop it.
        raise Unmappable("event_type is an unknown post event type")

    uuid = _id(envelope.get("event_uuid"), "event_uuid", _EVENT_UUID)
    account = _id(_object(envelope.get("filter"), "filter").get("user_id"), "filter.user_id")
    _check_account(account, ctx, "filter.user_id")
    payload = _object(envelope.get("payload"), "payload")
    key = f"x:xaa:{account}:{event_type}:{uuid}"
    if event_type == _XAA_DELETE:
        deleted = _id(payload.get("id"), "payload.id")
        author_id = _optional_id(payload.get("author_id"), "payload.author_id")
        return _event(
            ctx,
            index,
            account,
            object_kind=ObjectKind.POST,
            action=Action.DELETED,
            item_id=deleted,
            post_id=deleted,
            author=_author(ctx, author_id, account),
            idempotency_key=key,
        )
    includes = envelope.get("includes")
    includes = _object(includes, "includes") if includes is not None else {}
    return _xaa_post(event_type, payload, includes, account=account, key=key, ctx=ctx, index=index)


def _xaa_references(post: dict[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for entry in _list(post.get("referenced_tweets"), "referenced_tweets"):
        ref = _object(entry, "referenced_tweets item")
        kind = ref.get("type")
        if isinstance(kind, str) and kind not in found:
            found[kind] = _id(ref.get("id"), "referenced_tweets id")
    return found


def _xaa_included(includes: dict[str, Any], name: str, key: str) -> dict[str, dict[str, Any]]:
    by_key: dict[str, dict[str, Any]] = {}
    for entry in _list(includes.get(name), f"includes.{name}"):
        item = _unwrap(entry)
        if isinstance(item, dict) and isinstance(item.get(key), str):
            by_key.setdefault(item[key], item)
    return by_key


def _xaa_text(post: dict[str, Any], what: str) -> str | None:
    note = post.get("note_tweet")  # posts longer than 280 characters carry their text here
    if note is not None:
        full = _object(note, f"{what}.note_tweet").get("text")
        if isinstance(full, str):
            return full
    return _optional_text(post.get("text"), f"{what}.text")


def _xaa_attachments(post: dict[str, Any], includes: dict[str, Any]) -> list[Attachment]:
    found: list[Attachment] = []
    attached = post.get("attachments")
    keys = _object(attached, "attachments").get("media_keys") if attached is not None else None
    media = _xaa_included(includes, "media", "media_key")
    for media_key in _list(keys, "attachments.media_keys"):
        if not isinstance(media_key, str) or not media_key or len(media_key) > _MAX_LABEL:
            raise Unmappable("a media key is not a short string")
        item = media.get(media_key, {})
        url = item.get("url") or item.get("preview_image_url")
        found.append(
            Attachment(
                kind=_media_kind(item.get("type")),
                url=url if isinstance(url, str) else None,
                platform_id=media_key,
            )
        )
    entities = post.get("entities")
    urls = _object(entities, "entities").get("urls") if entities is not None else None
    found.extend(link for entry in _list(urls, "entities.urls") if (link := _link(entry)))
    return found


def _xaa_original_id(post: dict[str, Any]) -> str | None:
    history = _list(post.get("edit_history_tweet_ids"), "edit_history_tweet_ids")
    if len(history) < 2:
        return None
    return _id(history[0], "edit_history_tweet_ids[0]")


def _xaa_post(
    event_type: str,
    post: dict[str, Any],
    includes: dict[str, Any],
    *,
    account: str,
    key: str,
    ctx: DeliveryContext,
    index: int,
) -> NormalisedEvent | Ignored:
    post_id = _id(post.get("id"), "payload.id")
    author_id = _id(post.get("author_id"), "payload.author_id")
    own = author_id == account
    refs = _xaa_references(post)
    attachments: list[Attachment] = []

    if "retweeted" in refs:
        if event_type != _XAA_CREATE or not own:
            return Ignored(platform=Platform.X, reason=_REPOST_BY_OTHERS)
        original = _xaa_included(includes, "tweets", "id").get(refs["retweeted"])
        source = original if original is not None else post  # "RT @…" text when not expanded
        kind, parent = ObjectKind.POST, None
        text = _xaa_text(source, "reposted post")
        attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=refs["retweeted"]))
        attachments.extend(_xaa_attachments(source, includes))
    else:
        parent = refs.get("replied_to") or _optional_id(
            post.get("in_reply_to_tweet_id"), "in_reply_to_tweet_id"
        )
        replied_user = _optional_id(post.get("in_reply_to_user_id"), "in_reply_to_user_id")
        if event_type in _XAA_KINDS:
            kind = _XAA_KINDS[event_type]
        elif parent is not None or replied_user is not None:
            kind = ObjectKind.REPLY
        else:
            kind = ObjectKind.POST if own else ObjectKind.MENTION
        text = _xaa_text(post, "payload")
        if "quoted" in refs:
            attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=refs["quoted"]))
        attachments.extend(_xaa_attachments(post, includes))

    item_id, action = _version(post_id, _xaa_original_id(post))
    return _event(
        ctx,
        index,
        account,
        object_kind=kind,
        action=action,
        item_id=item_id,
        post_id=post_id,
        parent_id=parent,
        author=_author(ctx, author_id, account),
        text=text,
        attachments=tuple(attachments),
        event_time=_iso_time(post.get("created_at")),
        idempotency_key=key,
    )
