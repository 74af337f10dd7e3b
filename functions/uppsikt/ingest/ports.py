"""What ingest needs from the outside world; the AWS adapters implement these."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage


class RawStore(Protocol):
    @property
    def bucket(self) -> str: ...

    def put_delivery(self, key: str, body: bytes, metadata: dict[str, str]) -> None: ...


class MessageQueue(Protocol):
    def send(self, messages: Sequence[EventMessage | UnmappedMessage]) -> None:
        """Queue every message or raise; partial success must still raise."""


class Alerts(Protocol):
    def alert(self, subject: str, details: dict[str, str]) -> None: ...


class LookupRequests(Protocol):
    """Where references (ids only) are left for a look-up poller to fetch their content."""

    def request(
        self, platform: Platform, account_id: str, stream: str, ref: str, org_id: str | None = None
    ) -> None: ...


class LookupStore(LookupRequests, Protocol):
    """References waiting to be looked up, per account and stream: ingest leaves them (an Instagram
    mention arrives with ids only) and a poller's `LookupSource` resolves them."""

    def pending(
        self, platform: Platform, account_id: str, stream: str, limit: int
    ) -> list[str]: ...

    def done(self, platform: Platform, account_id: str, stream: str, ref: str) -> None: ...
