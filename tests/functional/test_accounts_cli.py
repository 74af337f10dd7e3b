"""`uppsikt accounts publish` and `uppsikt accounts set-secret` against a stack built from infra/:
what reaches the policy bucket and Secrets Manager, and what is refused with nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from support.stack import ACCOUNT_SECRETS, REGISTRY, Stack
from uppsikt.accounts.model import Registry
from uppsikt.accounts.registry import load
from uppsikt.accounts.store import KEY, StoredRegistry
from uppsikt.cli.main import cli
from uppsikt.model.events import Platform

ORGANISATIONS = """organisations:
  - id: facket
    name: Facket i Norden
    org_type: union
    jurisdiction: se
    policy_pack: seko
    languages: [sv]
    designated_admins:
      mastodon: ["109000000000000777"]
"""
ACCOUNTS = """accounts:
  - id: facket-mastodon
    platform: mastodon
    platform_account_id: "109000000000000001"
    name: Facket på Mastodon
    organisation: facket
    secret_name: uppsikt/accounts/facket-mastodon
    api_base: https://social.facket.example
"""
ONE = ORGANISATIONS + ACCOUNTS
TOKEN = "set-secret-access-token-never-echoed-0001"
HOOK = "set-secret-webhook-secret-never-echoed-0002"


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["accounts", *args], input=stdin)
    return result.exit_code, result.output


def published(stack: Stack) -> bytes:
    response = stack.rt.s3.get_object(Bucket=stack.settings.policy_bucket, Key=KEY)
    body: bytes = response["Body"].read()
    return body


def secret(stack: Stack, name: str) -> dict[str, str]:
    value: dict[str, str] = json.loads(
        stack.rt.secretsmanager.get_secret_value(SecretId=name)["SecretString"]
    )
    return value


def secret_exists(stack: Stack, name: str) -> bool:
    names = [s["Name"] for s in stack.rt.secretsmanager.list_secrets()["SecretList"]]
    return name in names


def registry_file(tmp_path: Path, text: str = ONE) -> Path:
    path = tmp_path / "accounts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# --- publish -------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def packs_published(stack: Stack) -> None:
    """What an operator does first: the packs the registry names are in the policy bucket."""
    stack.publish_policy()


def test_publish_writes_the_shipped_registry_to_the_policy_bucket(stack: Stack) -> None:
    stack.rt.s3.delete_object(Bucket=stack.settings.policy_bucket, Key=KEY)

    code, out = run("publish", "--example")

    shipped = load(REGISTRY)
    assert (code, out.strip()) == (
        0,
        f"published {len(shipped.accounts)} accounts of {len(shipped.organisations)} organisations",
    )
    assert Registry.model_validate_json(published(stack)) == shipped.with_pseudonymous_admins(
        stack.rt.pseudonymiser()
    )


def test_publish_replaces_the_registry_the_functions_read(stack: Stack, tmp_path: Path) -> None:
    code, out = run("publish", "--file", str(registry_file(tmp_path)))

    assert (code, out.strip()) == (0, "published 1 accounts of 1 organisations")
    fresh = StoredRegistry(stack.rt.s3, stack.settings.policy_bucket)  # a new container's view
    (account,) = fresh.current().accounts
    assert account.id == "facket-mastodon"
    assert account.name == "Facket på Mastodon"
    assert fresh.on(Platform.YOUTUBE) == ()
    tenant = fresh.tenant(Platform.MASTODON, "109000000000000001")
    assert tenant.organisation.policy_pack == "seko"
    assert tenant.admins == {
        stack.rt.pseudonymiser().pseudonym(Platform.MASTODON, "109000000000000777")
    }
    assert b"109000000000000777" not in published(stack)


def test_a_registry_naming_a_pack_this_deployment_has_not_published_is_refused(
    stack: Stack, tmp_path: Path
) -> None:
    before = published(stack)
    stack.rt.s3.delete_object(Bucket=stack.settings.policy_bucket, Key="policies/seko/current.json")

    code, out = run("publish", "--file", str(registry_file(tmp_path)))

    assert code != 0
    assert "seko" in out
    assert "uppsikt policy publish" in out
    assert published(stack) == before


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (("policy_pack: seko", "policy_pack: no-such-pack"), "policy_pack"),
        (("uppsikt/accounts/facket-mastodon", "shared/facket-mastodon"), "secret_name"),
        (("org_type: union", "org_type: guild"), "org_type"),
        (("organisation: facket", "organisation: nobody"), "organisation"),
        (("languages: [sv]", "languages: [klingon]"), "languages"),
        (
            ("name: Facket i Norden", "name: Facket i Norden\n    time_zone: Mars/Olympus"),
            "time_zone",
        ),
        (('platform_account_id: "109000000000000001"', "platform_account_id: 1.5"), "ids"),
        (("accounts:\n", "accounts: [\n"), "YAML"),
    ],
    ids=[
        "unknown-pack",
        "secret-outside-prefix",
        "invalid-field",
        "unknown-organisation",
        "unknown-language",
        "unknown-time-zone",
        "float-id",
        "not-yaml",
    ],
)
def test_a_registry_with_problems_is_refused_and_nothing_is_written(
    stack: Stack, tmp_path: Path, edit: tuple[str, str], named: str
) -> None:
    before = published(stack)
    path = registry_file(tmp_path, ONE.replace(*edit))

    code, out = run("publish", "--file", str(path))

    assert code != 0
    assert named in out
    assert published(stack) == before


def test_a_registry_listing_an_account_twice_is_refused(stack: Stack, tmp_path: Path) -> None:
    before = published(stack)
    entries = ACCOUNTS.split("\n", 1)[1]
    path = registry_file(tmp_path, ONE + entries)

    code, out = run("publish", "--file", str(path))

    assert code != 0
    assert "used by more than one account" in out
    assert published(stack) == before


def test_publishing_a_file_that_does_not_exist_is_refused_with_its_name(
    stack: Stack, tmp_path: Path
) -> None:
    before = published(stack)
    missing = tmp_path / "acounts.yaml"

    code, out = run("publish", "--file", str(missing))

    assert code != 0
    assert published(stack) == before
    assert "acounts.yaml" in out


def test_an_empty_registry_is_not_published_over_the_live_one(stack: Stack, tmp_path: Path) -> None:
    before = published(stack)
    empty = tmp_path / "accounts.yaml"
    empty.write_text("# nothing yet\naccounts: []\n", encoding="utf-8")

    code, out = run("publish", "--file", str(empty))

    assert code != 0
    assert published(stack) == before
    assert "lists no accounts" in out


# --- set-secret ----------------------------------------------------------------------------------


def test_set_secret_replaces_an_existing_account_secret_without_echoing_values(
    stack: Stack,
) -> None:
    name = "uppsikt/accounts/kommunal-mastodon"
    assert secret(stack, name) == ACCOUNT_SECRETS["kommunal-mastodon"]

    stdin = json.dumps({"webhook_secret": HOOK, "access_token": TOKEN})
    code, out = run("set-secret", "kommunal-mastodon", stdin=stdin)

    assert (code, out.strip()) == (0, "stored access_token, webhook_secret for kommunal-mastodon")
    assert TOKEN not in out
    assert HOOK not in out
    assert secret(stack, name) == {"webhook_secret": HOOK, "access_token": TOKEN}


def test_set_secret_creates_the_secret_of_an_account_that_has_none_yet(stack: Stack) -> None:
    name = "uppsikt/accounts/seko-bluesky"
    assert not secret_exists(stack, name)

    stdin = json.dumps({"identifier": "seko.bsky.social", "app_password": TOKEN})
    code, out = run("set-secret", "seko-bluesky", stdin=stdin)

    assert (code, out.strip()) == (0, "stored app_password, identifier for seko-bluesky")
    assert TOKEN not in out
    assert secret(stack, name) == {"identifier": "seko.bsky.social", "app_password": TOKEN}


def test_set_secret_reads_the_registry_given_with_file(stack: Stack, tmp_path: Path) -> None:
    path = registry_file(tmp_path)

    code, out = run(
        "set-secret", "--file", str(path), "facket-mastodon", stdin='{"access_token": "t"}'
    )

    assert code == 0, out
    assert secret(stack, "uppsikt/accounts/facket-mastodon") == {"access_token": "t"}


@pytest.mark.parametrize(
    ("stdin", "said"),
    [
        (
            json.dumps({"access_token": TOKEN, "api_key": HOOK}),
            "unknown keys for mastodon: api_key",
        ),
        (json.dumps([TOKEN]), "expected a JSON object"),
        (json.dumps(TOKEN), "expected a JSON object"),
        (f"access_token={TOKEN}", "Expecting value"),
        (json.dumps({"access_token": ""}), "non-empty string"),
        (json.dumps({"access_token": 12345}), "non-empty string"),
        ("", "Expecting value"),
    ],
    ids=["unknown-key", "a-list", "a-string", "not-json", "empty-value", "a-number", "nothing"],
)
def test_set_secret_refuses_bad_input_without_echoing_it_and_keeps_the_old_secret(
    stack: Stack, stdin: str, said: str
) -> None:
    name = "uppsikt/accounts/kommunal-mastodon"
    before = secret(stack, name)

    code, out = run("set-secret", "kommunal-mastodon", stdin=stdin)

    assert code != 0
    assert said in out
    assert TOKEN not in out
    assert HOOK not in out
    assert secret(stack, name) == before


def test_set_secret_refuses_an_account_the_registry_does_not_list(stack: Stack) -> None:
    code, out = run("set-secret", "nobody-mastodon", stdin=json.dumps({"access_token": TOKEN}))

    assert code != 0
    assert "not in the registry" in out  # named, not repeated (errors never echo input)
    assert TOKEN not in out
    assert not secret_exists(stack, "uppsikt/accounts/nobody-mastodon")


def test_set_secret_refuses_an_account_that_names_no_secret(stack: Stack, tmp_path: Path) -> None:
    path = registry_file(
        tmp_path, ONE.replace("    secret_name: uppsikt/accounts/facket-mastodon\n", "")
    )

    code, out = run(
        "set-secret", "--file", str(path), "facket-mastodon", stdin='{"access_token": "t"}'
    )

    assert code != 0
    assert "names no secret" in out
    assert not secret_exists(stack, "uppsikt/accounts/facket-mastodon")


def test_set_secret_refuses_to_work_from_a_registry_with_problems(
    stack: Stack, tmp_path: Path
) -> None:
    path = registry_file(tmp_path, ONE.replace("policy_pack: seko", "policy_pack: no-such-pack"))

    code, out = run(
        "set-secret", "--file", str(path), "facket-mastodon", stdin='{"access_token": "t"}'
    )

    assert code != 0
    assert "policy_pack" in out
    assert not secret_exists(stack, "uppsikt/accounts/facket-mastodon")
