"""Map the organisation's own posts, as the Posts API lists them, to the event model.

LinkedIn sends no notification for the organisation's own new or edited posts (platforms.md §4.4),
so the poller reads `GET /rest/posts?q=author&author=<org URN>&sortBy=LAST_MODIFIED`:

    {"elements": [{"id": "urn:li:share:…" | "urn:li:ugcPost:…", "author": "urn:li:organization:…",
                   "commentary": "…", "createdAt": ms, "lastModifiedAt": ms, "publishedAt": ms,
                   "lifecycleState": "PUBLISHED", "visibility": "PUBLIC",
                   "content": {"media": {…}} | {"article": {…}} | {"multiImage": {…}} | …,
                   "reshareContext": {"parent": urn, "root": urn}}, …],
     "paging": {"start": 0, "count": 10, "total": N}}

- One result per element: a POST event by the organisation, or `Ignored` for a post that is not
  (yet) published, or `Unmappable` for an element we cannot read.
- CREATED when the post was never modified (`lastModifiedAt == createdAt`) or was published after
  the last complete sweep (`since`), so we cannot have seen it; EDITED otherwise. A post edited
  before we first saw it (older than the first run's single page) is then reported as an edit.
- The key is `linkedin:post:{urn}:{lastModifiedAt}`: one event per version of a post, whichever
  sweep reads it. Webhook keys are `linkedin:<notificationId>` for shares and
  `linkedin:comment:…` for comments, so neither collides with a post's.
- The commentary is "little text": mentions `@[Name](urn:li:person:…)`, hashtags
  `{hashtag|\\#|Tag}` and backslash escapes become plain text, so no member URN reaches the event.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
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
)
from uppsikt.platforms.delivery import (
    CamelPayload,
    DeliveryContext,
    Lenient,
    check_platform,
    guarded,
    parse,
    read_json,
)
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.linkedin.urn import (
    AnyUrn,
    OptionalAnyUrn,
    entity_type,
    is_urn,
    normalise_urn,
)
from uppsikt.platforms.times import EpochMillis, from_millis

KEY_PREFIX = "linkedin:post:"
PUBLISHED = "PUBLISHED"
# The Posts API's documented lifecycle states.
LIFECYCLE_STATES = frozenset({"DRAFT", PUBLISHED, "PUBLISH_REQUESTED", "PUBLISH_FAILED"})

Result = NormalisedEvent | Ignored | Unmappable

_ORG_TYPES = ("organization", "organizationBrand")
_POST_TYPES = frozenset({"share", "ugcPost"})
_MEDIA_TYPES = {"image": AttachmentKind.PHOTO, "video": AttachmentKind.VIDEO}

# Little text (LinkedIn's commentary format): a mention, a hashtag, or one escaped character.
_LITTLE = re.compile(
    r"@\[(?P<name>(?:\\.|[^\]\\])*)\]\((?P<urn>urn:li:[^)\s]*)\)"
    r"|\{hashtag\|\\?#\|(?P<tag>(?:\\.|[^}\\])*)\}"
    r"|\\(?P<char>.)",
    re.DOTALL,
)
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def elements(data: object) -> list[Any]:
    """The `elements` of a Rest.li collection; `ValueError` for anything else (an error body)."""
    if not isinstance(data, Mapping):
        raise ValueError("a LinkedIn collection response is a JSON object")
    found = data.get("elements")
    if not isinstance(found, list):
        raise ValueError("a LinkedIn collection response has an elements list")
    return found


def normalise_posts(data: object, ctx: DeliveryContext, *, since: int | None) -> list[Result]:
    """One result per element of a `/rest/posts` response. `since` is the high-water mark
    (`lastModifiedAt`, ms) of the last complete sweep; None on the first run."""
    check_platform(ctx, Platform.LINKEDIN)
    return [
        guarded(partial(_post, element, index, ctx, since), "post", count_only=True)
        for index, element in enumerate(elements(read_json(data)))
    ]


class _Listed(CamelPayload):
    """What decides whether a post is read further."""

    id: AnyUrn
    lifecycle_state: object = None


class _Reshare(CamelPayload):
    parent: OptionalAnyUrn = None


class _Post(CamelPayload):
    id: AnyUrn
    last_modified_at: EpochMillis
    created_at: EpochMillis | None = None
    published_at: EpochMillis | None = None
    author: OptionalAnyUrn = None
    commentary: str | None = None
    content: dict[str, Any] | None = None  # one part per kind, each read by its own model
    reshare_context: Lenient[_Reshare] = None


def _post(
    element: object, index: int, ctx: DeliveryContext, since: int | None
) -> NormalisedEvent | Ignored:
    listed = parse(_Listed, element, "post")
    if entity_type(listed.id) not in _POST_TYPES:
        raise Unmappable("post id is not a share or ugcPost URN")
    state = listed.lifecycle_state
    if state != PUBLISHED:
        # Only a state we know is named (from our own list, never echoed from the payload).
        shown = state if isinstance(state, str) and state in LIFECYCLE_STATES else "unknown"
        return Ignored(platform=Platform.LINKEDIN, reason=f"post lifecycle {shown}, not published")
    post = parse(_Post, element, "post")
    urn, modified, created = post.id, post.last_modified_at, post.created_at
    born = post.published_at or created
    fresh = modified == created or since is None or (born is not None and born > since)
    return NormalisedEvent(
        platform=Platform.LINKEDIN,
        account_id=ctx.account_id,
        object_kind=ObjectKind.POST,
        action=Action.CREATED if fresh else Action.EDITED,
        item_id=urn,
        post_id=urn,
        author=author_of(post.author, ctx) if post.author is not None else None,
        text=None if post.commentary is None else plain_text(post.commentary),
        attachments=_attachments(post),
        event_time=from_millis(born if fresh and born is not None else modified),
        received_at=ctx.received_at,
        raw=ctx.pointer(index),
        idempotency_key=f"{KEY_PREFIX}{urn}:{modified}",
    )


# --- fields shared with the comments and notifications mappers -----------------------------------


def urn_field(value: object, what: str) -> str:
    """A normalised URN; `Unmappable` naming the field (never its content) otherwise."""
    if not isinstance(value, str):
        raise Unmappable(f"{what} is missing or not a string")
    try:
        return normalise_urn(value)
    except ValueError as exc:
        raise Unmappable(f"{what} is not a LinkedIn URN") from exc


def account_urns(account_id: str) -> tuple[str, ...]:
    """The URNs the organisation may appear as: its registry id as a URN, or a bare number."""
    if is_urn(account_id):
        try:
            return (normalise_urn(account_id),)
        except ValueError:
            return (account_id,)
    return tuple(f"urn:li:{kind}:{account_id}" for kind in _ORG_TYPES)


def author_of(urn: str, ctx: DeliveryContext) -> Author:
    """The pseudonym of an actor or author URN (canonical); `is_account` when it is the
    organisation."""
    pseudonym = ctx.author(urn)
    if pseudonym is None:  # pragma: no cover - a normalised URN is never empty
        raise Unmappable("author is empty")
    return Author(pseudonym=pseudonym, is_account=urn in account_urns(ctx.account_id))


# --- post content --------------------------------------------------------------------------------


def plain_text(little: str) -> str:
    """Little text as a reader sees it: `@Name`, `#Tag`, escapes resolved."""

    def replace(match: re.Match[str]) -> str:
        if match["urn"] is not None:
            return "@" + _ESCAPED.sub(r"\1", match["name"])
        if match["tag"] is not None:
            return "#" + _ESCAPED.sub(r"\1", match["tag"])
        return match["char"]

    return _LITTLE.sub(replace, little)


class _MediaPart(CamelPayload):
    id: AnyUrn


class _MultiImagePart(CamelPayload):
    images: list[_MediaPart]


class _ArticlePart(CamelPayload):
    source: str | None = None


def _attachments(post: _Post) -> tuple[Attachment, ...]:
    found: list[Attachment] = []
    for kind, part in (post.content or {}).items():
        found.extend(_content(kind, part))
    if post.reshare_context is not None and post.reshare_context.parent is not None:
        found.append(Attachment(kind=AttachmentKind.SHARE, platform_id=post.reshare_context.parent))
    return tuple(found)


def _content(kind: str, part: object) -> list[Attachment]:
    # Named by our own words for the kind, never the payload's key.
    if kind == "media":
        media = parse(_MediaPart, part, "content.media").id
        kind_of = _MEDIA_TYPES.get(entity_type(media), AttachmentKind.MEDIA)
        return [Attachment(kind=kind_of, platform_id=media)]
    if kind == "multiImage":
        images = parse(_MultiImagePart, part, "content.multiImage").images
        return [Attachment(kind=AttachmentKind.PHOTO, platform_id=image.id) for image in images]
    if kind == "article":
        source = parse(_ArticlePart, part, "content.article").source
        return [Attachment(kind=AttachmentKind.LINK, url=source)]
    if not isinstance(part, Mapping):
        raise Unmappable("a content part is not an object")
    # Polls, carousels, celebrations…: something is attached even if we do not read it.
    return [Attachment(kind=AttachmentKind.MEDIA)]
