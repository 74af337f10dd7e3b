"""`uppsikt purge`, `uppsikt hold …` and `uppsikt archive …`: retention operations (issue 9).

Each is a thin shell over `uppsikt.retention` (purge, holds, hand-over) with the stack's settings
from UPPSIKT_* variables (as `uppsikt demo --serve` writes them). Time is an option (`--now`), so
an operator can ask what a purge on a given day would do (`--dry-run`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from uppsikt.errors import UppsiktError

if TYPE_CHECKING:
    from uppsikt.runtime import Runtime


def _runtime() -> Runtime:
    from uppsikt.runtime import Runtime
    from uppsikt.settings import ConfigurationError, load_settings

    try:
        return Runtime(load_settings())
    except ConfigurationError as exc:
        raise click.ClickException(str(exc)) from exc


def _moment(value: str | None, name: str) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("not an ISO date or time", param_hint=name) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _known_org(rt: Runtime, org_id: str) -> None:
    if rt.registry.current().organisation(org_id) is None:
        raise click.ClickException("the organisation given with --org is not in the registry")


@click.command("purge")
@click.option("--dry-run", is_flag=True, help="Decide and report; delete nothing.")
@click.option("--org", "org_id", help="Only this organisation (default: every one).")
@click.option(
    "--now", "now_text", help="The moment the run takes as now (ISO; default: the clock)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the receipts as JSON.")
def purge(dry_run: bool, org_id: str | None, now_text: str | None, as_json: bool) -> None:
    """Delete what has expired and print the receipt (resumes an interrupted run)."""
    rt = _runtime()
    now = _moment(now_text, "--now")
    try:
        receipts = rt.purge_all(now, only=org_id, dry_run=dry_run)
    except UppsiktError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in receipts], indent=1))
        return
    for receipt in receipts:
        click.echo(receipt.render())


# --- legal holds --------------------------------------------------------------------------------
@click.group()
def hold() -> None:
    """Place, list and release legal holds (nothing a hold covers is purged)."""


@hold.command("add")
@click.option("--org", "org_id", required=True)
@click.option(
    "--scope",
    required=True,
    type=click.Choice(["item", "author", "flag", "account", "organisation"]),
)
@click.option("--target", help="The item ref, author pseudonym, flag id or account id.")
@click.option("--by", "placed_by", required=True, help="Who places it (DPO, legal).")
@click.option("--reason", required=True)
@click.option("--review", "review_text", help="Review date (ISO; default: six months).")
@click.option("--now", "now_text")
def hold_add(
    org_id: str,
    scope: str,
    target: str | None,
    placed_by: str,
    reason: str,
    review_text: str | None,
    now_text: str | None,
) -> None:
    from uppsikt.adapters.purge import ObjectLocks
    from uppsikt.retention.holds import new, place

    rt = _runtime()
    _known_org(rt, org_id)
    now = _moment(now_text, "--now")
    try:
        placed = new(
            org_id=org_id,
            scope=scope,
            target=org_id if scope == "organisation" else (target or ""),
            placed_by=placed_by,
            reason=reason,
            now=now,
            review_at=_moment(review_text, "--review") if review_text else None,
        )
        locked = place(
            placed, rt.governance, ObjectLocks(rt.s3, rt.settings.archive_bucket), rt.governance
        )
    except UppsiktError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{placed.hold_id}: placed; review by {placed.review_at.date()}; "
        f"{locked} evidence versions locked"
    )


@hold.command("list")
@click.option("--org", "org_id", required=True)
@click.option("--all", "everything", is_flag=True, help="Released holds too.")
@click.option("--json", "as_json", is_flag=True)
def hold_list(org_id: str, everything: bool, as_json: bool) -> None:
    rt = _runtime()
    _known_org(rt, org_id)
    holds = rt.governance.holds(org_id, released=everything)
    if as_json:
        click.echo(json.dumps([h.as_dict() for h in holds], indent=1))
        return
    if not holds:
        click.echo("No holds.")
    for h in holds:
        state = (
            f"released {h.released_at:%Y-%m-%d}"
            if h.released_at
            else f"review {h.review_at:%Y-%m-%d}"
        )
        click.echo(
            f"{h.hold_id}  {h.scope.value}={h.target}  by {h.placed_by}  ({state})  {h.reason}"
        )


@hold.command("release")
@click.option("--org", "org_id", required=True)
@click.option("--hold", "hold_id", required=True)
@click.option("--by", "released_by", required=True)
@click.option("--now", "now_text")
def hold_release(org_id: str, hold_id: str, released_by: str, now_text: str | None) -> None:
    from uppsikt.adapters.purge import ObjectLocks
    from uppsikt.retention.holds import release

    rt = _runtime()
    _known_org(rt, org_id)
    try:
        _, unlocked = release(
            org_id,
            hold_id,
            by=released_by,
            now=_moment(now_text, "--now"),
            book=rt.governance,
            locks=ObjectLocks(rt.s3, rt.settings.archive_bucket),
            index=rt.governance,
        )
    except UppsiktError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{hold_id}: released; {unlocked} evidence versions unlocked")


# --- archive hand-over ----------------------------------------------------------------------------
@click.group()
def archive() -> None:
    """Hand public records over to the archive (they are never purged before)."""


@archive.command("export")
@click.option("--org", "org_id", required=True)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--now", "now_text")
def archive_export(org_id: str, out: Path, now_text: str | None) -> None:
    """Write a hand-over package (README, manifest with checksums, items, metadata)."""
    from uppsikt.adapters.archive import StoredArchive
    from uppsikt.retention.handover import export
    from uppsikt.retention.schedule import shipped

    rt = _runtime()
    _known_org(rt, org_id)
    s = rt.settings
    manifest = export(
        org_id,
        out,
        _moment(now_text, "--now"),
        contents=StoredArchive(rt.governance, rt.s3, s.archive_bucket, rt.dynamodb, s.items_table),
        records=rt.governance,
        schedule_version=shipped().version,
    )
    click.echo(
        f"{manifest['package_id']}: {manifest['records']} records in {out / manifest['package_id']}"
    )


@archive.command("handed-over")
@click.option("--org", "org_id", required=True)
@click.option("--package", "package_id", required=True)
@click.option("--now", "now_text")
def archive_handed_over(org_id: str, package_id: str, now_text: str | None) -> None:
    """Record that the archive received a package; purge may then dispose of its records."""
    from uppsikt.adapters.archive import StoredArchive
    from uppsikt.retention.handover import handed_over

    rt = _runtime()
    _known_org(rt, org_id)
    s = rt.settings
    try:
        released = handed_over(
            org_id,
            package_id,
            _moment(now_text, "--now"),
            contents=StoredArchive(
                rt.governance, rt.s3, s.archive_bucket, rt.dynamodb, s.items_table
            ),
            records=rt.governance,
        )
    except UppsiktError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{package_id}: hand-over recorded; {released} records released to the purge")


COMMANDS = (purge, hold, archive)
