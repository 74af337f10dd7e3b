"""`Poller`: pages, cursor moves, restart safety, rate limits, failures and vanished items.

No network and no AWS: the stores are the in-memory fakes of `support.poll_fakes`, and the
source speaks a scripted API through a fake `Http`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any

import pytest

from support.poll_fakes import (
    START,
    Crash,
    FakeAlerts,
    FakeClock,
    FakeCursors,
    FakeHttp,
    FakeLedger,
    FakeLookups,
    FakeQueue,
    FakeRawStore,
    ScriptedLookupSource,
    ScriptedSource,
    account,
    ok,
    page_body,
)
from uppsikt.ingest.errors import EnqueueFailed
from uppsikt.model.events import Action, Platform
from uppsikt.model.messages import EventMessage, UnmappedMessage
from uppsikt.polling.errors import Transient
from uppsikt.polling.ports import Cursor, HttpResponse
from uppsikt.polling.runner import Poller, PollOutcome
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
ACCOUNT = account()
KEY = ("seko-test", "test.items")
LOOKUP_KEY = ("seko-test", "test.lookups")
TOKEN = ACCOUNT.credentials["token"]
DAY = "2026/11/21"

PAGE_1 = page_body([{"id": "a", "fp": "1"}, {"id": "b", "fp": "1"}], "p2", "t3")
PAGE_2 = page_body([{"id": "c", "fp": "1"}, {"id": "d", "fp": "1"}], "p3", None)
PAGE_3 = page_body([{"id": "e", "fp": "1"}, {"id": "f", "fp": "1"}], None, None)


@dataclass
class World:
    http: FakeHttp = field(default_factory=FakeHttp)
    cursors: FakeCursors = field(default_factory=FakeCursors)
    ledger: FakeLedger = field(default_factory=FakeLedger)
    lookups: FakeLookups = field(default_factory=FakeLookups)
    raw: FakeRawStore = field(default_factory=FakeRawStore)
    alerts: FakeAlerts = field(default_factory=FakeAlerts)
    clock: FakeClock = field(default_factory=FakeClock)
    queue: FakeQueue = field(init=False)

    def __post_init__(self) -> None:
        self.queue = FakeQueue(self.raw)

    def poller(self, **options: Any) -> Poller:
        return Poller(
            http=self.http,
            cursors=self.cursors,
            ledger=self.ledger,
            lookups=self.lookups,
            raw_store=self.raw,
            queue=self.queue,
            alerts=self.alerts,
            clock=self.clock,
            **options,
        )

    def poll(self, source: ScriptedSource | None = None, **options: Any) -> PollOutcome:
        return self.poller(**options).poll(source or ScriptedSource(), ACCOUNT, PSEUDONYMISER)

    def lookup(self, **options: Any) -> PollOutcome:
        return self.poller(**options).poll_lookups(
            ScriptedLookupSource(), ACCOUNT, PSEUDONYMISER, limit=10
        )

    def cursor(self, key: tuple[str, str] = KEY) -> Cursor:
        return self.cursors.load(*key)

    def three_pages(self) -> None:
        self.http.on("/items", "", ok(PAGE_1))
        self.http.on("/items", "p2", ok(PAGE_2))
        self.http.on("/items", "p3", ok(PAGE_3))


@pytest.fixture
def world() -> World:
    return World()


def counts(ids: list[str]) -> dict[str, int]:
    return {i: ids.count(i) for i in sorted(set(ids))}


# --- sweeps --------------------------------------------------------------------------------------


def test_a_sweep_over_three_pages_commits_its_position_only_at_the_end(world: World) -> None:
    world.three_pages()

    outcome = world.poll()

    assert (outcome.status, outcome.pages, outcome.emitted) == ("complete", 3, 6)
    first, second, last = world.cursors.history
    assert (first.position, first.page, first.pending) == (None, "p2", "t3")
    assert (second.position, second.page, second.pending) == (None, "p3", "t3")
    assert (last.position, last.page, last.pending) == ("t3", None, None)
    assert world.queue.item_ids() == ["a", "b", "c", "d", "e", "f"]


def test_the_latest_mark_a_sweep_reports_is_the_one_committed(world: World) -> None:
    # Oldest first: every page reaches a later mark than the one before.
    world.http.on("/items", "", ok(page_body([{"id": "a", "fp": "1"}], "p2", "t1")))
    world.http.on("/items", "p2", ok(page_body([{"id": "b", "fp": "1"}], None, "t2")))
    world.cursors.rows[KEY] = Cursor(position="t0", version=1)

    world.poll()

    assert [c.pending for c in world.cursors.history] == ["t1", None]
    assert [c.position for c in world.cursors.history] == ["t0", "t2"]


def test_a_sweep_that_reports_no_mark_keeps_the_old_position(world: World) -> None:
    world.http.on("/items", "", ok(PAGE_3))
    world.cursors.rows[KEY] = Cursor(position="t0", version=1)

    world.poll()

    assert world.cursor().position == "t0"


def test_each_page_is_stored_raw_under_its_digest_with_its_metadata(world: World) -> None:
    world.http.on("/items", "", ok(PAGE_3))

    world.poll()

    digest = hashlib.sha256(PAGE_3).hexdigest()
    key = f"polls/youtube/seko-test/test.items/{DAY}/{digest}.json"
    body, metadata = world.raw.objects[key]
    assert body == PAGE_3
    assert metadata == {
        "platform": "youtube",
        "account": "seko-test",
        "stream": "test.items",
        "sha256": digest,
        "received-at": START.isoformat(),
    }
    event = world.queue.sent[0]
    assert isinstance(event, EventMessage)
    assert (event.event.raw.key, event.event.account_id) == (key, "UC-seko")


def test_an_xml_answer_is_stored_with_an_xml_key(world: World) -> None:
    world.http.on("/items", "", ok(PAGE_3, "application/atom+xml; charset=utf-8"))

    world.poll()

    assert [k.rsplit(".", 1)[1] for k in world.raw.objects] == ["xml"]


def test_a_restart_after_a_crash_before_the_cursor_save_emits_nothing_twice(
    world: World,
) -> None:
    world.three_pages()
    world.http.on(
        "/items", "", ok(page_body([{"id": "a", "fp": "1"}, {"id": "z", "bad": True}], "p2", "t3"))
    )
    world.cursors.crash_on_save = True

    with pytest.raises(Crash):
        world.poll()
    assert len(world.queue.sent) == 2  # queued and marked, then killed
    assert world.cursor() == Cursor()

    world.cursors.crash_on_save = False
    outcome = world.poll()

    assert world.http.pages_asked() == ["", "", "p2", "p3"]  # the first page again
    assert (outcome.status, outcome.already_seen, outcome.emitted) == ("complete", 2, 4)
    assert counts(world.queue.item_ids()) == dict.fromkeys("acdef", 1)
    assert sum(isinstance(m, UnmappedMessage) for m in world.queue.sent) == 1


def test_a_page_that_could_not_be_queued_is_neither_marked_nor_passed(world: World) -> None:
    world.three_pages()
    world.queue.fail = True

    with pytest.raises(EnqueueFailed):
        world.poll()
    assert world.ledger.keys == set()
    assert world.cursor() == Cursor()

    world.queue.fail = False
    outcome = world.poll()

    assert (outcome.status, outcome.emitted, outcome.already_seen) == ("complete", 6, 0)


def test_max_pages_stops_mid_sweep_and_the_next_run_continues_from_its_page(
    world: World,
) -> None:
    world.three_pages()

    first = world.poll(max_pages=2)

    assert (first.status, first.pages) == ("partial", 2)
    assert (world.cursor().page, world.cursor().pending, world.cursor().position) == (
        "p3",
        "t3",
        None,
    )

    second = world.poll(max_pages=2)

    assert (second.status, second.pages) == ("complete", 1)
    assert world.http.pages_asked() == ["", "p2", "p3"]
    assert world.cursor().position == "t3"


def test_a_near_deadline_stops_before_asking_for_a_page(world: World) -> None:
    world.three_pages()

    outcome = world.poller(timeout=10.0).poll(
        ScriptedSource(), ACCOUNT, PSEUDONYMISER, deadline=lambda: 12.0
    )

    assert (outcome.status, outcome.pages) == ("partial", 0)
    assert world.http.requests == []


def test_every_request_is_bounded_by_the_pollers_timeout(world: World) -> None:
    world.three_pages()

    world.poll(timeout=2.5)

    assert [timeout for _, timeout in world.http.requests] == [2.5, 2.5, 2.5]


def test_ignored_items_are_counted_by_reason_and_unmappable_ones_queued_as_pointers(
    world: World,
) -> None:
    items: list[dict[str, Any]] = [
        {"id": "r1", "ignore": "reaction"},
        {"id": "a", "fp": "1"},
        {"id": "r2", "ignore": "reaction"},
        {"id": "x", "bad": True},
    ]
    world.http.on("/items", "", ok(page_body(items, None, "t1")))

    outcome = world.poll()

    assert (outcome.ignored, outcome.unmapped, outcome.emitted) == (2, 1, 1)
    assert outcome.ignored_reasons == {"reaction": 2}
    pointer = world.queue.sent[-1]
    assert isinstance(pointer, UnmappedMessage)
    assert (pointer.raw.entry_index, pointer.error) == (3, "ValueError: item has no text")
    assert json.loads(json.dumps(outcome.as_dict()))["ignored_reasons"] == {"reaction": 2}


def test_items_already_in_the_ledger_are_not_queued(world: World) -> None:
    world.ledger.keys.add("test:b:1")
    world.http.on("/items", "", ok(PAGE_1))
    world.http.on("/items", "p2", ok(PAGE_3))

    outcome = world.poll()

    assert (outcome.emitted, outcome.already_seen) == (3, 1)
    assert world.queue.item_ids() == ["a", "e", "f"]
    assert {"test:a:1", "test:e:1", "test:f:1"} <= world.ledger.keys


# --- rate limits and failures --------------------------------------------------------------------


def test_a_429_sets_not_before_and_a_run_before_then_sends_nothing(world: World) -> None:
    world.three_pages()
    world.http.on("/items", "p2", HttpResponse(429, {"retry-after": "120"}, b""), ok(PAGE_2))

    limited = world.poll()

    assert (limited.status, limited.pages) == ("rate_limited", 1)
    assert world.cursor().not_before == START + timedelta(seconds=120)
    assert world.cursor().page == "p2"  # the first page stays done

    world.clock.advance(60)
    waiting = world.poll()
    assert (waiting.status, waiting.pages) == ("waiting", 0)
    assert len(world.http.requests) == 2

    world.clock.advance(61)
    resumed = world.poll()
    assert (resumed.status, resumed.pages) == ("complete", 2)
    assert world.http.pages_asked() == ["", "p2", "p2", "p3"]
    assert world.cursor().not_before is None
    assert world.alerts.sent == []


@pytest.mark.parametrize(
    "failure",
    [HttpResponse(503, {}, b"busy"), Transient("timed out after 10 s")],
    ids=["5xx", "timeout"],
)
def test_a_5xx_or_a_timeout_leaves_the_cursor_where_it_was(
    world: World, failure: HttpResponse | Transient
) -> None:
    world.three_pages()
    world.http.on("/items", "p2", failure)
    world.poll(max_pages=1)
    before = world.cursor()

    outcome = world.poll()

    assert (outcome.status, outcome.pages, outcome.emitted) == ("failed", 0, 0)
    after = world.cursor()
    assert replace(after, not_before=None, version=before.version) == before
    assert after.not_before == START + timedelta(seconds=30)  # a short rest, nothing more
    assert world.alerts.sent == []


def test_an_unreadable_answer_is_quarantined_and_alerted_without_content(world: World) -> None:
    body = b"<html>private text 4711 from someone</html>"
    world.http.on("/items", "", ok(body))

    outcome = world.poll()

    assert outcome.status == "failed"
    key = f"quarantine/polls/youtube/seko-test/test.items/{DAY}/{hashlib.sha256(body).hexdigest()}"
    assert world.raw.objects[key + ".xml"][0] == body
    assert world.raw.objects[key + ".xml"][1]["quarantined"] == "true"
    [(subject, details)] = world.alerts.sent
    assert details["quarantine_key"] == key + ".xml"
    shown = subject + json.dumps(details)
    assert "private" not in shown
    assert "4711" not in shown
    assert TOKEN not in shown
    assert world.cursor() == Cursor()
    assert world.queue.sent == []


def test_a_body_the_source_cannot_map_is_quarantined_and_the_cursor_stays(
    world: World,
) -> None:
    world.three_pages()
    world.poll(max_pages=1)
    before = world.cursor()
    body = b'{"items": "free text 4711", "next": null}'
    world.http.on("/items", "p2", ok(body))

    outcome = world.poll()

    assert outcome.status == "failed"
    digest = hashlib.sha256(body).hexdigest()
    assert f"quarantine/polls/youtube/seko-test/test.items/{DAY}/{digest}.json" in world.raw.objects
    assert not any(k.startswith("polls/") and digest in k for k in world.raw.objects)
    assert world.cursor() == before
    [(subject, details)] = world.alerts.sent
    assert "quarantined" in subject
    assert "4711" not in subject + json.dumps(details)


def test_a_rejected_request_alerts_the_operator_without_credentials(world: World) -> None:
    world.http.on("/items", "", HttpResponse(401, {}, b'{"error": "token revoked"}'))

    outcome = world.poll()

    assert (outcome.status, outcome.detail) == ("rejected", "HTTP 401")
    [(subject, details)] = world.alerts.sent
    assert all(part in subject for part in ("youtube", "seko-test", "401"))
    assert details["status"] == "401"
    assert TOKEN not in subject + json.dumps(details)
    assert world.cursor() == Cursor()


def test_a_stream_another_run_has_moved_is_busy(world: World) -> None:
    world.three_pages()
    world.cursors.rows[KEY] = Cursor(version=3)

    @dataclass
    class Stale(FakeCursors):
        def load(self, account_key: str, stream: str) -> Cursor:
            return Cursor(version=2)

    world.cursors = Stale(rows=dict(world.cursors.rows))

    outcome = world.poll()

    assert (outcome.status, outcome.pages) == ("busy", 1)
    assert world.cursors.rows[KEY] == Cursor(version=3)


# --- vanished items ------------------------------------------------------------------------------


def listing(items: dict[str, str], next_page: str | None = None) -> bytes:
    return page_body([{"id": k, "fp": v} for k, v in items.items()], next_page, None)


def test_the_first_complete_sweep_reports_nothing_vanished(world: World) -> None:
    world.http.on("/items", "", ok(listing({"a": "1", "b": "1"})))

    outcome = world.poll(ScriptedSource(diffs=True))

    assert (outcome.status, outcome.vanished) == ("complete", 0)
    assert world.cursor().snapshot == {"a": "1", "b": "1"}
    assert world.cursor().listing == {}
    assert not any("vanished-" in k for k in world.raw.objects)


def test_vanished_items_are_found_only_when_a_sweep_completes(world: World) -> None:
    source = ScriptedSource(diffs=True)
    world.http.on("/items", "", ok(listing({"a": "1", "b": "1"}, "p2")))
    world.http.on("/items", "p2", ok(listing({"c": "1"})))
    world.poll(source)
    assert world.cursor().snapshot == {"a": "1", "b": "1", "c": "1"}

    # b is gone and a was edited; c is on the second page, which this run does not reach.
    world.http.on("/items", "", ok(listing({"a": "2"}, "p2")))
    partial = world.poll(source, max_pages=1)
    assert (partial.status, partial.vanished) == ("partial", 0)
    assert world.cursor().listing == {"a": "2"}

    complete = world.poll(source, max_pages=1)

    assert (complete.status, complete.vanished) == ("complete", 1)
    assert world.cursor().snapshot == {"a": "2", "c": "1"}
    assert world.cursor().listing == {}
    actions = [
        (m.event.item_id, m.event.action) for m in world.queue.sent if isinstance(m, EventMessage)
    ]
    assert actions[-2:] == [("a", Action.EDITED), ("b", Action.DELETED)]
    [key] = [k for k in world.raw.objects if "/vanished-" in k]
    assert json.loads(world.raw.objects[key][0]) == {
        "stream": "test.items",
        "account": "seko-test",
        "vanished": [{"id": "b", "fingerprint": "1"}],
    }
    deleted = world.queue.sent[-1]
    assert isinstance(deleted, EventMessage)
    assert deleted.event.raw.key == key


def test_a_vanished_item_is_reported_once_even_when_the_last_page_repeats(world: World) -> None:
    source = ScriptedSource(diffs=True)
    world.http.on("/items", "", ok(listing({"a": "1", "b": "1"})), ok(listing({"a": "1"})))
    world.poll(source)
    world.cursors.crash_on_save = True
    with pytest.raises(Crash):
        world.poll(source)
    world.cursors.crash_on_save = False

    repeat = world.poll(source)

    assert (repeat.vanished, repeat.emitted, repeat.already_seen) == (1, 0, 2)
    assert counts(
        [
            f"{m.event.item_id}:{m.event.action}"
            for m in world.queue.sent
            if isinstance(m, EventMessage)
        ]
    ) == {"a:created": 1, "b:created": 1, "b:deleted": 1}


# --- lookups -------------------------------------------------------------------------------------


def request(world: World, *refs: str) -> None:
    for ref in refs:
        world.lookups.request(Platform.YOUTUBE, "UC-seko", "test.lookups", ref)


def pending(world: World) -> list[str]:
    return world.lookups.pending(Platform.YOUTUBE, "UC-seko", "test.lookups", 100)


def one_item(item_id: str) -> HttpResponse:
    return ok(page_body([{"id": item_id, "fp": "1"}], None, None))


def test_lookups_are_resolved_and_a_deleted_item_counts_as_gone(world: World) -> None:
    request(world, "c1", "c2", "c3")
    world.http.on("/items/c1", "", one_item("c1"))
    world.http.on("/items/c2", "", HttpResponse(404, {}, b""))
    world.http.on("/items/c3", "", one_item("c3"))

    outcome = world.lookup()

    assert (outcome.status, outcome.emitted, outcome.gone, outcome.pages) == ("complete", 2, 1, 2)
    assert pending(world) == []
    assert world.queue.item_ids() == ["c1", "c3"]
    assert world.alerts.sent == []


def test_a_rate_limited_lookup_stops_the_run_and_the_next_run_waits(world: World) -> None:
    request(world, "c1", "c2")
    world.http.on("/items/c1", "", HttpResponse(429, {"retry-after": "300"}, b""))
    world.http.on("/items/c2", "", one_item("c2"))

    limited = world.lookup()

    assert limited.status == "rate_limited"
    assert pending(world) == ["c1", "c2"]
    assert world.cursor(LOOKUP_KEY).not_before == START + timedelta(seconds=300)
    world.clock.advance(10)
    assert world.lookup().status == "waiting"
    assert len(world.http.requests) == 1


def test_an_unreadable_lookup_is_quarantined_and_stays_pending(world: World) -> None:
    request(world, "c1", "c2")
    world.http.on("/items/c1", "", ok(b"not json at all"))
    world.http.on("/items/c2", "", one_item("c2"))

    outcome = world.lookup()

    assert (outcome.status, outcome.emitted) == ("failed", 1)
    assert pending(world) == ["c1"]
    assert any(k.startswith("quarantine/polls/") for k in world.raw.objects)
    assert len(world.alerts.sent) == 1


def test_a_rejected_lookup_alerts_and_leaves_every_reference_pending(world: World) -> None:
    request(world, "c1", "c2")
    world.http.on("/items/c1", "", HttpResponse(403, {}, b""))

    outcome = world.lookup()

    assert outcome.status == "rejected"
    assert pending(world) == ["c1", "c2"]
    assert "403" in world.alerts.sent[0][0]
