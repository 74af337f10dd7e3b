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
    from uppsikt.cli.main import _runtime

    directory = _runtime().directory
    sub = directory.add_user(username, password, [(org, Role(role)) for org in orgs])
    click.echo(
        json.dumps({"username": username, "sub": sub, "groups": [f"{o}:{role}" for o in orgs]})
    )
