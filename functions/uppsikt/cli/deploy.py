"""`uppsikt deploy …`, the app secrets of X and LinkedIn, and starting a registry: the steps after
`sam deploy` (docs/deploy.md). Each command is a thin shell over `uppsikt.operations`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from uppsikt import infra

if TYPE_CHECKING:
    from uppsikt.accounts.model import Registry

DEFAULT_REGION = "eu-north-1"


def _cfn(region: str) -> Any:
    import boto3

    return boto3.Session(region_name=region).client("cloudformation")


def _region(region: str | None) -> str:
    import boto3

    return region or boto3.Session().region_name or DEFAULT_REGION


def use_configured_settings() -> None:
    """Read the settings file `deploy configure` wrote, unless the environment names a
    deployment (then it alone is used)."""
    from uppsikt.operations.deploy import DeployError, use_settings_file

    try:
        use_settings_file()
    except DeployError as exc:
        raise click.ClickException(f"{exc}; run `uppsikt deploy configure` again") from exc


@click.group()
def deploy() -> None:
    """After `sam deploy`: settings from the stack, webhook URLs, the public URL."""


@deploy.command("configure")
@click.option("--stack", required=True, help="The stack name given to `sam deploy`.")
@click.option("--region", default=None, help="The stack's region (default: your AWS config's).")
@click.option(
    "--file",
    "path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: $UPPSIKT_SETTINGS_FILE or ~/.config/uppsikt/settings.env).",
)
def deploy_configure(stack: str, region: str | None, path: Path | None) -> None:
    """Write the command line's settings from the stack's outputs (no hand mapping)."""
    from uppsikt.operations.deploy import (
        DeployError,
        configure,
        settings_file,
        shortened_functions,
        write_settings,
    )
    from uppsikt.settings import ConfigurationError

    region = _region(region)
    target = path or settings_file()
    cfn = _cfn(region)
    try:
        values = configure(cfn, stack, region)
    except (DeployError, ConfigurationError) as exc:
        raise click.ClickException(f"stack {stack}: {exc}") from exc
    origin = f"uppsikt deploy configure --stack {stack} --region {region}"
    write_settings(target, values, origin)
    count = sum(k.startswith("UPPSIKT_") for k in values)
    click.echo(f"wrote {count} settings of stack {stack} ({region}) to {target}")
    if path is not None:
        click.echo(f"use it with: export UPPSIKT_SETTINGS_FILE={target}")
    shortened = shortened_functions(cfn, stack)
    if shortened:
        click.echo(
            f"warning: the stack name {stack!r} is too long: CloudFormation shortened the names "
            f"of {', '.join(shortened)}, whose roles may write logs only under "
            f"/aws/lambda/{stack}-<Function>-*, so they cannot write their logs or metrics. "
            "Deploy under a shorter stack name (docs/deploy.md).",
            err=True,
        )


def _registry(path: Path | None) -> Registry | None:
    """The registry file given, else the published one, else None (no accounts yet)."""
    from uppsikt.accounts.errors import RegistryUnavailable
    from uppsikt.accounts.registry import load
    from uppsikt.policy.errors import PolicyInvalid
    from uppsikt.runtime import Runtime
    from uppsikt.settings import ConfigurationError, load_settings

    if path is not None:
        try:
            return load(path)
        except PolicyInvalid as exc:
            raise click.ClickException(f"{path}: run `uppsikt accounts check`") from exc
    try:
        return Runtime(load_settings()).registry.current()
    except (ConfigurationError, RegistryUnavailable):
        return None


@deploy.command("webhooks")
@click.option("--stack", required=True)
@click.option("--region", default=None)
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A registry file for the per-account URLs (default: the published registry).",
)
@click.option("--json", "as_json", is_flag=True)
def deploy_webhooks(stack: str, region: str | None, path: Path | None, as_json: bool) -> None:
    """The URL to paste into each platform's dashboard, and where."""
    from uppsikt.operations.deploy import DeployError, describe, webhooks

    try:
        info = describe(_cfn(_region(region)), stack)
    except DeployError as exc:
        raise click.ClickException(str(exc)) from exc
    if not info.base_url:
        raise click.ClickException(f"stack {stack} has no API URL output (EndpointURL)")
    hooks = webhooks(info.base_url, _registry(path))
    if as_json:
        click.echo(json.dumps([h.as_dict() for h in hooks], indent=2))
        return
    for hook in hooks:
        click.echo(f"{hook.platform:<9} {hook.url}")
        click.echo(f"          {hook.where}")


@deploy.command("public-url")
@click.option("--stack", required=True)
@click.option("--region", default=None)
@click.option("--url", default=None, help="A custom domain's URL (default: the API's own URL).")
@click.option("--no-wait", is_flag=True, help="Start the update and return.")
def deploy_public_url(stack: str, region: str | None, url: str | None, no_wait: bool) -> None:
    """The second step: set PublicBaseUrl (WebSub callbacks) and update the settings file."""
    from uppsikt.operations.deploy import (
        DeployError,
        configure,
        set_public_base_url,
        settings_file,
        write_settings,
    )

    region = _region(region)
    cfn = _cfn(region)
    try:
        chosen = set_public_base_url(cfn, stack, url)
    except DeployError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"updating {stack}: PublicBaseUrl={chosen}")
    if no_wait:
        return
    cfn.get_waiter("stack_update_complete").wait(StackName=stack)
    target = settings_file()
    if target.is_file():
        origin = f"uppsikt deploy public-url --stack {stack} --region {region}"
        write_settings(target, configure(cfn, stack, region), origin)
    click.echo(f"{stack} updated; renew_websub subscribes YouTube channels from its next run")


# --- app secrets (Meta's are `uppsikt meta …`) -----------------------------------------------
def _app_secret_group(platform: str, title: str, setting: str) -> click.Group:
    @click.group(name=platform, help=f"Connect the {title} app: its secret in Secrets Manager.")
    def group() -> None:
        pass

    @group.command("set-app-secret")
    def set_secret() -> None:
        """Read the app secret from standard input (so it stays out of shell history)."""
        from uppsikt.operations.secrets import set_app_secret
        from uppsikt.runtime import Runtime
        from uppsikt.settings import ConfigurationError, load_settings

        try:
            settings = load_settings()
        except ConfigurationError as exc:
            raise click.ClickException(str(exc)) from exc
        name = getattr(settings, setting)
        if not name:
            raise click.ClickException(f"this deployment has no {title} secret")
        try:
            set_app_secret(
                Runtime(settings).secretsmanager, name, platform, sys.stdin.readline().strip()
            )
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"{title} app secret stored.")

    set_secret.__doc__ = f"Read the {title} app secret from standard input (never an argument)."
    return group


# --- a registry of one's own ------------------------------------------------------------------
REGISTRY_FILE = click.option(
    "--file", "path", required=True, type=click.Path(dir_okay=False, path_type=Path)
)


@click.command("init")
@REGISTRY_FILE
def accounts_init(path: Path) -> None:
    """Start an empty registry (the shipped one is example data)."""
    from uppsikt.accounts.registry import init

    try:
        init(path)
    except FileExistsError as exc:
        raise click.ClickException(f"{path} exists; nothing written") from exc
    click.echo(f"wrote {path}; add an organisation with `uppsikt accounts add-organisation`")


@click.command("add-organisation")
@REGISTRY_FILE
@click.option("--id", "org_id", required=True)
@click.option("--name", required=True)
@click.option("--org-type", type=click.Choice(["union", "authority"]), required=True)
@click.option("--jurisdiction", type=click.Choice(["dk", "se", "no", "fi"]), required=True)
@click.option("--pack", "policy_pack", required=True, help="A pack in policies/ (its id).")
@click.option("--languages", required=True, help="Comma-separated: da, sv, nb, nn, fi, en.")
@click.option("--time-zone", default="Europe/Stockholm", show_default=True)
def accounts_add_organisation(
    path: Path,
    org_id: str,
    name: str,
    org_type: str,
    jurisdiction: str,
    policy_pack: str,
    languages: str,
    time_zone: str,
) -> None:
    """Add an organisation (business hours, admins and retention: edit the file). It needs an
    account (`uppsikt accounts add`) before the registry checks."""
    from pydantic import ValidationError

    from uppsikt.accounts.model import Organisation
    from uppsikt.accounts.registry import add_organisation, load
    from uppsikt.policy.errors import PolicyInvalid
    from uppsikt.policy.loader import read_document

    try:
        org = Organisation.model_validate(
            {
                "id": org_id,
                "name": name,
                "org_type": org_type,
                "jurisdiction": jurisdiction,
                "policy_pack": policy_pack,
                "languages": [x.strip() for x in languages.split(",") if x.strip()],
                "time_zone": time_zone,
            }
        )
        registry = load(path)
    except (ValidationError, PolicyInvalid) as exc:
        raise click.ClickException(str(exc)) from exc
    packs = {read_document(p).id for p in (infra.REPO / "policies").glob("*.yaml")}
    if org.policy_pack not in packs:
        raise click.ClickException(f"no pack {org.policy_pack!r} in policies/")
    if registry.organisation(org.id) is not None:
        raise click.ClickException(f"{org.id} is in the registry already")
    try:
        add_organisation(path, org)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"added {org.id}; now `uppsikt accounts add --file {path} --organisation {org.id}`")


def register(cli: click.Group) -> None:
    """Everything here, on the command line (one line in main.py)."""
    cli.add_command(deploy)
    cli.add_command(_app_secret_group("x", "X", "x_secret_name"))
    cli.add_command(_app_secret_group("linkedin", "LinkedIn", "linkedin_secret_name"))
    accounts = cli.commands["accounts"]
    assert isinstance(accounts, click.Group)
    accounts.add_command(accounts_init)
    accounts.add_command(accounts_add_organisation)
