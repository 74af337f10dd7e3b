"""Clocks on the embedded AWS (moto): questions through evaluation, the tick on the due-time
index, cadence flags, publisher counts, supervision lag and deadlines. Time is an input: events
carry their platform time and the tick is given its `now`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app import evaluate
from support.calls import counting
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.adapters.dynamodb import Flags
from uppsikt.clocks.model import Clock, Kind, State, StopReason, clock_id_for
from uppsikt.clocks.service import UnknownOrganisation, mark_question
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import (
    Action,
    Author,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.model.messages import EventMessage

PAGE = "104729561234567"  # Seko's Facebook Page in the shipped registry
POST = f"{PAGE}_9"
VISITOR = "a1" * 16
# Friday 20 November 2026, 15:00 in Stockholm (Seko is open 08:00-16:30 on weekdays).
FRIDAY_3PM = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
# 4 business hours (Seko's override): 1.5 h on Friday, 2.5 h on Monday: 10:30 local.
DUE = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
AT_RISK = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)  # 3 h in: Monday 09:30 local
ESCALATE = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 4 h more: Monday 14:30 local
QUESTION = "Hej! När öppnar kontoret i Malmö igen efter flytten? /Signe Karlsson"


def event(
    item_id: str,
    text: str | None = QUESTION,
    *,
    at: datetime = FRIDAY_3PM,
    action: Action = Action.CREATED,
    author: str = VISITOR,
    official: bool = False,
    parent: str | None = POST,
    kind: ObjectKind = ObjectKind.COMMENT,
    automated: bool = False,
    post: str | None = POST,
) -> NormalisedEvent:
    return NormalisedEvent(
        platform=Platform.FACEBOOK,
        account_id=PAGE,
        object_kind=kind,
        action=action,
        item_id=item_id,
        post_id=post,
        parent_id=parent,
        author=Author(pseudonym=author, is_account=official),
        text=text,
        event_time=at,
        received_at=at,
        raw=RawPointer(bucket="b", key="k", entry_index=0, change_index=0),
        idempotency_key=f"test:{item_id}:{action}:{at.isoformat()}:{text}",
        automated=automated,
    )


@pytest.fixture
def seko(stack: Stack) -> Stack:
    stack.publish_policy()
    return stack


def must(clock: Clock | None) -> Clock:
    assert clock is not None
    return clock


def handle(stack: Stack, *events: NormalisedEvent) -> None:
    for e in events:
        stack.rt.evaluate_batch.evaluator.handle(e)


def clock_of(stack: Stack, item_id: str) -> Any:
    ref = f"facebook#{PAGE}#{item_id}"
    return stack.rt.clock_store.get(clock_id_for(Kind.RESPONSE, "question", ref))


def alerts(stack: Stack) -> list[tuple[dict[str, Any], dict[str, str]]]:
    out = []
    for m in stack.inbox():
        attributes = {k: v["Value"] for k, v in m.get("MessageAttributes", {}).items()}
        if "type" in attributes:
            out.append((json.loads(m["Message"]), attributes))
    return out


def official_reply(item_id: str, parent: str, at: datetime, **kw: Any) -> NormalisedEvent:
    return event(
        item_id,
        "Hej! Vi öppnar måndag kl 9.",
        at=at,
        official=True,
        parent=parent,
        kind=ObjectKind.REPLY,
        author="0f" * 16,
        **kw,
    )


# --- questions -------------------------------------------------------------------------------


def test_a_visitors_question_starts_a_clock_due_after_sekos_four_business_hours(
    seko: Stack,
) -> None:
    handle(seko, event("9_100"))
    clock = clock_of(seko, "9_100")
    assert clock.state is State.RUNNING
    assert (clock.at_risk_at, clock.due_at, clock.escalate_at) == (AT_RISK, DUE, ESCALATE)
    assert clock.org_id == "seko"
    # Masked, names hidden, and no author anywhere on the row.
    assert clock.excerpt == "Hej! När öppnar kontoret i [name] igen efter flytten? /[name]"
    row = seko.rt.dynamodb.get_item(
        TableName=seko.settings.clocks_table, Key={"pk": {"S": f"clock#{clock.clock_id}"}}
    )["Item"]
    assert row["retention_class"]["S"] == "clock_record"
    assert "ttl" in row
    assert row["expires_at"]["S"] != "none"
    assert VISITOR not in json.dumps(row)


def test_a_comment_that_asks_nothing_starts_no_clock(seko: Stack) -> None:
    handle(seko, event("9_101", "Tack för ett bra möte igår, vi ses nästa vecka!"))
    assert clock_of(seko, "9_101") is None


def test_the_tick_moves_an_unanswered_question_to_at_risk_breached_and_escalated_once_each(
    seko: Stack,
) -> None:
    handle(seko, event("9_102"))
    seko.inbox()
    for now in (AT_RISK, DUE, ESCALATE, ESCALATE + timedelta(hours=1)):
        seko.rt.clock_tick(now)
        seko.rt.clock_tick(now)  # a second tick at the same moment changes nothing
    found = alerts(seko)
    assert [a["type"] for a, _ in found] == ["clock.at_risk", "clock.breached", "clock.escalated"]
    body, attributes = found[1]
    assert attributes == {"org_id": "seko", "type": "clock.breached", "severity": "advisory"}
    assert body["due_at"] == DUE.isoformat()
    assert (body["kind"], body["platform"]) == ("question", "facebook")
    assert found[2][1]["severity"] == "mandatory"  # an escalation is worth more
    clock = clock_of(seko, "9_102")
    assert (clock.state, clock.breached_at) == (State.ESCALATED, DUE)


def test_a_human_reply_from_the_official_account_stops_the_clock_before_it_breaches(
    seko: Stack,
) -> None:
    handle(seko, event("9_103"), official_reply("9_104", "9_103", FRIDAY_3PM + timedelta(hours=1)))
    clock = clock_of(seko, "9_103")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.ANSWERED)
    seko.inbox()
    seko.rt.clock_tick(ESCALATE + timedelta(days=1))
    assert alerts(seko) == []


def test_a_reply_in_the_thread_answers_a_question_asked_as_a_reply(seko: Stack) -> None:
    handle(
        seko,
        event("9_110", "Bra initiativ."),
        event("9_111", "Gäller det även deltidare?", parent="9_110", kind=ObjectKind.REPLY),
        official_reply("9_112", "9_110", FRIDAY_3PM + timedelta(minutes=30)),
    )
    assert clock_of(seko, "9_111").stop_reason is StopReason.ANSWERED


def test_an_automated_reply_does_not_stop_the_clock(seko: Stack) -> None:
    handle(
        seko,
        event("9_105"),
        official_reply("9_106", "9_105", FRIDAY_3PM + timedelta(minutes=1), automated=True),
    )
    assert clock_of(seko, "9_105").state is State.RUNNING


def test_a_reply_delivered_before_its_question_starts_the_clock_stopped(seko: Stack) -> None:
    handle(seko, official_reply("9_108", "9_107", FRIDAY_3PM + timedelta(hours=2)), event("9_107"))
    clock = clock_of(seko, "9_107")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.ANSWERED)


def consume_batch(*events: NormalisedEvent) -> None:
    """The events as one SQS batch through the evaluate handler (its reads are per batch)."""
    records = [sqs_record(EventMessage(event=e).model_dump_json()) for e in events]
    assert evaluate(sqs_event(*records), LocalContext("test")) == {"batchItemFailures": []}


def test_a_question_in_a_batch_costs_its_clock_and_its_parents_thread_and_no_read(
    seko: Stack,
) -> None:
    consume_batch(event("9_130"))  # warm: the registry and the pack are read once
    with counting(seko.rt.dynamodb) as calls:
        consume_batch(event("9_131", parent="9_130"))  # under a top comment: two threads
    clocks = seko.settings.clocks_table
    assert calls[f"dynamodb.PutItem[{clocks}]"] == 1  # the clock
    assert calls[f"dynamodb.UpdateItem[{clocks}]"] == 1  # noted in its parent's thread
    assert calls[f"dynamodb.GetItem[{clocks}]"] == 0  # its threads came with the batch's read
    assert calls["dynamodb.BatchGetItem"] == 1
    assert clock_of(seko, "9_131").state is State.RUNNING


def test_a_reply_before_its_question_in_one_batch_starts_the_clock_stopped(seko: Stack) -> None:
    consume_batch(official_reply("9_135", "9_134", FRIDAY_3PM + timedelta(hours=2)), event("9_134"))
    clock = clock_of(seko, "9_134")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.ANSWERED)


def test_a_reply_to_the_top_comment_in_one_batch_answers_the_question_below_it(
    seko: Stack,
) -> None:
    reply = official_reply("9_138", "9_136", FRIDAY_3PM + timedelta(hours=1))
    consume_batch(event("9_136", "Tack för mötet."), reply, event("9_137", parent="9_136"))
    clock = clock_of(seko, "9_137")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.ANSWERED)


def test_a_redelivered_question_leaves_its_clock_as_it_was(seko: Stack) -> None:
    handle(seko, event("9_132"))
    before = clock_of(seko, "9_132")
    handle(seko, event("9_132"))
    assert clock_of(seko, "9_132") == before


def test_a_question_stopped_before_it_arrived_never_starts(seko: Stack) -> None:
    handle(seko, event("9_133", action=Action.DELETED, text=None))
    handle(seko, event("9_133"))
    clock = clock_of(seko, "9_133")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.DELETED)


def test_an_edit_neither_restarts_nor_stops_the_clock(seko: Stack) -> None:
    handle(seko, event("9_109"))
    before = clock_of(seko, "9_109")
    later = FRIDAY_3PM + timedelta(hours=5)
    handle(seko, event("9_109", QUESTION + " (ändrat)", at=later, action=Action.EDITED))
    assert clock_of(seko, "9_109") == before


def test_a_deleted_question_stops_its_clock_recorded_as_deleted(seko: Stack) -> None:
    handle(seko, event("9_120"), event("9_120", None, action=Action.DELETED))
    clock = clock_of(seko, "9_120")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.DELETED)


def test_a_deletion_delivered_before_its_question_keeps_the_clock_from_starting(
    seko: Stack,
) -> None:
    handle(seko, event("9_121", None, action=Action.DELETED), event("9_121"))
    clock = clock_of(seko, "9_121")
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.DELETED)


def test_an_officer_marks_a_question_forwarded_and_only_on_the_organisations_accounts(
    seko: Stack,
) -> None:
    handle(seko, event("9_122"))
    registry = seko.rt.registry.current()
    ref = f"facebook#{PAGE}#9_122"
    clock = mark_question(
        seko.rt.response_clocks, registry, "seko", ref, StopReason.FORWARDED, now=FRIDAY_3PM
    )
    assert (clock.state, clock.stop_reason) == (State.STOPPED, StopReason.FORWARDED)
    with pytest.raises(UnknownOrganisation):
        mark_question(
            seko.rt.response_clocks,
            registry,
            "kommunal",
            ref,
            StopReason.FORWARDED,
            now=FRIDAY_3PM,
        )


# --- the store and the index ---------------------------------------------------------------------


def test_the_tick_reads_only_clocks_due_by_now_from_the_index(seko: Stack) -> None:
    handle(seko, event("9_130"), event("9_131", at=FRIDAY_3PM + timedelta(days=3)))
    handle(seko, event("9_132"), event("9_132", None, action=Action.DELETED))
    due = list(seko.rt.clock_store.due(AT_RISK))
    assert [c.ref for c in due] == [f"facebook#{PAGE}#9_130"]


def test_two_ticks_racing_record_the_breach_once(seko: Stack) -> None:
    handle(seko, event("9_133"))
    store = seko.rt.clock_store
    clock = clock_of(seko, "9_133").evolve(state=State.AT_RISK)
    assert store.transition(clock_of(seko, "9_133"), clock)
    breached = clock.evolve(state=State.BREACHED, breached_at=DUE)
    assert store.transition(clock, breached) is True
    assert store.transition(clock, breached) is False


# --- cadence, publishers, supervision, deadlines -----------------------------------------------


def test_a_silent_facebook_page_gets_sekos_daily_cadence_flag_once_per_silence(
    seko: Stack,
) -> None:
    post = event(
        f"{PAGE}_200",
        "Nytt avtal klart!",
        official=True,
        parent=None,
        kind=ObjectKind.POST,
        post=f"{PAGE}_200",
        author="0f" * 16,
    )
    handle(seko, post)
    seko.rt.clock_tick(FRIDAY_3PM + timedelta(hours=20))
    first = seko.rt.clock_tick(FRIDAY_3PM + timedelta(hours=31))
    again = seko.rt.clock_tick(FRIDAY_3PM + timedelta(hours=32))
    (silence,) = [s for s in first["silences"] if s["account_id"] == "seko-facebook"]
    assert silence["created"] is True
    assert [s["created"] for s in again["silences"] if s["account_id"] == "seko-facebook"] == [
        False
    ]
    flag = seko.rt.dynamodb.get_item(
        TableName=seko.settings.flags_table, Key={"flag_id": {"S": silence["flag_id"]}}
    )["Item"]
    assert flag["rule_ids"]["L"] == [{"S": "seko.facebook-daily"}]
    assert flag["org_id"]["S"] == "seko"


def test_posts_by_non_admins_are_counted_per_week_and_account_once_per_event(
    seko: Stack,
) -> None:
    from uppsikt.clocks.publishers import week_report

    admin = seko.rt.pseudonymiser().pseudonym(Platform.FACEBOOK, "7300112233440001")
    stranger = "cd" * 16
    posts = [
        event(
            f"{PAGE}_30{i}",
            "Nyhet",
            official=True,
            parent=None,
            kind=ObjectKind.POST,
            post=f"{PAGE}_30{i}",
            author=who,
        )
        for i, who in enumerate((admin, stranger, stranger))
    ]
    handle(seko, *posts, posts[1])  # a redelivery counts once
    rows = week_report(seko.rt.clock_store, seko.rt.registry.current(), "seko", "2026-W47")
    (row,) = [r for r in rows if r.account_id == "seko-facebook"]
    assert (row.posts, row.by_non_admins) == (3, 2)


def test_a_flag_not_reviewed_in_time_raises_supervision_lag_and_a_reviewed_one_stops(
    seko: Stack,
) -> None:
    flagged = event("9_400", "Mitt personnummer är 19811218-9876, ring mig")
    reviewed = event("9_401", "Mitt personnummer är 19811218-9876, ring mig igen")
    handle(seko, flagged, reviewed)
    store = seko.rt.clock_store
    flags = {
        f["event_id"]: f["flag_id"]
        for f in Flags(seko.rt.dynamodb, seko.settings.flags_table).of_org("seko")
    }
    late_one, seen_one = (
        must(store.get(clock_id_for(Kind.SUPERVISION, "flag", flags[e.event_id])))
        for e in (flagged, reviewed)
    )
    assert late_one.due_at > late_one.started_at
    seko.rt.dynamodb.update_item(
        TableName=seko.settings.flags_table,
        Key={"flag_id": {"S": seen_one.ref}},
        UpdateExpression="SET first_reviewed_at = :t",
        ExpressionAttributeValues={
            ":t": {"S": (seen_one.started_at + timedelta(hours=1)).isoformat()}
        },
    )
    seko.inbox()
    report = seko.rt.clock_tick(late_one.due_at + timedelta(minutes=1))
    assert report["reviewed"] == 1
    types = [a["type"] for a, _ in alerts(seko)]
    assert types.count("supervision.lag") == 1
    assert must(store.get(seen_one.clock_id)).stop_reason is StopReason.REVIEWED


def test_a_breach_has_72_hours_and_a_data_subject_request_one_month(seko: Stack) -> None:
    from uppsikt.clocks.deadlines import breach_due, one_month_after, start_deadline

    store = seko.rt.clock_store
    aware = datetime(2026, 1, 30, 10, 0, tzinfo=UTC)
    breach = start_deadline(store, "breach", "seko", "b-1", breach_due(aware), now=aware)
    dsr = start_deadline(
        store, "dsr", "seko", "r-1", one_month_after(datetime(2026, 1, 31, tzinfo=UTC)), now=aware
    )
    assert breach.due_at == datetime(2026, 2, 2, 10, 0, tzinfo=UTC)
    assert dsr.due_at == datetime(2026, 2, 28, tzinfo=UTC)
    assert start_deadline(store, "breach", "seko", "b-1", breach_due(aware), now=aware) == breach
    seko.inbox()
    seko.rt.clock_tick(breach.due_at)
    found = alerts(seko)
    assert [(a["type"], a["kind"], at["severity"]) for a, at in found] == [
        ("deadline.due", "breach", "legal")
    ]


def test_an_alert_the_tick_could_not_publish_goes_out_on_the_next_tick(seko: Stack) -> None:
    from uppsikt.clocks.tick import Tick

    class SnsDown:
        def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
            raise ConnectionError("SNS is unavailable")

    handle(seko, event("9_150"))
    seko.inbox()
    store = seko.rt.clock_store
    with pytest.raises(ConnectionError):
        Tick(store=store, alerts=SnsDown(), clock=lambda: AT_RISK).run()
    waiting = clock_of(seko, "9_150")
    assert (waiting.state, waiting.pending_alert) == (State.AT_RISK, "clock.at_risk")
    assert [c.clock_id for c in store.due(AT_RISK)] == [waiting.clock_id]  # still due at once

    seko.rt.clock_tick(AT_RISK + timedelta(minutes=5))

    assert [a["type"] for a, _ in alerts(seko)] == ["clock.at_risk"]
    sent = clock_of(seko, "9_150")
    assert (sent.state, sent.pending_alert) == (State.AT_RISK, None)
    seko.rt.clock_tick(AT_RISK + timedelta(minutes=10))
    assert alerts(seko) == []  # once
