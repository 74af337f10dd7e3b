"""`uppsikt users`: people of the review console in the deployment's Cognito user pool."""

from __future__ import annotations

import json

import click

from uppsikt.review.model import Role


@click.group()
def users() -> None:
    """Review console users: one Cognito group per organisation and role (`<org>:<role>`)."""


@users.command("add")
@click.argument("username")
@click.option("--org", "orgs", multiple=True, required=True, help="Organisation id (repeatable).")
@click.option(
    "--role",
    type=click.Choice([r.value for r in Role]),
    required=True,
    help="The role in each --org.",
)
@click.password_option(envvar="UPPSIKT_USER_PASSWORD", help="The user's password.")
def add(username: str, orgs: tuple[str, ...], role: str, password: str) -> None:
    """Create USERNAME (or add them to more groups) with a permanent password."""
    from botocore.exceptions import ClientError, ParamValidationError

    from uppsikt.cli.main import _runtime

    directory = _runtime().directory
    try:
        sub = directory.add_user(username, password, [(org, Role(role)) for org in orgs])
    except ClientError as exc:
        # Cognito's code names the problem (InvalidPasswordException, InvalidParameterException);
        # its message may quote what was given, so it is not shown.
        code = exc.response.get("Error", {}).get("Code", "an error")
        raise click.ClickException(f"the user pool refused it: {code}") from None
    except ParamValidationError as exc:
        raise click.ClickException("a user name, organisation or password is not valid") from exc
    click.echo(
        json.dumps({"username": username, "sub": sub, "groups": [f"{o}:{role}" for o in orgs]})
    )
