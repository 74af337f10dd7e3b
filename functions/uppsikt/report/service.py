"""The supervision report for one organisation and week, as the CLI and the review API's route
export it (`SupervisionReports.export`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

from uppsikt.audit.chain import checkpoint_key, latest_checkpoint, parsed
from uppsikt.audit.model import AuditAction, AuditEntry
from uppsikt.report.compute import compute, week_bounds
from uppsikt.report.errors import BadFormat, UnknownOrganisation
from uppsikt.report.labels import LANGUAGES, ReportLanguage
from uppsikt.report.model import IsoWeek, SupervisionReport
from uppsikt.report.render import to_csv, to_pdf

if TYPE_CHECKING:
    from uppsikt.accounts.model import Registry
    from uppsikt.audit.ports import AuditTrail, CheckpointStore

ReportFormat = Literal["json", "csv", "pdf"]
CONTENT_TYPES: dict[str, str] = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


class FlagRows(Protocol):
    def of_org(self, org_id: str, since: datetime | None = None) -> list[dict[str, Any]]: ...


class EntryRange(Protocol):
    def between(self, org_id: str, since: datetime, until: datetime) -> Iterator[AuditEntry]: ...


@dataclass(frozen=True)
class Export:
    body: bytes
    content_type: str
    filename: str


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SupervisionReports:
    """Reads the audit log, the flags table's by-org index and the latest checkpoint."""

    entries: EntryRange
    flags: FlagRows
    checkpoints: CheckpointStore
    registry: Callable[[], Registry]
    audit: AuditTrail | None = None  # where an export is recorded (report.exported)
    clock: Callable[[], datetime] = _now

    def report(self, org_id: str, week: str, *, as_of: datetime | None = None) -> SupervisionReport:
        registry = self.registry()
        org = registry.organisation(org_id)
        if org is None:
            raise UnknownOrganisation("organisation: the registry lists none by that id")
        iso = IsoWeek.parse(week)
        start, _ = week_bounds(iso, org.time_zone)
        as_of = as_of or self.clock()
        accounts = [(a.id, a.platform.value) for a in registry.accounts if a.organisation == org_id]
        return compute(
            org,
            iso,
            accounts=accounts,
            flags=self.flags.of_org(org_id, since=start),
            entries=self.entries.between(org_id, start, as_of),
            as_of=as_of,
            checkpoint=self.latest_checkpoint(org_id, as_of),
        )

    def latest_checkpoint(self, org_id: str, now: datetime | None = None) -> tuple[str, str] | None:
        """The key and signed head hash of the organisation's newest checkpoint."""
        body = latest_checkpoint(self.checkpoints, org_id, now or self.clock())
        if body is None:
            return None
        checkpoint, _ = parsed(body)
        return checkpoint_key(org_id, checkpoint.period_end), checkpoint.head_hash

    def export(
        self,
        org_id: str,
        week: str,
        fmt: str,
        language: str = "en",
        *,
        actor: str | None = None,
        role: str | None = None,
        as_of: datetime | None = None,
    ) -> Export:
        """The report as `fmt` (json, csv, pdf) in `language` (sv, da, nb, en). With an `actor`
        (a user's sub) and `role`, the export is recorded in the audit log."""
        if fmt not in get_args(ReportFormat):
            raise BadFormat("format: one of json, csv, pdf")
        if language not in LANGUAGES:
            raise BadFormat("language: one of sv, da, nb, en")
        lang: ReportLanguage = language
        report = self.report(org_id, week, as_of=as_of)
        if fmt == "csv":
            body = to_csv(report, lang)
        elif fmt == "pdf":
            body = to_pdf(report, lang)
        else:
            body = json.dumps(as_json(report), indent=1).encode()
        if self.audit is not None and actor is not None:
            self.audit.append(
                org_id,
                actor=actor,
                role=role or "unknown",
                action=AuditAction.REPORT_EXPORTED.value,
                target=f"report:supervision:{report.week}",
                at=self.clock(),
                details={"format": fmt, "language": lang},
            )
        filename = f"supervision-{org_id}-{report.week}.{fmt}"
        return Export(body, CONTENT_TYPES[fmt], filename)


def _durations(value: Any) -> dict[str, Any]:
    return {
        "count": value.count,
        "median_seconds": None if value.median is None else value.median.total_seconds(),
        "p90_seconds": None if value.p90 is None else value.p90.total_seconds(),
    }


def as_json(report: SupervisionReport) -> Mapping[str, Any]:
    def account(row: Any) -> dict[str, Any]:
        return {
            "account_id": row.account_id,
            "platform": row.platform,
            "flags": row.flags,
            "reviewed": row.reviewed,
            "coverage": row.coverage,
            "first_review": _durations(row.first_review),
            "removals": row.removals,
            "notification_to_removal": _durations(row.to_removal),
            "awaiting_removal": row.awaiting_removal,
            "staff_threads": row.staff_threads,
            "staff_threads_acted": row.staff_threads_acted,
            "staff_thread_action": _durations(row.staff_thread_action),
            "unreviewed": list(row.unreviewed),
        }

    return {
        "org_id": report.org_id,
        "week": str(report.week),
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "as_of": report.as_of.isoformat(),
        "time_zone": report.time_zone,
        "accounts": [account(r) for r in report.accounts],
        "total": account(report.total),
        "gaps": [{"start": g.start.isoformat(), "end": g.end.isoformat()} for g in report.gaps],
        "min_gap_seconds": report.min_gap.total_seconds(),
        "business_hours_seconds": report.business_hours.total_seconds(),
        "checkpoint": {"key": report.checkpoint_key, "head_hash": report.checkpoint_hash},
        "approximations": list(report.approximations),
    }
