"""The dashboard's charts: pygal's SVG in the user's language, and refusal of other shapes."""

from __future__ import annotations

import pytest

from uppsikt.console.blueprint import catalogue
from uppsikt.console.charts import render
from uppsikt.console.errors import ChartInputInvalid

FIGURES = {
    "flags_per_day": [
        {"day": "2026-11-30", "counts": {"severity:legal": 2, "kind:personal_data": 2}},
        {"day": "2026-12-01", "counts": {"severity:advisory": 1, "kind:conduct": 1}},
    ],
    "time_to_decision": {"count": 3, "median_seconds": 5400, "p90_seconds": 36000},
    "open_by_age": {"<4h": 2, "4-24h": 1, "1-7d": 0, ">7d": 0},
}


def test_each_chart_is_an_inline_svg_titled_in_the_users_language() -> None:
    swedish = catalogue("sv")
    charts = render(FIGURES, swedish)
    assert set(charts) == {"flags_by_kind", "flags_by_severity", "time_to_decision", "open_by_age"}
    for svg in charts.values():
        assert svg.startswith("<svg")
        assert "<script" not in svg
    assert swedish["chart.by_severity"] in charts["flags_by_severity"]
    assert swedish["severity.legal"] in charts["flags_by_severity"]
    assert swedish["chart.time_to_decision"] in charts["time_to_decision"]


def test_an_empty_dashboard_still_draws() -> None:
    charts = render({}, catalogue("en"))
    assert all(svg.startswith("<svg") for svg in charts.values())


@pytest.mark.parametrize(
    "figures",
    [
        {"flags_per_day": [{"day": "2026-12-01", "counts": {"severity:legal": -1}}]},
        {"flags_per_day": "every day"},
        {"time_to_decision": {"count": 1, "median_seconds": -5}},
        [],
    ],
)
def test_figures_in_another_shape_are_refused_without_quoting_them(figures: object) -> None:
    with pytest.raises(ChartInputInvalid) as raised:
        render(figures, catalogue("en"))
    assert "every day" not in str(raised.value)
