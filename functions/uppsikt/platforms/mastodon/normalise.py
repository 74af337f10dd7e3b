"""Map Mastodon deliveries to the event model, one result per item, or say why it is ignored.

Two sources (platforms.md §5):

- `normalise_webhook`: an admin webhook body `{"event", "created_at", "object"}` (§5.1). Only an
  instance's administrators get these; `status.*` fires for every status the instance knows, so a
  status that neither is the organisation's nor replies to, mentions or quotes it is `Ignored`.
- `normalise_notifications`: the organisation's `GET /api/v1/notifications` page (§5.2), the usual
  case of an account on someone else's instance.

Both key a status version as `mastodon:status:{status_id}:{edited_at or created_at}`, so a status
seen by the admin webhook and again in the notifications poll is evaluated once, and each edit is
its own event.

Each returns a list with one `NormalisedEvent`, `Ignored` or `Unmappable` per item, in order; an
item that cannot be mapped is returned as its `Unmappable`, never raised. `ValueError` means the
input as a whole is not what the function reads (wrong source, not JSON, wrong top-level type).

The organisation is `ctx.account_id`: its account id on its instance (`"109…"`) or its handle
(`"org"`, `"org@instance.example"`, case-insensitive, with or without a leading `@`). A raw account
id of anyone else never reaches an event: authors are `ctx.author(...)` pseudonyms.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from uppsikt.model.events import (
    Action,
    Attachment,
    AttachmentKind,
    Author,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.platforms.delivery import DeliveryContext, check_platform, guarded, read_json
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.html_text import html_to_text

Result = NormalisedEvent | Ignored | Unmappable

PLATFORM = Platform.MASTODON
STATUS_EVENTS = {"status.created": Action.CREATED, "status.updated": Action.EDITED}

_MAX_ID = 200  # Mastodon ids are snowflakes; GoToSocial's ULIDs, Akkoma's flake ids are short too
_MAX_TIME = 64
_ID = re.compile(r"[^\s#]+")  # `#` would break the `platform#account#item` reference

_MEDIA_KINDS = {
    "image": AttachmentKind.PHOTO,
    "video": AttachmentKind.VIDEO,
    "gifv": AttachmentKind.VIDEO,
}

# Notification types that carry no content to evaluate (platforms.md §5.2; Mastodon's
# Notification entity). Anything not listed here and not mapped is ignored as "not monitored".
_IGNORED_NOTIFICATIONS = {
    "favourite": "favourites carry no content to check",
    "reblog": "boosts carry no content of their own",
    "follow": "follows concern users, not content",
    "follow_request": "follow requests concern users, not content",
    "poll": "a poll ending adds no content",
    "status": "a post by an account the organisation gets notified about, not about the account",
    "admin.sign_up": "sign-ups concern users, not content",
    "admin.report": "moderation report, not content",
    "severed_relationships": "severed relationships concern users, not content",
    "moderation_warning": "moderation warnings concern the account, not content",
}


# --- entry points ------------------------------------------------------------------------------


def normalise_webhook(data: object, ctx: DeliveryContext) -> list[Result]:
    """Map one admin webhook body (parsed JSON, or its raw bytes/text) to one result."""
    check_platform(ctx, PLATFORM)
    body = read_json(data)
    if not isinstance(body, dict) or not isinstance(body.get("event"), str) or "object" not in body:
        raise ValueError("not a Mastodon webhook body: expected {event, created_at, object}")
    return [guarded(partial(_webhook, body, ctx), "webhook")]


def normalise_notifications(items: object, ctx: DeliveryContext) -> list[Result]:
    """Map one page of `GET /api/v1/notifications` (a JSON array) to one result per item."""
    check_platform(ctx, PLATFORM)
    page = read_json(items)
    if not isinstance(page, list):
        raise ValueError("not a Mastodon notifications page: expected a JSON array")
    return [
        guarded(partial(_notification, item, index, ctx), f"notification {index}")
        for index, item in enumerate(page)
    ]


# --- webhooks ------------------------------------------------------------------------------------


def _webhook(body: dict[str, Any], ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    event: str = body["event"]
    if event in STATUS_EVENTS:
        status = body["object"]
        if not isinstance(status, dict):
            raise Unmappable(f"{event} object is not a status")
        action = STATUS_EVENTS[event]
        org = _Org.of(ctx)
        if _is_reblog(status) and not org.is_account(status.get("account")):
            return Ignored(platform=PLATFORM, reason="boosts carry no content of their own")
        kind = org.classify(status)
        if kind is None:
            return Ignored(platform=PLATFORM, reason="status is not about the account")
        key = _status_key(status, body.get("created_at"), event)
        return _status_event(
            status, kind, action=action, key=key, pointer=ctx.pointer(0), ctx=ctx, org=org
        )
    if event.startswith("report."):
        return Ignored(platform=PLATFORM, reason="moderation report, not content")
    if event.startswith("account."):
        return Ignored(platform=PLATFORM, reason="account events concern users, not content")
    if event.startswith("status."):
        # A new status event would be content we do not understand: say so, never drop it.
        raise Unmappable("event is an unknown status event")
    # Never the event's name: it is the sender's text, and reasons are counted and logged.
    return Ignored(platform=PLATFORM, reason="event type is not monitored")


# --- notifications -------------------------------------------------------------------------------


def _notification(item: Any, index: int, ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    if not isinstance(item, dict):
        raise Unmappable("notification is not an object")
    _id(item.get("id"), "notification id")  # not in the key, but the poll's cursor moves by it
    kind_name = item.get("type")
    if not isinstance(kind_name, str) or not kind_name:
        raise Unmappable("notification has no type")
    if kind_name in _IGNORED_NOTIFICATIONS:
        return Ignored(platform=PLATFORM, reason=_IGNORED_NOTIFICATIONS[kind_name])
    if kind_name not in ("mention", "quote", "update", "quoted_update"):
        return Ignored(platform=PLATFORM, reason="notification type is not monitored")
    status = item.get("status")
    if not isinstance(status, dict):
        raise Unmappable(f"{kind_name} notification has no status")
    org = _Org.of(ctx)
    if kind_name in ("mention", "quote"):
        # Mastodon has decided the status addresses the organisation; only the kind is open.
        action = Action.CREATED
        kind = ObjectKind.REPLY if org.is_replied_to(status) else ObjectKind.MENTION
    else:
        # `update`: a status the organisation boosted was edited; `quoted_update`: one it quoted.
        # Either way it shows on the account, so an edit is evaluated even if it names no one.
        action = Action.EDITED
        kind = org.classify(status) or ObjectKind.POST
    key = _status_key(status, item.get("created_at"), f"{kind_name} notification")
    return _status_event(
        status, kind, action=action, key=key, pointer=ctx.pointer(index), ctx=ctx, org=org
    )


# --- statuses ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Org:
    """Who the organisation is, by id or by handle, so either form of `account_id` works."""

    account_id: str
    handle: str | None  # lower case, no leading `@`; None when `account_id` is a numeric id

    @classmethod
    def of(cls, ctx: DeliveryContext) -> _Org:
        account_id = ctx.account_id.strip()
        handle = account_id.lstrip("@").lower()
        # An all-digit account id is an id: a username of digits must not be taken for it.
        return cls(account_id, None if handle.isdigit() or not handle else handle)

    def is_account(self, account: Any) -> bool:
        if not isinstance(account, dict):
            return False
        if _optional_id(account.get("id")) == self.account_id:
            return True
        return self.handle is not None and self.handle in _handles(account)

    def is_replied_to(self, status: Mapping[str, Any]) -> bool:
        target = _optional_id(status.get("in_reply_to_account_id"))
        if target is None:
            return False
        if target == self.account_id:
            return True
        # With a handle as account_id, the org's id comes from the mention Mastodon adds to a reply.
        return any(
            self.is_account(m) and _optional_id(m.get("id")) == target for m in _mentions(status)
        )

    def is_mentioned(self, status: Mapping[str, Any]) -> bool:
        return any(self.is_account(m) for m in _mentions(status))

    def is_quoted(self, status: Mapping[str, Any]) -> bool:
        quote = status.get("quote")  # Mastodon 4.4+: {"state", "quoted_status": Status | null}
        if not isinstance(quote, dict):
            return False
        quoted = quote.get("quoted_status")
        return isinstance(quoted, dict) and self.is_account(quoted.get("account"))

    def classify(self, status: Mapping[str, Any]) -> ObjectKind | None:
        """POST for the organisation's own status; REPLY/MENTION for one addressed to it (a quote
        of one of its statuses counts as a mention); None for a status not about it."""
        if self.is_account(status.get("account")):
            return ObjectKind.POST
        if self.is_replied_to(status):
            return ObjectKind.REPLY
        if self.is_mentioned(status) or self.is_quoted(status):
            return ObjectKind.MENTION
        return None


def _handles(account: Mapping[str, Any]) -> set[str]:
    """`acct` as sent (`user` for local accounts, `user@domain` for remote ones), plus the full
    `user@domain` form rebuilt from the profile URL for local accounts."""
    found: set[str] = set()
    acct = account.get("acct")
    if isinstance(acct, str) and acct:
        found.add(acct.lstrip("@").lower())
        if "@" not in acct.lstrip("@"):
            username = account.get("username")
            user = username if isinstance(username, str) and username else acct.lstrip("@")
            url = account.get("url")
            host = _host(url) if isinstance(url, str) else None
            if host:
                found.add(f"{user}@{host}".lower())
    return found


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _mentions(status: Mapping[str, Any]) -> list[dict[str, Any]]:
    mentions = status.get("mentions")
    if not isinstance(mentions, list):
        return []
    return [m for m in mentions if isinstance(m, dict)]


def _is_reblog(status: Mapping[str, Any]) -> bool:
    return isinstance(status.get("reblog"), dict)


def _status_event(
    status: dict[str, Any],
    kind: ObjectKind,
    *,
    action: Action,
    key: str,
    pointer: RawPointer,
    ctx: DeliveryContext,
    org: _Org,
) -> NormalisedEvent:
    status_id = _id(status.get("id"), "status id")
    account = status.get("account")
    if not isinstance(account, dict):
        raise Unmappable("status has no account")
    author_id = _id(account.get("id"), "status account id")
    pseudonym = ctx.author(author_id)
    if pseudonym is None:
        raise Unmappable("status account id is empty")
    # A boost by the organisation shows the boosted status on its account: evaluate that content.
    shown: dict[str, Any] = status["reblog"] if _is_reblog(status) else status
    attachments = _attachments(shown)
    if shown is not status:
        boosted = _id(shown.get("id"), "boosted status id")
        attachments = (Attachment(kind=AttachmentKind.SHARE, platform_id=boosted), *attachments)
    in_reply_to = _optional_id(status.get("in_reply_to_id"))
    is_reply = in_reply_to is not None
    if action is Action.EDITED:
        when = _time(status.get("edited_at"), "edited_at") or _time(
            status.get("created_at"), "created_at"
        )
    else:
        when = _time(status.get("created_at"), "created_at")
    return NormalisedEvent(
        platform=PLATFORM,
        account_id=ctx.account_id,
        object_kind=kind,
        action=action,
        item_id=status_id,
        post_id=None if is_reply and kind is not ObjectKind.POST else status_id,
        parent_id=in_reply_to,
        author=Author(pseudonym=pseudonym, is_account=org.is_account(account)),
        text=_status_text(shown),
        attachments=attachments,
        event_time=when,
        received_at=ctx.received_at,
        raw=pointer,
        idempotency_key=key,
    )


def _status_text(status: Mapping[str, Any]) -> str:
    content = status.get("content")
    if content is None:
        content = ""
    if not isinstance(content, str):
        raise Unmappable("status content is not a string")
    spoiler = status.get("spoiler_text")
    if spoiler is not None and not isinstance(spoiler, str):
        raise Unmappable("status spoiler_text is not a string")
    parts = [part for part in ((spoiler or "").strip(), html_to_text(content)) if part]
    return "\n\n".join(parts)


def _attachments(status: Mapping[str, Any]) -> tuple[Attachment, ...]:
    media = status.get("media_attachments")
    if media is None:
        media = []
    if not isinstance(media, list):
        raise Unmappable("media_attachments is not a list")  # a shape change: say so
    found: list[Attachment] = []
    for item in media:
        if not isinstance(item, dict):
            raise Unmappable("a media attachment is not an object")
        kind_name = item.get("type")
        url = item.get("url") if isinstance(item.get("url"), str) else None
        if url is None and isinstance(item.get("remote_url"), str):
            url = item["remote_url"]
        found.append(
            Attachment(
                kind=_MEDIA_KINDS.get(kind_name, AttachmentKind.MEDIA)
                if isinstance(kind_name, str)
                else AttachmentKind.MEDIA,
                url=url,
                platform_id=_optional_id(item.get("id")),
            )
        )
    card = status.get("card")
    if isinstance(card, dict) and isinstance(card.get("url"), str) and card["url"]:
        found.append(Attachment(kind=AttachmentKind.LINK, url=card["url"]))
    return tuple(found)


# --- small parts ---------------------------------------------------------------------------------


def _optional_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not text or len(text) > _MAX_ID or not _ID.fullmatch(text):
        return None
    return text


def _id(value: Any, what: str) -> str:
    found = _optional_id(value)
    if found is None:
        raise Unmappable(f"{what} is missing or not an id")
    return found


def _time(value: Any, what: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_TIME:
        raise Unmappable(f"{what} is not a timestamp")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Unmappable(f"{what} is not a timestamp") from exc
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _key_time_value(value: Any) -> str | None:
    # The timestamp goes into the key exactly as sent, so a redelivery gives the same key.
    if (
        isinstance(value, str)
        and 0 < len(value) <= _MAX_TIME
        and not any(c.isspace() for c in value)
    ):
        return value
    return None


def _status_key(status: Mapping[str, Any], delivered_at: Any, what: str) -> str:
    """`mastodon:status:{id}:{edited_at or created_at}`, the same whether the status came by admin
    webhook or by notification, so evaluation sees one item once (platforms.md §5). The delivery's
    own `created_at` stands in only when the status has neither time."""
    status_id = _id(status.get("id"), "status id")
    moment = _key_time(status) or _key_time_value(delivered_at)
    if moment is None:
        raise Unmappable(f"{what} has no created_at or edited_at for its idempotency key")
    return f"mastodon:status:{status_id}:{moment}"


def _key_time(status: Mapping[str, Any]) -> str | None:
    """`edited_at or created_at` (platforms.md §7): each edit of a status is its own event."""
    return _key_time_value(status.get("edited_at")) or _key_time_value(status.get("created_at"))
