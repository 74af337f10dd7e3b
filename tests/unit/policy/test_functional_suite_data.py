"""The functional suite's cases (bench/data/functional/cases.tsv) are well formed and complete.

The vocabularies below are written here on purpose, not imported from the generator: dropping
a functionality, a language or a target there makes these tests fail instead of shrinking the
suite without anyone noticing.
"""

from __future__ import annotations

import csv
import importlib.util
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from support.paths import REPO

DATA = REPO / "bench" / "data" / "functional"
CASES = DATA / "cases.tsv"
COLUMNS = ["id", "lang", "functionality", "target", "expected", "text"]
LANGUAGES = {"da", "sv", "nb", "nn", "en"}
EXPECTED_KIND = {
    "threat_direct": "threat",
    "threat_normative": "threat",
    "threat_passive_modal": "threat",
    "wish_of_harm": "threat",
    "self_harm_incitement": "threat",
    "threat_group_plural": "threat",
    "dehumanisation": "hate",
    "derogation": "hate",
    "slur_in_sentence": "hate",
    "profanity_not_abuse": "none",
    "negated": "none",
    "quotation_reporting": "none",
    "counter_speech": "none",
    "reclaimed_use": "none",
    "identity_neutral": "none",
    "names_titles": "none",
    "innocent_compound": "none",
    "victim_account": "none",
}
TARGETS = {
    "ethnicity",
    "national_origin",
    "religion",
    "sexual_orientation",
    "gender_identity",
    "disability",
    "individual",
    "none",
}
# Protected groups crossed with the hateful group templates in every language.
GROUP_TARGETS = {
    "ethnicity",
    "national_origin",
    "religion",
    "sexual_orientation",
    "gender_identity",
}
MIN_CASES_PER_LANGUAGE = 150


def read_rows(path: Path = CASES) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE, strict=True)
        assert reader.fieldnames == COLUMNS
        return list(reader)


ROWS = read_rows()


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_cases", DATA / "build_cases.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_row_has_all_columns_filled() -> None:
    incomplete = [row["id"] for row in ROWS if any(not row.get(c) for c in COLUMNS)]
    assert not incomplete
    assert all(None not in row for row in ROWS), "a row has more fields than the header"


def test_case_ids_are_unique() -> None:
    repeated = [case_id for case_id, n in Counter(r["id"] for r in ROWS).items() if n > 1]
    assert not repeated


def test_every_row_uses_a_known_language_functionality_and_target() -> None:
    assert {r["lang"] for r in ROWS} <= LANGUAGES
    assert {r["functionality"] for r in ROWS} <= set(EXPECTED_KIND)
    assert {r["target"] for r in ROWS} <= TARGETS


def test_every_row_expects_the_kind_of_its_functionality() -> None:
    wrong = [r["id"] for r in ROWS if r["expected"] != EXPECTED_KIND.get(r["functionality"])]
    assert not wrong


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_functionality_has_cases_in_every_language(lang: str) -> None:
    present = {r["functionality"] for r in ROWS if r["lang"] == lang}
    assert present == set(EXPECTED_KIND)


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_every_language_has_enough_cases(lang: str) -> None:
    assert sum(r["lang"] == lang for r in ROWS) >= MIN_CASES_PER_LANGUAGE


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
def test_threats_and_hate_are_crossed_with_the_protected_groups_in_every_language(
    lang: str,
) -> None:
    for functionality in ("threat_passive_modal", "dehumanisation", "derogation"):
        targets = {
            r["target"] for r in ROWS if r["lang"] == lang and r["functionality"] == functionality
        }
        assert targets >= GROUP_TARGETS, functionality


def test_texts_have_no_unfilled_template_slots() -> None:
    unfilled = [r["id"] for r in ROWS if "{" in r["text"] or "}" in r["text"]]
    assert not unfilled


def test_cases_file_is_what_the_generator_writes() -> None:
    generator = load_generator()
    assert CASES.read_text(encoding="utf-8") == generator.render(generator.build()), (
        "cases.tsv is out of date: run .venv/bin/python bench/data/functional/build_cases.py"
    )
