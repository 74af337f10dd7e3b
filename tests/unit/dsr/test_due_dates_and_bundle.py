"""Due dates of data-subject requests and the access bundle's summary."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from uppsikt.dsr.bundle import TEXTS, language_for, summary
from uppsikt.dsr.model import add_months, due_date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (datetime(2026, 1, 15, 9, tzinfo=UTC), datetime(2026, 2, 15, 9, tzinfo=UTC)),
        (datetime(2026, 1, 31, 9, tzinfo=UTC), datetime(2026, 2, 28, 9, tzinfo=UTC)),
        (datetime(2028, 1, 31, 9, tzinfo=UTC), datetime(2028, 2, 29, 9, tzinfo=UTC)),
        (datetime(2026, 12, 10, 9, tzinfo=UTC), datetime(2027, 1, 10, 9, tzinfo=UTC)),
    ],
)
def test_a_request_is_due_one_calendar_month_after_receipt(
    received: datetime, due: datetime
) -> None:
    assert due_date(received) == due


def test_an_extension_adds_two_months_to_the_due_date() -> None:
    assert add_months(datetime(2026, 11, 30, tzinfo=UTC), 2) == datetime(2027, 1, 30, tzinfo=UTC)


def bundle(**counts: int) -> dict[str, Any]:
    base = dict.fromkeys(("items", "held", "flags", "evidence", "raw", "requests", "restricted"), 0)
    return {
        "request_id": "R-1",
        "generated_at": "2026-12-02T03:00:00+00:00",
        "platform": "facebook",
        "organisation": {"name": "Seko"},
        "counts": {**base, **counts},
        "flags": [{"kinds": ["national_id"]}] if counts.get("flags") else [],
    }


def test_the_summary_speaks_the_first_of_the_organisations_languages_it_knows() -> None:
    assert language_for(["fi", "sv"]) == "sv"
    assert language_for(["nn", "nb"]) == "nn"
    assert language_for(["fi"]) == "en"
    text = summary(bundle(items=2, flags=1), "da")
    assert text.startswith("Hvad Seko har om dig (anmodning R-1)")
    assert "national_id (1)" in text
    assert "arbejdskopi af: 2" in text


def test_every_language_has_every_sentence() -> None:
    for lang, words in TEXTS.items():
        assert set(words) == set(TEXTS["en"]), lang


def test_a_person_with_nothing_stored_is_told_so() -> None:
    assert "Vi har inga uppgifter om dig." in summary(bundle(), "sv")
