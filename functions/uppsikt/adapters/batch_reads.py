"""DynamoDB: the reads of one SQS batch's records in one BatchGetItem (`evaluate.ports.BatchReads`).

A create reads its item's change mark (items table, consistent, as `Items.has_changes` reads it),
a judged item its author's restriction row (requests table, eventually consistent, as
`Requests.restricted` reads it) and a visitor's question the rows of its threads (clocks table,
consistent, as `Clocks.last_reply` reads them). The keys are known from the batch's messages
before any record is handled, so the batch reads them in one request across the tables (100 keys
a request) instead of up to four GetItems per record. For the clocks this object is also their
`Threads`: it answers a thread's latest reply from the batch's read and keeps that true to the
replies the batch itself notes; everything else goes to the clocks table. For the consumer it
is also its `Completions`: whether the batch's events were finished is read in the same
request, and what was not read (a claim's event) or is written goes to the idempotency table.

Only a complete read is kept: keys the table leaves unprocessed are asked for again with backoff,
and a read that still fails raises, leaving nothing cached (the records then read one by one, as
before).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.clocks import Clocks, parse_time
from uppsikt.adapters.completions import Completions
from uppsikt.adapters.dynamodb import Items, Throttled
from uppsikt.dynamo_values import from_item
from uppsikt.evaluate.ports import Finished

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import AttributeValueTypeDef

_BATCH_GET = 100  # DynamoDB's limit per BatchGetItem, over all its tables
_ATTEMPTS = 5

RestrictionKey = Callable[[str, str], dict[str, "AttributeValueTypeDef"]]


@dataclass
class BatchReads:
    client: DynamoDBClient
    items_table: str
    # The requests table and its restriction row's key (`dsr.store.Requests.restriction_key`);
    # None where the stack has no requests table.
    requests_table: str | None = None
    restriction_key: RestrictionKey | None = None
    # The clocks' table, whose thread rows a question reads; None: threads are not read here.
    clocks: Clocks | None = None
    # The idempotency table's finished events; None: not read here.
    completions: Completions | None = None
    _changes: dict[str, bool] = field(default_factory=dict, init=False)
    _restrictions: dict[tuple[str, str], bool] = field(default_factory=dict, init=False)
    _replies: dict[str, datetime | None] = field(default_factory=dict, init=False)
    _outcomes: dict[str, str | None] = field(default_factory=dict, init=False)

    def load(
        self,
        changes: Collection[str],
        restrictions: Collection[tuple[str, str]],
        threads: Collection[str] = (),
        finished: Collection[str] = (),
    ) -> None:
        self.clear()
        refs = {Items.changed_key(ref)["event_id"]["S"]: ref for ref in changes}
        wanted: list[tuple[str, dict[str, Any]]] = [
            (self.items_table, {"event_id": {"S": key}}) for key in refs
        ]
        authors: dict[tuple[str, str], tuple[str, str]] = {}
        if self.requests_table is not None and self.restriction_key is not None:
            for org_id, pseudonym in dict.fromkeys(restrictions):
                key = self.restriction_key(org_id, pseudonym)
                authors[(key["pk"]["S"], key["sk"]["S"])] = (org_id, pseudonym)
                wanted.append((self.requests_table, dict(key)))
        rows_of: dict[str, str] = {}
        if self.clocks is not None:
            for thread in dict.fromkeys(threads):
                key = self.clocks.thread_key(thread)
                rows_of[key["pk"]["S"]] = thread
                wanted.append((self.clocks.table, dict(key)))
        keys_of: dict[str, str] = {}
        if self.completions is not None:
            for event_key in dict.fromkeys(finished):
                key = self.completions.key(event_key)
                keys_of[key["id"]["S"]] = event_key
                wanted.append((self.completions.table, key))
        found = self._read(wanted)
        # Kept only now, complete: a failed read above leaves nothing to answer from.
        self._changes = {ref: key in found[self.items_table] for key, ref in refs.items()}
        if self.requests_table is not None:
            rows = found[self.requests_table]
            self._restrictions = {pair: key in rows for key, pair in authors.items()}
        if self.clocks is not None:
            rows = found[self.clocks.table]
            self._replies = {thread: _reply(rows.get(pk)) for pk, thread in rows_of.items()}
        if self.completions is not None:
            rows, done = found[self.completions.table], self.completions
            self._outcomes = {
                key: done.outcome(from_item(rows[i]) if i in rows else None)
                for i, key in keys_of.items()
            }

    def _read(self, wanted: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[Any, Any]]:
        """The rows found, per table, by their key."""
        clocks = self.clocks.table if self.clocks is not None else None
        done = self.completions.table if self.completions is not None else None
        tables = [self.items_table, self.requests_table, clocks, done]
        found: dict[str, dict[Any, Any]] = {t: {} for t in tables if t is not None}
        for start in range(0, len(wanted), _BATCH_GET):
            request: dict[str, Any] = {}
            for table, key in wanted[start : start + _BATCH_GET]:
                request.setdefault(table, {"Keys": [], **self._how(table)})["Keys"].append(key)
            for attempt in range(_ATTEMPTS):
                response = self.client.batch_get_item(RequestItems=request)
                for table, rows in response.get("Responses", {}).items():
                    found[table].update((self._key_of(table, row), row) for row in rows)
                request = dict(response.get("UnprocessedKeys") or {})
                if not request:
                    break
                time.sleep(0.05 * 2**attempt)
            else:
                raise Throttled(f"a batch read left keys unprocessed after {_ATTEMPTS} attempts")
        return found

    def _how(self, table: str) -> dict[str, Any]:
        # Consistent where the single reads were: a mark or a reply noted a moment ago counts.
        if table == self.items_table:
            return {"ConsistentRead": True, "ProjectionExpression": "event_id"}
        if table == self.requests_table:
            return {"ProjectionExpression": "pk, sk"}
        if self.completions is not None and table == self.completions.table:
            return self.completions.read
        return {"ConsistentRead": True, "ProjectionExpression": "pk, last_reply_at"}

    def _key_of(self, table: str, row: dict[str, Any]) -> Any:
        if table == self.items_table:
            return row["event_id"]["S"]
        if table == self.requests_table:
            return (row["pk"]["S"], row["sk"]["S"])
        if self.completions is not None and table == self.completions.table:
            return row["id"]["S"]
        return row["pk"]["S"]

    def changes(self, item_ref: str) -> bool | None:
        return self._changes.get(item_ref)

    def note_change(self, item_ref: str) -> None:
        self._changes[item_ref] = True

    def restriction(self, org_id: str, pseudonym: str) -> bool | None:
        return self._restrictions.get((org_id, pseudonym))

    def clear(self) -> None:
        self._changes, self._restrictions, self._replies = {}, {}, {}
        self._outcomes = {}

    # --- the consumer's `Completions`: the batch's read first ----------------------------------
    def finished(self, keys: Collection[str]) -> dict[str, str]:
        known = {key: self._outcomes[key] for key in keys if key in self._outcomes}
        rest = [key for key in keys if key not in known]
        found = {key: outcome for key, outcome in known.items() if outcome is not None}
        if rest:
            found |= self._completions.finished(rest)
        return found

    def finish(self, finished: Mapping[str, Finished]) -> None:
        self._completions.finish(finished)
        self._outcomes.update((key, done.outcome) for key, done in finished.items())

    @property
    def _completions(self) -> Completions:
        if self.completions is None:
            raise RuntimeError("batch reads without the idempotency table know no completions")
        return self.completions

    # --- the clocks' `Threads`: the batch's thread rows first ---------------------------------
    def last_reply(self, thread: str) -> datetime | None:
        if thread in self._replies:
            return self._replies[thread]
        return self._clocks.last_reply(thread)

    def note_reply(self, thread: str, at: datetime, expires_at: datetime) -> None:
        self._clocks.note_reply(thread, at, expires_at)
        if thread in self._replies:  # the latest reply wins, as in the table
            known = self._replies[thread]
            self._replies[thread] = at if known is None else max(known, at)

    def add_question(self, thread: str, clock_id: str, expires_at: datetime) -> None:
        self._clocks.add_question(thread, clock_id, expires_at)

    def questions(self, thread: str) -> list[str]:
        return self._clocks.questions(thread)

    @property
    def _clocks(self) -> Clocks:
        if self.clocks is None:
            raise RuntimeError("batch reads without the clocks table serve no threads")
        return self.clocks


def _reply(row: dict[str, Any] | None) -> datetime | None:
    value = (row or {}).get("last_reply_at", {}).get("S")
    return parse_time(value) if value else None
