"""After deploying: put Meta's app secret into Secrets Manager and read the verify token."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

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
