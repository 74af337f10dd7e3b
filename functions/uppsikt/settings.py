"""The environment, read once into a typed model that fails fast naming what is missing.

Every value is set by infra/ (CloudFormation refs in the functions' environment); the embedded AWS
sets the same variables from the stack's outputs.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field, ValidationError

ENV_PREFIX = "UPPSIKT_"


class ConfigurationError(Exception):
    """The function cannot start: a setting is missing or malformed."""


class Settings(BaseModel):
    # A plain model filled from the environment: pydantic-settings would add 30 ms to every cold
    # start for features (dotenv, nested sources) a Lambda function does not use.
    model_config = ConfigDict(frozen=True, extra="forbid")

    stage: str = "dev"
    # The default pack for operator tools; evaluation uses each organisation's own pack, org type
    # and jurisdiction from the published registry.
    policy_id: str = "nordic-baseline"
    raw_bucket: str
    archive_bucket: str
    policy_bucket: str
    data_key_id: str
    ingest_queue_url: str
    ingest_dlq_url: str
    flags_table: str
    items_table: str
    idempotency_table: str
    poll_state_table: str
    # Data-subject requests and restrictions (optional: without it nothing is restricted).
    requests_table: str | None = None
    governance_table: str
    clocks_table: str
    flags_topic_arn: str
    # The audit log (functions/uppsikt/audit/): its table, signing key and checkpoint bucket.
    audit_table: str
    audit_key_id: str
    checkpoint_bucket: str
    alerts_topic_arn: str
    meta_secret_name: str
    pseudonym_secret_name: str
    # X (optional): the app's consumer secret; which accounts are monitored is the registry's.
    x_secret_name: str | None = None
    # LinkedIn (optional): the app's client secret signs challenges and deliveries.
    linkedin_secret_name: str | None = None
    # Where the platforms reach this deployment's API (for WebSub callbacks); empty: not renewed.
    public_base_url: str | None = None
    websub_hub_url: str = "https://pubsubhubbub.appspot.com/subscribe"
    # The review API (functions/review_app.py): its user pool, app client and history table.
    user_pool_id: str | None = None
    user_pool_client_id: str | None = None
    review_table: str | None = None
    # The notifier (issue 11): its table and queues; the SES identity e-mail recipients get mail
    # from (empty: no SES e-mail). Optional, so functions that do not notify start without them.
    notify_table: str | None = None
    notify_queue_url: str | None = None
    notify_dlq_url: str | None = None
    notify_sender: str | None = None
    # Webhooks over plain http to a loopback receiver: only the embedded AWS sets this.
    notify_allow_loopback_http: bool = False
    max_receive_count: int = Field(default=5, ge=1, le=1000)
    policy_max_age_seconds: float = Field(default=60.0, ge=0)
    secret_max_age_seconds: int = Field(default=300, ge=0)


def _empty_is_unset(values: dict[str, str]) -> dict[str, str | None]:
    # CloudFormation cannot leave a variable out, only empty: an empty optional setting is unset.
    optional = {n for n, info in Settings.model_fields.items() if not info.is_required()}
    return {k: (None if v == "" and k in optional else v) for k, v in values.items()}


def required_variables() -> tuple[str, ...]:
    """The environment variables a function cannot start without (infra must set each one)."""
    return tuple(
        ENV_PREFIX + name.upper()
        for name, info in Settings.model_fields.items()
        if info.is_required()
    )


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    environ = os.environ if environ is None else environ
    values = {
        name: environ[ENV_PREFIX + name.upper()]
        for name in Settings.model_fields
        if ENV_PREFIX + name.upper() in environ
    }
    try:
        return Settings.model_validate(_empty_is_unset(values))
    except ValidationError as exc:
        missing = [
            ENV_PREFIX + str(err["loc"][0]).upper()
            for err in exc.errors(include_input=False)
            if err["type"] == "missing"
        ]
        invalid = [
            f"{ENV_PREFIX}{str(err['loc'][0]).upper()} ({err['msg']})"
            for err in exc.errors(include_input=False)
            if err["type"] != "missing"
        ]
        parts = []
        if missing:
            parts.append("missing environment variables: " + ", ".join(missing))
        if invalid:
            parts.append("invalid: " + ", ".join(invalid))
        raise ConfigurationError("; ".join(parts)) from exc
