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


MAPPERS: dict[Platform, PlatformMapper] = {
    Platform.X: PlatformMapper(Platform.X, _json, _x),
}
