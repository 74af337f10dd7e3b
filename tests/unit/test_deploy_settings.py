"""The settings file `uppsikt deploy configure` writes and the command line reads, the webhook
list, and the PublicBaseUrl update, without AWS (the path itself: tests/functional)."""

from __future__ import annotations

from pathlib import Path

import pytest

from uppsikt.accounts.model import Registry
from uppsikt.operations.deploy import (
    DeployError,
    StackInfo,
    public_base_url_update,
    read_settings,
    use_settings_file,
    webhooks,
    write_settings,
)

BASE = "https://api.uppsikt.example/api"


def test_values_with_spaces_quotes_and_dollars_read_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "settings.env"
    values = {"UPPSIKT_A": "plain", "UPPSIKT_B": "it's $HOME and `x`", "UPPSIKT_C": ""}

    write_settings(path, values, "uppsikt deploy configure --stack s")

    assert read_settings(path) == values


def test_a_line_that_is_not_key_equals_value_is_refused_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "settings.env"
    path.write_text("# comment\nUPPSIKT_A=1\nexport UPPSIKT_B=2\n")

    with pytest.raises(DeployError, match="line 3"):
        read_settings(path)


def test_the_file_fills_an_environment_that_names_no_deployment(tmp_path: Path) -> None:
    path = tmp_path / "settings.env"
    write_settings(path, {"AWS_REGION": "eu-north-1", "UPPSIKT_RAW_BUCKET": "raw"}, "test")
    environ = {"UPPSIKT_SETTINGS_FILE": str(path), "HOME": "/home/op"}

    assert use_settings_file(environ) == path
    assert environ["UPPSIKT_RAW_BUCKET"] == "raw"
    assert environ["AWS_REGION"] == "eu-north-1"


def test_an_environment_naming_a_deployment_is_used_alone_never_mixed_with_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.env"
    write_settings(path, {"UPPSIKT_RAW_BUCKET": "raw", "UPPSIKT_X_SECRET_NAME": "x"}, "test")
    environ = {"UPPSIKT_SETTINGS_FILE": str(path), "UPPSIKT_RAW_BUCKET": "other"}

    assert use_settings_file(environ) is None
    assert environ == {"UPPSIKT_SETTINGS_FILE": str(path), "UPPSIKT_RAW_BUCKET": "other"}


def test_no_file_changes_nothing(tmp_path: Path) -> None:
    environ = {"UPPSIKT_SETTINGS_FILE": str(tmp_path / "absent.env")}

    assert use_settings_file(environ) is None
    assert environ == {"UPPSIKT_SETTINGS_FILE": str(tmp_path / "absent.env")}


def test_without_a_registry_the_per_account_routes_are_shown_as_patterns() -> None:
    urls = [h.url for h in webhooks(BASE, None)]

    assert urls == [
        f"{BASE}/webhooks/meta",
        f"{BASE}/webhooks/x",
        f"{BASE}/webhooks/linkedin",
        f"{BASE}/webhooks/youtube/<account id>",
        f"{BASE}/webhooks/mastodon/<account id>",
    ]


def test_a_registry_without_youtube_or_mastodon_accounts_lists_only_the_app_webhooks() -> None:
    assert [h.platform for h in webhooks(BASE, Registry())] == ["meta", "x", "linkedin"]


def stack(public: str = "") -> StackInfo:
    return StackInfo(
        name="uppsikt",
        status="CREATE_COMPLETE",
        outputs={"EndpointURL": "https://abc.execute-api.eu-north-1.amazonaws.com/api/"},
        parameters={"PolicyPack": "seko", "PublicBaseUrl": public, "MaxReceiveCount": "5"},
    )


def test_the_update_changes_public_base_url_alone_on_the_previous_template() -> None:
    call = public_base_url_update(stack(), BASE + "/")

    assert call["UsePreviousTemplate"] is True
    assert call["Parameters"] == [
        {"ParameterKey": "PolicyPack", "UsePreviousValue": True},
        {"ParameterKey": "MaxReceiveCount", "UsePreviousValue": True},
        {"ParameterKey": "PublicBaseUrl", "ParameterValue": BASE},
    ]
    assert "CAPABILITY_AUTO_EXPAND" in call["Capabilities"]  # the SAM transform runs again


def test_the_platforms_are_sent_to_public_base_url_once_it_is_set() -> None:
    assert stack().base_url == "https://abc.execute-api.eu-north-1.amazonaws.com/api"
    assert stack(public=BASE).base_url == BASE


def test_functions_whose_names_cloudformation_cut_are_named() -> None:
    import boto3
    from botocore.stub import Stubber

    from uppsikt.operations.deploy import shortened_functions

    stack = "uppsikt-kommunal-production-eu-north"  # 36 characters
    cfn = boto3.client("cloudformation", region_name="eu-north-1")

    def resource(logical: str, kind: str, physical: str) -> dict[str, object]:
        return {
            "LogicalResourceId": logical,
            "ResourceType": kind,
            "PhysicalResourceId": physical,
            "LastUpdatedTimestamp": "2026-12-02T10:00:00Z",
            "ResourceStatus": "CREATE_COMPLETE",
        }

    with Stubber(cfn) as stub:
        stub.add_response(
            "list_stack_resources",
            {
                "StackResourceSummaries": [
                    resource("Evaluate", "AWS::Lambda::Function", f"{stack}-Evaluate-AbC12dEf3GhI"),
                    # As CloudFormation cuts a name over 64 characters: stack and id shortened.
                    resource(
                        "AuditCheckpoint",
                        "AWS::Lambda::Function",
                        "uppsikt-kommunal-production-e-AuditCheckpo-Xy12Zw34Vu56",
                    ),
                    resource("EvaluateLogGroup", "AWS::Logs::LogGroup", "/aws/lambda/x"),
                ],
                "NextToken": "more",
            },
            {"StackName": stack},
        )
        stub.add_response(
            "list_stack_resources",
            {
                "StackResourceSummaries": [
                    resource("Notify", "AWS::Lambda::Function", "uppsikt-kommunal-pr-Notify-Q1")
                ]
            },
            {"StackName": stack, "NextToken": "more"},
        )
        assert shortened_functions(cfn, stack) == ["AuditCheckpoint", "Notify"]
        stub.assert_no_pending_responses()
