"""`uppsikt clocks ...` and `uppsikt breach register`: officers' commands on clocks (issue 11).

Settings come from the UPPSIKT_* variables (`uppsikt demo --serve` writes them)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from uppsikt.clocks.model import Clock


def _clock_dict(clock: Clock) -> dict[str, str | None]:
    return {
        "clock_id": clock.clock_id,
        "org_id": clock.org_id,
        "kind": clock.subject,
        "state": clock.state.value,
        "due_at": clock.due_at.isoformat(),
        "stop_reason": clock.stop_reason.value if clock.stop_reason else None,
    }


def _moment(value: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("not an ISO 8601 time", param_hint=name) from exc
    if moment.tzinfo is None:
        raise click.BadParameter("give a time zone (e.g. +01:00 or Z)", param_hint=name)
    return moment


@click.group()
def clocks() -> None:
    """Response, supervision and deadline clocks."""


@clocks.command("mark")
@click.option("--org", "org_id", required=True)
@click.option("--item", "item_ref", required=True, help="platform#account#item")
@click.option("--forwarded", "reason", flag_value="forwarded", help="Forwarded to the right unit.")
@click.option("--not-a-question", "reason", flag_value="not_a_question")
def mark(org_id: str, item_ref: str, reason: str | None) -> None:
    """Stop a question's clock: forwarded to the right unit, or not a question."""
    from uppsikt.cli.main import _runtime
    from uppsikt.clocks.model import StopReason
    from uppsikt.clocks.service import mark_question
    from uppsikt.errors import UppsiktError

    if reason is None:
        raise click.UsageError("give --forwarded or --not-a-question")
    rt = _runtime()
    try:
        clock = mark_question(
            rt.response_clocks,
            rt.registry.current(),
            org_id,
            item_ref,
            StopReason(reason),
            now=datetime.now(UTC),
        )
    except UppsiktError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(json.dumps(_clock_dict(clock)))


@clocks.command("publishers")
@click.option("--org", "org_id", required=True)
@click.option("--week", required=True, help="ISO week, e.g. 2026-W48")
@click.option("--json", "as_json", is_flag=True)
def publishers(org_id: str, week: str, as_json: bool) -> None:
    """Official posts per account in a week, and how many by non-admins."""
    from uppsikt.cli.main import _runtime
    from uppsikt.clocks.publishers import week_report

    rt = _runtime()
    rows = week_report(rt.clock_store, rt.registry.current(), org_id, week)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in rows], indent=2))
        return
    for r in rows:
        click.echo(f"{r.week} {r.account_id:24} {r.platform:10} {r.posts:5} {r.by_non_admins:5}")


@clocks.command("tick")
def tick() -> None:
    """Run the scheduled tick once (due clocks, posting cadence)."""
    from uppsikt.cli.main import _runtime

    click.echo(json.dumps(_runtime().clock_tick(), indent=2))


@clocks.command("deadline")
@click.option("--kind", type=click.Choice(["dsr", "hold_review"]), required=True)
@click.option("--org", "org_id", required=True)
@click.option("--ref", required=True, help="The request's or hold's reference.")
@click.option("--from", "start", required=True, help="Received (dsr) or review date (hold).")
def deadline(kind: str, org_id: str, ref: str, start: str) -> None:
    """Start a deadline: a data-subject request (one month) or a hold's review date."""
    from uppsikt.cli.main import _runtime
    from uppsikt.clocks.deadlines import one_month_after, start_deadline

    moment = _moment(start, "--from")
    due = one_month_after(moment) if kind == "dsr" else moment
    clock = start_deadline(_runtime().clock_store, kind, org_id, ref, due, now=datetime.now(UTC))
    click.echo(json.dumps(_clock_dict(clock)))


@click.group()
def breach() -> None:
    """Personal-data breaches (GDPR Art. 33)."""


@breach.command("register")
@click.option("--org", "org_id", required=True)
@click.option("--aware-at", required=True, help="When the organisation became aware (ISO 8601).")
@click.option("--ref", default=None, help="The breach's reference (default: from --aware-at).")
def register(org_id: str, aware_at: str, ref: str | None) -> None:
    """Start the 72-hour clock to notify the supervisory authority."""
    from uppsikt.cli.main import _runtime
    from uppsikt.clocks.deadlines import breach_due, start_deadline

    aware = _moment(aware_at, "--aware-at")
    rt = _runtime()
    if rt.registry.current().organisation(org_id) is None:
        raise click.ClickException("no such organisation in the registry")
    reference = ref or f"breach-{aware.astimezone(UTC):%Y%m%dT%H%MZ}"
    clock = start_deadline(
        rt.clock_store, "breach", org_id, reference, breach_due(aware), now=datetime.now(UTC)
    )
    click.echo(json.dumps(_clock_dict(clock)))
