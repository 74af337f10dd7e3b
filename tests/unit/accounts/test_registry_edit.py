"""Starting a registry of one's own: `init`, `add_organisation`, `add`, and the example marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.accounts.model import Account, Organisation
from uppsikt.accounts.registry import add, add_organisation, check, init, is_example, load

ORG = Organisation.model_validate(
    {
        "id": "facket",
        "name": "Facket i Norden",
        "org_type": "union",
        "jurisdiction": "se",
        "policy_pack": "seko",
        "languages": ["sv"],
    }
)
ACCOUNT = Account.model_validate(
    {
        "id": "facket-facebook",
        "platform": "facebook",
        "platform_account_id": "104700000000001",
        "name": "Facket på Facebook",
        "organisation": "facket",
    }
)


def test_an_empty_registry_grows_into_one_that_checks_keeping_its_comments(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accounts.yaml"
    init(path)
    add_organisation(path, ORG)
    add(path, ACCOUNT)

    registry = load(path)
    assert registry.organisations == (ORG,)
    assert registry.accounts == (ACCOUNT,)
    assert check(registry, str(path), {"seko"}) == []
    assert path.read_text().startswith("# The organisations this deployment serves")
    assert not is_example(path)


def test_init_never_writes_over_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "accounts.yaml"
    path.write_text("organisations: []\naccounts: []\n# mine\n")

    with pytest.raises(FileExistsError):
        init(path)

    assert path.read_text().endswith("# mine\n")


def test_an_organisation_that_cannot_be_placed_before_the_accounts_is_refused_unwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "accounts.yaml"
    text = "organisations: []\nretention_note: kept elsewhere\naccounts: []\n"
    path.write_text(text)

    with pytest.raises(ValueError, match="directly before"):
        add_organisation(path, ORG)

    assert path.read_text() == text


def test_the_shipped_registry_is_marked_as_example_data() -> None:
    assert is_example(REPO / "policies" / "registry" / "accounts.yaml")
