"""The `uppsikt` command against a stack built from infra/."""

from __future__ import annotations

import json

from click.testing import CliRunner

from support.paths import REPO
from support.stack import Stack
from uppsikt.cli.main import cli


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=stdin)
    return result.exit_code, result.output


def test_policy_validate_and_test_report_the_shipped_pack(stack: Stack) -> None:
    code, out = run("policy", "validate", str(REPO / "policies"))
    assert code == 0
    assert "nordic-baseline" in out
    code, out = run("policy", "test", str(REPO / "policies"))
    assert code == 0
    assert "examples pass" in out


def test_policy_publish_writes_the_stored_policy(stack: Stack) -> None:
    code, out = run("policy", "publish", str(REPO / "policies"))
    assert code == 0, out
    key = "policies/nordic-baseline/current.json"
    body = stack.rt.s3.get_object(Bucket=stack.settings.policy_bucket, Key=key)["Body"].read()
    assert json.loads(body)["id"] == "nordic-baseline"


def test_dlq_list_and_redrive(stack: Stack) -> None:
    stack.rt.sqs.send_message(
        QueueUrl=stack.settings.ingest_dlq_url,
        MessageBody="{}",
        MessageAttributes={
            "uppsikt-reason": {"DataType": "String", "StringValue": "no stored policy"}
        },
    )
    code, out = run("dlq", "list", "--json")
    assert code == 0
    (letter,) = json.loads(out)
    assert letter["reason"] == "no stored policy"
    code, out = run("dlq", "redrive")
    assert (code, out.strip()) == (0, "Redrove 1 message(s) to the ingest queue.")
    code, out = run("dlq", "list")
    assert "empty" in out
    assert stack.queue_depth(stack.settings.ingest_queue_url) == 1


def test_the_meta_app_secret_is_read_from_stdin_and_a_short_one_refused(stack: Stack) -> None:
    code, out = run("meta", "set-app-secret", stdin="too-short\n")
    assert code != 0
    assert "at least 16" in out
    code, _ = run("meta", "set-app-secret", stdin="a-real-looking-app-secret-123\n")
    assert code == 0
    code, out = run("meta", "verify-token")
    assert (code, out.strip()) == (0, stack.verify_token)


def test_commands_that_need_a_stack_name_the_missing_settings() -> None:
    runner = CliRunner(env={"UPPSIKT_INGEST_DLQ_URL": None, "UPPSIKT_RAW_BUCKET": None})
    result = runner.invoke(cli, ["dlq", "list"])
    assert result.exit_code != 0
    assert "UPPSIKT_" in result.output
