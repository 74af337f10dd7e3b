"""The account registry: validated like policies, checked against the packs, extended safely."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.paths import REPO
from support.tenancy import account, organisation
from uppsikt.accounts.model import Registry
from uppsikt.accounts.registry import check, load
from uppsikt.cli.main import cli
from uppsikt.model.events import Platform
from uppsikt.policy.errors import PolicyInvalid

SHIPPED = REPO / "policies" / "registry" / "accounts.yaml"
PACKS = {"nordic-baseline", "seko", "kommunal", "authority"}
ONE = """organisations:
  - id: an-org
    name: An org
    org_type: union
    jurisdiction: dk
    policy_pack: nordic-baseline
    languages: [da]
accounts:
  - id: a-page
    platform: facebook
    platform_account_id: "1"
    name: A page
    organisation: an-org
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["accounts", *args])
    return result.exit_code, result.output


def test_the_shipped_registry_is_valid_and_names_existing_packs() -> None:
    registry = load(SHIPPED)
    assert len(registry.accounts) >= 3
    assert check(registry, str(SHIPPED), PACKS) == []
    seko = registry.tenant(Platform.FACEBOOK, "104729561234567")
    assert seko is not None
    assert seko.organisation.policy_pack == "seko"


def test_the_shipped_registry_serves_organisations_with_different_packs_and_org_types() -> None:
    registry = load(SHIPPED)
    packs = {o.policy_pack for o in registry.organisations}
    assert {"seko", "kommunal", "authority"} <= packs
    assert {o.org_type for o in registry.organisations} == {"union", "authority"}
    for org in registry.organisations:
        assert registry.accounts_of(org.id), f"{org.id} owns no account"


def test_numeric_ids_become_strings_and_floats_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(ONE.replace('"1"', "12345678901234567890"))
    assert load(path).accounts[0].platform_account_id == "12345678901234567890"
    path.write_text(ONE.replace('"1"', "1500.0"))
    with pytest.raises(PolicyInvalid) as caught:
        load(path)
    assert [(p.rule, p.field) for p in caught.value.problems] == [("a-page", "platform_account_id")]


def test_duplicates_unknown_packs_and_mismatched_org_types_are_reported() -> None:
    base = account("x", "facebook", "1", "o")
    twin = base.model_copy(update={"id": "x"})
    orphan = account("y", "facebook", "2", "nobody")
    orgs = (
        organisation("o", policy_pack="authority", org_type="union"),
        organisation("o", policy_pack="nope"),
        organisation("idle"),
    )
    registry = Registry(organisations=orgs, accounts=(base, twin, orphan))
    problems = {(p.rule, p.field) for p in check(registry, "f", PACKS)}
    assert ("x", "id") in problems
    assert ("x", "platform_account_id") in problems
    assert ("o", "id") in problems  # two organisations with one id
    assert ("o", "policy_pack") in problems
    assert ("o", "org_type") in problems
    assert ("y", "organisation") in problems
    assert ("idle", "id") in problems  # an organisation that owns no account


def test_add_appends_a_checked_account_and_refuses_a_bad_one(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("# our accounts\n" + ONE)
    code, out = run(
        "add", "--file", str(path), "--id", "b-page", "--platform", "x",
        "--platform-account-id", "1124287614780047362", "--name", "B", "--organisation", "an-org",
    )  # fmt: skip
    assert (code, out.strip()) == (0, "added b-page")
    registry = load(path)
    assert [a.id for a in registry.accounts] == ["a-page", "b-page"]
    assert registry.accounts[1].platform_account_id == "1124287614780047362"
    assert path.read_text().startswith("# our accounts\n")

    before = path.read_text()
    code, out = run(
        "add", "--file", str(path), "--id", "c", "--platform", "x",
        "--platform-account-id", "1124287614780047362", "--name", "C", "--organisation", "an-org",
    )  # fmt: skip
    assert code != 0
    assert "listed twice" in out
    assert path.read_text() == before  # nothing written


def test_list_never_shows_who_the_admins_are() -> None:
    code, out = run("list", "--json")
    assert code == 0
    rows = json.loads(out)
    seko = next(r for r in rows if r["id"] == "seko")
    assert seko["designated_admins"] == {"facebook": 2}
    assert "seko-facebook" in [a["id"] for a in seko["accounts"]]
    assert "7300112233440001" not in out
    code, out = run("list")
    assert code == 0
    assert "7300112233440001" not in out


def test_an_account_added_to_an_organisation_that_does_not_exist_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(ONE)
    code, out = run(
        "add", "--file", str(path), "--id", "b-page", "--platform", "x",
        "--platform-account-id", "11", "--name", "B", "--organisation", "no-such-org",
    )  # fmt: skip
    assert code != 0
    assert "organisation" in out
    assert path.read_text() == ONE


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (("languages: [da]", "languages: []"), "languages"),
        (("languages: [da]", "languages: [da]\n    time_zone: Europe/Atlantis"), "time_zone"),
        (
            (
                "languages: [da]",
                "languages: [da]\n    business_hours: {opens: '17:00', closes: '08:00'}",
            ),
            "business_hours",
        ),
        (
            ("languages: [da]", "languages: [da]\n    business_hours: {opens: '8 am'}"),
            "business_hours.opens",
        ),
        (
            ("languages: [da]", "languages: [da]\n    designated_admins: {facebook: [1.5]}"),
            "designated_admins",
        ),
        (
            ("languages: [da]", "languages: [da]\n    designated_admins: {myspace: ['1']}"),
            "designated_admins",
        ),
    ],
    ids=[
        "no-language",
        "unknown-zone",
        "closes-before-opening",
        "not-hh-mm",
        "float-admin",
        "unknown-platform",
    ],
)
def test_an_organisation_with_a_bad_field_is_refused_naming_it(
    tmp_path: Path, edit: tuple[str, str], field: str
) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(ONE.replace(*edit))
    with pytest.raises(PolicyInvalid) as caught:
        load(path)
    assert next((p.rule, p.field.split(".")[0]) for p in caught.value.problems) == (
        "an-org",
        field.split(".", maxsplit=1)[0],
    )


def test_check_reports_problems_with_their_place(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text(ONE.replace("policy_pack: nordic-baseline", "policy_pack: missing"))
    code, out = run("check", "--file", str(path))
    assert code != 0
    assert "an-org" in out
    assert "policy_pack" in out
