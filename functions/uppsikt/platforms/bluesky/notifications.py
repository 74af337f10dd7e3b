"""Map one page of `app.bsky.notification.listNotifications` (platforms.md §6) to the event model.

The response is `{"notifications": [...], "cursor", "seenAt", "priority"}`; each notification has
`uri`, `cid`, `author{did, handle, …}`, `reason`, `reasonSubject`, `record`, `isRead`, `indexedAt`.
`mention`, `reply` and `quote` carry the other account's post as `record` and become events; a
quote is a MENTION (the model has no quote kind). Likes, reposts, follows and the other reasons
carry no content and are `Ignored` with the reason.

`normalise_notifications` returns one `NormalisedEvent`, `Ignored` or `Unmappable` per
notification, in order; it raises `ValueError` only when the input is not such a page. The
idempotency key is `bluesky:{uri}:{cid}`, the URI written as a pseudonymous reference: the key
`jetstream` gives the same record version, so a post seen on both is evaluated once.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from pydantic import StringConstraints

from uppsikt.model.events import Action, Author, Ignored, NormalisedEvent, ObjectKind
from uppsikt.platforms.bluesky.records import (
    PLATFORM,
    POST,
    AtUriField,
    Cid,
    Did,
    Refs,
    Result,
    attachments,
    post_record,
    text_of,
)
from uppsikt.platforms.delivery import (
    CamelPayload,
    DeliveryContext,
    Lenient,
    Payload,
    check_platform,
    guarded,
    parse,
)
from uppsikt.platforms.delivery import read_json as load
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.times import IsoTime

_KINDS = {
    "mention": ObjectKind.MENTION,
    "reply": ObjectKind.REPLY,
    "quote": ObjectKind.MENTION,
}
_IGNORED_REASONS = {
    "like": "likes carry no content to check",
    "like-via-repost": "likes carry no content to check",
    "repost": "reposts carry no content of their own",
    "repost-via-repost": "reposts carry no content of their own",
    "follow": "follows concern users, not content",
    "starterpack-joined": "starter pack joins concern users, not content",
    "verified": "verification concerns the account, not content",
    "unverified": "verification concerns the account, not content",
    "subscribed-post": "a post by an account the organisation subscribes to, not about it",
}


def normalise_notifications(response: object, ctx: DeliveryContext) -> list[Result]:
    """Map a listNotifications response (parsed, text or bytes; a bare list of notifications is
    accepted too) to one result per notification."""
    check_platform(ctx, PLATFORM)
    page = load(response)
    if isinstance(page, dict) and isinstance(page.get("notifications"), list):
        items: list[Any] = page["notifications"]
    elif isinstance(page, list):
        items = page
    else:
        raise ValueError("not a listNotifications response: expected {notifications: [...]}")
    return [
        guarded(partial(_notification, item, index, ctx), f"notification {index}")
        for index, item in enumerate(items)
    ]


class _Reasoned(Payload):
    """What decides whether a notification is read further."""

    reason: Annotated[str, StringConstraints(min_length=1)]


class _Author(Payload):
    did: Did


class _Notification(CamelPayload):
    """A `mention`, `reply` or `quote`: the other account's post, as `record`."""

    uri: AtUriField
    cid: Cid
    author: _Author
    record: object  # read as a `PostRecord`, named on its own
    indexed_at: Lenient[IsoTime] = None


def _notification(item: Any, index: int, ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    reason = parse(_Reasoned, item, "notification").reason
    if reason in _IGNORED_REASONS:
        return Ignored(platform=PLATFORM, reason=_IGNORED_REASONS[reason])
    kind = _KINDS.get(reason)
    if kind is None:
        # Never the reason's name: it is the sender's text, and reasons are counted and logged.
        return Ignored(platform=PLATFORM, reason="notification reason is not monitored")

    notification = parse(_Notification, item, f"{reason} notification")  # a reason we know
    uri = notification.uri
    if uri.collection != POST:
        raise Unmappable(f"{reason} notification is not about a post")
    author_did = notification.author.did
    if author_did != uri.authority:
        raise Unmappable("notification uri is not in its author's repository")
    pseudonym = ctx.author(author_did)
    if pseudonym is None:  # pragma: no cover - a validated DID is never empty
        raise Unmappable("notification author did is empty")
    record = post_record(notification.record)

    refs = Refs(ctx)
    item_ref = refs.ref(uri)
    reply = record.reply
    return NormalisedEvent(
        platform=PLATFORM,
        account_id=ctx.account_id,
        object_kind=kind,
        action=Action.CREATED,
        item_id=item_ref,
        post_id=refs.ref(reply.root.uri) if reply is not None else item_ref,
        parent_id=refs.ref(reply.parent.uri) if reply is not None else None,
        author=Author(pseudonym=pseudonym, is_account=author_did == ctx.account_id),
        text=text_of(record),
        attachments=attachments(record, refs),
        event_time=record.created_at or notification.indexed_at,
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        idempotency_key=f"bluesky:{item_ref}:{notification.cid}",
    )
