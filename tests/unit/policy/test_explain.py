"""`uppsikt explain`: readable, --json and --jsonl verdicts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from uppsikt.cli.main import cli


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["explain", *args], input=stdin)
    return result.exit_code, result.output


def test_json_lists_each_hit_with_rule_kind_span_severity_and_confidence() -> None:
    text = "Mit CPR er 211062-5629, din idiot"
    code, out = run("--policy", "nordic-baseline", "--json", text)
    assert code == 0
    hits = json.loads(out)["hits"]
    assert {h["kind"] for h in hits} >= {"national_id", "harassment"}
    cpr = next(h for h in hits if h["kind"] == "national_id")
    assert text[cpr["start"] : cpr["end"]] == "211062-5629"
    assert set(cpr) == {"rule", "kind", "start", "end", "severity", "confidence"}


def test_the_readable_form_masks_the_text_and_names_the_source() -> None:
    code, out = run("Mit CPR er 211062-5629")
    assert code == 0
    assert "211062-5629" not in out
    assert "source:" in out


def test_jsonl_answers_every_line_and_reports_bad_ones_without_stopping() -> None:
    lines = '{"id": "a", "text": "din idiot"}\nnot json\n{"id": "c", "text": "tak"}\n'
    code, out = run("--jsonl", stdin=lines)
    assert code == 0
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["id"] for a in answers] == ["a", 2, "c"]
    assert answers[0]["hits"]
    assert "error" in answers[1]
    assert answers[2]["hits"] == []


def test_an_unknown_pack_is_a_clear_error() -> None:
    code, out = run("--policy", "no-such-pack", "hej")
    assert code != 0
    assert "no-such-pack" in out
