"""infra/ is one definition for AWS and for the embedded AWS: it must validate and stay in step
with what the code reads."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

import app
from support.paths import REPO
from uppsikt import infra
from uppsikt.local.provision import provision, shim_for
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


def test_the_notify_event_source_reports_batch_item_failures_with_the_apps_batch_size() -> None:
    source = infra.event_source(infra.load(infra.FUNCTIONS), "Notify")
    assert source["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert source["BatchSize"] == app.NOTIFY_BATCH_SIZE
    assert source["Queue"] == {"Fn::GetAtt": ["NotifyQueue", "Arn"]}
    resources = infra.load(infra.RESOURCES)["Resources"]
    queue = resources["NotifyQueue"]["Properties"]
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["NotifyDeadLetterQueue", "Arn"]
    }
    chalice = json.loads((REPO / "chalice.json").read_text())
    for stage in chalice["stages"].values():
        timeout = stage["lambda_functions"]["notify"]["lambda_timeout"]
        assert queue["VisibilityTimeout"] >= 6 * timeout


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
    # What moto's CloudFormation cannot make is made through the service API (provision.py).
    shimmed = {name for name, r in template["Resources"].items() if shim_for(r)}
    assert set(template["Resources"]) - shimmed <= created
    assert outputs["UPPSIKT_USER_POOL_ID"]
    assert outputs["UPPSIKT_USER_POOL_CLIENT_ID"]
    # The notifier's queue gets both topics raw; no e-mail subscription without an address.
    sns = session.client("sns")
    subscriptions = sns.list_subscriptions()["Subscriptions"]
    assert sorted(s["Protocol"] for s in subscriptions) == ["sqs", "sqs"]
    assert {s["Endpoint"].rsplit(":", 1)[1] for s in subscriptions} == {
        outputs["UPPSIKT_NOTIFY_QUEUE_URL"].rsplit("/", 1)[1]
    }
    for s in subscriptions:
        attributes = sns.get_subscription_attributes(SubscriptionArn=s["SubscriptionArn"])
        assert attributes["Attributes"]["RawMessageDelivery"] == "true"
    for variable in ("UPPSIKT_META_SECRET_NAME", "UPPSIKT_PSEUDONYM_SECRET_NAME"):
        value = session.client("secretsmanager").get_secret_value(SecretId=outputs[variable])
        assert json.loads(value["SecretString"])
    assert set(required_variables()) <= set(outputs)


def test_the_audit_key_signs_and_the_checkpoint_bucket_is_locked_on_the_embedded_aws(
    aws_env: None,
) -> None:
    session = boto3.Session(region_name="eu-north-1")
    outputs = provision(session, "uppsikt-infra-test")
    kms = session.client("kms")
    signed = kms.sign(
        KeyId=outputs["UPPSIKT_AUDIT_KEY_ID"],
        Message=bytes(32),
        MessageType="DIGEST",
        SigningAlgorithm="ECDSA_SHA_256",
    )
    assert signed["Signature"]
    lock = session.client("s3").get_object_lock_configuration(
        Bucket=outputs["UPPSIKT_CHECKPOINT_BUCKET"]
    )["ObjectLockConfiguration"]
    assert lock["Rule"]["DefaultRetention"]["Mode"] == "COMPLIANCE"
    # ... and each checkpoint is disposed of when its lock has ended (audit_entry: five years).
    (rule,) = session.client("s3").get_bucket_lifecycle_configuration(
        Bucket=outputs["UPPSIKT_CHECKPOINT_BUCKET"]
    )["Rules"]
    days = lock["Rule"]["DefaultRetention"]["Days"]
    assert rule["Expiration"]["Days"] > days
    assert rule["NoncurrentVersionExpiration"]["NoncurrentDays"] >= 1


def test_the_deployment_addresses_get_flags_and_alerts_by_sns_email(aws_env: None) -> None:
    session = boto3.Session(region_name="eu-north-1")
    parameters = {"AlertEmail": "ops@seko.example", "FlagsEmail": "dpo@seko.example"}
    outputs = provision(session, "uppsikt-email-test", parameters)
    sns = session.client("sns")
    emails = {
        (s["Endpoint"], s["TopicArn"])
        for s in sns.list_subscriptions()["Subscriptions"]
        if s["Protocol"] == "email"
    }
    assert emails == {
        ("ops@seko.example", outputs["UPPSIKT_ALERTS_TOPIC_ARN"]),
        ("dpo@seko.example", outputs["UPPSIKT_FLAGS_TOPIC_ARN"]),
    }
