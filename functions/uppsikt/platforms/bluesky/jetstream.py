"""Map one Jetstream event (platforms.md §6) to the event model.

Jetstream sends one JSON object per WebSocket message:
`{"did", "time_us", "kind": "commit|identity|account", "commit": {"rev", "operation", "collection",
"rkey", "record", "cid"}}`. Only `app.bsky.feed.post` commits carry content; a post is kept when it
is the organisation's, replies in its thread, mentions it or quotes it, and is otherwise `Ignored`
("not about the account"). Deletions carry no record, so whose thread a deleted post was in is
unknown: every post deletion is mapped, and the evaluator records it against the item reference.

`normalise_event` returns a list with exactly one `NormalisedEvent`, `Ignored` or `Unmappable`;
it raises `ValueError` only for input that is not a Jetstream event at all. Item ids, parent ids
and the idempotency key use the pseudonymous references described in `records`; the key of a
created or updated post, `bluesky:{item_ref}:{cid}`, is the one `notifications` gives it.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Annotated, Any

from annotated_types import Gt
from pydantic import ValidationError

from uppsikt.diagnostics import describe
from uppsikt.model.events import (
    Action,
    Author,
    Ignored,
    NormalisedEvent,
    ObjectKind,
)
from uppsikt.platforms.bluesky.records import (
    PLATFORM,
    POST,
    AtUri,
    Cid,
    Nsid,
    Refs,
    Reply,
    Result,
    Rev,
    attachments,
    classify,
    did,
    from_time_us,
    post_record,
    rkey,
    text_of,
)
from uppsikt.platforms.delivery import (
    DeliveryContext,
    Lenient,
    Payload,
    check_platform,
    guarded,
    parse,
)
from uppsikt.platforms.delivery import read_json as load
from uppsikt.platforms.errors import Unmappable

_OPERATIONS = {"create": Action.CREATED, "update": Action.EDITED, "delete": Action.DELETED}
_IGNORED_KINDS = {
    "identity": "identity events (handle or DID document changes) carry no content",
    "account": "account status events carry no content",
}
_IGNORED_COLLECTIONS = {
    "app.bsky.feed.like": "likes carry no content to check",
    "app.bsky.feed.repost": "reposts carry no content of their own",
    "app.bsky.graph.follow": "follows concern users, not content",
    "app.bsky.graph.block": "blocks concern users, not content",
}


class _Event(Payload):
    """`{"did", "time_us", "kind", "commit"}`; what a commit holds is read as `_Commit`."""

    kind: str
    did: object = None  # checked once the commit is known to be a post's
    time_us: Lenient[Annotated[int, Gt(0)]] = None  # set by the relay; a bad one is absent
    commit: object = None

    @property
    def time(self) -> datetime | None:
        return from_time_us(self.time_us)


class _Commit(Payload):
    collection: Nsid
    operation: object = None  # one of `_OPERATIONS`, checked for posts only
    rkey: object = None  # checked for posts only: a like's record key is not our business
    rev: Lenient[Rev] = None
    cid: Lenient[Cid] = None
    record: object = None  # a `PostRecord`, read on its own


def normalise_event(data: object, ctx: DeliveryContext) -> list[Result]:
    """Map one Jetstream event (parsed JSON, or the message's text or bytes)."""
    check_platform(ctx, PLATFORM)
    try:
        event = _Event.model_validate(load(data))
    except ValidationError as exc:
        raise ValueError(f"not a Jetstream event: {describe(exc)}") from None
    return [guarded(partial(_event, event, ctx), "jetstream event")]


def _event(event: _Event, ctx: DeliveryContext) -> NormalisedEvent | Ignored:
    kind = event.kind
    if kind in _IGNORED_KINDS:
        return Ignored(platform=PLATFORM, reason=_IGNORED_KINDS[kind])
    if kind != "commit":
        # Never the kind's or collection's name: reasons are counted and logged.
        return Ignored(platform=PLATFORM, reason="event kind is not monitored")
    if event.commit is None:
        raise Unmappable("commit event has no commit")
    commit = parse(_Commit, event.commit, "commit")
    collection = commit.collection
    if collection in _IGNORED_COLLECTIONS:
        return Ignored(platform=PLATFORM, reason=_IGNORED_COLLECTIONS[collection])
    if collection != POST:
        return Ignored(platform=PLATFORM, reason="collection is not monitored")
    operation = commit.operation
    action = _OPERATIONS.get(operation) if isinstance(operation, str) else None
    if action is None:
        raise Unmappable("post commit has an unknown operation")

    author = did(event.did, "event did")
    refs = Refs(ctx)
    item_ref = refs.ref(AtUri(author, collection, rkey(commit.rkey)))
    key = _key(item_ref, action, commit)
    pseudonym = ctx.author(author)
    if pseudonym is None:
        raise Unmappable("event did is empty")
    by_org = author == ctx.account_id
    common: dict[str, Any] = {
        "platform": PLATFORM,
        "account_id": ctx.account_id,
        "action": action,
        "item_id": item_ref,
        "author": Author(pseudonym=pseudonym, is_account=by_org),
        "received_at": ctx.received_at,
        "raw": ctx.pointer(0),
        "idempotency_key": key,
    }

    if action is Action.DELETED:
        # No record: whether a visitor's post replied to or mentioned us is not knowable here.
        return NormalisedEvent(
            object_kind=ObjectKind.POST if by_org else ObjectKind.REPLY,
            post_id=item_ref if by_org else None,
            event_time=event.time,
            **common,
        )

    record = post_record(commit.record)
    object_kind = classify(author, record, ctx.account_id)
    if object_kind is None:
        return Ignored(platform=PLATFORM, reason="post is not about the account")
    reply = record.reply
    return NormalisedEvent(
        object_kind=object_kind,
        post_id=_post_id(object_kind, reply, item_ref, refs),
        parent_id=refs.ref(reply.parent.uri) if reply is not None else None,
        text=text_of(record),
        attachments=attachments(record, refs),
        event_time=record.created_at or event.time,
        **common,
    )


def _key(item_ref: str, action: Action, commit: _Commit) -> str:
    """A record version is keyed `bluesky:{item_ref}:{cid}`, as the notifications poll keys it,
    so a post seen on both is evaluated once. A deletion has no cid: `…:deleted-{rev}` cannot be
    a cid (CIDs have no `-`), and the rev keeps a later deletion of a re-created record apart."""
    rev = commit.rev
    if action is Action.DELETED:
        if rev is None:
            raise Unmappable("post deletion has no rev")
        return f"bluesky:{item_ref}:deleted-{rev}"
    version = commit.cid
    if version is not None:
        return f"bluesky:{item_ref}:{version}"
    if rev is None:
        raise Unmappable("post commit has neither cid nor rev")
    # Jetstream always sends the cid of a create or update; should it not, the rev still dedupes
    # redeliveries here, and `-` keeps it apart from any cid.
    return f"bluesky:{item_ref}:rev-{rev}"


def _post_id(kind: ObjectKind, reply: Reply | None, item_ref: str, refs: Refs) -> str:
    """The thread's root post, which for a post that is no reply is the post itself."""
    if reply is None or kind is ObjectKind.POST:
        return item_ref
    return refs.ref(reply.root.uri)
