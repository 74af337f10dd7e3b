"""Which mapper reads which platform's deliveries: one entry per wired platform.

Ingest uses it on arrival; evaluation uses it again to retry an item that could not be mapped
(after a fix), and `uppsikt quarantine replay` to bring a quarantined delivery back, both reading
the stored raw delivery. Meta (Facebook Pages and Instagram share one webhook and one mapper)
routes each entry to its account itself; every other mapper reads a delivery for one account,
found by the route (from the path, or from the body with `route`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from uppsikt.model.events import NormalisedEvent, Platform
from uppsikt.platforms.delivery import DeliveryContext
from uppsikt.platforms.meta.mapper import META
from uppsikt.platforms.results import Delivery, Item, LookupRequest, Result, items_of

__all__ = ["MAPPERS", "Mapper", "PlatformMapper", "Result", "by_source"]

# Which registered account a body is for, from the body (None: not one the registry lists).
Route = Callable[[bytes, Iterable[str]], str | None]


class Mapper(Protocol):
    @property
    def source(self) -> str:
        """The raw store's folder and the alerts' name for these deliveries."""

    @property
    def routes_entries(self) -> bool:
        """True when the mapper finds each entry's account itself (`Delivery.registered`)."""

    @property
    def route(self) -> Route | None:
        """How to find the account from the body, where the route does not name it."""

    def items(self, body: bytes, delivery: Delivery) -> list[Item]:
        """One item per part of the body; `ValueError` when the body as a whole is unreadable."""

    def accounts(self, body: bytes) -> list[tuple[Platform, str]]:
        """The accounts a body's entries are for, where the mapper routes each entry itself;
        `[]` for mappers that read one account's delivery (the route names it)."""

    def lookups(self, events: Sequence[NormalisedEvent]) -> list[LookupRequest]:
        """What to fetch later for these queued events (ids only)."""


@dataclass(frozen=True)
class PlatformMapper:
    platform: Platform
    read: Callable[[bytes], object]  # raises ValueError for a body that is not this platform's
    normalise: Callable[[object, DeliveryContext], list[Result]]
    route: Route | None = None
    routes_entries: bool = False

    @property
    def source(self) -> str:
        return self.platform.value

    def map(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        """One result per item; `ValueError` when the body as a whole cannot be read."""
        return self.normalise(self.read(body), ctx)

    def items(self, body: bytes, delivery: Delivery) -> list[Item]:
        ctx = delivery.context(self.platform)
        return items_of(ctx, self.map(body, ctx))

    def accounts(self, body: bytes) -> list[tuple[Platform, str]]:
        return []

    def lookups(self, events: Sequence[NormalisedEvent]) -> list[LookupRequest]:
        return []


def _json(body: bytes) -> object:
    return json.loads(body)  # JSONDecodeError is a ValueError


def _x(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.x.normalise import normalise_delivery

    return list(normalise_delivery(data, ctx))


def _x_route(body: bytes, registered: Iterable[str]) -> str | None:
    from uppsikt.platforms.x.routing import account_for

    return account_for(body, registered)


def _bytes(body: bytes) -> object:
    return body  # the mapper parses it (YouTube's Atom needs the exact bytes for defusedxml)


def _linkedin(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.linkedin.normalise import normalise_delivery

    return list(normalise_delivery(data, ctx))


def _linkedin_route(body: bytes, registered: Iterable[str]) -> str | None:
    from uppsikt.platforms.linkedin.routing import account_for

    return account_for(body, registered)


def _youtube(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.youtube.feed import normalise_feed

    if not isinstance(data, bytes):
        raise ValueError("a WebSub notification is read from its bytes")
    return list(normalise_feed(data, ctx))


def _mastodon(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.mastodon.normalise import normalise_webhook

    return list(normalise_webhook(data, ctx))


MAPPERS: dict[Platform, Mapper] = {
    Platform.FACEBOOK: META,
    Platform.INSTAGRAM: META,
    Platform.X: PlatformMapper(Platform.X, _json, _x, route=_x_route),
    Platform.LINKEDIN: PlatformMapper(Platform.LINKEDIN, _json, _linkedin, route=_linkedin_route),
    Platform.YOUTUBE: PlatformMapper(Platform.YOUTUBE, _bytes, _youtube),
    Platform.MASTODON: PlatformMapper(Platform.MASTODON, _json, _mastodon),
}


def by_source(source: str) -> Mapper | None:
    """The mapper whose deliveries are stored under `source` (a stored object's `platform`)."""
    for mapper in MAPPERS.values():
        if mapper.source == source:
            return mapper
    return None
