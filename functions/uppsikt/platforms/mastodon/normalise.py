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

from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, StringConstraints, ValidationError

from uppsikt.diagnostics import describe
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
from uppsikt.platforms.delivery import (
    DeliveryContext,
    Lenient,
    LenientList,
    Payload,
    check_platform,
    guarded,
    number_as_text,
    parse,
    read_json,
)
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.html_text import html_to_text
from uppsikt.platforms.times import MAX_TIME_TEXT, SentTime

Result = NormalisedEvent | Ignored | Unmappable

PLATFORM = Platform.MASTODON
STATUS_EVENTS = {"status.created": Action.CREATED, "status.updated": Action.EDITED}

_STATUS_NOTIFICATIONS = frozenset({"mention", "quote", "update", "quoted_update"})

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


# --- the payload, as models -------------------------------------------------------------------

# Mastodon ids are snowflakes; GoToSocial's ULIDs and Akkoma's flake ids are short too. `#` would
# break the `platform#account#item` reference.
MastodonId = Annotated[
    str,
    BeforeValidator(number_as_text),
    StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\s#]+$"),
]


class _Account(Payload):
    """An account as a status, mention or quote names it; only what tells who it is."""

    id: Lenient[MastodonId] = None
    acct: Lenient[str] = None
    username: Lenient[str] = None
    url: Lenient[str] = None
    # "Indicates that the account may perform automated actions" (Mastodon's Account entity).
    bot: Lenient[bool] = None

    def handles(self) -> set[str]:
        """`acct` as sent (`user` for local accounts, `user@domain` for remote ones), plus the
        full `user@domain` form rebuilt from the profile URL for local accounts."""
        found: set[str] = set()
        if self.acct:
            acct = self.acct.lstrip("@")
            found.add(acct.lower())
            if "@" not in acct:
                user = self.username or acct
                host = _host(self.url) if self.url else None
                if host:
                    found.add(f"{user}@{host}".lower())
        return found


class _Author(_Account):
    """The account that wrote a status: its id is required (it is pseudonymised)."""

    id: MastodonId  # required here, optional on a mention


class _QuotedStatus(Payload):
    account: Lenient[_Account] = None


class _Quote(Payload):
    """Mastodon 4.4+: `{"state", "quoted_status": Status | null}`."""

    quoted_status: Lenient[_QuotedStatus] = None


class _Media(Payload):
    id: Lenient[MastodonId] = None
    type: Lenient[str] = None
    url: Lenient[str] = None
    remote_url: Lenient[str] = None


class _Card(Payload):
    url: Lenient[str] = None


class _Shown(Payload):
    """What a status shows: its text and attachments (a boost shows the boosted status's)."""

    id: MastodonId
    content: str | None = None
    spoiler_text: str | None = None
    media_attachments: list[_Media] | None = None  # a shape change must be seen, not skipped
    card: Lenient[_Card] = None

    def text(self) -> str:
        parts = [
            part
            for part in ((self.spoiler_text or "").strip(), html_to_text(self.content or ""))
            if part
        ]
        return "\n\n".join(parts)

    def attachments(self) -> tuple[Attachment, ...]:
        found = [
            Attachment(
                kind=_MEDIA_KINDS.get(media.type or "", AttachmentKind.MEDIA),
                url=media.url if media.url is not None else media.remote_url,
                platform_id=media.id,
            )
            for media in self.media_attachments or ()
        ]
        if self.card is not None and self.card.url:
            found.append(Attachment(kind=AttachmentKind.LINK, url=self.card.url))
        return tuple(found)


class _Status(_Shown):
    account: _Author
    in_reply_to_id: Lenient[MastodonId] = None
    in_reply_to_account_id: Lenient[MastodonId] = None
    mentions: LenientList[_Account] = Field(default_factory=list)
    quote: Lenient[_Quote] = None
    reblog: Lenient[_Shown] = None
    created_at: SentTime | None = None
    edited_at: SentTime | None = None


class _Webhook(Payload):
    event: str
    created_at: Any = None  # when the instance sent it; stands in for a status without times
    object: Any


class _Notification(Payload):
    id: MastodonId  # not in the key, but the poll's cursor moves by it
    type: Annotated[str, StringConstraints(min_length=1)]
    created_at: object = None
    status: object = None  # read as a `_Status` when the type carries one


# --- entry points ------------------------------------------------------------------------------


def normalise_webhook(data: object, ctx: DeliveryContext) -> list[Result]:
    """Map one admin webhook body (parsed JSON, or its raw bytes/text) to one result."""
    check_platform(ctx, PLATFORM)
    try:
        body = _Webhook.model_validate(read_json(data))
    except ValidationError as exc:
        raise ValueError(f"not a Mastodon webhook body: {describe(exc)}") from None
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


def _webhook(body: _Webhook, ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    event = body.event
    if event in STATUS_EVENTS:
        status = parse(_Status, body.object, "status")
        action = STATUS_EVENTS[event]
        org = _Org.of(ctx)
        if status.reblog is not None and not org.is_account(status.account):
            return Ignored(platform=PLATFORM, reason="boosts carry no content of their own")
        kind = org.classify(status)
        if kind is None:
            return Ignored(platform=PLATFORM, reason="status is not about the account")
        key = _status_key(status, body.created_at, "status event")
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


def _notification(item: object, index: int, ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    notification = parse(_Notification, item, "notification")
    kind_name = notification.type
    if kind_name in _IGNORED_NOTIFICATIONS:
        return Ignored(platform=PLATFORM, reason=_IGNORED_NOTIFICATIONS[kind_name])
    if kind_name not in _STATUS_NOTIFICATIONS:
        return Ignored(platform=PLATFORM, reason="notification type is not monitored")
    if notification.status is None:
        raise Unmappable(f"{kind_name} notification has no status")  # a type we know
    status = parse(_Status, notification.status, "status")
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
    key = _status_key(status, notification.created_at, f"{kind_name} notification")
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

    def is_account(self, account: _Account | None) -> bool:
        if account is None:
            return False
        if account.id == self.account_id:
            return True
        return self.handle is not None and self.handle in account.handles()

    def is_replied_to(self, status: _Status) -> bool:
        target = status.in_reply_to_account_id
        if target is None:
            return False
        if target == self.account_id:
            return True
        # With a handle as account_id, the org's id comes from the mention Mastodon adds to a reply.
        return any(self.is_account(m) and m.id == target for m in status.mentions)

    def is_mentioned(self, status: _Status) -> bool:
        return any(self.is_account(m) for m in status.mentions)

    def is_quoted(self, status: _Status) -> bool:
        quoted = status.quote.quoted_status if status.quote is not None else None
        return quoted is not None and self.is_account(quoted.account)

    def classify(self, status: _Status) -> ObjectKind | None:
        """POST for the organisation's own status; REPLY/MENTION for one addressed to it (a quote
        of one of its statuses counts as a mention); None for a status not about it."""
        if self.is_account(status.account):
            return ObjectKind.POST
        if self.is_replied_to(status):
            return ObjectKind.REPLY
        if self.is_mentioned(status) or self.is_quoted(status):
            return ObjectKind.MENTION
        return None


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def _status_event(
    status: _Status,
    kind: ObjectKind,
    *,
    action: Action,
    key: str,
    pointer: RawPointer,
    ctx: DeliveryContext,
    org: _Org,
) -> NormalisedEvent:
    pseudonym = ctx.author(status.account.id)
    if pseudonym is None:  # pragma: no cover - a validated id is never empty
        raise Unmappable("status account id is empty")
    # A boost by the organisation shows the boosted status on its account: evaluate that content.
    shown: _Shown = status.reblog if status.reblog is not None else status
    attachments = shown.attachments()
    if shown is not status:
        attachments = (Attachment(kind=AttachmentKind.SHARE, platform_id=shown.id), *attachments)
    in_reply_to = status.in_reply_to_id
    is_reply = in_reply_to is not None
    # An edit happened when it was edited; anything else when it was created.
    when = (status.edited_at if action is Action.EDITED else None) or status.created_at
    return NormalisedEvent(
        platform=PLATFORM,
        account_id=ctx.account_id,
        object_kind=kind,
        action=action,
        item_id=status.id,
        post_id=None if is_reply and kind is not ObjectKind.POST else status.id,
        parent_id=in_reply_to,
        author=Author(pseudonym=pseudonym, is_account=org.is_account(status.account)),
        text=shown.text(),
        attachments=attachments,
        event_time=when.moment if when is not None else None,
        received_at=ctx.received_at,
        raw=pointer,
        idempotency_key=key,
        automated=status.account.bot is True,
    )


# --- idempotency keys ----------------------------------------------------------------------------


def _key_time_value(value: object) -> str | None:
    # The timestamp goes into the key exactly as sent, so a redelivery gives the same key.
    if (
        isinstance(value, str)
        and 0 < len(value) <= MAX_TIME_TEXT
        and not any(c.isspace() for c in value)
    ):
        return value
    return None


def _status_key(status: _Status, delivered_at: object, what: str) -> str:
    """`mastodon:status:{id}:{edited_at or created_at}`, the same whether the status came by admin
    webhook or by notification, so evaluation sees one item once (platforms.md §5). Each edit of
    a status is its own event. The delivery's own `created_at` stands in only when the status
    has neither time."""
    stamp = status.edited_at or status.created_at
    moment = stamp.sent if stamp is not None else _key_time_value(delivered_at)
    if moment is None:
        raise Unmappable(f"{what} has no created_at or edited_at for its idempotency key")
    return f"mastodon:status:{status.id}:{moment}"
