"""`uppsikt reconcile`: raw deliveries against outcomes (uppsikt/operations/reconcile.py).

Exit status: 0 when every item received in the window ended exactly once in one place; 1 on a
gap (an item with no outcome, one in two places, or a delivery that cannot be read).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta

import click

# The default window: the last day (the raw bucket keeps deliveries 14 days).
DEFAULT_WINDOW = timedelta(days=1)


def _since(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC) - DEFAULT_WINDOW
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("not an ISO date or time", param_hint="--since") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@click.command("reconcile")
@click.option("--since", "since_text", help="From this moment (ISO; default: a day ago).")
@click.option("--org", "org_id", help="Only this organisation (default: every one).")
@click.option("--json", "as_json", is_flag=True, help="Print the reconciliation as JSON.")
def reconcile(since_text: str | None, org_id: str | None, as_json: bool) -> None:
    """Count raw deliveries against outcomes per platform and organisation; exit 1 on a gap."""
    from uppsikt.operations.reconcile import reconcile as run
    from uppsikt.runtime import Runtime
    from uppsikt.settings import ConfigurationError, load_settings

    since = _since(since_text)
    try:
        rt = Runtime(load_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc
    if org_id is not None and rt.registry.current().organisation(org_id) is None:
        raise click.ClickException("the organisation given with --org is not in the registry")
    result = run(rt, since, org=org_id)
    click.echo(json.dumps(result.as_dict(), indent=2) if as_json else result.render())
    sys.exit(0 if result.ok else 1)
