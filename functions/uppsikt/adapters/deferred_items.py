"""DynamoDB: the items table for one SQS batch, its working records written together
(`evaluate.ports.WriteBehind`).

A record's working copy and a shadow candidate's result are plain puts that nothing in the batch
reads back except an item's history and a purge of its copies. So they are held, and written
with `BatchWriteItem` (25 a request) when the batch ends, or before one of those two reads, so a
later record of the same batch still sees every earlier one. The rest of the store (held
actions, change marks, reconciliation) goes straight through: those writes are conditional or
read at once. Issue 13: one call per item fewer, out of four.

Nothing held is lost. A write the table refuses (unprocessed after retries, or an error) stays
held; `settle` names the SQS messages whose writes remain, and the consumer reports them as
failed, so SQS delivers them again and they are evaluated again (which changes nothing that was
written). A killed invocation deletes no message: the whole batch comes back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.dynamodb import WRITE_BATCH, Items, Throttled, batch_write
from uppsikt.diagnostics import describe
from uppsikt.model.records import HeldAction, ItemEntry, ShadowResult, WorkingRecord
from uppsikt.observability.logs import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

Row = dict[str, "AttributeValueTypeDef"]


@dataclass
class DeferredItems:
    store: Items
    sleep: Callable[[float], None] = time.sleep
    # By row key (a later write of the same row replaces an earlier one, as it would in order):
    # the SQS message it belongs to, and the row.
    _held: dict[str, tuple[str | None, Row]] = field(default_factory=dict, init=False)
    _owner: str | None = field(default=None, init=False)

    # --- held -------------------------------------------------------------------------------
    def put(self, record: WorkingRecord) -> None:
        self._hold(Items.row(record))

    def put_shadow(self, result: ShadowResult) -> None:
        self._hold(Items.shadow_row(result))

    def _hold(self, row: Row) -> None:
        self._held[str(row["event_id"]["S"])] = (self._owner, row)

    # --- reads that must see what is held -------------------------------------------------
    def history(self, item_ref: str) -> list[ItemEntry]:
        self._flush()
        return self.store.history(item_ref)

    def purge_working_copies(self, item_ref: str) -> int:
        self._flush()
        return self.store.purge_working_copies(item_ref)

    # --- straight through -----------------------------------------------------------------
    def mark_changed(
        self, item_ref: str, retention_class: str, expires_at: datetime | None
    ) -> None:
        self.store.mark_changed(item_ref, retention_class, expires_at)

    def has_changes(self, item_ref: str) -> bool:
        return self.store.has_changes(item_ref)

    def hold(self, held: HeldAction) -> bool:
        return self.store.hold(held)

    def mark_reconciled(self, event_id: str, create_event_id: str, at: datetime) -> None:
        self.store.mark_reconciled(event_id, create_event_id, at)

    # --- the batch ------------------------------------------------------------------------
    def working_for(self, message_id: str | None) -> None:
        self._owner = message_id

    def settle(self) -> set[str]:
        try:
            self._flush()
        except Exception as exc:
            logger.warning(
                "working records not written",
                extra={"rows": len(self._held), "error": describe(exc)},
            )
        failed = {owner for owner, _ in self._held.values() if owner is not None}
        self._held.clear()
        self._owner = None
        return failed

    def _flush(self) -> None:
        """Write everything held; what the table refuses stays held and raises `Throttled`."""
        keys = list(self._held)
        refused: Exception | None = None
        for start in range(0, len(keys), WRITE_BATCH):
            try:
                self._write(keys[start : start + WRITE_BATCH])
            except Exception as exc:  # the other requests may still go through
                refused = exc
        if refused is not None:
            raise refused

    def _write(self, keys: list[str]) -> None:
        requests: list[Any] = [{"PutRequest": {"Item": self._held[key][1]}} for key in keys]
        unprocessed = batch_write(self.store.client, self.store.table, requests, sleep=self.sleep)
        left = {str(request["PutRequest"]["Item"]["event_id"]["S"]) for request in unprocessed}
        for key in keys:
            if key not in left:
                self._held.pop(key, None)  # written
        if left:
            raise Throttled(f"{len(left)} working record(s) left unprocessed")
