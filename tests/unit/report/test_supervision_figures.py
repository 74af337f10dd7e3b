"""The supervision report's figures on a constructed week whose answers are worked out by hand
(Seko, 2026-W47: Monday 16 November to Sunday 22 November, Stockholm = UTC+1, open 08:00-16:30
local = 07:00-15:30 UTC, Monday to Friday)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader

from uppsikt.accounts.model import BusinessHours, Organisation
from uppsikt.audit.model import AuditEntry
from uppsikt.report.compute import compute
from uppsikt.report.errors import BadWeek
from uppsikt.report.labels import LANGUAGES, ReportLanguage
from uppsikt.report.model import IsoWeek, SupervisionReport
from uppsikt.report.render import CSV_COLUMNS, to_csv, to_pdf

SEKO = Organisation(
    id="seko",
    name="Seko, Service- och kommunikationsfacket",
    org_type="union",
    jurisdiction="se",
    policy_pack="seko",
    languages=("sv",),
    time_zone="Europe/Stockholm",
    business_hours=BusinessHours.model_validate(
        {"days": ["mon", "tue", "wed", "thu", "fri"], "opens": "08:00", "closes": "16:30"}
    ),
)
SUB = "6f1c2d3e-0000-4000-8000-00000000000a"
MIN = timedelta(minutes=1)


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def flag(flag_id: str, account: str, kind: str, created: datetime) -> dict[str, Any]:
    platform = "x" if account == "seko-x" else "facebook"
    return {
        "flag_id": flag_id,
        "org_id": "seko",
        "account_id": account,
        "platform": platform,
        "object_kind": kind,
        "created_at": created.isoformat(),
        "status": "open",
    }


_seq = iter(range(1, 10_000))


def entry(
    flag_id: str,
    action: str,
    at: datetime,
    *,
    item: datetime | None = None,
    to: str | None = None,
    **extra: Any,
) -> AuditEntry:
    details: dict[str, Any] = {"account_id": "seko-facebook", "platform": "facebook", **extra}
    if item is not None:
        details["item_created_at"] = item.isoformat()
    if to is not None:
        details["to_status"] = to
    return AuditEntry(
        org_id="seko",
        seq=next(_seq),
        at=at,
        recorded_at=at,
        actor=SUB,
        role="officer",
        action=action,  # type: ignore[arg-type]
        target=flag_id,
        details=details,
        prev_hash="0" * 64,
        hash="0" * 64,
    )


FLAGS = [
    flag("F1", "seko-facebook", "comment", utc(16, 8)),
    flag("F2", "seko-facebook", "comment", utc(16, 10)),
    flag("F3", "seko-facebook", "post", utc(17, 9)),
    flag("F4", "seko-x", "reply", utc(18, 12)),
    flag("F5", "seko-facebook", "comment", utc(15, 10)),  # the week before: not counted
    flag("F6", "seko-facebook", "comment", utc(19, 8)),
]
ENTRIES = [
    entry("F1", "flag.viewed", utc(16, 8, 20), item=utc(16, 7, 50)),
    entry("F1", "flag.confirmed", utc(16, 8, 30), to="confirmed"),
    entry("F1", "flag.removal_requested", utc(16, 8, 40), to="removal_requested"),
    entry("F1", "flag.removed", utc(16, 9), to="removal_done"),
    entry("F2", "flag.claimed", utc(16, 11, 40), item=utc(16, 9, 40)),
    entry("F2", "flag.dismissed", utc(16, 12), to="dismissed"),
    entry("F3", "flag.viewed", utc(17, 9, 10), item=utc(17, 9)),
    entry("F3", "flag.confirmed", utc(17, 9, 20), to="confirmed"),
    entry("F6", "flag.viewed", utc(23, 8), item=utc(19, 8)),  # after the week, before as_of
    entry("F5", "flag.viewed", utc(15, 11)),  # before the week: no review activity in it
]
AS_OF = utc(23, 12)
CHECKPOINT = ("checkpoints/seko/2026-11-23T11Z.json", "ab" * 32)


@pytest.fixture(scope="module")
def report() -> SupervisionReport:
    return compute(
        SEKO,
        IsoWeek.parse("2026-W47"),
        accounts=[("seko-facebook", "facebook"), ("seko-x", "x"), ("seko-linkedin", "linkedin")],
        flags=FLAGS,
        entries=ENTRIES,
        as_of=AS_OF,
        checkpoint=CHECKPOINT,
    )


def test_the_week_runs_monday_to_monday_on_the_organisations_clock(
    report: SupervisionReport,
) -> None:
    assert (report.start, report.end) == (utc(15, 23), utc(22, 23))


def test_coverage_counts_flags_raised_in_the_week_reviewed_by_the_cut_off(
    report: SupervisionReport,
) -> None:
    facebook, linkedin, x = report.accounts
    assert (facebook.flags, facebook.reviewed, facebook.coverage) == (4, 4, 1.0)
    assert (x.flags, x.reviewed, x.coverage, x.unreviewed) == (1, 0, 0.0, ("F4",))
    assert (linkedin.flags, linkedin.coverage) == (0, None)  # an account with nothing flagged
    assert (report.total.flags, report.total.reviewed, report.total.coverage) == (5, 4, 0.8)


def test_time_to_first_review_runs_from_the_items_publication(report: SupervisionReport) -> None:
    # 30, 120, 10 and 5760 minutes: median the mean of 30 and 120, p90 the 4th of 4.
    first = report.accounts[0].first_review
    assert (first.count, first.median, first.p90) == (4, 75 * MIN, 5760 * MIN)


def test_notification_to_removal_and_what_still_awaits_removal(report: SupervisionReport) -> None:
    facebook = report.accounts[0]
    assert facebook.removals == 1
    assert (facebook.to_removal.median, facebook.to_removal.p90) == (60 * MIN, 60 * MIN)
    assert facebook.awaiting_removal == 1  # F3: confirmed, not removed


def test_action_in_threads_with_staff_counts_comments_and_decisions(
    report: SupervisionReport,
) -> None:
    facebook, _, x = report.accounts
    # F1, F2 and F6 are comments (F3 is the account's own post); F1 and F2 were decided.
    assert (facebook.staff_threads, facebook.staff_threads_acted) == (3, 2)
    assert facebook.staff_thread_action.median == 75 * MIN
    assert (x.staff_threads, x.staff_threads_acted) == (1, 0)
    assert "staff_threads" in report.approximations


def test_a_recorded_staff_in_thread_detail_replaces_the_approximation() -> None:
    entries = [
        entry("F1", "flag.viewed", utc(16, 8, 20), staff_in_thread="no"),
        entry("F2", "flag.viewed", utc(16, 11), staff_in_thread="yes"),
    ]
    result = compute(
        SEKO,
        IsoWeek.parse("2026-W47"),
        accounts=[],
        flags=FLAGS[:2],
        entries=entries,
        as_of=AS_OF,
        checkpoint=None,
    )
    assert result.total.staff_threads == 1
    assert "staff_threads" not in result.approximations


def test_gaps_are_business_hours_of_two_hours_or_more_without_review(
    report: SupervisionReport,
) -> None:
    assert [(g.start, g.end) for g in report.gaps] == [
        (utc(16, 9), utc(16, 11, 40)),
        (utc(16, 12), utc(16, 15, 30)),
        (utc(17, 7), utc(17, 9, 10)),
        (utc(17, 9, 20), utc(17, 15, 30)),
        (utc(18, 7), utc(18, 15, 30)),
        (utc(19, 7), utc(19, 15, 30)),
        (utc(20, 7), utc(20, 15, 30)),
    ]
    assert report.gap_total == timedelta(hours=40)
    assert report.business_hours == timedelta(hours=42.5)


def test_a_week_not_yet_over_has_gaps_only_up_to_the_cut_off() -> None:
    result = compute(
        SEKO,
        IsoWeek.parse("2026-W47"),
        accounts=[],
        flags=[],
        entries=[],
        as_of=utc(16, 12),
        checkpoint=None,
    )
    assert [(g.start, g.end) for g in result.gaps] == [(utc(16, 7), utc(16, 12))]


@pytest.mark.parametrize("text", ["2026-47", "2026-W54", "W47", "2026-w47"])
def test_a_week_that_is_not_an_iso_week_is_refused(text: str) -> None:
    with pytest.raises(BadWeek):
        IsoWeek.parse(text)


def test_the_csv_has_one_row_per_account_and_a_total_with_fixed_columns(
    report: SupervisionReport,
) -> None:
    rows = list(csv.reader(io.StringIO(to_csv(report, "en").decode("utf-8-sig"))))
    assert len(rows[0]) == len(CSV_COLUMNS) == 20
    assert rows[0][:6] == ["Organisation", "Week", "Account", "Platform", "Flagged", "Reviewed"]
    by_account = {r[2]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert list(by_account) == ["seko-facebook", "seko-linkedin", "seko-x", "All accounts"]
    facebook = by_account["seko-facebook"]
    assert facebook["coverage"] == "100.0"
    assert (facebook["first_review_median"], facebook["first_review_p90"]) == ("75.0", "5760.0")
    assert facebook["removal_median"] == "60.0"
    assert by_account["seko-linkedin"]["coverage"] == ""
    assert by_account["All accounts"]["coverage"] == "80.0"
    assert {r["gap_hours"] for r in by_account.values()} == {"40.0"}
    assert {r["checkpoint_hash"] for r in by_account.values()} == {"ab" * 32}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pdf_carries_the_figures_the_checkpoint_hash_and_its_language(
    report: SupervisionReport, language: ReportLanguage
) -> None:
    reader = PdfReader(io.BytesIO(to_pdf(report, language)))
    text = " ".join(page.extract_text() for page in reader.pages)
    title = {
        "sv": "Tillsynsrapport",
        "da": "Tilsynsrapport",
        "nb": "Tilsynsrapport",
        "en": "Supervision report",
    }
    assert title[language] in text
    assert "2026-W47" in text
    assert "ab" * 32 in text
    assert "seko-facebook" in text
    assert "5760.0" in text
    assert "F4" in text  # never reviewed, listed by id


def test_the_pdf_spells_nordic_letters() -> None:
    empty = compute(
        SEKO,
        IsoWeek.parse("2026-W47"),
        accounts=[],
        flags=[],
        entries=[],
        as_of=AS_OF,
        checkpoint=None,
    )
    reader = PdfReader(io.BytesIO(to_pdf(empty, "nb")))
    text = reader.pages[0].extract_text()
    assert "Hull i gjennomgangen" in text
    assert "Tilnærminger" in text
    assert "ingen kontrollpunkt ennå" in text
