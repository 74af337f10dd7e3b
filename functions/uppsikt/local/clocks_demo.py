"""The clocks in `uppsikt demo`: one member's question answered in time, one left unanswered
until it breaches and is escalated (issue 11).

Two questions arrive by signed Meta webhook on Seko's Facebook Page on Friday 20 November 2026 at
15:00 in Stockholm; the Page answers the first at 15:40. Seko's target is 4 business hours
(08:00-16:30 on weekdays), so the second is at risk on Monday at 09:30, breached at 10:30 and
escalated at 14:30 (4 business hours later). The tick is run at those moments (time is an input),
and the clocks are read back from the clocks table.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from uppsikt.clocks.model import Kind, State, StopReason, clock_id_for
from uppsikt.local.replay import post_delivery
from uppsikt.local.stack import EmbeddedAWS

PAGE = "104729561234567"
POST = f"{PAGE}_880000000001"
ASKED = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)  # Friday 15:00 in Stockholm
TICKS = (
    datetime(2026, 11, 23, 8, 31, tzinfo=UTC),  # Monday 09:31: at risk
    datetime(2026, 11, 23, 9, 31, tzinfo=UTC),  # 10:31: breached
    datetime(2026, 11, 23, 13, 31, tzinfo=UTC),  # 14:31: escalated
)
QUESTIONS = {
    "answered": ("880000000001_1", "Hej! Gäller det nya avtalet även för oss som jobbar deltid?"),
    "unanswered": ("880000000001_2", "Hur anmäler jag mig till kursen för skyddsombud?"),
}


def _comment(comment_id: str, text: str, author: str, at: int, parent: str) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "comment_id": comment_id,
            "post_id": POST,
            "parent_id": parent,
            "created_time": at,
            "from": {"id": author},
            "message": text,
        },
    }


def _delivery(*changes: dict[str, Any]) -> bytes:
    entry = {"id": PAGE, "time": int(ASKED.timestamp()), "changes": list(changes)}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def run(aws: EmbeddedAWS, base_url: str) -> dict[str, Any]:
    secret = aws.runtime.meta_secrets().app_secret
    asked = int(ASKED.timestamp())
    questions = [
        _comment(cid, text, f"73001122334499{n}", asked, POST)
        for n, (cid, text) in enumerate(QUESTIONS.values())
    ]
    answered_id = QUESTIONS["answered"][0]
    reply = _comment(
        "880000000001_3",
        "Ja, det gäller alla, oavsett tjänstgöringsgrad.",
        PAGE,
        asked + 40 * 60,
        answered_id,
    )
    sent = [
        post_delivery(base_url, _delivery(*questions), secret, "clock questions"),
        post_delivery(base_url, _delivery(reply), secret, "clock reply"),
    ]
    aws.evaluate_mapping().drain()
    ticks = [aws.runtime.clock_tick(now) for now in TICKS]
    store = aws.runtime.clock_store
    result: dict[str, Any] = {"deliveries": [s.status for s in sent], "ticks": []}
    for tick in ticks:
        result["ticks"].append({"steps": tick["steps"], "alerts": tick["alerts"]})
    problems: list[str] = []
    for name, (cid, _) in QUESTIONS.items():
        clock = store.get(clock_id_for(Kind.RESPONSE, "question", f"facebook#{PAGE}#{cid}"))
        if clock is None:
            problems.append(f"the {name} question started no clock")
            continue
        result[name] = {
            "state": clock.state.value,
            "stop_reason": clock.stop_reason.value if clock.stop_reason else None,
            "due_at": clock.due_at.isoformat(),
            "breached_at": clock.breached_at.isoformat() if clock.breached_at else None,
        }
    answered = result.get("answered", {})
    if (answered.get("state"), answered.get("stop_reason")) != (
        State.STOPPED.value,
        StopReason.ANSWERED.value,
    ):
        problems.append("the answered question's clock did not stop as answered")
    if result.get("unanswered", {}).get("state") != State.ESCALATED.value:
        problems.append("the unanswered question's clock was not escalated")
    result["problems"] = problems
    return result


def render(result: dict[str, Any]) -> list[str]:
    if not result:
        return []
    lines = ["  clocks (Seko, 4 business hours; Friday 15:00 questions, ticks on Monday)"]
    for name in ("answered", "unanswered"):
        c = result.get(name)
        if c:
            detail = c["stop_reason"] or f"breached {c['breached_at']}"
            lines.append(f"    {name:<12} {c['state']} ({detail}), due {c['due_at']}")
    alerts = sum(t["alerts"] for t in result["ticks"])
    lines.append(f"    ticks        {len(result['ticks'])}, {alerts} alerts to the AlertsTopic")
    return lines
