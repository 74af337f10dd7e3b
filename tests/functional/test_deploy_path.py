"""The operator's path after `sam deploy` (docs/deploy.md), on the embedded AWS, as far as it goes.

moto's CloudFormation cannot deploy the packaged template: it has no SAM transform (no
`AWS::Serverless::*`) and no `AWS::SecretsManager::Secret`. So the data resources are built the
way the local stack builds them (`uppsikt.local.provision`, moto's CloudFormation plus the shims),
and a second stack named `uppsikt` stands in for the deployed one: the template's own outputs and
parameters, each output holding what CloudFormation would resolve it to (the provisioned resource
names), parameters still parameters, and Chalice's `EndpointURL`. Every command after that talks
to moto through the settings file alone, with no UPPSIKT_ variable and no region in the
environment.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from uppsikt import infra
from uppsikt.accounts.store import StoredRegistry
from uppsikt.cli.main import cli
from uppsikt.local.provision import provision
from uppsikt.operations.deploy import read_settings
from uppsikt.settings import load_settings

REGION = "eu-north-1"
STACK = "uppsikt"
ENDPOINT = "https://a1b2c3d4e5.execute-api.eu-north-1.amazonaws.com/api/"


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The stand-in stack; yields the settings the functions get (provision's outputs)."""
    for name in list(os.environ):
        if name.startswith("UPPSIKT_") or name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("UPPSIKT_SETTINGS_FILE", str(tmp_path / "settings.env"))
    saved = dict(os.environ)  # the CLI puts the settings file into os.environ
    try:
        with mock_aws():
            session = boto3.Session(region_name=REGION)
            functions_env = provision(session, "uppsikt-data")
            template = stand_in(functions_env)
            session.client("cloudformation").create_stack(
                StackName=STACK,
                TemplateBody=json.dumps(template),
                # Each given: moto keeps UsePreviousValue only for parameters given at creation
                # (CloudFormation keeps defaulted ones too).
                Parameters=[
                    {"ParameterKey": k, "ParameterValue": str(v.get("Default", ""))}
                    for k, v in template["Parameters"].items()
                ],
            )
            yield functions_env
    finally:
        os.environ.clear()
        os.environ.update(saved)


def stand_in(functions_env: dict[str, str]) -> dict[str, Any]:
    template = infra.merge_template(infra.load(infra.RESOURCES), infra.load(infra.FUNCTIONS))
    parameters = template["Parameters"]
    outputs: dict[str, Any] = {"EndpointURL": {"Value": ENDPOINT}}
    for key, output in template["Outputs"].items():
        value = output["Value"]
        if isinstance(value, dict) and value.get("Ref") in parameters:
            outputs[key] = {"Value": value}  # `deploy public-url` changes one
        else:
            outputs[key] = {"Value": functions_env[infra.env_name(key)]}
    return {
        "Parameters": parameters,
        "Resources": {"ApiStandIn": {"Type": "AWS::SNS::Topic"}},
        "Outputs": outputs,
    }


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_configure_writes_exactly_the_settings_the_functions_get_from_the_stack(
    deployed: dict[str, str], tmp_path: Path
) -> None:
    code, out = run("deploy", "configure", "--stack", STACK, "--region", REGION)

    assert code == 0, out
    written = read_settings(tmp_path / "settings.env")
    assert written["AWS_REGION"] == written["AWS_DEFAULT_REGION"] == REGION
    assert load_settings(written) == load_settings(deployed)
    assert {k for k in written if k.startswith("UPPSIKT_")} == set(deployed)


def test_configure_writes_the_settings_and_warns_when_function_names_were_cut(
    deployed: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto's stand-in stack has no functions; the reading itself is a unit test
    # (test_deploy_settings). Here: what the operator is told, and that the file is still written.
    from uppsikt.operations import deploy as operations

    cfn = boto3.client("cloudformation", region_name=REGION)
    assert operations.shortened_functions(cfn, STACK) == []
    monkeypatch.setattr(operations, "shortened_functions", lambda cfn, stack: ["Evaluate"])
    code, out = run("deploy", "configure", "--stack", STACK, "--region", REGION)

    assert code == 0, out
    assert "warning: the stack name 'uppsikt' is too long" in out
    assert "Evaluate" in out
    assert read_settings(tmp_path / "settings.env")


def test_the_deploy_path_runs_from_the_settings_file_alone(
    deployed: dict[str, str], tmp_path: Path
) -> None:
    assert run("deploy", "configure", "--stack", STACK, "--region", REGION)[0] == 0
    registry = tmp_path / "accounts.yaml"
    organisation: tuple[str, ...] = (
        "--id",
        "facket",
        "--name",
        "Facket i Norden",
        "--org-type",
        "union",
    )
    organisation += ("--jurisdiction", "se", "--pack", "seko", "--languages", "sv,en")
    account: tuple[str, ...] = (
        "--id",
        "facket-youtube",
        "--platform",
        "youtube",
        "--organisation",
        "facket",
    )
    account += ("--platform-account-id", "UCfacket0123456789abcdef", "--name", "Facket på YouTube")
    account += ("--secret-name", "uppsikt/accounts/facket-youtube")
    steps: list[tuple[tuple[str, ...], str | None]] = [
        (("meta", "set-app-secret"), "meta-app-secret-0123456789abcdef\n"),
        (("x", "set-app-secret"), "x-consumer-secret-0123456789abcdef\n"),
        (("linkedin", "set-app-secret"), "linkedin-client-secret-0123456789\n"),
        (("policy", "publish"), None),
        (("accounts", "init", "--file", str(registry)), None),
        (("accounts", "add-organisation", "--file", str(registry), *organisation), None),
        (("accounts", "add", "--file", str(registry), *account), None),
        (("accounts", "publish", "--file", str(registry)), None),
    ]
    for args, stdin in steps:
        code, out = run(*args, stdin=stdin)
        assert code == 0, f"{' '.join(args)}: {out}"

    settings = load_settings(deployed)
    sm = boto3.client("secretsmanager", region_name=REGION)
    assert settings.x_secret_name is not None
    assert settings.linkedin_secret_name is not None
    assert json.loads(sm.get_secret_value(SecretId=settings.x_secret_name)["SecretString"]) == {
        "consumer_secret": "x-consumer-secret-0123456789abcdef"
    }
    linkedin = sm.get_secret_value(SecretId=settings.linkedin_secret_name)["SecretString"]
    assert json.loads(linkedin) == {"client_secret": "linkedin-client-secret-0123456789"}
    published = StoredRegistry(boto3.client("s3", region_name=REGION), settings.policy_bucket)
    assert [a.id for a in published.current().accounts] == ["facket-youtube"]

    code, out = run("deploy", "webhooks", "--stack", STACK, "--json")
    assert code == 0, out
    urls = {h["platform"]: h["url"] for h in json.loads(out)}
    base = ENDPOINT.rstrip("/")
    assert urls == {
        "meta": f"{base}/webhooks/meta",
        "x": f"{base}/webhooks/x",
        "linkedin": f"{base}/webhooks/linkedin",
        "youtube": f"{base}/webhooks/youtube/facket-youtube",
    }


def test_public_url_sets_the_parameter_to_the_api_url_and_refreshes_the_settings(
    deployed: dict[str, str], tmp_path: Path
) -> None:
    assert run("deploy", "configure", "--stack", STACK, "--region", REGION)[0] == 0
    assert not read_settings(tmp_path / "settings.env")["UPPSIKT_PUBLIC_BASE_URL"]

    code, out = run("deploy", "public-url", "--stack", STACK, "--region", REGION)

    assert code == 0, out
    base = ENDPOINT.rstrip("/")
    assert read_settings(tmp_path / "settings.env")["UPPSIKT_PUBLIC_BASE_URL"] == base
    stack = boto3.client("cloudformation", region_name=REGION).describe_stacks(StackName=STACK)
    parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Stacks"][0]["Parameters"]}
    assert parameters["PublicBaseUrl"] == base
    assert parameters["PolicyPack"] == "nordic-baseline"  # the others kept their values


def test_a_plain_http_public_url_is_refused_and_the_stack_left_alone(
    deployed: dict[str, str],
) -> None:
    code, out = run(
        "deploy", "public-url", "--stack", STACK, "--region", REGION, "--url", "http://x.example"
    )

    assert code != 0
    assert "https://" in out
    stack = boto3.client("cloudformation", region_name=REGION).describe_stacks(StackName=STACK)
    assert stack["Stacks"][0]["StackStatus"] == "CREATE_COMPLETE"


def test_configure_for_a_stack_that_does_not_exist_names_it_and_writes_nothing(
    deployed: dict[str, str], tmp_path: Path
) -> None:
    code, out = run("deploy", "configure", "--stack", "upsikt", "--region", REGION)

    assert code != 0
    assert "upsikt" in out
    assert not (tmp_path / "settings.env").exists()


def test_an_app_secret_too_short_to_be_one_is_refused_and_the_placeholder_kept(
    deployed: dict[str, str],
) -> None:
    assert run("deploy", "configure", "--stack", STACK, "--region", REGION)[0] == 0

    code, out = run("x", "set-app-secret", stdin="short\n")

    assert code != 0
    assert "short" not in out.replace("too short", "")
    name = load_settings(deployed).x_secret_name
    assert name is not None
    stored = boto3.client("secretsmanager", region_name=REGION).get_secret_value(SecretId=name)
    assert json.loads(stored["SecretString"]) == {"consumer_secret": "REPLACE_ME"}


def test_the_shipped_example_registry_is_not_published_without_example(
    deployed: dict[str, str],
) -> None:
    assert run("deploy", "configure", "--stack", STACK, "--region", REGION)[0] == 0
    assert run("policy", "publish")[0] == 0

    code, out = run("accounts", "publish")

    assert code != 0
    assert "example registry" in out
    assert "accounts init" in out
    settings = load_settings(deployed)
    listed = boto3.client("s3", region_name=REGION).list_objects_v2(
        Bucket=settings.policy_bucket, Prefix="accounts/"
    )
    assert listed.get("KeyCount", 0) == 0
