"""infra/ is one definition for AWS and for the embedded AWS: it must validate and stay in step
with what the code reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

import app
from support.paths import REPO
from uppsikt import infra
from uppsikt.local.provision import provision
from uppsikt.settings import required_variables


def test_the_resource_template_passes_cfn_lint() -> None:
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "cfn-lint"), str(infra.RESOURCES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_setting_a_function_requires_is_an_output_of_the_resource_template() -> None:
    environment = infra.function_environment(infra.load(infra.RESOURCES))
    missing = set(required_variables()) - set(environment)
    assert not missing, f"infra/resources.yaml has no output for {sorted(missing)}"


def test_the_evaluate_event_source_reports_batch_item_failures_with_the_apps_batch_size() -> None:
    source = infra.event_source(infra.load(infra.FUNCTIONS), "Evaluate")
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BatchSize"] == app.EVALUATE_BATCH_SIZE
    assert source["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}


def test_the_ingest_queue_dead_letters_after_max_receive_count() -> None:
    queue = infra.load(infra.RESOURCES)["Resources"]["IngestQueue"]["Properties"]
    policy = queue["RedrivePolicy"]
    assert policy["deadLetterTargetArn"] == {"Fn::GetAtt": ["IngestDeadLetterQueue", "Arn"]}
    assert policy["maxReceiveCount"] == {"Ref": "MaxReceiveCount"}
    # AWS advises a visibility timeout of at least six times the consumer's timeout.
    chalice = json.loads((REPO / "chalice.json").read_text())
    timeout = chalice["stages"]["dev"]["lambda_functions"]["evaluate"]["lambda_timeout"]
    assert queue["VisibilityTimeout"] >= 6 * timeout


def test_chalice_reads_the_repositorys_chalice_json_and_packages_the_core() -> None:
    config = REPO / "functions" / ".chalice" / "config.json"
    assert config.is_symlink()
    assert config.resolve() == (REPO / "chalice.json").resolve()
    vendored = REPO / "functions" / "vendor" / "uppsikt"
    assert vendored.resolve() == (REPO / "functions" / "uppsikt").resolve()


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


def test_the_embedded_aws_creates_every_resource_in_the_template(aws_env: None) -> None:
    session = boto3.Session(region_name="eu-north-1")
    outputs = provision(session, "uppsikt-infra-test")
    template = infra.load(infra.RESOURCES)
    cfn = session.client("cloudformation")
    created = {
        r["LogicalResourceId"]
        for r in cfn.describe_stack_resources(StackName="uppsikt-infra-test")["StackResources"]
    }
    secrets = {
        name
        for name, r in template["Resources"].items()
        if r["Type"] == "AWS::SecretsManager::Secret"
    }
    assert set(template["Resources"]) - secrets <= created
    for variable in ("UPPSIKT_META_SECRET_NAME", "UPPSIKT_PSEUDONYM_SECRET_NAME"):
        value = session.client("secretsmanager").get_secret_value(SecretId=outputs[variable])
        assert json.loads(value["SecretString"])
    assert set(required_variables()) <= set(outputs)


@pytest.mark.slow
def test_the_packaged_artefact_holds_all_the_code_the_handlers_import(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("package") / "package"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "uppsikt"), "package", str(out)],
        check=True,
        env=env,
        capture_output=True,
    )
    unpacked = out.parent / "unpacked"
    subprocess.run(["unzip", "-q", str(out / "deployment.zip"), "-d", str(unpacked)], check=True)
    # -I -S: no site-packages, no user paths; only the artefact, as in Lambda's /var/task.
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import app; assert callable(app.app) and callable(app.evaluate);"
        "import uppsikt.ingest.webhook, uppsikt.evaluate.batch, uppsikt.adapters.dynamodb,"
        " uppsikt.adapters.s3, uppsikt.adapters.sqs, uppsikt.adapters.sns, uppsikt.policy.store,"
        " uppsikt.rules.kinds, aws_lambda_powertools.utilities.parameters,"
        " aws_lambda_powertools.utilities.idempotency;"
        "print(app.__file__)"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe, str(unpacked)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(unpacked / "app.py")

    template = json.loads((out / "sam.json").read_text())
    evaluate = template["Resources"]["Evaluate"]["Properties"]
    assert evaluate["Handler"] == "app.evaluate"
    (source,) = evaluate["Events"].values()
    assert source["Properties"]["Queue"] == {"Fn::GetAtt": ["IngestQueue", "Arn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert set(required_variables()) <= set(variables)
    lint = subprocess.run(
        [str(REPO / ".venv" / "bin" / "cfn-lint"), str(out / "sam.json")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
