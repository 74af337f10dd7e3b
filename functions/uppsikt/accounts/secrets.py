"""What an account's secret in Secrets Manager is named and may hold. The registry checks the
names; `uppsikt accounts set-secret` (operations) checks the keys before it writes."""

from __future__ import annotations

ACCOUNT_SECRET_PREFIX = "uppsikt/accounts/"  # noqa: S105 (a name prefix; IAM allows only these)

# What each platform's account secret holds: webhooks' signing secrets and pollers' credentials.
ACCOUNT_SECRET_KEYS: dict[str, frozenset[str]] = {
    "facebook": frozenset({"access_token"}),
    "instagram": frozenset({"access_token"}),
    "x": frozenset({"bearer_token"}),
    "linkedin": frozenset({"access_token"}),
    "youtube": frozenset({"websub_secret", "api_key", "access_token"}),
    "mastodon": frozenset({"webhook_secret", "access_token"}),
    "bluesky": frozenset({"identifier", "app_password"}),
}

# Each account secret is tagged with its platform: the webhook function's role reads only the
# secrets of the platforms whose webhook routes name their account (infra/functions.yaml).
PLATFORM_TAG = "uppsikt-platform"
