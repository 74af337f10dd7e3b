"""Map a LinkedIn delivery's `notifications[]` to the event model, one result per notification.

Shapes follow platforms.md §4.4 (third-party captures; no sample is shipped):

    {"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS",
     "notifications": [{"notificationId", "action", "organizationalEntity", "subscriber",
                        "sourcePost", "decoratedSourcePost", "generatedActivity",
                        "decoratedGeneratedActivity": {"comment" | "share": {...}},
                        "lastModifiedAt"}, ...]}

| action         | result                                                                  |
|----------------|-------------------------------------------------------------------------|
| COMMENT        | COMMENT (REPLY when its parent is a comment) / created, by the commenter |
| ADMIN_COMMENT  | the same, by the organisation (`is_account`)                             |
| COMMENT_EDIT   | COMMENT / edited                                                         |
| COMMENT_DELETE | COMMENT / deleted                                                        |
| SHARE          | POST / created: someone's reshare of the org's post, with a SHARE attachment |
| SHARE_MENTION  | MENTION / created                                                        |
| LIKE           | Ignored: no actor and no content                                         |
| anything else  | Ignored, naming the action                                              |

- The author is `decoratedGeneratedActivity.<comment|share>.owner`, pseudonymised as its
  normalised URN. `subscriber` is the admin whose subscription delivered the notification and is
  never used as the author. No person URN is ever copied into an event.
- The idempotency key names what happened, not the notification that said so. A comment's keys are
  the poll's (`comments.py`): `linkedin:comment:<comment URN>:created` (COMMENT and
  ADMIN_COMMENT), `…:edited:<lastModifiedAt>` and `…:deleted`. Two admins subscribed for one
  organisation receive one comment under two notificationIds, and the hidden-comments poll lists
  the same comment again; with one key per comment version across paths and subscribers it is
  evaluated once. An edit without `lastModifiedAt` has no version to name and keeps the
  notification's key. SHARE and SHARE_MENTION are keyed `linkedin:<notificationId>`, the sign
  kept (ids can be negative). The notificationId is checked on every notification either way, so
  a redelivered notification maps to the same key.
- Every URN used as an id is normalised (`urn.normalise_urn`), so the two spellings of one comment
  in one payload, and across COMMENT/COMMENT_EDIT/COMMENT_DELETE, give the same `item_id`.
- A notification for another organisation than the context's account is `Unmappable`: it is
  neither attributed to the wrong account nor dropped silently.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Annotated, Any

from pydantic import PlainValidator, StringConstraints

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
from uppsikt.platforms.delivery import CamelPayload, DeliveryContext, guarded, parse
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.linkedin.comments import comment_key
from uppsikt.platforms.linkedin.posts import account_urns
from uppsikt.platforms.linkedin.urn import OptionalAnyUrn, OptionalContentUrn, entity_type
from uppsikt.platforms.times import EpochMillis, from_millis

ENVELOPE_TYPE = "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS"
KEY_PREFIX = "linkedin:"

Result = NormalisedEvent | Ignored | Unmappable

_COMMENT_ACTIONS = {
    "COMMENT": Action.CREATED,
    "ADMIN_COMMENT": Action.CREATED,
    "COMMENT_EDIT": Action.EDITED,
    "COMMENT_DELETE": Action.DELETED,
}
_SHARE_ACTIONS = {"SHARE": ObjectKind.POST, "SHARE_MENTION": ObjectKind.MENTION}
_IGNORED_ACTIONS = {"LIKE": "likes carry no actor and no content to check"}

# LinkedIn's notification ids are 64-bit; a long string of digits is still an id, a huge JSON
# number or free text is not (and str() of a giant int can itself fail).
_NOTIFICATION_ID = re.compile(r"-?[0-9]{1,30}")
_MAX_ID = 10**30


def _notification_id(value: object) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        if abs(value) >= _MAX_ID:
            raise ValueError("out of range")
        return str(value)
    if isinstance(value, str) and _NOTIFICATION_ID.fullmatch(value.strip()):
        return str(int(value.strip()))  # "-0012" and -12 are one notification
    raise ValueError("not an integer")


NotificationId = Annotated[str, PlainValidator(_notification_id)]
_MEDIA = {
    "IMAGE": AttachmentKind.PHOTO,
    "VIDEO": AttachmentKind.VIDEO,
    "ARTICLE": AttachmentKind.LINK,
    "URN_REFERENCE": AttachmentKind.SHARE,
}
_NO_MEDIA = frozenset({"NONE", ""})


def normalise_delivery(data: object, ctx: DeliveryContext) -> list[Result]:
    """One result per notification, in order; `ValueError` only when the body is not a LinkedIn
    social-action delivery at all (or the context is not LinkedIn's)."""
    if ctx.platform is not Platform.LINKEDIN:
        raise ValueError("the delivery context is not for LinkedIn")
    if not isinstance(data, dict):
        raise ValueError("a LinkedIn delivery is a JSON object")
    if data.get("type") != ENVELOPE_TYPE:
        raise ValueError(f"a LinkedIn delivery has type {ENVELOPE_TYPE}")
    notifications = data.get("notifications")
    if not isinstance(notifications, list):
        raise ValueError("a LinkedIn delivery has a notifications list")
    return [
        guarded(partial(_notification, item, index, ctx), "notification", count_only=True)
        for index, item in enumerate(notifications)
    ]


# --- the payload, as models -------------------------------------------------------------------


class _Acting(CamelPayload):
    """What decides whether a notification is read further."""

    action: Annotated[str, StringConstraints(min_length=1)]


class _Activity(CamelPayload):
    """`decoratedGeneratedActivity.comment` or `.share`: what was written, and by whom."""

    entity: OptionalContentUrn = None
    parent_comment: OptionalContentUrn = None
    object: OptionalContentUrn = None
    owner: OptionalAnyUrn = None
    text: str | None = None
    media_category: str | None = None


class _Decorated(CamelPayload):
    comment: _Activity | None = None
    share: _Activity | None = None


class _Notification(CamelPayload):
    notification_id: NotificationId
    organizational_entity: OptionalAnyUrn = None
    source_post: OptionalContentUrn = None
    generated_activity: OptionalContentUrn = None
    decorated_generated_activity: _Decorated | None = None
    last_modified_at: EpochMillis | None = None


def _notification(item: object, index: int, ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    action = parse(_Acting, item, "notification").action
    if action in _IGNORED_ACTIONS:
        return Ignored(platform=Platform.LINKEDIN, reason=_IGNORED_ACTIONS[action])
    if action not in _COMMENT_ACTIONS and action not in _SHARE_ACTIONS:
        # Never the action's name: it is the sender's text, and reasons are counted and logged.
        return Ignored(platform=Platform.LINKEDIN, reason="action is not monitored")

    notification = parse(_Notification, item, "notification")
    key = KEY_PREFIX + notification.notification_id  # checked for every action
    org = _organisation(notification.organizational_entity, ctx)
    post_id = notification.source_post
    decorated = notification.decorated_generated_activity or _Decorated()
    generated = notification.generated_activity
    modified = notification.last_modified_at
    common: dict[str, Any] = {
        "platform": Platform.LINKEDIN,
        "account_id": ctx.account_id,
        "post_id": post_id,
        "event_time": from_millis(modified),
        "received_at": ctx.received_at,
        "raw": ctx.pointer(index),
    }

    if action in _COMMENT_ACTIONS:
        comment = decorated.comment or _Activity()
        item_id = comment.entity or generated
        if item_id is None:
            raise Unmappable("comment notification names no comment")
        parent = comment.parent_comment or comment.object
        kind = ObjectKind.COMMENT
        if parent is not None and entity_type(parent) == "comment" and parent != item_id:
            kind = ObjectKind.REPLY
        by_org = action == "ADMIN_COMMENT"
        return NormalisedEvent(
            object_kind=kind,
            action=_COMMENT_ACTIONS[action],
            item_id=item_id,
            parent_id=parent,
            author=_author(comment.owner, org, ctx, by_org=by_org),
            text=comment.text,
            idempotency_key=_comment_key(action, item_id, modified, key),
            **common,
        )

    share = decorated.share
    if share is None and action == "SHARE_MENTION":
        share = decorated.comment  # a mention written in a comment
    share = share or _Activity()
    item_id = share.entity or generated
    if item_id is None and action == "SHARE_MENTION":
        item_id = post_id  # the mentioning post is then the notification's source
    if item_id is None:
        raise Unmappable("share notification names no share")
    attachments: list[Attachment] = []
    if action == "SHARE" and post_id is not None and post_id != item_id:
        attachments.append(Attachment(kind=AttachmentKind.SHARE, platform_id=post_id))
    media = _media(share.media_category)
    if media is not None:
        attachments.append(media)
    return NormalisedEvent(
        object_kind=_SHARE_ACTIONS[action],
        action=Action.CREATED,
        item_id=item_id,
        author=_author(share.owner, org, ctx, by_org=False),
        text=share.text,
        attachments=tuple(attachments),
        idempotency_key=key,
        **common,
    )


def _comment_key(action: str, item_id: str, modified: int | None, notification_key: str) -> str:
    """The key of one version of a comment, as the comments poll keys it: the same comment
    creation from the webhook (any subscriber's notification) and from the poll is one event.
    `modified` has already been read as epoch milliseconds (`event_time`)."""
    if action == "COMMENT_DELETE":
        return comment_key(item_id, "deleted")
    if action == "COMMENT_EDIT":
        if modified is None:
            return notification_key  # no version to name: one edit per notification
        return comment_key(item_id, f"edited:{modified}")
    return comment_key(item_id, "created")


def _organisation(value: str | None, ctx: DeliveryContext) -> str:
    """The organisation the notification is about, checked against the context's account."""
    accounts = account_urns(ctx.account_id)  # the usual one first
    if value is None:
        return accounts[0]
    if value not in accounts:
        raise Unmappable("organizationalEntity is not the delivery's account")
    return value


def _author(owner: str | None, org: str, ctx: DeliveryContext, *, by_org: bool) -> Author | None:
    """The owner's pseudonym (of its normalised URN); an ADMIN_COMMENT without an owner is the
    organisation's own."""
    if owner is not None:
        raw = owner
    elif by_org:
        raw = org
    else:
        return None
    pseudonym = ctx.author(raw)
    if pseudonym is None:  # pragma: no cover - raw is never empty here
        return None
    return Author(pseudonym=pseudonym, is_account=by_org or raw == org)


def _media(value: str | None) -> Attachment | None:
    if value is None or value in _NO_MEDIA:
        return None
    return Attachment(kind=_MEDIA.get(value, AttachmentKind.MEDIA))
