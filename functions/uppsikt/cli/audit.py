"""`uppsikt audit`: verify an organisation's audit chain and checkpoints, write checkpoints now,
print the signing key's public half (docs/audit.md)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from uppsikt.runtime import Runtime


def _runtime() -> Runtime:
    from uppsikt.cli.main import _runtime as from_environment

    return from_environment()


@click.group()
def audit() -> None:
    """The tamper-evident audit log (settings from UPPSIKT_* variables)."""


@audit.command("verify")
@click.option("--org", "org_id", required=True, help="The organisation whose chain to check.")
@click.option("--json", "as_json", is_flag=True)
def audit_verify(org_id: str, as_json: bool) -> None:
    """Check every entry, link and hash, and every checkpoint's signature and continuity.
    Exits 1 and names each problem when anything is wrong."""
    rt = _runtime()
    if rt.registry.current().organisation(org_id) is None:  # checked before any key is built
        raise click.ClickException("the organisation given with --org is not in the registry")
    result = rt.verify_audit(org_id)
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
    else:
        span = f"entries {result.first_seq}-{result.last_seq}" if result.entries else "no entries"
        click.echo(f"{org_id}: {result.entries} entries ({span}), {result.checkpoints} checkpoints")
        if result.latest_checkpoint:
            click.echo(f"latest checkpoint {result.latest_checkpoint}")
            click.echo(f"  head hash {result.latest_checkpoint_hash}")
        for problem in result.problems:
            click.echo(f"PROBLEM {problem}")
        click.echo(
            "verified: the chain and its checkpoints are intact"
            if result.ok
            else f"NOT verified: {len(result.problems)} problem(s)"
        )
    sys.exit(0 if result.ok else 1)


@audit.command("checkpoint")
@click.option("--json", "as_json", is_flag=True)
def audit_checkpoint(as_json: bool) -> None:
    """Write every organisation's checkpoint for the hour just ended (as the schedule does)."""
    written = _runtime().write_checkpoints()
    if as_json:
        click.echo(json.dumps([w.as_dict() for w in written], indent=2))
        return
    for w in written:
        state = "written" if w.written else "already there"
        click.echo(f"{w.org_id}: {w.key} ({state}) head {w.head_seq} {w.head_hash}")


@audit.command("public-key")
def audit_public_key() -> None:
    """The checkpoint signing key's public half (PEM), for checking checkpoints offline."""
    click.echo(_runtime().audit_signer.public_key_pem(), nl=False)
