"""`uppsikt notify add|list|remove|test`: who hears about flags and alerts, and through what."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

from uppsikt.model.verdict import Severity

if TYPE_CHECKING:
    from uppsikt.runtime import Runtime

SEVERITIES = [s.value for s in Severity] + ["none"]


@click.group()
def notify() -> None:
    """Recipients of flags, alerts and digests (settings from UPPSIKT_* variables)."""


def _runtime() -> Runtime:
    from uppsikt.cli.main import _runtime as runtime

    return runtime()


@notify.command("add")
@click.argument("org_id")
@click.option("--channel", type=click.Choice(["email", "slack", "teams"]), required=True)
@click.option("--email", help="The address (e-mail channel), sent through SES.")
@click.option("--id", "recipient_id", help="A short id (default: generated).")
@click.option("--lang", type=click.Choice(["sv", "da", "nb", "nn", "en"]), default="en")
@click.option(
    "--flags",
    type=click.Choice(SEVERITIES),
    default="mandatory",
    show_default=True,
    help="The least severity of flag this recipient hears about.",
)
@click.option("--alerts/--no-alerts", default=True, help="Operational alerts (clocks, deadlines).")
@click.option("--digest/--no-digest", default=True, help="The daily digest (advisory flags).")
@click.option("--quiet", help="Quiet hours, local, e.g. 22:00-07:00 (legal severity still comes).")
@click.option("--digest-at", default="08:00", show_default=True, help="Local time of the digest.")
def notify_add(
    org_id: str,
    channel: str,
    email: str | None,
    recipient_id: str | None,
    lang: str,
    flags: str,
    alerts: bool,
    digest: bool,
    quiet: str | None,
    digest_at: str,
) -> None:
    """Add a recipient. A Slack or Teams webhook URL is read from stdin (never an argument,
    which would end up in shell history) and kept in Secrets Manager."""
    from uppsikt.notify.subscriptions import QuietHours
    from uppsikt.operations.notify import SetupError, add_recipient

    url = sys.stdin.readline().strip() if channel in ("slack", "teams") else None
    try:
        recipient = add_recipient(
            _runtime(),
            org_id,
            channel,  # type: ignore[arg-type]
            email=email,
            webhook_url=url,
            recipient_id=recipient_id,
            lang=lang,
            flags_from=None if flags == "none" else Severity(flags),
            alerts=alerts,
            digest=digest,
            quiet_hours=QuietHours.parse(quiet) if quiet else None,
            digest_at=digest_at,
        )
    except (SetupError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"added {recipient.recipient_id}: {recipient.describe()}")


@notify.command("list")
@click.argument("org_id")
@click.option("--json", "as_json", is_flag=True)
def notify_list(org_id: str, as_json: bool) -> None:
    """An organisation's recipients (webhook URLs are never shown: they are secrets)."""
    from uppsikt.operations.notify import SetupError, list_recipients

    try:
        recipients = list_recipients(_runtime(), org_id)
    except SetupError as exc:
        raise click.ClickException(str(exc)) from None
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in recipients], indent=2))
        return
    if not recipients:
        click.echo(f"{org_id} has no recipients: `uppsikt notify add {org_id} ...`")
    for r in recipients:
        quiet = (
            f", quiet {r.quiet_hours.start:%H:%M}-{r.quiet_hours.end:%H:%M}"
            if r.quiet_hours
            else ""
        )
        flags = r.flags_from.value if r.flags_from else "none"
        digest = f"at {r.digest_at:%H:%M}" if r.digest else "off"
        click.echo(
            f"{r.recipient_id}  {r.describe()}  {r.lang}  flags from {flags}, alerts "
            f"{'on' if r.alerts else 'off'}, digest {digest}{quiet}"
        )


@notify.command("remove")
@click.argument("org_id")
@click.argument("recipient_id")
def notify_remove(org_id: str, recipient_id: str) -> None:
    """Remove a recipient and schedule its webhook secret for deletion."""
    from uppsikt.operations.notify import remove_recipient

    if not remove_recipient(_runtime(), org_id, recipient_id):
        raise click.ClickException(f"{org_id} has no recipient {recipient_id}")
    click.echo(f"removed {recipient_id}")


@notify.command("test")
@click.argument("org_id")
@click.option("--id", "recipient_id", help="Only this recipient (default: all).")
def notify_test(org_id: str, recipient_id: str | None) -> None:
    """Send a test message through each recipient's channel; exit 1 if any did not arrive."""
    from uppsikt.notify.deliver import Delivered
    from uppsikt.operations.notify import send_test_messages

    results = send_test_messages(_runtime(), org_id, recipient_id)
    if not results:
        raise click.ClickException(f"{org_id} has no recipient to test")
    failed = 0
    for recipient, outcome in results:
        if isinstance(outcome, Delivered):
            click.echo(f"{recipient.recipient_id}: delivered ({outcome.attempts} attempt(s))")
        else:
            failed += 1
            click.echo(f"{recipient.recipient_id}: NOT delivered: {outcome.reason}")
    if failed:
        sys.exit(1)
