"""After deploying: put Meta's app secret into Secrets Manager and read the verify token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from uppsikt.accounts.secrets import ACCOUNT_SECRET_KEYS, ACCOUNT_SECRET_PREFIX, PLATFORM_TAG

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


def _read(client: SecretsManagerClient, name: str) -> dict[str, Any]:
    value = json.loads(client.get_secret_value(SecretId=name)["SecretString"])
    if not isinstance(value, dict):
        raise ValueError(f"secret {name} is not a JSON object")
    return value


def set_meta_app_secret(client: SecretsManagerClient, name: str, app_secret: str) -> None:
    """Replace the app secret, keeping the generated verify token."""
    if len(app_secret) < 16:
        raise ValueError("a Meta app secret is at least 16 characters")
    value = _read(client, name)
    value["app_secret"] = app_secret
    client.put_secret_value(SecretId=name, SecretString=json.dumps(value))


def meta_verify_token(client: SecretsManagerClient, name: str) -> str:
    return str(_read(client, name)["verify_token"])


def put_account_secret(
    client: SecretsManagerClient, name: str, platform: str, values: dict[str, Any]
) -> list[str]:
    """Create or replace an account's secret; returns the keys stored (never the values).
    Unknown keys are refused, so a typo cannot leave a poller without its credentials."""
    if not name.startswith(ACCOUNT_SECRET_PREFIX):
        raise ValueError(f"account secrets are named {ACCOUNT_SECRET_PREFIX}<account id>")
    allowed = ACCOUNT_SECRET_KEYS.get(platform, frozenset())
    unknown = sorted(set(values) - allowed)
    if unknown:
        raise ValueError(f"unknown keys for {platform}: {', '.join(unknown)}")
    if not values:
        raise ValueError("no values given: an empty secret would leave the account unusable")
    if not all(isinstance(v, str) and v for v in values.values()):
        raise ValueError("every value must be a non-empty string")
    body = json.dumps(values)
    # The tag is what the webhook role's condition reads (a secret set before it existed gets
    # it the next time it is set).
    tags: Any = [{"Key": PLATFORM_TAG, "Value": platform}]
    try:
        client.put_secret_value(SecretId=name, SecretString=body)
        client.tag_resource(SecretId=name, Tags=tags)
    except client.exceptions.ResourceNotFoundException:
        client.create_secret(Name=name, SecretString=body, Tags=tags)
    return sorted(values)


# The stack's app-level secrets other than Meta's: the field each platform's app secret is kept
# under (infra/resources.yaml creates them holding REPLACE_ME, which never verifies).
APP_SECRET_FIELDS = {"x": "consumer_secret", "linkedin": "client_secret"}


def set_app_secret(client: SecretsManagerClient, name: str, platform: str, value: str) -> None:
    """Replace a platform app's secret in the stack's secret, keeping any other field."""
    field = APP_SECRET_FIELDS[platform]
    if len(value) < 16 or value == "REPLACE_ME":
        raise ValueError(f"a {platform} app secret is at least 16 characters")
    stored = _read(client, name)
    stored[field] = value
    client.put_secret_value(SecretId=name, SecretString=json.dumps(stored))
