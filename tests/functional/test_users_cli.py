"""`uppsikt users add`: a console user in the stack's user pool, in their `<org>:<role>` group."""

from __future__ import annotations

import json

from click.testing import CliRunner

from support.stack import Stack
from uppsikt.cli.main import cli


def test_users_add_creates_the_user_in_one_group_per_organisation_and_role(stack: Stack) -> None:
    result = CliRunner().invoke(
        cli,
        ["users", "add", "anna", "--org", "seko", "--org", "kommunal", "--role", "officer"],
        env={"UPPSIKT_USER_PASSWORD": "Correct-Horse-42"},
    )
    assert result.exit_code == 0, result.output
    made = json.loads(result.output)
    assert made["groups"] == ["seko:officer", "kommunal:officer"]
    pool = stack.settings.user_pool_id
    groups = stack.rt.cognito.admin_list_groups_for_user(UserPoolId=pool, Username="anna")
    assert sorted(g["GroupName"] for g in groups["Groups"]) == ["kommunal:officer", "seko:officer"]
    assert stack.rt.directory.members("seko:officer") == {made["sub"]}
