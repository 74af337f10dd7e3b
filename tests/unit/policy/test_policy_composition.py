"""Packs compose: a tenant's pack extends the baseline, overrides parameters, adds rules and
exceptions; the stored result is one flat, self-contained policy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from uppsikt.operations.policy_schema import SCHEMA_FILE, schema_json
from uppsikt.policy.engine import check_examples
from uppsikt.policy.errors import PolicyInvalid
from uppsikt.policy.loader import load_directory, load_file, load_pack
from uppsikt.rules.registry import RuleContext

BASE = """
id: base
version: "1"
description: base pack
rules:
  - id: base.ids
    kind: national_id
    description: national ids
    severity: legal
    actions: [notify]
    source: GDPR Art. 87
    retention_class: policy_removed
    params: {countries: [dk, se]}
    examples: {trigger: ["Mit CPR er 211062-5629"], no_trigger: ["hej"]}
  - id: base.words
    kind: lexicon
    description: insults
    severity: mandatory
    actions: [review]
    source: debate rules
    retention_class: policy_removed
    params: {terms: [idiot]}
    examples: {trigger: ["din idiot"], no_trigger: ["hej"]}
"""


def pack(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


def test_a_pack_inherits_overrides_and_adds_rules(tmp_path: Path) -> None:
    pack(tmp_path, "base", BASE)
    child = pack(
        tmp_path,
        "child",
        """
id: child
version: "7"
description: a tenant
extends: base
overrides:
  base.words:
    severity: advisory
    params: {terms: [idiot, fjols]}
  base.ids:
    enabled: false
rules:
  - id: child.more
    kind: lexicon
    description: more words
    severity: advisory
    actions: [notify]
    source: tenant policy
    retention_class: policy_removed
    params: {terms: [tosse]}
    examples: {trigger: ["din tosse"], no_trigger: ["hej"]}
""",
    )
    policy = load_file(child)
    assert [r.spec.id for r in policy.rules] == ["base.words", "child.more"]
    words = policy.rule("base.words")
    assert words.severity.value == "advisory"
    assert policy.evaluate_text("din fjols").hits[0].rule == "base.words"
    assert policy.document.extends is None  # flattened: the stored policy needs no other pack
    assert policy.version.startswith("7+")
    assert check_examples(policy) == []


def test_a_change_in_the_base_changes_the_childs_version(tmp_path: Path) -> None:
    pack(tmp_path, "base", BASE)
    pack(tmp_path, "child", 'id: child\nversion: "1"\ndescription: c\nextends: base\n')
    before = load_pack(tmp_path, "child").version
    pack(tmp_path, "base", BASE.replace("[idiot]", "[idiot, fjols]"))
    assert load_pack(tmp_path, "child").version != before


def test_overriding_an_unknown_rule_or_redefining_one_is_refused(tmp_path: Path) -> None:
    pack(tmp_path, "base", BASE)
    pack(
        tmp_path,
        "child",
        'id: child\nversion: "1"\ndescription: c\nextends: base\n'
        "overrides:\n  base.nothing: {severity: advisory}\n"
        + "rules:"
        + BASE.split("rules:")[1].split("  - id: base.words", maxsplit=1)[0],
    )
    with pytest.raises(PolicyInvalid) as caught:
        load_pack(tmp_path, "child")
    found = {(p.rule, p.field) for p in caught.value.problems}
    assert ("base.nothing", "overrides") in found
    assert ("base.ids", "id") in found


def test_a_missing_base_and_a_circle_are_reported(tmp_path: Path) -> None:
    pack(tmp_path, "a", 'id: a\nversion: "1"\ndescription: a\nextends: b\n')
    pack(tmp_path, "b", 'id: b\nversion: "1"\ndescription: b\nextends: a\n')
    pack(tmp_path, "c", 'id: c\nversion: "1"\ndescription: c\nextends: nowhere\n')
    with pytest.raises(PolicyInvalid) as caught:
        load_directory(tmp_path)
    text = " ".join(str(p) for p in caught.value.problems)
    assert "circle" in text
    assert "nowhere" in text


def test_an_advisory_only_pack_may_not_enforce(tmp_path: Path) -> None:
    pack(tmp_path, "base", BASE)
    pack(
        tmp_path,
        "soft",
        'id: soft\nversion: "1"\ndescription: s\nextends: base\nadvisory_only: true\n'
        "rules:"
        + BASE.split("rules:")[1]
        .split("  - id: base.words", maxsplit=1)[0]
        .replace("base.ids", "soft.ids"),
    )
    with pytest.raises(PolicyInvalid, match="advisory_only"):
        load_pack(tmp_path, "soft")


def test_exceptions_waive_the_organisations_own_contact_details(tmp_path: Path) -> None:
    pack(
        tmp_path,
        "base",
        BASE
        + """
exceptions:
  - id: own-cpr-example
    description: a number printed in our own guide
    kinds: [national_id]
    values: ["211062-5629"]
    source: DPO decision 2026-11-01
""",
    )
    policy = load_pack(tmp_path, "base")
    assert policy.evaluate_text("Mit CPR er 2110625629").hits == ()
    # The same number in full-width digits is the same number.
    assert policy.evaluate_text("Mit CPR er ２１１０６２-５６２９").hits == ()
    assert policy.evaluate_text("Mit CPR er 010180-0008, se 211062-5629").hits != ()


def test_lexicon_files_are_inlined_into_the_stored_policy(tmp_path: Path) -> None:
    (tmp_path / "lexicons").mkdir()
    (tmp_path / "lexicons" / "words.txt").write_text("# our list\nfjols\n\nklaphat  # a comment\n")
    pack(
        tmp_path,
        "base",
        BASE.replace("params: {terms: [idiot]}", 'params: {terms: [idiot, {"$lexicon": words}]}'),
    )
    policy = load_pack(tmp_path, "base")
    assert policy.rule("base.words").params["terms"] == ["idiot", "fjols", "klaphat"]
    pack(
        tmp_path,
        "base",
        BASE.replace("params: {terms: [idiot]}", 'params: {terms: [{"$lexicon": nope}]}'),
    )
    with pytest.raises(PolicyInvalid, match="no lexicon 'nope'"):
        load_pack(tmp_path, "base")


def test_rules_apply_only_to_their_org_types_and_jurisdictions(tmp_path: Path) -> None:
    scoped = BASE.replace(
        "    params: {terms: [idiot]}",
        "    applies_to: {org_types: [authority], jurisdictions: [no]}\n"
        "    params: {terms: [idiot]}",
    )
    pack(tmp_path, "base", scoped)
    policy = load_pack(tmp_path, "base")
    authority_no = RuleContext(org_type="authority", jurisdiction="no")
    assert policy.evaluate_text("din idiot", authority_no).hits
    assert not policy.evaluate_text("din idiot", RuleContext(org_type="union")).hits
    assert not policy.evaluate_text(
        "din idiot", RuleContext(org_type="authority", jurisdiction="se")
    ).hits


def test_the_exported_json_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text() == schema_json(), "run `uppsikt policy schema --write`"
    schema = json.loads(SCHEMA_FILE.read_text())
    assert "extends" in schema["properties"]
    assert schema["additionalProperties"] is False
