"""The audit log on the embedded AWS: one unforked chain per organisation, written through the
contract the review API uses (prompts/contract.md)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from support.stack import Stack, atomic_dynamodb_writes
from uppsikt.audit.errors import BadCursor, EntryRejected
from uppsikt.audit.log import AuditLog
from uppsikt.audit.model import GENESIS

SUB = "6f1c2d3e-0000-4000-8000-00000000000a"
OTHER = "6f1c2d3e-0000-4000-8000-00000000000b"
AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def flag_details(**extra: Any) -> dict[str, Any]:
    return {
        "account_id": "seko-facebook",
        "platform": "facebook",
        "flag_created_at": "2026-11-23T08:00:00+00:00",
        "item_created_at": "2026-11-23T07:59:00+00:00",
        "from_status": "open",
        "to_status": "dismissed",
        **extra,
    }


def log_of(stack: Stack) -> AuditLog:
    return stack.rt.audit_log


def test_each_entry_links_to_the_one_before_and_its_hash_covers_it(stack: Stack) -> None:
    log = log_of(stack)
    first = log.append(
        "seko", actor=SUB, role="officer", action="flag.claimed", target="F-1", at=AT
    )
    second = log.append(
        "seko",
        actor=SUB,
        role="officer",
        action="flag.dismissed",
        target="F-1",
        at=AT + timedelta(minutes=3),
        reason="Not a breach: quoting the article",
        policy_version="2026.11.2",
        details=flag_details(),
    )
    assert (first.seq, first.prev_hash) == (1, GENESIS)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert second.hash == second.computed_hash() != first.hash
    page, cursor = log.entries("seko")
    assert page == [first, second]
    assert cursor is None


def test_organisations_have_separate_chains(stack: Stack) -> None:
    log = log_of(stack)
    log.append("seko", actor=SUB, role="officer", action="flag.viewed", target="F-1", at=AT)
    entry = log.append(
        "kommunal", actor=OTHER, role="officer", action="flag.viewed", target="F-2", at=AT
    )
    assert (entry.seq, entry.prev_hash) == (1, GENESIS)
    assert [e.target for e in log.entries("kommunal")[0]] == ["F-2"]


def test_every_row_carries_the_audit_retention_class_and_a_ttl(stack: Stack) -> None:
    log = log_of(stack)
    log.append("seko", actor=SUB, role="officer", action="flag.viewed", target="F-1", at=AT)
    (row,) = list(log.rows("seko"))
    assert row["retention_class"] == "audit_entry"
    expires = datetime.fromisoformat(str(row["expires_at"]))
    assert expires - datetime.fromisoformat(str(row["recorded_at"])) == timedelta(days=1825)
    assert row["ttl"] == int(expires.timestamp())


def test_a_writer_that_loses_the_race_links_to_the_winner(stack: Stack) -> None:
    """Writer A has read the head when writer B appends: A's conditional put fails, and A's
    entry lands after B's instead of beside it (the race is made with botocore's own event hook
    on A's client, between A's read of the head and its put)."""
    client = stack.session.client("dynamodb")
    a = AuditLog(client, stack.settings.audit_table)
    b = AuditLog(stack.rt.dynamodb, stack.settings.audit_table)
    a.append("seko", actor=SUB, role="officer", action="flag.viewed", target="F-0", at=AT)
    raced: list[int] = []

    def b_wins(**_: Any) -> None:
        if not raced:
            raced.append(
                b.append(
                    "seko", actor=OTHER, role="officer", action="flag.claimed", target="F-1", at=AT
                ).seq
            )

    client.meta.events.register("before-call.dynamodb.PutItem", b_wins)
    entry = a.append("seko", actor=SUB, role="officer", action="flag.claimed", target="F-1", at=AT)
    entries, _ = b.entries("seko")
    assert raced == [2]
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entry.seq == 3
    assert entry.prev_hash == entries[1].hash


def test_writers_in_parallel_build_one_chain_without_gaps(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    atomic_dynamodb_writes(monkeypatch)  # as DynamoDB is; in-process moto is not
    logs = [
        AuditLog(stack.session.client("dynamodb"), stack.settings.audit_table) for _ in range(4)
    ]
    errors: list[BaseException] = []

    def write(log: AuditLog, n: int) -> None:
        try:
            for i in range(6):
                log.append(
                    "seko",
                    actor=SUB,
                    role="officer",
                    action="flag.viewed",
                    target=f"F-{n}-{i}",
                    at=AT,
                )
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(log, n)) for n, log in enumerate(logs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = list(logs[0].between("seko", AT - timedelta(days=1), AT + timedelta(days=1)))
    assert [e.seq for e in entries] == list(range(1, 25))
    assert all(e.prev_hash == p.hash for p, e in pairwise(entries))
    assert len({e.target for e in entries}) == 24


def test_listing_pages_with_a_cursor_and_filters_by_action_time(stack: Stack) -> None:
    log = log_of(stack)
    for minute in range(5):
        log.append(
            "seko",
            actor=SUB,
            role="officer",
            action="flag.viewed",
            target=f"F-{minute}",
            at=AT + timedelta(minutes=minute),
        )
    page, cursor = log.entries("seko", limit=2)
    assert [e.target for e in page] == ["F-0", "F-1"]
    page, cursor = log.entries("seko", limit=2, cursor=cursor)
    assert [e.target for e in page] == ["F-2", "F-3"]
    window, _ = log.entries(
        "seko", since=AT + timedelta(minutes=1), until=AT + timedelta(minutes=3)
    )
    assert [e.target for e in window] == ["F-1", "F-2"]
    first, cursor = log.entries("seko", since=AT + timedelta(minutes=1), limit=3)
    rest, end = log.entries("seko", since=AT + timedelta(minutes=1), limit=3, cursor=cursor)
    assert [e.target for e in first + rest] == ["F-1", "F-2", "F-3", "F-4"]
    assert end is None
    with pytest.raises(BadCursor):
        log.entries("seko", cursor="not-a-cursor")


@pytest.mark.parametrize(
    ("field", "change"),
    [
        ("actor", {"actor": "anna.andersson@seko.se"}),
        ("actor", {"actor": "Anna Andersson"}),
        ("action", {"action": "flag.deleted"}),
        ("details.text", {"details": {"text": {"nested": "no"}}}),
        ("target", {"target": "a target with spaces"}),
    ],
)
def test_an_entry_that_could_carry_personal_data_or_is_unknown_is_refused(
    stack: Stack, field: str, change: dict[str, Any]
) -> None:
    values: dict[str, Any] = {
        "actor": SUB,
        "role": "officer",
        "action": "flag.viewed",
        "target": "F-1",
        "at": AT,
    }
    with pytest.raises(EntryRejected) as raised:
        log_of(stack).append("seko", **{**values, **change})
    assert str(raised.value).startswith(field)
    assert "anna" not in str(raised.value).lower()
    assert log_of(stack).entries("seko") == ([], None)
