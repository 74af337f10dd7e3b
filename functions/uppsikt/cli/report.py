"""`uppsikt report supervision`: the weekly supervision report as PDF or CSV
(docs/supervision-report.md)."""

from __future__ import annotations

from pathlib import Path

import click


@click.group()
def report() -> None:
    """Reports from the audit log (settings from UPPSIKT_* variables)."""


@report.command("supervision")
@click.option("--org", "org_id", required=True)
@click.option("--week", required=True, help="ISO week, e.g. 2026-W47.")
@click.option("--format", "fmt", type=click.Choice(["pdf", "csv", "json"]), default="pdf")
@click.option("--language", type=click.Choice(["sv", "da", "nb", "en"]), default="en")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
def report_supervision(org_id: str, week: str, fmt: str, language: str, out: Path) -> None:
    """Coverage, time to first review, notification to removal, action in threads with staff,
    review gaps in business hours, and the latest audit checkpoint hash, per account."""
    from uppsikt.cli.audit import _runtime
    from uppsikt.errors import UppsiktError

    try:
        export = _runtime().supervision_reports.export(org_id, week, fmt, language)
    except UppsiktError as exc:
        raise click.ClickException(str(exc)) from exc
    out.write_bytes(export.body)
    click.echo(f"wrote {out} ({len(export.body)} bytes)")
