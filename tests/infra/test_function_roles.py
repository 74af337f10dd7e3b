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


def test_no_function_may_update_or_delete_an_audit_entry() -> None:
    for role in ("ReviewRole", "DefaultRole"):
        for statement in statements(role):
            if "AuditTable" in json.dumps(statement["Resource"]):
                assert set(statement["Action"]) <= {"dynamodb:PutItem", "dynamodb:Query"}
