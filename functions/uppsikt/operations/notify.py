"""Setting up who is notified: add, list, remove and test recipients (`uppsikt notify ...`).

A Slack or Teams recipient's webhook URL goes into its own secret (`uppsikt/notify/<org>/<id>`)
and nowhere else: the table row names the secret, and nothing here prints or logs the URL.
"""

from __future__ import annotations

import re
import secrets as random
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from uppsikt.adapters.notify import NotifyTable, put_webhook_secret
from uppsikt.notify.deliver import Delivered, DeliveryFailed, check_webhook_url
from uppsikt.notify.errors import NotAWebhookUrl
from uppsikt.notify.subscriptions import Channel, Recipient, webhook_secret_name

if TYPE_CHECKING:
    from uppsikt.runtime import Runtime


class SetupError(ValueError):
    """The recipient cannot be added as asked (names the problem, never a URL)."""


def _table(rt: Runtime) -> NotifyTable:
    if not rt.settings.notify_table:
        raise SetupError("UPPSIKT_NOTIFY_TABLE is not set: deploy the notifier first")
    return NotifyTable(rt.dynamodb, rt.settings.notify_table)


def add_recipient(
    rt: Runtime,
    org_id: str,
    channel: Channel,
    *,
    email: str | None = None,
    webhook_url: str | None = None,
    recipient_id: str | None = None,
    now: datetime | None = None,
    **preferences: Any,
) -> Recipient:
    """Validate, store the webhook secret (Slack, Teams) and the recipient row."""
    now = now or datetime.now(UTC)
    org = rt.registry.current().organisation(org_id)
    if org is None:
        raise SetupError("the id given is not an organisation in the published registry")
    recipient_id = recipient_id or f"{channel}-{random.token_hex(3)}"
    secret_name = None
    if channel in ("slack", "teams"):
        if not webhook_url:
            raise SetupError("a Slack or Teams recipient needs its webhook URL (on stdin)")
        try:
            check_webhook_url(
                webhook_url, allow_loopback_http=rt.settings.notify_allow_loopback_http
            )
        except NotAWebhookUrl as exc:
            raise SetupError(str(exc)) from None
        secret_name = webhook_secret_name(org_id, recipient_id)
    try:
        recipient = Recipient(
            recipient_id=recipient_id,
            org_id=org_id,
            channel=channel,
            email=email,
            secret_name=secret_name,
            time_zone=org.time_zone,
            **preferences,
        )
    except ValueError as exc:
        # Pydantic's message names fields; the input (perhaps a URL) is not repeated.
        raise SetupError(_problems(exc)) from None
    if secret_name and webhook_url:
        put_webhook_secret(rt.secretsmanager, secret_name, webhook_url)
    _table(rt).put(recipient, now)
    return recipient


def _problems(exc: ValueError) -> str:
    from pydantic import ValidationError

    if isinstance(exc, ValidationError):
        return "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'recipient'}: {e['msg']}"
            for e in exc.errors(include_input=False, include_url=False)
        )
    return re.sub(r"https?://\S+", "[url]", str(exc))


def list_recipients(rt: Runtime, org_id: str) -> list[Recipient]:
    return _table(rt).of_org(org_id)


def remove_recipient(rt: Runtime, org_id: str, recipient_id: str) -> bool:
    table = _table(rt)
    recipient = table.get(org_id, recipient_id)
    if recipient is None:
        return False
    if recipient.secret_name:
        rt.secretsmanager.delete_secret(SecretId=recipient.secret_name, RecoveryWindowInDays=7)
    return table.remove(org_id, recipient_id)


def send_test_messages(
    rt: Runtime, org_id: str, recipient_id: str | None = None
) -> list[tuple[Recipient, Delivered | DeliveryFailed]]:
    """One test message through each recipient's channel (or the one named)."""
    recipients = [r for r in list_recipients(rt, org_id) if recipient_id in (None, r.recipient_id)]
    notifier = rt.notifier
    return [(r, notifier.send_test(r)) for r in recipients]
