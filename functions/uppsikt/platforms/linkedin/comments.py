"""Map the hidden-comments poller's listings of comments on the organisation's posts.

`GET /rest/socialActions/{post URN}/comments` answers

    {"elements": [{"id": "…", "commentUrn": "urn:li:comment:(urn:li:activity:…,…)",
                   "actor": "urn:li:person:…", "message": {"text": "…"},
                   "created": {"time": ms}, "lastModified": {"time": ms},
                   "object": "urn:li:activity:…", "parentComment"?: "urn:li:comment:…"}, …],
     "paging": {…}}

LinkedIn has no hide event (platforms.md §4.4), so this stream lists the comments of the most
recent posts and compares complete sweeps. Decisions:

- A comment not in the last complete sweep's snapshot becomes COMMENT (REPLY under a comment)
  CREATED, keyed `linkedin:comment:{urn}:created`; one whose `lastModified` changed becomes
  EDITED, keyed `linkedin:comment:{urn}:edited:{lastModified}`; an unchanged one is `Ignored`.
  These are the webhook's keys for the same comment (`normalise.py`, built by `comment_key` from
  the same canonical URN), so one key names one version of a comment across paths and
  subscribers: a comment the webhook already delivered is not evaluated again when the poll first
  lists it, and the poll still catches one whose webhook never came (subscriptions die silently,
  §4.3).
- A comment listed last time and missing now is HIDDEN, keyed `linkedin:comment:{urn}:vanished`.
  Hidden and deleted look the same here; deletions also arrive by webhook (COMMENT_DELETE).
- Its post must still have been listed: every comments page lists its post as a marker
  (`post:{urn}`), and a comment whose post marker vanished with it left the polling window (or
  its post was deleted), which is not a hide.
- The listing's fingerprint is `"{lastModified} {post URN}"`: the time for edits, the post for the
  window check.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Annotated, Any

from pydantic import BeforeValidator

from uppsikt.model.events import (
    Action,
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
    check_platform,
    guarded,
    number_as_text,
    parse,
    read_json,
)
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.linkedin.posts import author_of, elements, urn_field
from uppsikt.platforms.linkedin.urn import (
    SCHEME,
    OptionalAnyUrn,
    OptionalContentUrn,
    entity_type,
    is_urn,
)
from uppsikt.platforms.listing_diff import LISTED, read_vanished
from uppsikt.platforms.times import EpochMillis, from_millis

KEY_PREFIX = "linkedin:comment:"
POST_MARKER = "post:"

Result = NormalisedEvent | Ignored | Unmappable


def comment_key(urn: str, version: str) -> str:
    """`linkedin:comment:{urn}:{version}`, the key of one version of a comment for the poll and
    the webhook alike; `urn` must be canonical (`comment_urn`, `normalise_urn`)."""
    return f"{KEY_PREFIX}{urn}:{version}"


def post_marker(post_urn: str) -> str:
    return POST_MARKER + post_urn


def fingerprint(modified: int, post_urn: str) -> str:
    return f"{modified} {post_urn}"


def post_of(print_: str) -> str | None:
    """The post a listing fingerprint names; None for a marker."""
    return print_.split(" ", 1)[1] if " " in print_ else None


def listing(data: object, post_urn: str) -> dict[str, str]:
    """What one comments page lists: the post's marker, and comment URN → fingerprint for every
    comment that can be read (one that cannot is reported by `normalise_comments`)."""
    listed = {post_marker(post_urn): LISTED}
    for element in elements(read_json(data)):
        try:
            urn = comment_urn(element)  # checks the element is an object
            listed[urn] = fingerprint(parse(_Comment, element, "comment").modified, post_urn)
        except Unmappable:
            continue
    return listed


def normalise_comments(
    data: object, ctx: DeliveryContext, snapshot: Mapping[str, str]
) -> list[Result]:
    """One result per comment; `snapshot` is the last complete sweep's listing."""
    check_platform(ctx, Platform.LINKEDIN)
    return [
        guarded(partial(_comment, element, index, ctx, snapshot), "comment", count_only=True)
        for index, element in enumerate(elements(read_json(data)))
    ]


class _AuditStamp(CamelPayload):
    """`{"time": ms, "actor": …}`."""

    time: EpochMillis | None = None


class _Message(CamelPayload):
    text: str | None = None


class _ContentPart(CamelPayload):
    type: object = None
    url: Lenient[str] = None


class _Comment(CamelPayload):
    """A listed comment; its URN is read by `comment_urn` (which also builds it from `object`
    and `id`)."""

    object: OptionalContentUrn = None
    parent_comment: OptionalContentUrn = None
    actor: OptionalAnyUrn = None
    message: _Message | None = None
    created: _AuditStamp | None = None
    last_modified: _AuditStamp | None = None
    content: list[_ContentPart] | None = None

    @property
    def modified(self) -> int:
        """The listing's version of the comment: its last modification, or its creation."""
        for stamp in (self.last_modified, self.created):
            if stamp is not None and stamp.time is not None:
                return stamp.time
        raise Unmappable("comment has neither lastModified nor created time")


def _comment(
    element: object, index: int, ctx: DeliveryContext, snapshot: Mapping[str, str]
) -> NormalisedEvent | Ignored:
    urn = comment_urn(element)
    comment = parse(_Comment, element, "comment")
    modified = comment.modified
    before = snapshot.get(urn)
    if before is not None and before.split(" ", 1)[0] == str(modified):
        return Ignored(platform=Platform.LINKEDIN, reason="comment unchanged since the last sweep")
    created = comment.created.time if comment.created is not None else None
    # A comment first seen already edited is keyed as that edit: if the webhook brought its
    # creation but the edit notification was lost, a `created` key would be a duplicate and the
    # edited text would never be checked.
    edited_before_seen = before is None and created is not None and modified > created
    action = Action.CREATED if before is None and not edited_before_seen else Action.EDITED
    obj = comment.object
    parent = comment.parent_comment or obj
    kind = ObjectKind.COMMENT
    if parent is not None and entity_type(parent) == "comment" and parent != urn:
        kind = ObjectKind.REPLY
    return NormalisedEvent(
        platform=Platform.LINKEDIN,
        account_id=ctx.account_id,
        object_kind=kind,
        action=action,
        item_id=urn,
        post_id=commented_object(urn) or obj,
        parent_id=parent,
        author=author_of(comment.actor, ctx) if comment.actor is not None else None,
        text=comment.message.text if comment.message is not None else None,
        attachments=tuple(
            Attachment(
                kind=AttachmentKind.PHOTO if part.type == "IMAGE" else AttachmentKind.MEDIA,
                url=part.url,
            )
            for part in comment.content or ()
        ),
        event_time=from_millis(created if action is Action.CREATED and created else modified),
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        idempotency_key=comment_key(
            urn, "created" if action is Action.CREATED else f"edited:{modified}"
        ),
    )


def normalise_vanished(data: object, ctx: DeliveryContext) -> list[Result]:
    """One result per vanished entry of the runner's record
    `{"stream", "account", "vanished": [{"id", "fingerprint"}, …]}`."""
    check_platform(ctx, Platform.LINKEDIN)
    results: list[Result] = []
    for entry in read_vanished(
        read_json(data), marker=POST_MARKER, parent_of=post_of, parent_noun="post"
    ):
        if entry.left_window is not None:
            results.append(Ignored(platform=Platform.LINKEDIN, reason=entry.left_window))
            continue
        hidden = partial(_hidden, entry.id, entry.index, ctx)
        results.append(guarded(hidden, "vanished comment", count_only=True))
    return results


def _hidden(entry_id: str, index: int, ctx: DeliveryContext) -> NormalisedEvent:
    urn = urn_field(entry_id, "vanished id")
    if entity_type(urn) != "comment":
        raise Unmappable("vanished id is not a comment URN")
    # Hidden by an admin or deleted by its author: a listing cannot tell the two apart.
    return NormalisedEvent(
        platform=Platform.LINKEDIN,
        account_id=ctx.account_id,
        object_kind=ObjectKind.COMMENT,
        action=Action.HIDDEN,
        item_id=urn,
        post_id=commented_object(urn),
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        idempotency_key=comment_key(urn, "vanished"),
    )


# --- fields ---------------------------------------------------------------------------------


class _Named(CamelPayload):
    """How a listed comment is named: `commentUrn`, or its `object` and `id`."""

    comment_urn: Any = None
    object: OptionalContentUrn = None
    id: Lenient[Annotated[str, BeforeValidator(number_as_text)]] = None


def comment_urn(element: object) -> str:
    """The comment's normalised URN: `commentUrn`, or built from `object` and `id`."""
    named = parse(_Named, element, "comment")
    value = named.comment_urn
    if value is None:
        if named.object is None or named.id is None:
            raise Unmappable("comment has neither commentUrn nor object and id")
        value = f"{SCHEME}comment:({named.object},{named.id})"
    urn = urn_field(value, "commentUrn")
    if entity_type(urn) != "comment":
        raise Unmappable("commentUrn is not a comment URN")
    return urn


def commented_object(urn: str) -> str | None:
    """`urn:li:activity:1` for `urn:li:comment:(urn:li:activity:1,2)`: the commented thing."""
    inner = urn[len(SCHEME) :].partition(":")[2]
    if not inner.startswith("(") or "," not in inner:
        return None
    first = inner[1:].split(",", 1)[0]
    return first if is_urn(first) and "(" not in first else None
