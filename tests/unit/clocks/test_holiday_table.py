"""The holiday table a cold start reads (clocks/closed_days.json) says what the library says, and
every way of not having it falls back to the library."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.clocks import business_time as bt
from uppsikt.operations import holiday_table


@pytest.fixture
def fresh() -> Iterator[None]:
    """Empty caches before and after: each test reads the table (or not) as a cold start."""
    bt.closed_days.cache_clear()
    bt._written.cache_clear()
    yield
    bt.closed_days.cache_clear()
    bt._written.cache_clear()


def test_the_committed_table_is_what_the_library_says_now() -> None:
    # Fails after an upgrade of `holidays` that moves a day, or a change of the counted
    # categories: run `python -m uppsikt.operations.holiday_table` and read the diff.
    assert holiday_table.main(["--check"]) == 0


@pytest.mark.parametrize("jurisdiction", ["dk", "se", "no", "fi"])
def test_every_year_of_the_table_gives_the_library_s_days_and_the_de_facto_ones(
    jurisdiction: bt.Jurisdiction, fresh: None
) -> None:
    for year in holiday_table.YEARS:
        from_table = bt.closed_days(jurisdiction, year)
        expected = set(bt.library_holidays(jurisdiction, year))
        expected.update(date(year, m, d) for m, d in bt.DE_FACTO_CLOSED[jurisdiction])
        assert from_table == expected, (jurisdiction, year)


def test_a_cold_start_answers_from_the_table_without_importing_the_library() -> None:
    probe = (
        "import sys; from uppsikt.clocks.business_time import closed_days; "
        "closed_days('dk', 2026); closed_days('no', 2031); print('holidays' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert done.stdout.strip() == "False"


def test_a_year_outside_the_table_asks_the_library(fresh: None) -> None:
    year = holiday_table.YEARS[-1] + 10
    assert ("se", year) not in bt._written()
    assert date(year, 6, 6) in bt.closed_days("se", year)  # Sweden's national day


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"days": {"dk": {"2026": ["2026-13-01"]}}, "categories": {}}'],
)
def test_an_unreadable_table_falls_back_to_the_library(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    broken = tmp_path / "closed_days.json"
    broken.write_text(text)
    monkeypatch.setattr(bt, "HOLIDAY_TABLE", broken)
    assert bt._written() == {}
    assert date(2026, 12, 25) in bt.closed_days("dk", 2026)


def test_a_country_whose_counted_categories_changed_is_not_read_from_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh: None
) -> None:
    table = json.loads(bt.HOLIDAY_TABLE.read_text())
    table["categories"]["se"] = ["public"]  # as if written before `de_facto` was counted
    table["days"]["dk"]["2026"] = ["2026-03-03"]  # so a read of Denmark's row shows
    older = tmp_path / "closed_days.json"
    older.write_text(json.dumps(table))
    monkeypatch.setattr(bt, "HOLIDAY_TABLE", older)
    assert ("se", 2026) not in bt._written()
    assert date(2026, 6, 19) in bt.closed_days("se", 2026)  # midsommarafton, from the library
    assert date(2026, 3, 3) in bt.closed_days("dk", 2026)  # the table's row, trusted


def test_the_switch_turns_the_table_off(monkeypatch: pytest.MonkeyPatch, fresh: None) -> None:
    monkeypatch.setenv("UPPSIKT_HOLIDAY_TABLE", "0")
    assert bt._written() == {}
