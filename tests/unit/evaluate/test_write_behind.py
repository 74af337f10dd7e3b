"""The batch's working records held and written together (`adapters.deferred_items`), against a
client that refuses what a throttled table refuses: nothing held is lost or reported written."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

import pytest

from uppsikt.adapters.deferred_items import DeferredItems
from uppsikt.adapters.dynamodb import Items, Throttled

TABLE = "items"


@dataclass
class Table:
    """BatchWriteItem that leaves every row whose key is in `refuse` unprocessed."""

    refuse: set[str] = field(default_factory=set)
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[int] = field(default_factory=list)  # rows per request

    def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
        requests = RequestItems[TABLE]
        assert len(requests) <= 25, "DynamoDB refuses more than 25 writes a request"
        keys = [r["PutRequest"]["Item"]["event_id"]["S"] for r in requests]
        assert len(set(keys)) == len(keys), "DynamoDB refuses a request naming a key twice"
        self.calls.append(len(requests))
        left = []
        for request in requests:
            item = request["PutRequest"]["Item"]
            if item["event_id"]["S"] in self.refuse:
                left.append(request)
            else:
                self.rows[item["event_id"]["S"]] = item
        return {"UnprocessedItems": {TABLE: left} if left else {}}


class Store(Items):
    """The real row builders, and a history that says which rows it could see."""

    def history(self, item_ref: str) -> list[Any]:
        return sorted(cast(Table, self.client).rows)


def row(n: int) -> dict[str, Any]:
    return {"event_id": {"S": f"e{n}"}, "text": {"S": "x"}}


def deferred(table: Table) -> DeferredItems:
    return DeferredItems(Store(cast(Any, table), TABLE), sleep=lambda _: None)


def hold(items: DeferredItems, owner: str, n: int) -> None:
    items.working_for(owner)
    items._hold(row(n))


def test_held_rows_are_written_25_a_request_when_the_batch_settles() -> None:
    table = Table()
    items = deferred(table)
    for n in range(60):
        hold(items, f"m{n}", n)
    assert table.rows == {}  # nothing written while the batch runs
    assert items.settle() == set()
    assert table.calls == [25, 25, 10]
    assert sorted(table.rows) == sorted(f"e{n}" for n in range(60))


def test_an_items_history_sees_every_row_the_batch_held_before_it() -> None:
    table = Table()
    items = deferred(table)
    hold(items, "m1", 1)
    assert cast(Any, items.history("facebook#page#1")) == ["e1"]  # the rows it could see


def test_a_row_written_twice_is_written_once_as_last_held() -> None:
    table = Table()
    items = deferred(table)
    hold(items, "m1", 1)
    items.working_for("m2")
    items._hold({"event_id": {"S": "e1"}, "text": {"S": "later"}})
    assert items.settle() == set()
    assert table.calls == [1]
    assert table.rows["e1"]["text"] == {"S": "later"}


def test_rows_the_table_keeps_refusing_name_their_messages_and_nothing_else() -> None:
    table = Table(refuse={"e2", "e30"})
    items = deferred(table)
    for n in range(40):
        hold(items, f"m{n}", n)
    assert items.settle() == {"m2", "m30"}
    assert sorted(table.rows) == sorted(f"e{n}" for n in range(40) if n not in (2, 30))
    assert items.settle() == set()  # settled: the next batch starts empty


def test_a_refused_write_before_a_history_read_fails_that_record_and_stays_held() -> None:
    table = Table(refuse={"e1"})
    items = deferred(table)
    hold(items, "m1", 1)
    hold(items, "m2", 2)
    with pytest.raises(Throttled):
        items.history("facebook#page#2")
    table.refuse.clear()  # the table recovers before the batch ends
    assert items.settle() == set()
    assert sorted(table.rows) == ["e1", "e2"]


def test_a_client_error_leaves_every_held_row_to_its_message() -> None:
    class Broken(Table):
        def batch_write_item(self, RequestItems: dict[str, Any]) -> dict[str, Any]:  # noqa: N803
            raise RuntimeError("connection reset")

    items = deferred(Broken())
    hold(items, "m1", 1)
    hold(items, "m2", 2)
    assert items.settle() == {"m1", "m2"}
