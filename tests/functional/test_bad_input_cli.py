"""Bad input at the command line: hostile files, stdin, arguments and options, against a stack
built from infra/. A clear error (exit 1 or 2) or a correct answer, never a traceback or a hang,
and no error repeats the value it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from support.hostile import MARK, ZERO_WIDTH, deadline
from support.paths import REPO
from support.stack import Stack
from uppsikt.cli.main import cli

CASE_SECONDS = 30.0
ARG_UTF8 = "\udcff" + MARK  # an argument that was not UTF-8 (Python's surrogateescape)
CPR = "211062-5629"


def invoke(args: list[str], stdin: str | bytes | None = None) -> Result:
    with deadline(CASE_SECONDS):
        return CliRunner().invoke(cli, args, input=stdin)


def assert_clear(result: Result, case: str, *, echoes: bool = False) -> None:
    """Exit 0, 1 or 2 without a traceback; an error never repeats the input (`echoes`: the
    command's answer shows the input by design, as `explain` does)."""
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{case}: {type(result.exception).__name__}") from result.exception
    assert result.exit_code in {0, 1, 2}, (case, result.exit_code)
    if result.exit_code != 0 and not echoes:
        assert MARK not in result.output, f"{case}: the error repeats the input"


def hostile_yaml(good: str) -> dict[str, bytes]:
    mark = MARK.encode()
    return {
        "invalid utf-8": b"\xc3\x28\xff" + mark + b"\n" + good.encode(),
        "deep nesting": b"x: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
        "a huge number": good.encode() + b"\n" + mark + b": " + b"9" * 5_000 + b"\n",
        "null bytes": good.encode().replace(b"\n", b"\x00" + mark + b"\n", 1),
        "a list, not a mapping": b"- " + mark + b"\n- 1\n",
        "wrong types everywhere": b"organisations: " + mark + b"\naccounts: {a: 1}\n"
        b"id: [1, 2]\nrules: 12\nversion: {x: y}\n",
        "an alias loop": b"a: &a [*a, *a]\n",
        "empty": b"",
    }


def test_hostile_registry_and_policy_files_are_refused_clearly(
    stack: Stack, tmp_path: Path
) -> None:
    registry = (REPO / "policies" / "registry" / "accounts.yaml").read_text()
    for case, content in hostile_yaml(registry).items():
        path = tmp_path / "accounts.yaml"
        path.write_bytes(content)
        assert_clear(invoke(["accounts", "check", "--file", str(path)]), f"registry: {case}")
        add = ["accounts", "add", "--file", str(path), "--id", "x", "--platform", "x"]
        add += ["--platform-account-id", "1", "--name", "n", "--organisation", "seko"]
        assert_clear(invoke(add), f"accounts add: {case}")
        packs = tmp_path / f"packs-{len(case)}"
        packs.mkdir(exist_ok=True)
        (packs / "bad.yaml").write_bytes(content)
        assert_clear(invoke(["policy", "validate", str(packs)]), f"policy: {case}")


SECRETS_ON_STDIN = (
    "{not json " + MARK,
    "[" * 100_000 + "]" * 100_000,
    '{"websub_secret": ' + "9" * 5_000 + "}",
    '["' + MARK + '"]',
    '{"websub_secret": "' + MARK + '\\u0000"}',
    '{"websub_secret": ' + "1" * 10 + "}",
    '{"websub_secret": "' + "s" * 100_000 + '"}',
    "",
)


def test_a_hostile_secret_on_stdin_is_refused_clearly(stack: Stack) -> None:
    for stdin in SECRETS_ON_STDIN:
        assert_clear(invoke(["accounts", "set-secret", "seko-youtube"], stdin), "set-secret")


def test_explain_takes_long_hidden_and_null_texts_and_hostile_jsonl(stack: Stack) -> None:
    long_text = "Tak for mødet. " * 7000 + CPR
    assert len(long_text) > 100_000
    hidden = ZERO_WIDTH.join(CPR)
    for text in (long_text, f"Mit nummer er {hidden}", f"null\x00{CPR}"):
        result = invoke(["explain", "--json", text])
        assert_clear(result, "explain", echoes=True)
        assert "baseline.national-id" in result.output
    lines = "\n".join(
        [
            '{"id": "a", "text": "' + MARK + '"}',
            "not json " + MARK,
            '{"id": 1, "text": 2}',
            '{"id": "b"}',
            "[" * 50_000 + "]" * 50_000,
            '{"id": "c", "text": "' + "x" * 100_000 + '"}',
            "",
        ]
    )
    assert_clear(invoke(["explain", "--jsonl"], lines), "explain --jsonl", echoes=True)


@pytest.mark.parametrize("value", [ARG_UTF8 + "\x00" + ZERO_WIDTH, MARK * 2_000 + "9" * 5_000])
def test_hostile_arguments_and_options_are_refused_clearly(stack: Stack, value: str) -> None:
    commands = [
        ["reconcile", "--since", value],
        ["reconcile", "--org", value],
        ["purge", "--dry-run", "--now", value],
        ["purge", "--dry-run", "--org", value],
        [
            "hold",
            "add",
            "--org",
            "seko",
            "--scope",
            "item",
            "--target",
            value,
            "--by",
            "dpo",
            "--reason",
            "r",
            "--review",
            value,
        ],
        [
            "hold",
            "add",
            "--org",
            value,
            "--scope",
            "item",
            "--target",
            value,
            "--by",
            value,
            "--reason",
            value,
        ],
        ["dsr", "access", "--org", value, "--author-id", value],
        [
            "dsr",
            "access",
            "--org",
            "seko",
            "--platform",
            "facebook",
            "--author-id",
            value,
            "--request",
            value,
        ],
        ["quarantine", "replay", "--key", value],
        ["dlq", "redrive", "--id", value],
        ["notify", "add", value, "--channel", "email", "--email", value],
        ["notify", "add", "seko", "--channel", "email", "--email", value, "--quiet", value],
        ["users", "add", value, "--org", value, "--role", "officer", "--password", value],
        ["accounts", "set-secret", value],
        ["audit", "verify", "--org", value],
    ]
    stdin = value.encode("utf-8", "surrogateescape")
    for args in commands:
        assert_clear(invoke(args, stdin), " ".join(a[:20] for a in args[:3]))
