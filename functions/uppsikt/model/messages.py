"""What travels on the ingest queue. Versioned by `type`; anything else is a poison message."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from uppsikt.model.events import NormalisedEvent, Platform, RawPointer


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EventMessage(_Message):
    type: Literal["event"] = "event"
    event: NormalisedEvent


class UnmappedMessage(_Message):
    """A change that ingest could not map. It carries only where the change is kept, never its
    content (which may hold raw user ids and text): evaluation reloads it from the raw store,
    tries again (the mapper may have been fixed since) and dead-letters it with the reason if it
    still fails."""

    type: Literal["unmapped"] = "unmapped"
    platform: Platform
    raw: RawPointer
    received_at: datetime
    error: str
    # The organisation's account the delivery was for (a platform id, not a person's); None on
    # messages queued before accounts came from the registry.
    account_id: str | None = None


class ClaimMessage(_Message):
    """A message too large for SQS, stored in S3; the queue carries only where to find it."""

    type: Literal["claim"] = "claim"
    bucket: str
    key: str


QueueMessage = Annotated[EventMessage | UnmappedMessage | ClaimMessage, Field(discriminator="type")]
QUEUE_MESSAGE: TypeAdapter[EventMessage | UnmappedMessage | ClaimMessage] = TypeAdapter(
    QueueMessage
)
