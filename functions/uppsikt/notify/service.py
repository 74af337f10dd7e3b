"""The notifier: flags and alerts in, one message per recipient out, now or at its time.

`Notifier.handle` takes one queued flag or alert: for each of the organisation's recipients it
decides (`routing.decide`) to send now, to keep it for later (the digest, or the end of quiet
hours), or not to send (the recipient's own choice). `Notifier.tick` runs every hour: it reads the
deferred messages that fell due in the last day's hour buckets (a query per hour, never a scan),
sends each recipient one digest and what waited out its quiet hours, and removes what it sent.

Nothing is dropped silently. Every delivery is recorded (`SentLog`, class `notification`), which
also makes a redelivered queue message do nothing twice. A delivery that fails after its retries
(`deliver.WebhookDelivery`: backoff, `Retry-After`) goes to the notifier's dead-letter queue with
its reason, which names the recipient, the channel and the failure, never a URL or content.
Sends to one webhook or address are paced to the channel's documented rate (`MIN_INTERVAL`).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from uppsikt.notify import cards
from uppsikt.notify.deliver import Delivered, DeliveryFailed
from uppsikt.notify.incoming import Incoming
from uppsikt.notify.labels import officer_lang
from uppsikt.notify.mail import Email, email_message
from uppsikt.notify.message import Notice
from uppsikt.notify.routing import Defer, Reason, SendNow, decide, due_hour
from uppsikt.notify.slack import slack_message
from uppsikt.notify.subscriptions import Channel, Recipient
from uppsikt.notify.teams import teams_message
from uppsikt.observability import metrics

logger = logging.getLogger("uppsikt.notify")

# Seconds between two messages to the same webhook or address: Slack about 1 per second per
# webhook, Teams Workflows at most 4 per second, SES's sandbox rate 1 per second.
MIN_INTERVAL: dict[Channel, float] = {"slack": 1.0, "teams": 0.25, "email": 1.0}
LOOKBACK_HOURS = 24  # a missed tick is caught up by the next ones, for a day


@dataclass(frozen=True)
class Deferred:
    hour: datetime
    recipient_id: str
    org_id: str
    reason: Reason
    message: Incoming


class Recipients(Protocol):
    def of_org(self, org_id: str) -> list[Recipient]: ...

    def get(self, org_id: str, recipient_id: str) -> Recipient | None: ...


class Outbox(Protocol):
    def defer(self, item: Deferred, now: datetime) -> None: ...

    def due(self, hour: datetime) -> list[Deferred]: ...

    def remove(self, item: Deferred) -> None: ...


class SentLog(Protocol):
    def was_sent(self, ref: str, recipient_id: str) -> bool: ...

    def record(
        self, ref: str, recipient: Recipient, outcome: Delivered | DeliveryFailed, now: datetime
    ) -> None: ...


class Webhooks(Protocol):
    def deliver(
        self, channel: Literal["slack", "teams"], secret_name: str, payload: Any, *, ref: str
    ) -> Delivered | DeliveryFailed: ...


class Mailer(Protocol):
    def send(self, address: str, email: Email, *, ref: str) -> Delivered | DeliveryFailed: ...


class DeadLetters(Protocol):
    def send(
        self, body: str, *, message_id: str, reason: str, attempts: int, permanent: bool
    ) -> None: ...


@dataclass
class Pacer:
    """At most one message per `MIN_INTERVAL[channel]` to the same destination."""

    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict)

    def wait(self, channel: Channel, destination: str) -> None:
        last = self._last.get(destination)
        if last is not None:
            wait = MIN_INTERVAL[channel] - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)
        self._last[destination] = self.clock()


@dataclass(frozen=True)
class Outcome:
    sent: int = 0
    deferred: int = 0
    skipped: int = 0
    dead_lettered: int = 0

    def __add__(self, other: Outcome) -> Outcome:
        return Outcome(
            self.sent + other.sent,
            self.deferred + other.deferred,
            self.skipped + other.skipped,
            self.dead_lettered + other.dead_lettered,
        )

    def as_dict(self) -> dict[str, int]:
        return {
            "sent": self.sent,
            "deferred": self.deferred,
            "skipped": self.skipped,
            "dead_lettered": self.dead_lettered,
        }


def notice_from(message: Incoming, lang: str | None, base: str) -> Notice:
    """A queued flag as the notice the flag formats lay out."""
    body = message.body
    return Notice(
        flag_id=message.ref,
        org_id=message.org_id,
        organisation=message.org_id,
        severity=message.severity,
        kinds=tuple(body.get("kinds", ())),
        rule_ids=tuple(body.get("rules", ())),
        platform=body.get("platform", ""),
        account_id=body.get("account_id", ""),
        object_kind=body.get("object_kind", ""),
        policy_id=body.get("policy_id", ""),
        policy_version=body.get("policy_version", ""),
        excerpt=body.get("excerpt", ""),
        link=cards.console_url(base, message.org_id, "flags", message.ref),
        lang=officer_lang(lang),
        created_at=message.received_at,
        retention_class="notification",
    )


class Notifier:
    def __init__(
        self,
        *,
        recipients: Recipients,
        outbox: Outbox,
        sent: SentLog,
        webhooks: Webhooks,
        mailer: Mailer,
        dead_letters: DeadLetters,
        public_base_url: str,
        pacer: Pacer | None = None,
    ) -> None:
        self.recipients = recipients
        self.outbox = outbox
        self.sent = sent
        self.webhooks = webhooks
        self.mailer = mailer
        self.dead_letters = dead_letters
        self.base = public_base_url
        self.pacer = pacer or Pacer()

    # --- immediate ---------------------------------------------------------------------------
    def handle(self, message: Incoming, now: datetime) -> Outcome:
        outcome = Outcome()
        for recipient in self.recipients.of_org(message.org_id):
            decision = decide(message, recipient, now)
            if isinstance(decision, SendNow):
                outcome += self._send_once(message, recipient, now)
            elif isinstance(decision, Defer):
                item = Deferred(
                    due_hour(decision.until),
                    recipient.recipient_id,
                    recipient.org_id,
                    decision.reason,
                    message,
                )
                self.outbox.defer(item, now)
                outcome += Outcome(deferred=1)
            else:
                logger.info(
                    "not for this recipient",
                    extra={"ref": message.ref, "recipient": recipient.recipient_id},
                )
                outcome += Outcome(skipped=1)
        return outcome

    def _send_once(self, message: Incoming, recipient: Recipient, now: datetime) -> Outcome:
        if self.sent.was_sent(message.ref, recipient.recipient_id):
            return Outcome(skipped=1)  # a redelivery of a message already handled
        rendered = self._render(message, recipient)
        return self._send(recipient, rendered, message.ref, message.as_json(), now)

    def _render(self, message: Incoming, recipient: Recipient) -> dict[str, Any] | Email:
        lang = recipient.lang
        if message.kind == "flag":
            notice = notice_from(message, lang, self.base)
            if recipient.channel == "slack":
                return slack_message(notice)
            if recipient.channel == "teams":
                return teams_message(notice)
            return email_message(notice)
        return _layout(recipient.channel, cards.alert_card(message, lang, self.base))

    def _send(
        self,
        recipient: Recipient,
        rendered: dict[str, Any] | Email,
        ref: str,
        body: str,
        now: datetime,
    ) -> Outcome:
        outcome = self.deliver(recipient, rendered, ref)
        self.sent.record(ref, recipient, outcome, now)
        if isinstance(outcome, Delivered):
            return Outcome(sent=1)
        self.dead_letters.send(
            json.dumps({"recipient_id": recipient.recipient_id, "message": json.loads(body)}),
            message_id=ref,
            reason=f"recipient {recipient.recipient_id}: {outcome.reason}",
            attempts=outcome.attempts,
            permanent=outcome.permanent,
        )
        metrics.count("DeadLetterSends", queue="notify")
        return Outcome(dead_lettered=1)

    def deliver(
        self, recipient: Recipient, rendered: dict[str, Any] | Email, ref: str
    ) -> Delivered | DeliveryFailed:
        if recipient.channel == "email":
            assert recipient.email is not None
            assert isinstance(rendered, Email)
            self.pacer.wait("email", recipient.email)
            return self.mailer.send(recipient.email, rendered, ref=ref)
        assert recipient.secret_name is not None
        assert isinstance(rendered, dict)
        self.pacer.wait(recipient.channel, recipient.secret_name)
        return self.webhooks.deliver(recipient.channel, recipient.secret_name, rendered, ref=ref)

    # --- scheduled -------------------------------------------------------------------------------
    def tick(self, now: datetime) -> Outcome:
        """Send what fell due in the last `LOOKBACK_HOURS` hour buckets up to `now`."""
        current = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        due: list[Deferred] = []
        for back in range(LOOKBACK_HOURS, -1, -1):
            due += self.outbox.due(current - timedelta(hours=back))
        by_recipient: dict[tuple[str, str], list[Deferred]] = {}
        for item in due:
            by_recipient.setdefault((item.org_id, item.recipient_id), []).append(item)
        outcome = Outcome()
        for (org_id, recipient_id), items in sorted(by_recipient.items()):
            recipient = self.recipients.get(org_id, recipient_id)
            if recipient is None:
                # Removed since: its deferred messages go with it (said in the log, by count).
                logger.info(
                    "recipient removed; its deferred messages discarded",
                    extra={"recipient": recipient_id, "count": len(items)},
                )
                self._remove(items)
                continue
            outcome += self._send_due(recipient, items, now)
        return outcome

    def _send_due(self, recipient: Recipient, items: list[Deferred], now: datetime) -> Outcome:
        outcome = Outcome()
        waited = [i for i in items if i.reason == "quiet"]
        for item in waited:
            outcome += self._send_once(item.message, recipient, now)
            self.outbox.remove(item)
        digest = [i for i in items if i.reason == "digest"]
        if digest:
            day = now.astimezone(recipient.zone)
            # One digest per recipient and tick hour: a redelivered tick sends it once.
            ref = f"D-{recipient.recipient_id}-{now.astimezone(UTC):%Y%m%dT%H}"
            messages = _unique(i.message for i in digest)
            card = cards.digest_card(recipient.org_id, messages, recipient.lang, self.base, day)
            body = json.dumps({"digest": [m.ref for m in messages]})
            if not self.sent.was_sent(ref, recipient.recipient_id):
                outcome += self._send(recipient, _layout(recipient.channel, card), ref, body, now)
            self._remove(digest)
        return outcome

    def _remove(self, items: Iterable[Deferred]) -> None:
        for item in items:
            self.outbox.remove(item)

    def send_test(self, recipient: Recipient) -> Delivered | DeliveryFailed:
        """`uppsikt notify test`: one test message through the recipient's channel."""
        card = cards.card_for_test(recipient.org_id, recipient.lang, self.base or None)
        return self.deliver(recipient, _layout(recipient.channel, card), "test")


def _unique(messages: Iterable[Incoming]) -> list[Incoming]:
    return list({m.ref: m for m in messages}.values())


def _layout(channel: Channel, card: cards.Card) -> dict[str, Any] | Email:
    if channel == "slack":
        return cards.slack_card(card)
    if channel == "teams":
        return cards.teams_card(card)
    return cards.email_card(card)
