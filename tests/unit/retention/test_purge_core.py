"""The purge's decisions without AWS: holds, precedence, receipts' dates, refusals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from uppsikt.retention.holds import HoldInvalid, Scope, new, released, remind
from uppsikt.retention.ports import Candidate, Outcome, Page
from uppsikt.retention.purge import ClockWentBack, Purge, UnknownOrganisation, action_at_expiry
from uppsikt.retention.receipts import PITR_WINDOW, Batch
from uppsikt.retention.schedule import Action, shipped

NOW = datetime(2030, 1, 10, 3, 0, tzinfo=UTC)


def thing(key: str, cls: str = "working_capture", **ids: Any) -> Candidate:
    values = {"org_id": "seko", "account_id": "acc", "item_ref": f"ref-{key}", **ids}
    return Candidate(store="items", key=key, retention_class=cls, expires_at="2029-01-01", **values)


class MemoryStore:
    """An in-memory store behind the `ExpiringStore` port, paging two at a time."""

    name = "items"

    def __init__(self, things: Sequence[Candidate]) -> None:
        self.things = {t.key: t for t in things}
        self.disposed: list[tuple[str, Action]] = []

    def expired(self, org_id: str, now: datetime, cursor: str | None) -> Page:
        keys = sorted(k for k, t in self.things.items() if t.org_id == org_id)
        start = keys.index(cursor) if cursor in keys else 0
        page = keys[start : start + 2]
        following = keys[start + 2] if len(keys) > start + 2 else None
        return Page([self.things[k] for k in page], following)

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome:
        self.disposed.append((candidate.key, action))
        del self.things[candidate.key]
        return Outcome.DELETED

    def archived(self, org_id: str) -> int:
        return 0


class MemoryRecords:
    def __init__(self) -> None:
        self.receipts: dict[str, dict[str, Any]] = {}
        self.state: dict[str, dict[str, Any]] = {}

    def put_receipt(self, org_id: str, sk_suffix: str, values: dict[str, Any]) -> None:
        self.receipts[sk_suffix] = values

    def checkpoint(self, org_id: str) -> dict[str, Any] | None:
        return self.state.get(org_id)

    def save_checkpoint(self, org_id: str, values: dict[str, Any]) -> None:
        self.state[org_id] = values


def test_a_hold_covers_only_what_its_scope_names_in_its_own_organisation() -> None:
    author = new(org_id="seko", scope="author", target="p1", placed_by="dpo", reason="r", now=NOW)
    assert author.covers(thing("a", author="p1"))
    assert not author.covers(thing("b", author="p2"))
    assert not author.covers(thing("c", author="p1", org_id="kommunal"))
    org = new(
        org_id="seko", scope="organisation", target="seko", placed_by="d", reason="r", now=NOW
    )
    assert org.covers(thing("d"))
    assert org.scope is Scope.ORGANISATION


def test_a_released_hold_no_longer_holds_and_cannot_be_released_twice() -> None:
    hold = new(org_id="seko", scope="item", target="ref-a", placed_by="dpo", reason="r", now=NOW)
    gone = released(hold, by="dpo", now=NOW + timedelta(days=1))
    assert hold.active(NOW + timedelta(days=2))
    assert not gone.active(NOW + timedelta(days=2))
    with pytest.raises(HoldInvalid):
        released(gone, by="dpo", now=NOW + timedelta(days=3))


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"scope": "everything"}, "scope"),
        ({"reason": " "}, "reason"),
        ({"review_at": NOW - timedelta(days=1)}, "review date"),
        ({"scope": "organisation", "target": "kommunal"}, "organisation hold"),
    ],
)
def test_a_hold_placed_wrongly_is_refused_naming_the_field(
    fields: dict[str, Any], problem: str
) -> None:
    values: dict[str, Any] = {
        "org_id": "seko",
        "scope": "item",
        "target": "ref",
        "placed_by": "dpo",
        "reason": "r",
        "now": NOW,
    }
    with pytest.raises(HoldInvalid, match=problem):
        new(**(values | fields))


class Sent:
    def __init__(self) -> None:
        self.messages: list[tuple[str, dict[str, str]]] = []

    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        self.messages.append((message, attributes))
        return "m"


def test_a_review_reminder_is_sent_once_per_review_date() -> None:
    hold = new(
        org_id="seko",
        scope="item",
        target="r",
        placed_by="d",
        reason="r",
        now=NOW,
        review_at=NOW + timedelta(days=1),
    )
    sent = Sent()
    assert remind([hold], sent, NOW) == []
    (reminded,) = remind([hold], sent, NOW + timedelta(days=2))
    assert remind([reminded], sent, NOW + timedelta(days=3)) == []
    assert len(sent.messages) == 1


def test_flag_records_are_anonymised_and_everything_else_deleted_at_expiry() -> None:
    schedule = shipped()
    assert action_at_expiry(schedule, "flag_record") is Action.ANONYMISE
    assert action_at_expiry(schedule, "working_capture") is Action.DELETE
    # An archive class is only listed once handed over; then Uppsikt's copy goes.
    assert action_at_expiry(schedule, "public_record") is Action.DELETE


def test_live_rows_leave_backups_after_the_pitr_window_and_objects_at_once() -> None:
    rows = Batch(seq=0, store="items", decided_at=NOW, deleted_at=NOW)
    objects = Batch(seq=1, store="objects", decided_at=NOW, deleted_at=NOW)
    assert rows.out_of_backups_at == NOW + PITR_WINDOW
    assert objects.out_of_backups_at == NOW
    assert Batch(seq=2, store="items", decided_at=NOW).out_of_backups_at is None


def test_a_purge_keeps_held_things_and_receipts_every_page() -> None:
    store = MemoryStore([thing("a"), thing("b"), thing("c", author="p")])
    records = MemoryRecords()

    class Source:
        def active_holds(self, org_id: str, now: datetime) -> list[Any]:
            return [
                new(org_id="seko", scope="author", target="p", placed_by="d", reason="r", now=now)
            ]

    receipt = Purge([store], records, hold_sources=[Source()]).run("seko", NOW)

    assert sorted(k for k, _ in store.disposed) == ["a", "b"]
    assert receipt.totals()["working_capture"] == {"deleted": 2, "kept:hold": 1}
    assert receipt.complete
    assert records.state["seko"]["open"] is False
    assert len([k for k in records.receipts if not k.endswith("summary")]) == 2  # two pages


def test_a_clock_behind_the_last_run_is_refused_before_anything_is_read() -> None:
    store = MemoryStore([thing("a")])
    records = MemoryRecords()
    records.state["seko"] = {"last_now": NOW.isoformat(), "open": False}
    with pytest.raises(ClockWentBack):
        Purge([store], records).run("seko", NOW - timedelta(hours=1))
    assert store.disposed == []


def test_an_organisation_outside_the_registry_is_refused() -> None:
    store = MemoryStore([thing("a")])
    with pytest.raises(UnknownOrganisation) as refused:
        Purge([store], MemoryRecords()).run_all(NOW, ["seko"], only="nobody")
    assert "nobody" not in str(refused.value)
    assert store.disposed == []


class PageStore(MemoryStore):
    """A store that disposes of a page in one call (`PageDisposer`) and keeps one locked."""

    def __init__(self, things: Sequence[Candidate], locked: str) -> None:
        super().__init__(things)
        self.locked, self.pages = locked, 0

    def dispose(self, candidate: Candidate, action: Action, now: datetime) -> Outcome:
        raise AssertionError("a page disposer is given whole pages")

    def dispose_page(
        self, todo: Sequence[tuple[Candidate, Action]], now: datetime
    ) -> list[Outcome]:
        self.pages += 1
        outcomes = []
        for candidate, action in todo:
            if candidate.key == self.locked:
                outcomes.append(Outcome.LOCKED)
                continue
            self.disposed.append((candidate.key, action))
            del self.things[candidate.key]
            outcomes.append(Outcome.DELETED)
        return outcomes


def test_a_store_that_disposes_a_page_at_once_gets_each_page_minus_what_a_hold_keeps() -> None:
    store = PageStore([thing("a"), thing("b", author="p"), thing("c"), thing("d")], locked="d")

    class Source:
        def active_holds(self, org_id: str, now: datetime) -> list[Any]:
            return [
                new(org_id="seko", scope="author", target="p", placed_by="d", reason="r", now=now)
            ]

    receipt = Purge([store], MemoryRecords(), hold_sources=[Source()]).run("seko", NOW)

    assert store.pages == 2  # one call per page of two
    assert sorted(k for k, _ in store.disposed) == ["a", "c"]
    assert receipt.totals()["working_capture"] == {
        "deleted": 2,
        "kept:hold": 1,
        "kept:object_lock": 1,
    }
