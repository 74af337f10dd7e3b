"""Secure by default (issue 13): every bucket, table, queue, topic and secret in infra/ is under
the customer-managed data key; buckets take TLS and the data key only, are versioned and closed
to the public; what holds data outlives a stack deletion or a replacing update. The stores are
found by type in infra/, so a new one is checked without editing this file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from uppsikt import infra
from uppsikt.local.provision import provision
from uppsikt.operations.secrets import put_account_secret
from uppsikt.runtime import Runtime
from uppsikt.settings import load_settings

TEMPLATE = infra.merge_template(infra.load(infra.RESOURCES), infra.load(infra.FUNCTIONS))
RESOURCES: dict[str, Any] = TEMPLATE["Resources"]
DATA_KEY = ({"Ref": "DataKey"}, {"Fn::GetAtt": ["DataKey", "Arn"]})


def of_type(kind: str) -> list[str]:
    return sorted(name for name, r in RESOURCES.items() if r["Type"] == kind)


BUCKETS = of_type("AWS::S3::Bucket")
TABLES = of_type("AWS::DynamoDB::Table")
QUEUES = of_type("AWS::SQS::Queue")
TOPICS = of_type("AWS::SNS::Topic")
SECRETS = of_type("AWS::SecretsManager::Secret")
STATEFUL = [
    *BUCKETS,
    *TABLES,
    *SECRETS,
    *of_type("AWS::KMS::Key"),
    *of_type("AWS::Cognito::UserPool"),
    *of_type("AWS::Logs::LogGroup"),
]


def props(name: str) -> dict[str, Any]:
    return dict(RESOURCES[name].get("Properties", {}))


def test_infra_declares_stores_of_every_kind_checked_here() -> None:
    assert all((BUCKETS, TABLES, QUEUES, TOPICS, SECRETS))


@pytest.mark.parametrize("name", STATEFUL)
def test_a_stateful_resource_is_kept_when_the_stack_is_deleted_or_it_is_replaced(name: str) -> None:
    assert RESOURCES[name].get("DeletionPolicy") == "Retain"
    assert RESOURCES[name].get("UpdateReplacePolicy") == "Retain"


def test_the_data_key_rotates_and_lets_sns_alarms_and_logs_use_it_for_this_account_only() -> None:
    key = props("DataKey")
    assert key["EnableKeyRotation"] is True
    statements = {s["Sid"]: s for s in key["KeyPolicy"]["Statement"]}
    services = {
        str(s["Principal"]["Service"] if isinstance(s["Principal"]["Service"], str) else "logs")
        for s in statements.values()
        if "Service" in s.get("Principal", {})
    }
    assert services == {"sns.amazonaws.com", "cloudwatch.amazonaws.com", "logs"}
    for statement in statements.values():
        if "Service" in statement.get("Principal", {}):
            assert statement["Condition"], (
                f"{statement['Sid']}: a service may use it for any account"
            )
            assert "kms:*" not in statement["Action"]


@pytest.mark.parametrize("name", BUCKETS)
def test_a_bucket_is_encrypted_with_the_data_key_versioned_and_closed_to_the_public(
    name: str,
) -> None:
    p = props(name)
    (rule,) = p["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"] in DATA_KEY
    assert p["VersioningConfiguration"] == {"Status": "Enabled"}
    assert p["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }


def _policy_of(bucket: str) -> list[dict[str, Any]]:
    (policy,) = [
        r["Properties"]["PolicyDocument"]
        for r in RESOURCES.values()
        if r["Type"] == "AWS::S3::BucketPolicy" and r["Properties"]["Bucket"] == {"Ref": bucket}
    ]
    return list(policy["Statement"])


@pytest.mark.parametrize("name", BUCKETS)
def test_a_bucket_refuses_plain_http_and_any_write_not_under_the_data_key(name: str) -> None:
    statements = {s["Sid"]: s for s in _policy_of(name)}
    tls = statements["TlsOnly"]
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "s3:*")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert tls["Resource"] == [{"Fn::GetAtt": [name, "Arn"]}, {"Fn::Sub": f"${{{name}.Arn}}/*"}]
    # Plain StringNotEquals: a write that names no encryption is refused too (not ...IfExists
    # or a Null guard, which would let it fall back to another key).
    kms = statements["KmsOnly"]
    assert (kms["Effect"], kms["Principal"], kms["Action"]) == ("Deny", "*", "s3:PutObject")
    assert kms["Condition"] == {"StringNotEquals": {"s3:x-amz-server-side-encryption": "aws:kms"}}
    key = statements["DataKeyOnly"]
    assert (key["Effect"], key["Action"]) == ("Deny", "s3:PutObject")
    assert key["Condition"] == {
        "StringNotEquals": {
            "s3:x-amz-server-side-encryption-aws-kms-key-id": {"Fn::GetAtt": ["DataKey", "Arn"]}
        }
    }
    for statement in (kms, key):
        assert statement["Resource"] == {"Fn::Sub": f"${{{name}.Arn}}/*"}


@pytest.mark.parametrize("name", TABLES)
def test_a_table_is_under_the_data_key_protected_from_deletion_and_recoverable(name: str) -> None:
    p = props(name)
    sse = p["SSESpecification"]
    assert (sse["SSEEnabled"], sse["SSEType"]) == (True, "KMS")
    assert sse["KMSMasterKeyId"] in DATA_KEY
    assert p["DeletionProtectionEnabled"] is True
    assert p["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}


@pytest.mark.parametrize("name", QUEUES + TOPICS)
def test_a_queue_or_topic_is_under_the_data_key(name: str) -> None:
    p = props(name)
    assert p["KmsMasterKeyId"] in DATA_KEY
    assert "SqsManagedSseEnabled" not in p


@pytest.mark.parametrize("name", SECRETS)
def test_a_secret_is_under_the_data_key(name: str) -> None:
    assert props(name)["KmsKeyId"] in DATA_KEY


# --- on the embedded AWS: moto takes the same template ----------------------------------------


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[boto3.Session, dict[str, str]]]:
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        session = boto3.Session(region_name="eu-north-1")
        yield session, provision(session, "uppsikt-secure-test")


def _physical(session: boto3.Session, logical: str) -> str:
    cfn = session.client("cloudformation")
    resources = cfn.describe_stack_resources(StackName="uppsikt-secure-test")["StackResources"]
    return next(r["PhysicalResourceId"] for r in resources if r["LogicalResourceId"] == logical)


def test_the_embedded_aws_builds_the_stores_under_the_data_key(
    stack: tuple[boto3.Session, dict[str, str]],
) -> None:
    session, outputs = stack
    key = outputs["UPPSIKT_DATA_KEY_ID"]
    key_id = key.rsplit("/", 1)[1]
    dynamodb = session.client("dynamodb")
    for name in TABLES:
        table = dynamodb.describe_table(TableName=_physical(session, name))["Table"]
        assert table["SSEDescription"]["SSEType"] == "KMS", name
        assert table["SSEDescription"]["KMSMasterKeyArn"] == key, name
        assert table["DeletionProtectionEnabled"] is True, name
    sqs = session.client("sqs")
    for url in (outputs["UPPSIKT_INGEST_QUEUE_URL"], outputs["UPPSIKT_NOTIFY_DLQ_URL"]):
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        assert attributes["KmsMasterKeyId"] == key_id
    sns = session.client("sns")
    for arn in (outputs["UPPSIKT_FLAGS_TOPIC_ARN"], outputs["UPPSIKT_ALERTS_TOPIC_ARN"]):
        assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["KmsMasterKeyId"] == key_id
    secretsmanager = session.client("secretsmanager")
    for variable in ("UPPSIKT_META_SECRET_NAME", "UPPSIKT_PSEUDONYM_SECRET_NAME"):
        assert secretsmanager.describe_secret(SecretId=outputs[variable])["KmsKeyId"] == key_id
    s3 = session.client("s3")
    for variable in ("UPPSIKT_RAW_BUCKET", "UPPSIKT_POLICY_BUCKET", "UPPSIKT_CHECKPOINT_BUCKET"):
        bucket = outputs[variable]
        assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled", variable
        encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
        (rule,) = encryption["Rules"]
        assert rule["ApplyServerSideEncryptionByDefault"]["KMSMasterKeyID"] == key, variable
        # The bucket policies are not applied on moto (provision.py says why).


def test_what_the_runtime_writes_to_s3_or_secrets_manager_is_under_the_data_key(
    stack: tuple[boto3.Session, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    session, outputs = stack
    rt = Runtime(load_settings(outputs), session)
    key = outputs["UPPSIKT_DATA_KEY_ID"]
    bucket = outputs["UPPSIKT_POLICY_BUCKET"]

    # A writer that names no encryption (the registry and policy publishers do not).
    rt.s3.put_object(Bucket=bucket, Key="accounts/current.json", Body=b"{}")
    head = rt.s3.head_object(Bucket=bucket, Key="accounts/current.json")
    assert (head["ServerSideEncryption"], head["SSEKMSKeyId"]) == ("aws:kms", key)

    # The command line's per-account secrets (`uppsikt accounts set-secret`).
    put_account_secret(
        rt.secretsmanager, "uppsikt/accounts/seko-x", "x", {"bearer_token": "t" * 20}
    )
    described = rt.secretsmanager.describe_secret(SecretId="uppsikt/accounts/seko-x")
    assert described["KmsKeyId"] == key
