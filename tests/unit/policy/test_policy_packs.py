"""Every shipped rule carries examples, and every example does what it says (one table)."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.policy.engine import CompiledPolicy, CompiledRule, example_hits
from uppsikt.policy.loader import load_directory
from uppsikt.policy.model import Example
from uppsikt.retention.schedule import shipped

POLICIES = load_directory(REPO / "policies")
RULES: list[tuple[CompiledPolicy, CompiledRule]] = [(p, r) for p in POLICIES for r in p.rules]
CASES = [
    pytest.param(
        policy,
        rule,
        text,
        expected,
        id=f"{policy.id}/{rule.spec.id}:{'hit' if expected else 'miss'}:{i}",
    )
    for policy, rule in RULES
    for expected, texts in (
        (True, rule.spec.examples.trigger),
        (False, rule.spec.examples.no_trigger),
    )
    for i, text in enumerate(texts)
]


def test_the_repository_ships_the_four_packs() -> None:
    assert {p.id for p in POLICIES} == {"nordic-baseline", "seko", "kommunal", "authority"}


def test_every_verdict_kind_of_the_shared_vocabulary_is_covered_by_a_shipped_rule() -> None:
    vocabulary = {
        "national_id", "financial_id", "contact_data", "special_category", "criminal_allegation",
        "confidential_personnel", "threat", "hate", "harassment", "spam", "tone", "relevance",
        "plain_language", "publisher",
    }  # fmt: skip
    shipped = {rule.reports_as for _, rule in RULES}
    assert vocabulary <= shipped, f"no shipped rule reports {sorted(vocabulary - shipped)}"


def test_kommunal_is_advisory_but_keeps_the_legal_rules_of_the_baseline() -> None:
    (kommunal,) = [p for p in POLICIES if p.id == "kommunal"]
    own = [r for r in kommunal.rules if r.spec.id.startswith("kommunal.")]
    assert own
    assert all(r.spec.severity.value == "advisory" for r in own)
    assert kommunal.rule("baseline.national-id").severity.value == "legal"
    assert kommunal.rule("baseline.harassment").severity.value == "advisory"


def test_an_authority_captures_a_public_record_before_any_removal() -> None:
    (authority,) = [p for p in POLICIES if p.id == "authority"]
    for rule in authority.rules:
        actions = [a.value for a in rule.spec.actions]
        if "hide-recommended" in actions:
            assert actions.index("capture-to-archive") < actions.index("hide-recommended"), (
                rule.spec.id
            )


def test_sekos_own_switchboard_is_not_reported_as_third_party_contact_data() -> None:
    (seko,) = [p for p in POLICIES if p.id == "seko"]
    (baseline,) = [p for p in POLICIES if p.id == "nordic-baseline"]
    text = "Ring växeln på 08-791 41 00 så hjälper vi dig"
    assert not [h for h in seko.evaluate_text(text).hits if h.kind == "contact_data"]
    assert [h for h in baseline.evaluate_text(text).hits if h.kind == "contact_data"]


@pytest.mark.parametrize(("policy", "rule", "example", "expected"), CASES)
def test_each_rule_example_triggers_exactly_when_it_says(
    policy: CompiledPolicy, rule: CompiledRule, example: Example, expected: bool
) -> None:
    # Each example runs in the context it names, else the one its rule applies to.
    assert bool(example_hits(policy, rule, example)) is expected


@pytest.mark.parametrize(("policy", "rule"), RULES, ids=[r.spec.id for _, r in RULES])
def test_every_rule_has_examples_both_ways(policy: CompiledPolicy, rule: CompiledRule) -> None:
    assert rule.spec.examples.trigger, f"{rule.spec.id} has no example that must trigger it"
    assert rule.spec.examples.no_trigger, f"{rule.spec.id} has no example that must not"


@pytest.mark.parametrize(("policy", "rule"), RULES, ids=[r.spec.id for _, r in RULES])
def test_every_rule_names_a_known_retention_class_and_a_source(
    policy: CompiledPolicy, rule: CompiledRule
) -> None:
    assert rule.spec.retention_class in shipped().classes
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
    (tmp_path / "lexicons").symlink_to(REPO / "policies" / "lexicons")
    (tmp_path / "p.yaml").write_text(original.replace("Tak for et godt møde i går", "Tak!"))
    (edited,) = load_directory(tmp_path)
    (shipped,) = [p for p in POLICIES if p.id == "nordic-baseline"]
    assert edited.version != shipped.version
    assert edited.version.split("+")[0] == shipped.version.split("+")[0]
