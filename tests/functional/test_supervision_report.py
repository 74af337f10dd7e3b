"""The supervision report from the embedded AWS: flags from the flags table's by-org index,
reviews from the audit log, the latest signed checkpoint's hash printed on it."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from support.stack import Stack
from uppsikt.adapters.dynamodb import Flags
from uppsikt.audit.chain import write_checkpoint
from uppsikt.cli.main import cli
from uppsikt.model.events import ObjectKind, Platform
from uppsikt.model.records import Flag
from uppsikt.report.errors import BadFormat, UnknownOrganisation

SUB = "6f1c2d3e-0000-4000-8000-00000000000a"
CREATED = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)  # Tuesday of 2026-W47
AS_OF = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def raise_flag(stack: Stack, flag_id: str, org: str, account: str, created: datetime) -> None:
    Flags(stack.rt.dynamodb, stack.settings.flags_table).create(
        Flag.model_validate(
            {
                "flag_id": flag_id,
                "org_id": org,
                "severity": "legal",
                "rule_ids": ["R1"],
                "kinds": ["illegal_threat"],
                "platform": Platform.FACEBOOK,
                "account_id": account,
                "object_kind": ObjectKind.COMMENT,
                "event_id": f"e-{flag_id}",
                "policy_id": "seko",
                "policy_version": "1",
                "evidence_key": f"evidence/{org}/{flag_id}",
                "created_at": created,
                "retention_class": "flag_record",
            }
        )
    )


@pytest.fixture
def week(stack: Stack) -> Stack:
    raise_flag(stack, "F-a", "seko", "seko-facebook", CREATED)
    raise_flag(stack, "F-b", "seko", "seko-facebook", CREATED + timedelta(hours=1))
    raise_flag(stack, "F-k", "kommunal", "kommunal-instagram", CREATED)  # another tenant
    log = stack.rt.audit_log
    details = {
        "account_id": "seko-facebook",
        "platform": "facebook",
        "flag_created_at": CREATED.isoformat(),
        "item_created_at": (CREATED - timedelta(minutes=10)).isoformat(),
        "from_status": "open",
        "to_status": "dismissed",
    }
    log.append(
        "seko",
        actor=SUB,
        role="officer",
        action="flag.dismissed",
        target="F-a",
        at=CREATED + timedelta(minutes=20),
        reason="Satire",
        details=details,
    )
    log.append(
        "kommunal",
        actor=SUB,
        role="officer",
        action="flag.viewed",
        target="F-b",
        at=CREATED + timedelta(minutes=5),
    )  # the same flag id in another organisation's chain counts for nothing here
    write_checkpoint(
        log, stack.rt.checkpoint_store, stack.rt.audit_signer, "seko", datetime.now(UTC)
    )
    return stack


def test_the_report_reads_only_the_organisations_own_flags_and_entries(week: Stack) -> None:
    report = week.rt.supervision_reports.report("seko", "2026-W47", as_of=AS_OF)
    facebook = next(a for a in report.accounts if a.account_id == "seko-facebook")
    assert (facebook.flags, facebook.reviewed, facebook.unreviewed) == (2, 1, ("F-b",))
    assert facebook.first_review.median == timedelta(minutes=30)
    # The checkpoint signed the head after the decision (entry 1), before its own entry.
    assert report.checkpoint_hash == week.rt.audit_log.entries("seko")[0][0].hash


def test_the_pdf_prints_the_latest_checkpoint_hash_and_the_export_is_audited(
    week: Stack,
) -> None:
    reports = week.rt.supervision_reports
    signed_head = reports.latest_checkpoint("seko")
    assert signed_head is not None
    export = reports.export("seko", "2026-W47", "pdf", "sv", actor=SUB, role="auditor", as_of=AS_OF)
    assert export.content_type == "application/pdf"
    assert export.filename == "supervision-seko-2026-W47.pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(export.body)).pages)
    assert "Tillsynsrapport" in text
    assert signed_head[1] in text
    last = week.rt.audit_log.entries("seko")[0][-1]
    assert (last.action, last.target, last.actor) == (
        "report.exported",
        "report:supervision:2026-W47",
        SUB,
    )
    assert last.details == {"format": "pdf", "language": "sv"}


def test_an_unknown_organisation_format_or_language_is_refused(week: Stack) -> None:
    reports = week.rt.supervision_reports
    with pytest.raises(UnknownOrganisation):
        reports.export("nobody", "2026-W47", "csv")
    with pytest.raises(BadFormat):
        reports.export("seko", "2026-W47", "xlsx")
    with pytest.raises(BadFormat):
        reports.export("seko", "2026-W47", "csv", "fi")


def test_the_cli_writes_the_csv(week: Stack, tmp_path: Path) -> None:
    out = tmp_path / "seko.csv"
    result = CliRunner().invoke(
        cli,
        [
            "report",
            "supervision",
            "--org",
            "seko",
            "--week",
            "2026-W47",
            "--format",
            "csv",
            "--language",
            "da",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    facebook = next(r for r in rows if r["Konto"] == "seko-facebook")
    assert (facebook["Markerede"], facebook["Gennemgået"], facebook["Dækning (%)"]) == (
        "2",
        "1",
        "50.0",
    )
