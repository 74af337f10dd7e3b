"""What every platform's mapper needs from the delivery it reads (Meta keeps its own, richer
context because its entries carry the account id).

A mapper turns one verified delivery body into one result per item, in order: a
`NormalisedEvent`, an `Ignored` with its reason, or an `Unmappable` error for that item alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from uppsikt.model.events import Platform, RawPointer
from uppsikt.privacy.pseudonym import Pseudonymiser


@dataclass(frozen=True, slots=True)
class DeliveryContext:
    platform: Platform
    account_id: str  # the organisation's account on that platform, as the registry knows it
    raw_bucket: str
    raw_key: str
    received_at: datetime
    pseudonymiser: Pseudonymiser

    def pointer(self, item_index: int, part_index: int = 0) -> RawPointer:
        """Where item `item_index` of the delivery is kept (`part_index` for nested parts)."""
        return RawPointer(
            bucket=self.raw_bucket,
            key=self.raw_key,
            entry_index=item_index,
            change_index=part_index,
        )

    def author(self, raw_id: str | None) -> str | None:
        """The author's pseudonym; the raw id never leaves the mapper."""
        if raw_id is None or raw_id == "":
            return None
        return self.pseudonymiser.pseudonym(self.platform, raw_id)
