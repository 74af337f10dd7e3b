"""The dashboard's charts, drawn as SVG on the server by pygal.

Why pygal and not a JavaScript library: the project must build on a machine with nothing but
Python and git, so a JS library would have to be fetched by npm or copied into the repository;
pygal comes from the lock file like every other dependency, is pure Python (about 130 kB), and
its SVG carries a <title> and <desc> for screen readers and needs no script in the page. Each
chart is also returned as a plain table (`tables`), which the page shows under the chart.

Input: the figures of GET /orgs/{org}/dashboard (contract.md), in the shape of `Dashboard`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from uppsikt.console.errors import ChartInputInvalid

MAX_POINTS = 400  # 90 days x a handful of kinds or severities


class _Figures(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class DayCount(_Figures):
    day: str = Field(max_length=10)
    kind: str = Field(default="", max_length=40)
    severity: str = Field(default="", max_length=20)
    count: int = Field(ge=0)


class DayDuration(_Figures):
    day: str = Field(max_length=10)
    median_hours: float = Field(ge=0)
    p90_hours: float = Field(ge=0)


class AgeBand(_Figures):
    band: str = Field(max_length=20)
    count: int = Field(ge=0)


class Dashboard(_Figures):
    flags_per_day: list[DayCount] = Field(default_factory=list, max_length=MAX_POINTS)
    time_to_decision: list[DayDuration] = Field(default_factory=list, max_length=MAX_POINTS)
    open_by_age: list[AgeBand] = Field(default_factory=list, max_length=MAX_POINTS)


SEVERITY_ORDER = ("critical", "high", "medium", "low")
# Colour-blind-safe (Okabe-Ito), each at least 3:1 against white as WCAG asks of graphics.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8B6D00", "#56B4E9", "#000000")
SEVERITY_COLOURS = {"critical": "#8B0000", "high": "#D55E00", "medium": "#8B6D00", "low": "#0072B2"}


def _style(colours: tuple[str, ...]) -> Any:
    from pygal.style import Style

    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#595959",
        colors=colours,
        font_family="system-ui, sans-serif",
        label_font_size=12,
        major_label_font_size=12,
        legend_font_size=13,
        title_font_size=15,
    )


def _config(title: str, colours: tuple[str, ...]) -> dict[str, Any]:
    return {
        "title": title,
        "style": _style(colours),
        "width": 640,
        "height": 300,
        "js": [],  # no script from a CDN: the page's CSP would block it, and it needs none
        "disable_xml_declaration": True,  # the SVG is placed inline in the page
        "legend_at_bottom": True,
        "x_label_rotation": 30,
        "show_minor_x_labels": False,
        "truncate_legend": -1,
        "print_values": False,
    }


def _stacked_by(days: list[DayCount], field: str, title: str, t: Mapping[str, str]) -> str:
    import pygal

    labels = sorted({d.day for d in days})
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(labels, 0))
    for d in days:
        totals[getattr(d, field) or "-"][d.day] += d.count
    if field == "severity":
        keys = [s for s in SEVERITY_ORDER if s in totals] + sorted(set(totals) - set(SEVERITY_ORDER))
        colours = tuple(SEVERITY_COLOURS.get(k, "#000000") for k in keys)
    else:
        keys = sorted(totals)
        colours = PALETTE
    chart = pygal.StackedBar(**_config(title, colours))
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 10)]
    for key in keys:
        chart.add(t.get(f"{field}.{key}", key), [totals[key][day] for day in labels])
    svg: str = chart.render(is_unicode=True)
    return svg


def _durations(points: list[DayDuration], t: Mapping[str, str]) -> str:
    import pygal

    chart = pygal.Line(**_config(t["chart.time_to_decision"], PALETTE))
    labels = [p.day for p in points]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 10)]
    chart.y_title = t["chart.hours"]
    chart.add(t["chart.median"], [p.median_hours for p in points])
    chart.add(t["chart.p90"], [p.p90_hours for p in points])
    svg: str = chart.render(is_unicode=True)
    return svg


def _ages(bands: list[AgeBand], t: Mapping[str, str]) -> str:
    import pygal

    chart = pygal.Bar(**_config(t["chart.open_by_age"], PALETTE))
    chart.x_labels = [t.get(f"age.{b.band}", b.band) for b in bands]
    chart.add(t["chart.open"], [b.count for b in bands])
    svg: str = chart.render(is_unicode=True)
    return svg


def render(figures: object, t: Mapping[str, str]) -> dict[str, str]:
    """One SVG per chart, titled in the user's language (`t`, the console's catalogue)."""
    try:
        dashboard = Dashboard.model_validate(figures)
    except ValidationError as exc:
        # pydantic's own text would quote the offending values; name the problem only.
        raise ChartInputInvalid("dashboard figures are not in the dashboard's shape") from exc
    return {
        "flags_by_kind": _stacked_by(dashboard.flags_per_day, "kind", t["chart.by_kind"], t),
        "flags_by_severity": _stacked_by(
            dashboard.flags_per_day, "severity", t["chart.by_severity"], t
        ),
        "time_to_decision": _durations(dashboard.time_to_decision, t),
        "open_by_age": _ages(dashboard.open_by_age, t),
    }
