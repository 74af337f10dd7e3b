"""Least privilege between the functions (infra/functions.yaml): the internet-facing webhook
function cannot read flags, items or evidence, and the review function cannot read a secret or
a raw delivery."""

from __future__ import annotations

import json
from typing import Any

from uppsikt import infra


def statements(role: str) -> list[dict[str, Any]]:
    resources = infra.load(infra.FUNCTIONS)["Resources"]
    policies = resources[role]["Properties"]["Policies"]
    return [s for p in policies for s in p["PolicyDocument"]["Statement"]]


def reach(role: str) -> str:
    return json.dumps([s["Resource"] for s in statements(role)])


def actions(role: str) -> set[str]:
    found: set[str] = set()
    for statement in statements(role):
        action = statement["Action"]
        found |= set(action if isinstance(action, list) else [action])
    return found


def test_the_webhook_function_runs_under_its_own_role() -> None:
    handler = infra.load(infra.FUNCTIONS)["Resources"]["APIHandler"]["Properties"]
    assert handler["Role"] == {"Fn::GetAtt": ["WebhookRole", "Arn"]}


def test_the_webhook_role_reaches_no_flag_item_or_evidence() -> None:
    for store in ("FlagsTable", "ItemsTable", "ArchiveBucket", "ReviewTable", "AuditTable"):
        assert store not in reach("WebhookRole"), store


def test_the_review_role_reads_no_secret_raw_delivery_or_queue() -> None:
    assert not any(a.startswith(("secretsmanager:", "sqs:")) for a in actions("ReviewRole"))
    for store in ("RawBucket", "MetaSecret", "PseudonymSecret", "IngestQueue"):
        assert store not in reach("ReviewRole"), store


def roles() -> list[str]:
    """The roles the functions run under (the `Role:` each function names)."""
    resources = infra.load(infra.FUNCTIONS)["Resources"]
    named = {
        r["Properties"]["Role"]["Fn::GetAtt"][0]
        for r in resources.values()
        if r["Type"] == "AWS::Serverless::Function" and "Role" in r.get("Properties", {})
    }
    return sorted(named)


def test_every_role_in_the_template_is_a_function_role_or_api_gateway_logging() -> None:
    resources = infra.load(infra.FUNCTIONS)["Resources"]
    others = {
        name
        for name, r in resources.items()
        if r["Type"] == "AWS::IAM::Role" and name not in roles()
    }
    assert others == {"ApiGatewayLogsRole"}
    # API Gateway's account-wide log writer: AWS's managed push-to-logs policy and nothing else.
    logs_role = resources["ApiGatewayLogsRole"]["Properties"]
    assert "Policies" not in logs_role
    assert [p["Fn::Sub"] for p in logs_role["ManagedPolicyArns"]] == [
        "arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
    ]


def test_no_function_may_update_or_delete_an_audit_entry() -> None:
    for role in roles():
        for statement in statements(role):
            if "AuditTable" in json.dumps(statement["Resource"]):
                assert set(statement["Action"]) <= {"dynamodb:PutItem", "dynamodb:Query"}


# Actions that take no resource but `*`.
STAR_ONLY = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def test_no_role_puts_a_star_on_a_data_resource() -> None:
    for role in roles():
        for statement in statements(role):
            actions = statement["Action"]
            actions = set(actions if isinstance(actions, list) else [actions])
            assert not any(a.endswith("*") for a in actions), (role, statement["Sid"])
            if statement["Resource"] == "*":
                assert actions <= STAR_ONLY, (role, statement["Sid"])
            for resource in json.dumps(statement["Resource"]).split('"'):
                # No ARN with a wildcard region or account (the old `logs:*:*:*`).
                assert ":*:" not in resource, (role, resource)
                assert "logs:*" not in resource, (role, resource)


def test_each_role_writes_only_its_own_functions_logs() -> None:
    for name, resource in infra.load(infra.FUNCTIONS)["Resources"].items():
        role = resource.get("Properties", {}).get("Role")
        if resource["Type"] != "AWS::Serverless::Function" or not role:
            continue
        (logs,) = [s for s in statements(role["Fn::GetAtt"][0]) if s["Sid"] == "Logs"]
        groups = [r["Fn::Sub"] for r in logs["Resource"]]
        assert all(f"/aws/lambda/${{AWS::StackName}}-{name}-*" in g for g in groups), name
