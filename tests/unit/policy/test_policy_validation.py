"""Validation collects every problem and names its place: file, rule id, field."""

from __future__ import annotations

from pathlib import Path

import pytest

from uppsikt.policy.errors import PolicyInvalid
from uppsikt.policy.loader import load_directory, load_file

VALID_RULE = """
  - id: r.one
    kind: national_id
    description: d
    severity: legal
    actions: [notify]
    source: s
    retention_class: working_capture
    examples: {trigger: ["211062-5629"], no_trigger: ["hej"]}
"""
HEADER = """
id: test-pack
version: "1"
description: test
rules:
"""


def write(tmp_path: Path, rules: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rules)
    return path


def test_a_valid_file_loads(tmp_path: Path) -> None:
    policy = load_file(write(tmp_path, VALID_RULE))
    assert [r.spec.id for r in policy.rules] == ["r.one"]


def test_every_problem_is_reported_with_its_rule_and_field(tmp_path: Path) -> None:
    rules = (
        VALID_RULE
        + """
  - id: r.two
    kind: national_id
    description: d
    severity: catastrophic
    actions: []
    source: s
    retention_class: working_capture
    examples: {trigger: ["x"], no_trigger: ["y"]}
"""
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_file(write(tmp_path, rules))
    places = {(p.rule, p.field) for p in caught.value.problems}
    assert ("r.two", "severity") in places
    assert ("r.two", "actions") in places
    assert all(p.file.endswith("p.yaml") for p in caught.value.problems)


def test_unknown_kinds_params_and_retention_classes_are_all_reported(tmp_path: Path) -> None:
    rules = """
  - id: r.kind
    kind: telepathy
    description: d
    severity: legal
    actions: [notify]
    source: s
    retention_class: working_capture
    examples: {trigger: ["x"], no_trigger: ["y"]}
  - id: r.params
    kind: national_id
    description: d
    severity: legal
    actions: [notify]
    source: s
    retention_class: forever
    params: {countries: [dk], colour: blue}
    examples: {trigger: ["x"], no_trigger: ["y"]}
"""
    with pytest.raises(PolicyInvalid) as caught:
        load_file(write(tmp_path, rules))
    found = {(p.rule, p.field) for p in caught.value.problems}
    assert ("r.kind", "kind") in found
    assert ("r.params", "retention_class") in found
    assert ("r.params", "params.colour") in found


def test_a_rule_without_examples_is_refused(tmp_path: Path) -> None:
    rule = VALID_RULE.replace(
        '    examples: {trigger: ["211062-5629"], no_trigger: ["hej"]}\n',
        '    examples: {trigger: [], no_trigger: ["hej"]}\n',
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_file(write(tmp_path, rule))
    assert [(p.rule, p.field) for p in caught.value.problems] == [("r.one", "examples.trigger")]


def test_duplicate_rule_ids_and_broken_yaml_are_refused(tmp_path: Path) -> None:
    write(tmp_path, VALID_RULE + VALID_RULE, "dup.yaml")
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    with pytest.raises(PolicyInvalid) as caught:
        load_directory(tmp_path)
    messages = " ".join(str(p) for p in caught.value.problems)
    assert "used twice" in messages
    assert "not valid YAML" in messages
