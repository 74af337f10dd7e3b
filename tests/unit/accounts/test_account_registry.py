"""The account registry: validated like policies, checked against the packs, extended safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.paths import REPO
from uppsikt.accounts.model import Account, Registry
from uppsikt.accounts.registry import check, load
from uppsikt.cli.main import cli
from uppsikt.model.events import Platform
from uppsikt.policy.errors import PolicyInvalid

SHIPPED = REPO / "policies" / "registry" / "accounts.yaml"
PACKS = {"nordic-baseline", "seko", "kommunal", "authority"}
ONE = """accounts:
  - id: a-page
    platform: facebook
    platform_account_id: "1"
    name: A page
    organisation: An org
    org_type: union
    jurisdiction: dk
    policy_pack: nordic-baseline
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["accounts", *args])
    return result.exit_code, result.output


def test_the_shipped_registry_is_valid_and_names_existing_packs() -> None:
    registry = load(SHIPPED)
    assert len(registry.accounts) >= 3
    assert check(registry, str(SHIPPED), PACKS) == []
    seko = registry.find(Platform.FACEBOOK, "104729561234567")
    assert seko is not None
    assert seko.policy_pack == "seko"


def test_numeric_ids_become_strings_and_floats_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(ONE.replace('"1"', "12345678901234567890"))
    assert load(path).accounts[0].platform_account_id == "12345678901234567890"
    path.write_text(ONE.replace('"1"', "1500.0"))
    with pytest.raises(PolicyInvalid) as caught:
        load(path)
    assert [(p.rule, p.field) for p in caught.value.problems] == [("a-page", "platform_account_id")]


def test_duplicates_unknown_packs_and_mismatched_org_types_are_reported() -> None:
    base = Account.model_validate(
        {
            "id": "x", "platform": "facebook", "platform_account_id": "1", "name": "n",
            "organisation": "o", "org_type": "union", "jurisdiction": "se",
            "policy_pack": "authority",
        }
    )  # fmt: skip
    twin = base.model_copy(update={"id": "x", "policy_pack": "nope"})
    problems = {(p.rule, p.field) for p in check(Registry(accounts=(base, twin)), "f", PACKS)}
    assert ("x", "id") in problems
    assert ("x", "platform_account_id") in problems
    assert ("x", "policy_pack") in problems
    assert ("x", "org_type") in problems


def test_add_appends_a_checked_account_and_refuses_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("# our accounts\n" + ONE)
    code, out = run(
        "add", "--file", str(path), "--id", "b-page", "--platform", "x",
        "--platform-account-id", "1124287614780047362", "--name", "B", "--organisation", "O",
        "--org-type", "union", "--jurisdiction", "se", "--policy-pack", "seko", "--admin", "42",
    )  # fmt: skip
    assert (code, out.strip()) == (0, "added b-page")
    registry = load(path)
    assert [a.id for a in registry.accounts] == ["a-page", "b-page"]
    assert registry.accounts[1].platform_account_id == "1124287614780047362"
    assert path.read_text().startswith("# our accounts\n")

    before = path.read_text()
    code, out = run(
        "add", "--file", str(path), "--id", "c", "--platform", "x",
        "--platform-account-id", "1124287614780047362", "--name", "C", "--organisation", "O",
        "--org-type", "union", "--jurisdiction", "se", "--policy-pack", "seko",
    )  # fmt: skip
    assert code != 0
    assert "listed twice" in out
    assert path.read_text() == before  # nothing written


def test_list_never_shows_who_the_admins_are() -> None:
    code, out = run("list", "--json")
    assert code == 0
    rows = json.loads(out)
    seko = next(r for r in rows if r["id"] == "seko-facebook")
    assert seko["designated_admins"] == 2
    assert "7300112233440001" not in out


def test_check_reports_problems_with_their_place(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(ONE.replace("policy_pack: nordic-baseline", "policy_pack: missing"))
    code, out = run("check", "--file", str(path))
    assert code != 0
    assert "a-page" in out
    assert "policy_pack" in out
