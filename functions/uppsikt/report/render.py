"""The report as CSV (one row per account, then the total) and as PDF (fpdf2), in one of the
report languages. Times are minutes with one decimal; a blank cell means there was nothing to
measure."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from uppsikt.report.labels import ReportLanguage, label
from uppsikt.report.model import AccountWeek, SupervisionReport

if TYPE_CHECKING:
    from fpdf import FPDF

CSV_COLUMNS = (
    "organisation",
    "week",
    "account",
    "platform",
    "flags",
    "reviewed",
    "coverage",
    "first_review_median",
    "first_review_p90",
    "removals",
    "removal_median",
    "removal_p90",
    "awaiting_removal",
    "staff_threads",
    "staff_threads_acted",
    "staff_thread_median",
    "gap_count",
    "gap_hours",
    "business_hours",
    "checkpoint_hash",
)
# The PDF's table: the per-account columns (the organisation-wide ones are printed once).
_TABLE = CSV_COLUMNS[2:16]


def minutes(value: timedelta | None) -> str:
    return "" if value is None else f"{value.total_seconds() / 60:.1f}"


def hours(value: timedelta) -> str:
    return f"{value.total_seconds() / 3600:.1f}"


def _cells(report: SupervisionReport, row: AccountWeek, language: ReportLanguage) -> dict[str, str]:
    total = row.account_id == "*"
    coverage = row.coverage
    return {
        "organisation": report.org_id,
        "week": str(report.week),
        "account": label("all_accounts", language) if total else row.account_id,
        "platform": "" if total else row.platform,
        "flags": str(row.flags),
        "reviewed": str(row.reviewed),
        "coverage": "" if coverage is None else f"{coverage * 100:.1f}",
        "first_review_median": minutes(row.first_review.median),
        "first_review_p90": minutes(row.first_review.p90),
        "removals": str(row.removals),
        "removal_median": minutes(row.to_removal.median),
        "removal_p90": minutes(row.to_removal.p90),
        "awaiting_removal": str(row.awaiting_removal),
        "staff_threads": str(row.staff_threads),
        "staff_threads_acted": str(row.staff_threads_acted),
        "staff_thread_median": minutes(row.staff_thread_action.median),
        "gap_count": str(len(report.gaps)),
        "gap_hours": hours(report.gap_total),
        "business_hours": hours(report.business_hours),
        "checkpoint_hash": report.checkpoint_hash or "",
    }


def to_csv(report: SupervisionReport, language: ReportLanguage) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read å, æ and ø right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label(c, language) for c in CSV_COLUMNS])
    for row in (*report.accounts, report.total):
        cells = _cells(report, row, language)
        writer.writerow([cells[c] for c in CSV_COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _latin1(text: str) -> str:
    # The PDF's core fonts (Helvetica, Courier) cover Latin-1: å ä ö æ ø é and the rest of the
    # Nordic alphabets; anything else becomes "?" instead of failing the export.
    return text.encode("latin-1", "replace").decode("latin-1")


def _local(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


def to_pdf(report: SupervisionReport, language: ReportLanguage) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_creation_date(report.as_of)
    pdf.set_title(_latin1(f"{label('title', language)} {report.org_id} {report.week}"))
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    _header(pdf, report, language)
    _table(pdf, report, language)
    _gaps(pdf, report, language)
    _footer(pdf, report, language)
    return bytes(pdf.output())


def _t(key: str, language: ReportLanguage) -> str:
    return _latin1(label(key, language))


def _heading(pdf: FPDF, text: str) -> None:
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")


def _header(pdf: FPDF, report: SupervisionReport, language: ReportLanguage) -> None:
    pdf.set_font("Helvetica", "B", 16)
    title = _latin1(f"{label('title', language)}: {report.org_name}")
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(0, 5, _t("law", language), new_x="LMARGIN", new_y="NEXT")
    zone = report.time_zone
    last_moment = report.end - timedelta(seconds=1)
    facts = [
        ("organisation", _latin1(f"{report.org_name} ({report.org_id})")),
        ("week", str(report.week)),
        ("period", f"{_local(report.start, zone)} - {_local(last_moment, zone)}"),
        ("as_of", _local(report.as_of, zone)),
        ("time_zone", zone),
    ]
    for key, value in facts:
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(45, 5, _t(key, language))
        pdf.set_font("Helvetica", "", 9)
        pdf.cell(0, 5, value, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _table(pdf: FPDF, report: SupervisionReport, language: ReportLanguage) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font("Helvetica", "", 7)
    with pdf.table(
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 230, 240)),
        line_height=3.6,
        text_align="CENTER",
    ) as table:
        table.row([_t(c, language) for c in _TABLE])
        for row in (*report.accounts, report.total):
            cells = _cells(report, row, language)
            table.row([_latin1(cells[c]) for c in _TABLE])
    pdf.ln(3)


def _gaps(pdf: FPDF, report: SupervisionReport, language: ReportLanguage) -> None:
    _heading(pdf, _t("gaps", language))
    pdf.set_font("Helvetica", "", 9)
    summary = (
        f"{_t('gaps_intro', language)} {hours(report.min_gap)} h. "
        f"{_t('gap_count', language)}: {len(report.gaps)}; "
        f"{_t('gap_hours', language)}: {hours(report.gap_total)} / "
        f"{_t('business_hours', language)}: {hours(report.business_hours)}"
    )
    pdf.multi_cell(0, 5, summary, new_x="LMARGIN", new_y="NEXT")
    if not report.gaps:
        pdf.cell(0, 5, _t("no_gaps", language), new_x="LMARGIN", new_y="NEXT")
    zone = report.time_zone
    for gap in report.gaps:
        span = f"{_local(gap.start, zone)} - {_local(gap.end, zone)[-5:]} ({hours(gap.length)} h)"
        pdf.cell(0, 4.5, span, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _footer(pdf: FPDF, report: SupervisionReport, language: ReportLanguage) -> None:
    if report.total.unreviewed:
        _heading(pdf, _t("unreviewed", language))
        pdf.set_font("Courier", "", 8)
        pdf.multi_cell(0, 4, ", ".join(report.total.unreviewed), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    _heading(pdf, _t("approximations", language))
    pdf.set_font("Helvetica", "", 8)
    for key in report.approximations:
        pdf.multi_cell(0, 4, f"- {_t('approx_' + key, language)}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _heading(pdf, _t("checkpoint", language))
    pdf.set_font("Courier", "", 8)
    if report.checkpoint_key and report.checkpoint_hash:
        pdf.cell(0, 4, report.checkpoint_key, new_x="LMARGIN", new_y="NEXT")
        line = f"{_t('checkpoint_hash', language)}: {report.checkpoint_hash}"
        pdf.cell(0, 4, line, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.cell(0, 4, _t("no_checkpoint", language), new_x="LMARGIN", new_y="NEXT")
