"""After `sam deploy`: the command line's settings from the stack's outputs, the webhook URLs to
paste into each platform's dashboard, and the second step that sets `PublicBaseUrl`.

The functions get their settings from the stack (infra/ turns every `Uppsikt*` output into the
variable of the same name, `uppsikt.infra.env_name`); the command line reads the same variables
(`uppsikt.settings`). `configure` writes them to a file from the same outputs, so nobody maps
them by hand, and the command line reads that file when the environment names no deployment.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from uppsikt import infra
from uppsikt.accounts.model import Registry
from uppsikt.model.events import Platform
from uppsikt.settings import ENV_PREFIX, load_settings

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient

SETTINGS_FILE_VARIABLE = "UPPSIKT_SETTINGS_FILE"
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")
# Chalice's output: the REST API's stage URL (`https://<id>.execute-api.<region>.amazonaws.com/api/`).
ENDPOINT_OUTPUT = "EndpointURL"
PUBLIC_BASE_URL_PARAMETER = "PublicBaseUrl"
# What `sam deploy` was given: the template's IAM roles (named ones, once roles are per function)
# and the SAM transform, which an update with the previous template expands again.
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]


class DeployError(Exception):
    """The stack cannot be read or changed as asked; the message names the stack and the fix."""


def settings_file(environ: Mapping[str, str] | None = None) -> Path:
    """UPPSIKT_SETTINGS_FILE, else `$XDG_CONFIG_HOME/uppsikt/settings.env` (~/.config)."""
    environ = os.environ if environ is None else environ
    if environ.get(SETTINGS_FILE_VARIABLE):
        return Path(environ[SETTINGS_FILE_VARIABLE])
    config = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "uppsikt" / "settings.env"


@dataclass(frozen=True)
class StackInfo:
    name: str
    status: str
    outputs: dict[str, str]
    parameters: dict[str, str]

    @property
    def endpoint(self) -> str | None:
        url = self.outputs.get(ENDPOINT_OUTPUT)
        return url.rstrip("/") if url else None

    @property
    def base_url(self) -> str | None:
        """Where the platforms reach the API: PublicBaseUrl (a custom domain) if set, else the
        API's own stage URL."""
        public = self.parameters.get(PUBLIC_BASE_URL_PARAMETER, "")
        return public.rstrip("/") if public else self.endpoint


def describe(cfn: CloudFormationClient, stack: str) -> StackInfo:
    try:
        found = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    except ClientError as exc:
        raise DeployError(f"no stack {stack!r} in this account and region ({exc})") from exc
    return StackInfo(
        name=found["StackName"],
        status=found["StackStatus"],
        outputs={o["OutputKey"]: o.get("OutputValue", "") for o in found.get("Outputs", [])},
        parameters={
            p["ParameterKey"]: p.get("ParameterValue", "") for p in found.get("Parameters", [])
        },
    )


def shortened_functions(cfn: CloudFormationClient, stack: str) -> list[str]:
    """The stack's functions whose names CloudFormation shortened (it names a function
    `<stack>-<logical id>-<suffix>`, cut to Lambda's 64 characters). Each role may write only to
    the log groups `/aws/lambda/<stack>-<Function>-*` (infra/functions.yaml: its own log group
    cannot be referenced without a cycle), so such a function cannot write its logs, nor the
    metrics that travel in them."""
    shortened = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack):
        for resource in page["StackResourceSummaries"]:
            name = resource.get("PhysicalResourceId", "")
            logical = resource["LogicalResourceId"]
            function = resource["ResourceType"] == "AWS::Lambda::Function" and name
            if function and not name.startswith(f"{stack}-{logical}-"):
                shortened.append(logical)
    return sorted(shortened)


def settings_from_outputs(outputs: Mapping[str, str]) -> dict[str, str]:
    """The UPPSIKT_* variables, one per `Uppsikt*` output, checked the way a function checks
    them at start (a missing required one is named)."""
    values = {
        infra.env_name(key): value
        for key, value in outputs.items()
        if key.startswith(infra.OUTPUT_PREFIX)
    }
    load_settings(values)  # raises ConfigurationError naming what is missing or malformed
    return dict(sorted(values.items()))


def configure(cfn: CloudFormationClient, stack: str, region: str) -> dict[str, str]:
    """Everything the command line needs for this stack: its settings and its region."""
    info = describe(cfn, stack)
    if not info.status.endswith("_COMPLETE") or "ROLLBACK" in info.status:
        raise DeployError(f"stack {stack} is {info.status}; deploy it first")
    return dict.fromkeys(REGION_VARIABLES, region) | settings_from_outputs(info.outputs)


def write_settings(path: Path, values: Mapping[str, str], origin: str) -> None:
    """KEY=value lines, shell-quoted (so `set -a; . FILE` works too). Names and URLs only: no
    secret is ever in it."""
    lines = [
        f"# Written by `{origin}` on {datetime.now(UTC):%Y-%m-%dT%H:%MZ} from the stack's outputs.",
        "# The uppsikt command line reads it when no UPPSIKT_ variable is set; run the command",
        "# again after a deploy that changes the outputs.",
        *(f"{key}={shlex.quote(value)}" for key, value in values.items()),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_settings(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, raw = line.partition("=")
        words = shlex.split(raw) if sep else []
        if not sep or not key.isidentifier() or len(words) > 1:
            raise DeployError(f"{path}, line {number}: not KEY=value")
        values[key] = words[0] if words else ""
    return values


def use_settings_file(environ: MutableMapping[str, str] | None = None) -> Path | None:
    """Put the settings file's values into the environment, unless the environment already
    names a deployment (any UPPSIKT_ variable): then it is used alone, never mixed with the
    file. Returns the file used, if one was."""
    environ = os.environ if environ is None else environ
    if any(k.startswith(ENV_PREFIX) and k != SETTINGS_FILE_VARIABLE for k in environ):
        return None
    path = settings_file(environ)
    if not path.is_file():
        return None
    environ.update(read_settings(path))
    return path


# --- webhooks -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Webhook:
    platform: str
    url: str
    where: str  # what to do with the URL, and where

    def as_dict(self) -> dict[str, str]:
        return {"platform": self.platform, "url": self.url, "where": self.where}


def webhooks(base: str, registry: Registry | None) -> list[Webhook]:
    """The URL each platform must call, with where it goes. Per-account routes (YouTube,
    Mastodon) are listed per account of the registry, or with `<account id>` without one."""

    def each(platform: Platform) -> list[str]:
        if registry is None:
            return ["<account id>"]
        return [a.id for a in registry.accounts if a.platform is platform]

    hooks = [
        Webhook(
            "meta",
            f"{base}/webhooks/meta",
            "Meta App Dashboard > Webhooks, for the Page object (field: feed) and Instagram "
            "(comments, live_comments, mentions): Callback URL; Verify token from `uppsikt "
            "meta verify-token`. Set the app secret first (`uppsikt meta set-app-secret`).",
        ),
        Webhook(
            "x",
            f"{base}/webhooks/x",
            "X developer portal > Account Activity API: the webhook URL of your environment. X "
            "checks it with a CRC signed with the consumer secret: `uppsikt x set-app-secret` "
            "first.",
        ),
        Webhook(
            "linkedin",
            f"{base}/webhooks/linkedin",
            "LinkedIn developer portal > your app > Webhooks: endpoint URL. LinkedIn validates "
            "it with a challengeCode signed with the client secret: `uppsikt linkedin "
            "set-app-secret` first.",
        ),
    ]
    hooks += [
        Webhook(
            "youtube",
            f"{base}/webhooks/youtube/{key}",
            "Nothing to paste: `renew_websub` subscribes it at the WebSub hub (every 12 hours) "
            "once PublicBaseUrl is set (`uppsikt deploy public-url`) and the account's "
            "websub_secret is stored (`uppsikt accounts set-secret`).",
        )
        for key in each(Platform.YOUTUBE)
    ]
    hooks += [
        Webhook(
            "mastodon",
            f"{base}/webhooks/mastodon/{key}",
            "The instance's Administration > Webhooks (events status.created, status.updated): "
            "endpoint URL; put the secret it shows into `uppsikt accounts set-secret` as "
            "webhook_secret.",
        )
        for key in each(Platform.MASTODON)
    ]
    return hooks


# --- PublicBaseUrl, the second step -----------------------------------------------------------
def public_base_url_update(info: StackInfo, url: str) -> dict[str, Any]:
    """The `update_stack` call that changes PublicBaseUrl alone: the same template, every other
    parameter its previous value."""
    if not url.startswith("https://"):
        raise DeployError(
            "the public base URL must be https:// (WebSub hubs and platforms call it)"
        )
    if PUBLIC_BASE_URL_PARAMETER not in info.parameters:
        raise DeployError(f"stack {info.name} has no {PUBLIC_BASE_URL_PARAMETER} parameter")
    parameters: list[dict[str, Any]] = [
        {"ParameterKey": key, "UsePreviousValue": True}
        for key in info.parameters
        if key != PUBLIC_BASE_URL_PARAMETER
    ]
    parameters.append(
        {"ParameterKey": PUBLIC_BASE_URL_PARAMETER, "ParameterValue": url.rstrip("/")}
    )
    return {
        "StackName": info.name,
        "UsePreviousTemplate": True,
        "Parameters": parameters,
        "Capabilities": CAPABILITIES,
    }


def set_public_base_url(cfn: CloudFormationClient, stack: str, url: str | None) -> str:
    """Set PublicBaseUrl (default: the API's own URL) and start the update; returns the URL."""
    info = describe(cfn, stack)
    url = url or info.endpoint
    if not url:
        raise DeployError(f"stack {stack} has no {ENDPOINT_OUTPUT} output; give --url")
    call = public_base_url_update(info, url)
    cfn.update_stack(**call)
    return str(call["Parameters"][-1]["ParameterValue"])
