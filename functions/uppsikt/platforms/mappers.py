"""Which mapper reads which platform's deliveries: one entry per wired platform.

Ingest uses it on arrival; evaluation uses it again to retry an item that could not be mapped
(after a fix), reading the stored raw delivery.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from uppsikt.model.events import Ignored, NormalisedEvent, Platform
from uppsikt.platforms.delivery import DeliveryContext

Result = NormalisedEvent | Ignored | Exception


@dataclass(frozen=True)
class PlatformMapper:
    platform: Platform
    read: Callable[[bytes], object]  # raises ValueError for a body that is not this platform's
    normalise: Callable[[object, DeliveryContext], list[Result]]

    def map(self, body: bytes, ctx: DeliveryContext) -> list[Result]:
        """One result per item; `ValueError` when the body as a whole cannot be read."""
        return self.normalise(self.read(body), ctx)


def _json(body: bytes) -> object:
    return json.loads(body)  # JSONDecodeError is a ValueError


def _x(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.x.normalise import normalise_delivery

    return list(normalise_delivery(data, ctx))


def _bytes(body: bytes) -> object:
    return body  # the mapper parses it (YouTube's Atom needs the exact bytes for defusedxml)


def _linkedin(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.linkedin.normalise import normalise_delivery

    return list(normalise_delivery(data, ctx))


def _youtube(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.youtube.feed import normalise_feed

    if not isinstance(data, bytes):
        raise ValueError("a WebSub notification is read from its bytes")
    return list(normalise_feed(data, ctx))


def _mastodon(data: object, ctx: DeliveryContext) -> list[Result]:
    from uppsikt.platforms.mastodon.normalise import normalise_webhook

    return list(normalise_webhook(data, ctx))


MAPPERS: dict[Platform, PlatformMapper] = {
    Platform.X: PlatformMapper(Platform.X, _json, _x),
    Platform.LINKEDIN: PlatformMapper(Platform.LINKEDIN, _json, _linkedin),
    Platform.YOUTUBE: PlatformMapper(Platform.YOUTUBE, _bytes, _youtube),
    Platform.MASTODON: PlatformMapper(Platform.MASTODON, _json, _mastodon),
}
