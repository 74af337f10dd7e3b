"""Map one Meta `change` to the event model, or say explicitly why it is ignored.

Shapes follow platforms.md §1.5 (Facebook `feed`/`mention`) and §1.6 (Instagram). A change in a
monitored field whose shape we do not understand raises `Unmappable`: it is never dropped silently.
Neither an `Unmappable` nor an `Ignored` reason repeats a value from the change (a signed
delivery may put anything in `verb` or `item`): they name the field and the problem only.

Decisions on what Facebook sends for posts that are not (or no longer) public:

* **Moved to the trash.** Facebook reports a post moved to the trash as `verb: edited` (or
  `edit`) *without* a `message` field. It is recorded as `HIDDEN`: the post is no longer
  visible, the text it had was evaluated when it was created or last edited, and a trashed post
  can still be restored (its restore arrives as an edit with its text, and is evaluated then).
  Mapping it as an edit would record an edit to empty text. An edit that carries `message`,
  even an empty one, is an edit; a comment edit is always an edit (comments have no trash).
* **Not published** (`published: 0`: a scheduled or draft post). It is not public content: its
  create or edit is `Ignored` with that reason, and it is evaluated when the change that
  publishes it (`published: 1`) arrives. Hides, unhides and removals of such a post are
  recorded as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.meta.envelope import Change, Entry, is_dashboard_test
from uppsikt.privacy.pseudonym import Pseudonymiser

# An Instagram mention carries ids only; ingest leaves `{media}:{comment or NO_COMMENT}` for the
# look-up stream (polling/sources/instagram.py) that fetches its text and author.
MENTIONS_STREAM = "instagram.mentions"
NO_COMMENT = "-"


def mention_ref(media_id: str, comment_id: str | None) -> str:
    """The reference the look-up takes, from a webhook mention's ids."""
    return f"{media_id}:{comment_id or NO_COMMENT}"


@dataclass(frozen=True, slots=True)
class Context:
    """What a change needs from its delivery to become an event."""

    platform: Platform
    entry: Entry
    raw: RawPointer
    received_at: datetime
    pseudonymiser: Pseudonymiser


_VERBS = {
    "add": Action.CREATED,
    "edit": Action.EDITED,
    "edited": Action.EDITED,
    "update": Action.EDITED,
    "remove": Action.DELETED,
    "delete": Action.DELETED,
    "hide": Action.HIDDEN,
    "unhide": Action.UNHIDDEN,
}
_POST_ITEMS = frozenset({"status", "post", "photo", "video", "share", "album", "note", "event"})
_IGNORED_ITEMS = {
    "reaction": "reactions carry no content to check",
    "like": "likes carry no content to check",
}
_USER_VERBS = frozenset({"block", "unblock", "mute", "follow"})
_FIELD_NOT_MONITORED = "changes of this field are not monitored"
_UNPUBLISHED = "an unpublished post is not public content"


def _unpublished(value: dict[str, Any]) -> bool:
    # Meta sends 0/1; tolerate the boolean and string forms seen in third-party captures.
    return value.get("published") in (0, False, "0")


def normalise(change: Change, ctx: Context) -> NormalisedEvent | Ignored:
    if ctx.platform is Platform.FACEBOOK:
        return _facebook(change, ctx)
    return _instagram(change, ctx)


def _id(value: Any, what: str) -> str:
    if isinstance(value, bool) or value is None or isinstance(value, float):
        raise Unmappable(f"{what} is missing or not an id")
    text = str(value).strip()
    if not text:
        raise Unmappable(f"{what} is empty")
    return text


def _optional_id(value: Any) -> str | None:
    if value is None or isinstance(value, bool | float) or str(value).strip() == "":
        return None
    return str(value)


def _time(value: Any) -> datetime | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        try:
            return datetime.fromtimestamp(value, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise Unmappable("created_time is out of range") from exc
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Unmappable("message/text is not a string")
    return value


def _author(raw_id: Any, ctx: Context) -> Author | None:
    author_id = _optional_id(raw_id)
    if author_id is None:
        return None
    return Author(
        pseudonym=ctx.pseudonymiser.pseudonym(ctx.platform, author_id),
        is_account=author_id == ctx.entry.id,
    )


def _event(ctx: Context, change: Change, **fields: Any) -> NormalisedEvent:
    return NormalisedEvent(
        platform=ctx.platform,
        account_id=ctx.entry.id,
        received_at=ctx.received_at,
        raw=ctx.raw,
        test_delivery=is_dashboard_test(ctx.entry, change),
        **fields,
    )


def _facebook_attachments(value: dict[str, Any], item: str) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    if isinstance(value.get("photo"), str):
        found.append(Attachment(kind=AttachmentKind.PHOTO, url=value["photo"]))
    if isinstance(value.get("video"), str):
        found.append(Attachment(kind=AttachmentKind.VIDEO, url=value["video"]))
    photos = value.get("photos") or []
    if not isinstance(photos, list):
        raise Unmappable("photos is not a list")  # a shape change: say so, never drop silently
    for url in photos:
        if isinstance(url, str):
            found.append(Attachment(kind=AttachmentKind.PHOTO, url=url))
    link = value.get("link") if isinstance(value.get("link"), str) else None
    if value.get("photo_id") is not None:
        found.append(
            Attachment(
                kind=AttachmentKind.PHOTO, url=link, platform_id=_optional_id(value["photo_id"])
            )
        )
    elif value.get("video_id") is not None:
        found.append(
            Attachment(
                kind=AttachmentKind.VIDEO, url=link, platform_id=_optional_id(value["video_id"])
            )
        )
    elif value.get("share_id") is not None or item == "share":
        found.append(
            Attachment(
                kind=AttachmentKind.SHARE, url=link, platform_id=_optional_id(value.get("share_id"))
            )
        )
    elif link:
        found.append(Attachment(kind=AttachmentKind.LINK, url=link))
    return tuple(found)


def _facebook(change: Change, ctx: Context) -> NormalisedEvent | Ignored:
    field = change.field
    if field == "ratings":
        return Ignored(platform=ctx.platform, reason="ratings and reviews are not monitored")
    if field not in ("feed", "mention"):
        return Ignored(platform=ctx.platform, reason=_FIELD_NOT_MONITORED)
    value = change.value
    if not isinstance(value, dict):
        raise Unmappable(f"{field} change has no value object")
    item, verb = value.get("item"), value.get("verb")
    if not isinstance(item, str) or not isinstance(verb, str):
        raise Unmappable(f"{field} change lacks item or verb")
    if item in _IGNORED_ITEMS:
        return Ignored(platform=ctx.platform, reason=_IGNORED_ITEMS[item])
    if verb in _USER_VERBS:
        return Ignored(platform=ctx.platform, reason=f"verb {verb} concerns users, not content")
    action = _VERBS.get(verb)
    if action is None:
        raise Unmappable(f"{field} change has a verb we do not know")
    if item != "comment" and item not in _POST_ITEMS:
        return Ignored(platform=ctx.platform, reason=f"{field} item of this kind is not monitored")
    if item != "comment":
        if action is Action.EDITED and "message" not in value:
            action = Action.HIDDEN  # moved to the trash (see the module docstring)
        elif action in (Action.CREATED, Action.EDITED) and _unpublished(value):
            return Ignored(platform=ctx.platform, reason=_UNPUBLISHED)

    post_id = _id(value.get("post_id"), "post_id")
    created = _time(value.get("created_time"))
    author_raw = value.get("from", {}).get("id") if isinstance(value.get("from"), dict) else None
    if author_raw is None:
        author_raw = value.get("sender_id")

    if item == "comment":
        item_id = _id(value.get("comment_id"), "comment_id")
        parent = _optional_id(value.get("parent_id"))
        kind = ObjectKind.REPLY if parent is not None and parent != post_id else ObjectKind.COMMENT
    else:
        item_id, parent, kind = post_id, None, ObjectKind.POST
    if field == "mention":
        kind = ObjectKind.MENTION

    # No delivery id exists; platforms.md §1.5 gives this tuple as the dedupe key.
    moment = value.get("created_time") or ctx.entry.time
    key = f"facebook:{field}:{item}:{verb}:{item_id}:{moment}"
    return _event(
        ctx,
        change,
        object_kind=kind,
        action=action,
        item_id=item_id,
        post_id=post_id,
        parent_id=parent,
        author=_author(author_raw, ctx),
        text=_text(value.get("message")),
        attachments=_facebook_attachments(value, item),
        event_time=created,
        idempotency_key=key,
    )


def _instagram(change: Change, ctx: Context) -> NormalisedEvent | Ignored:
    field = change.field
    value = change.value
    if field in ("comments", "live_comments"):
        if not isinstance(value, dict):
            raise Unmappable(f"{field} change has no value object")
        item_id = _id(value.get("id"), "id")
        media: dict[str, Any] = value["media"] if isinstance(value.get("media"), dict) else {}
        parent = _optional_id(value.get("parent_id"))
        sender: dict[str, Any] = value["from"] if isinstance(value.get("from"), dict) else {}
        if field == "live_comments":
            kind = ObjectKind.LIVE_COMMENT
        else:
            kind = ObjectKind.REPLY if parent is not None else ObjectKind.COMMENT
        return _event(
            ctx,
            change,
            object_kind=kind,
            action=Action.CREATED,  # Instagram sends no webhook for edits, deletes or hides
            item_id=item_id,
            post_id=_optional_id(media.get("id")),
            parent_id=parent,
            author=_author(sender.get("id"), ctx),
            text=_text(value.get("text")),
            idempotency_key=f"instagram:{field}:{item_id}",
        )
    if field == "mentions":
        if not isinstance(value, dict):
            raise Unmappable("mentions change has no value object")
        media_id = _id(value.get("media_id"), "media_id")
        comment_id = _optional_id(value.get("comment_id"))
        # No text or author arrives with a mention: ingest leaves a reference for the
        # `instagram.mentions` lookup (polling/sources/instagram.py), which fetches them.
        return _event(
            ctx,
            change,
            object_kind=ObjectKind.MENTION,
            action=Action.CREATED,
            item_id=comment_id or media_id,
            post_id=media_id,
            idempotency_key=f"instagram:mentions:{mention_ref(media_id, comment_id)}",
        )
    return Ignored(platform=ctx.platform, reason=_FIELD_NOT_MONITORED)
