"""The dashboard's charts, drawn as SVG on the server by pygal.

Why pygal and not a JavaScript library: the project must build on a machine with nothing but
Python and git, so a JS library would have to be fetched by npm or copied into the repository;
pygal comes from the lock file like every other dependency, is pure Python (about 130 kB), and
its SVG needs no script in the page. The page labels each chart and shows its figures as a
table beside it, for screen readers.

Input: the figures of GET /orgs/{org}/dashboard (contract.md), in the shape of `Dashboard`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

from uppsikt.console.errors import ChartInputInvalid

MAX_DAYS = 366  # the dashboard's longest period
MAX_KEYS = 64  # severities and kinds on one day


class _Figures(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Day(_Figures):
    day: str = Field(max_length=10)
    # "severity:legal", "kind:personal_data": a count per severity and per kind, so a flag
    # counts once in each chart.
    counts: dict[str, NonNegativeInt] = Field(max_length=MAX_KEYS)


class Quantiles(_Figures):
    count: int = Field(ge=0)
    median_seconds: float | None = Field(default=None, ge=0)
    p90_seconds: float | None = Field(default=None, ge=0)


class Dashboard(_Figures):
    flags_per_day: list[Day] = Field(default_factory=list, max_length=MAX_DAYS)
    time_to_decision: Quantiles = Field(default_factory=lambda: Quantiles(count=0))
    # age band ("<4h", "4-24h", "1-7d", ">7d") -> open flags, in the API's order
    open_by_age: dict[str, NonNegativeInt] = Field(default_factory=dict, max_length=MAX_KEYS)


SEVERITY_ORDER = ("legal", "mandatory", "advisory")  # uppsikt.model.verdict.Severity
# Colour-blind-safe (Okabe-Ito), each at least 3:1 against white as WCAG asks of graphics.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#8B6D00", "#56B4E9", "#000000")
SEVERITY_COLOURS = {"legal": "#8B0000", "mandatory": "#D55E00", "advisory": "#0072B2"}


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
        opacity=1,  # pygal's default .8 would fade the colours below 3:1 against white
        opacity_hover=1,
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


# pygal always embeds its tooltip configuration as a <script>, even with `js=[]`; the page never
# runs it (innerHTML does not, and the CSP forbids inline script), so it is dropped.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def _svg(chart: Any) -> str:
    return _SCRIPT.sub("", chart.render(is_unicode=True))


def _stacked_by(days: list[Day], field: str, title: str, t: Mapping[str, str]) -> str:
    import pygal

    labels = [d.day for d in days]
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * len(labels))
    for index, d in enumerate(days):
        for key, count in d.counts.items():
            family, _, value = key.partition(":")
            if family == field:
                totals[value or "-"][index] += max(0, count)
    if field == "severity":
        keys = [s for s in SEVERITY_ORDER if s in totals]
        keys += sorted(set(totals) - set(SEVERITY_ORDER))
        colours = tuple(SEVERITY_COLOURS.get(k, "#000000") for k in keys)
    else:
        keys = sorted(totals)
        colours = PALETTE
    chart = pygal.StackedBar(**_config(title, colours))
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 8)]
    for key in keys:
        chart.add(t.get(f"{field}.{key}", key), totals[key])
    return _svg(chart)


def _durations(q: Quantiles, t: Mapping[str, str]) -> str:
    import pygal

    chart = pygal.HorizontalBar(**_config(t["chart.time_to_decision"], PALETTE))
    chart.x_title = t["chart.hours"]
    for label, seconds in ((t["chart.median"], q.median_seconds), (t["chart.p90"], q.p90_seconds)):
        chart.add(label, [round(seconds / 3600, 1) if seconds is not None else None])
    return _svg(chart)


def _ages(bands: dict[str, int], t: Mapping[str, str]) -> str:
    import pygal

    chart = pygal.Bar(**_config(t["chart.open_by_age"], PALETTE))
    chart.x_labels = list(bands)
    chart.add(t["chart.open"], list(bands.values()))
    return _svg(chart)


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
