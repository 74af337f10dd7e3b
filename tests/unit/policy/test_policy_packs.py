"""Every shipped rule carries examples, and every example does what it says (one table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.policy.engine import CompiledPolicy, CompiledRule
from uppsikt.policy.loader import load_directory

POLICIES = load_directory(REPO / "policies")
RULES: list[tuple[CompiledPolicy, CompiledRule]] = [(p, r) for p in POLICIES for r in p.rules]
CASES = [
    pytest.param(rule, text, expected, id=f"{rule.spec.id}:{'hit' if expected else 'miss'}:{i}")
    for _, rule in RULES
    for expected, texts in (
        (True, rule.spec.examples.trigger),
        (False, rule.spec.examples.no_trigger),
    )
    for i, text in enumerate(texts)
]


def test_the_repository_ships_the_baseline_pack() -> None:
    assert "nordic-baseline" in {p.id for p in POLICIES}


@pytest.mark.parametrize(("rule", "text", "expected"), CASES)
def test_each_rule_example_triggers_exactly_when_it_says(
    rule: CompiledRule, text: str, expected: bool
) -> None:
    assert bool(rule.hits(text)) is expected


@pytest.mark.parametrize(("policy", "rule"), RULES, ids=[r.spec.id for _, r in RULES])
def test_every_rule_has_examples_both_ways(policy: CompiledPolicy, rule: CompiledRule) -> None:
    assert rule.spec.examples.trigger, f"{rule.spec.id} has no example that must trigger it"
    assert rule.spec.examples.no_trigger, f"{rule.spec.id} has no example that must not"


@pytest.mark.parametrize(("policy", "rule"), RULES, ids=[r.spec.id for _, r in RULES])
def test_every_rule_names_a_known_retention_class_and_a_source(
    policy: CompiledPolicy, rule: CompiledRule
) -> None:
    assert rule.spec.retention_class in policy.document.retention
    assert rule.spec.source.strip()


def test_hits_never_carry_the_matched_personal_data() -> None:
    (policy,) = [p for p in POLICIES if p.id == "nordic-baseline"]
    verdict = policy.evaluate_text("Mit CPR er 211062-5629, din idiot")
    assert {h.kind for h in verdict.hits} == {"national_id", "harassment"}
    for hit in verdict.hits:
        assert "211062" not in hit.evidence
        assert "idiot" not in hit.evidence
        assert hit.source


def test_the_policy_version_changes_when_the_content_changes(tmp_path: Path) -> None:
    original = (REPO / "policies" / "nordic-baseline.yaml").read_text()
    (tmp_path / "p.yaml").write_text(original.replace("fjols, ", ""))
    (edited,) = load_directory(tmp_path)
    (shipped,) = [p for p in POLICIES if p.id == "nordic-baseline"]
    assert edited.version != shipped.version
    assert edited.version.split("+")[0] == shipped.version.split("+")[0]
