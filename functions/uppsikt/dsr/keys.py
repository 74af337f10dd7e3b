"""Pseudonym key rotation (`uppsikt pseudonym rotate`): a new current key, one version up; the
older keys stay live in the same secret, so every stored pseudonym can still be recomputed and
a data-subject request still finds what each version stored (privacy/pseudonym.py)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from uppsikt.privacy.pseudonym import Pseudonymiser, rotated

if TYPE_CHECKING:
    from mypy_boto3_secretsmanager import SecretsManagerClient


def rotate(client: SecretsManagerClient, secret_name: str, new_key: str | None = None) -> int:
    """Rotate; return the new current version."""
    current = json.loads(client.get_secret_value(SecretId=secret_name)["SecretString"])
    value = rotated(current, new_key)
    client.put_secret_value(SecretId=secret_name, SecretString=json.dumps(value))
    return Pseudonymiser.from_secret(value).version


def versions(client: SecretsManagerClient, secret_name: str) -> tuple[int, ...]:
    current = json.loads(client.get_secret_value(SecretId=secret_name)["SecretString"])
    return Pseudonymiser.from_secret(current).versions
