"""One event model that every platform maps into.

Ingest and pollers produce `NormalisedEvent`s; evaluation only ever sees these. Author ids are
pseudonymised before an event is built, so a raw platform user id never travels on a queue.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

SCHEMA_VERSION = 1


class Platform(StrEnum):
    FACEBOOK = "facebook"
    INSTAGRAM = "instagram"
    X = "x"
    YOUTUBE = "youtube"
    LINKEDIN = "linkedin"
    MASTODON = "mastodon"
    BLUESKY = "bluesky"


class ObjectKind(StrEnum):
    POST = "post"
    COMMENT = "comment"
    REPLY = "reply"
    MENTION = "mention"
    LIVE_COMMENT = "live_comment"


class Action(StrEnum):
    CREATED = "created"
    EDITED = "edited"
    DELETED = "deleted"
    HIDDEN = "hidden"
    UNHIDDEN = "unhidden"


class AttachmentKind(StrEnum):
    PHOTO = "photo"
    VIDEO = "video"
    LINK = "link"
    SHARE = "share"
    MEDIA = "media"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Author(Frozen):
    """Who wrote the item, as a keyed pseudonym; `is_account` marks the organisation itself."""

    pseudonym: str = Field(min_length=16, max_length=64)
    is_account: bool = False


class Attachment(Frozen):
    kind: AttachmentKind
    url: str | None = None
    platform_id: str | None = None


class RawPointer(Frozen):
    """Where the verbatim delivery is kept, and which part of it this event came from."""

    bucket: str
    key: str
    entry_index: int = Field(ge=0)
    change_index: int = Field(ge=0)


class NormalisedEvent(Frozen):
    schema_version: int = SCHEMA_VERSION
    platform: Platform
    account_id: str = Field(min_length=1)
    object_kind: ObjectKind
    action: Action
    item_id: str = Field(min_length=1)
    post_id: str | None = None
    parent_id: str | None = None
    author: Author | None = None
    text: str | None = None
    attachments: tuple[Attachment, ...] = ()
    # Aware only: platform times are read by one rule (`platforms.times`: no zone means UTC).
    event_time: datetime | None = None
    received_at: datetime
    raw: RawPointer
    idempotency_key: str = Field(min_length=1, max_length=512)
    test_delivery: bool = False
    # The platform says a program wrote it (Mastodon's `bot` accounts): an automated reply does
    # not answer a member's question (issue 11).
    automated: bool = False

    @field_validator("account_id", "item_id", "post_id", "parent_id", mode="before")
    @classmethod
    def _ids_are_strings(cls, value: object) -> object:
        # Platforms send some ids as JSON numbers; X ids exceed 2**53, so never let a float in.
        if isinstance(value, bool | float):
            raise ValueError("ids must be strings or integers, not floats or booleans")
        if isinstance(value, int):
            return str(value)
        return value

    @field_validator("event_time")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        # A check of our own: pydantic's AwareDatetime costs 26 ms of imports at cold start.
        if value is not None and value.utcoffset() is None:
            raise ValueError("event_time must carry a time zone")
        return value

    @property
    def event_id(self) -> str:
        """A short stable id for records and logs that does not expose the platform ids."""
        return hashlib.sha256(self.idempotency_key.encode()).hexdigest()[:32]

    @property
    def item_ref(self) -> str:
        return f"{self.platform}#{self.account_id}#{self.item_id}"

    @property
    def is_visitor_content(self) -> bool:
        return self.author is None or not self.author.is_account


class Ignored(Frozen):
    """A change that is deliberately not evaluated, with the reason (reactions, ratings, …)."""

    platform: Platform
    reason: str
