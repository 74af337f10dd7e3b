"""WebSub verification of intent and lease renewal (platforms.md §3.1, W3C WebSub §5.3).

After we ask the hub to subscribe or unsubscribe, it calls the callback with
`GET ?hub.mode=subscribe|unsubscribe&hub.topic=…&hub.challenge=…[&hub.lease_seconds=…]`. We
confirm by answering 2xx with the challenge as the whole body (`text/plain`), and refuse with
**404**, which is what WebSub asks for.

Errors, for the caller:
- `BadHandshake`: the request is not a verification of intent (no challenge, or a mode other
  than subscribe/unsubscribe, such as a hub's `denied` notice). The API answers 400.
- `NotSubscribed`: a well-formed request for a subscription we did not ask for. Its status is
  404, which a hub reads as "the subscriber does not want this".
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import datetime, timedelta

from uppsikt.platforms.errors import BadHandshake, NotSubscribed

HUB = "https://pubsubhubbub.appspot.com/subscribe"
MODES = frozenset({"subscribe", "unsubscribe"})
# Hubs choose their own challenge alphabet (some use punctuation), so accept any visible ASCII
# rather than fail verification; whitespace, control and non-ASCII characters are refused. The
# route must send it as text/plain.
_CHALLENGE = re.compile(r"[\x21-\x7e]{1,1024}")
_LEASE = re.compile(r"[0-9]{1,10}")

DEFAULT_RENEWAL_MARGIN = timedelta(days=1)
_RENEW_AT_FRACTION = 0.8
_EARLIEST_FRACTION = 0.5


def topic_for(channel_id: str) -> str:
    """The topic to subscribe to for a channel's uploads (the `/xml/` path, as Google documents
    and as the feed's own `rel="self"` link gives it)."""
    return f"https://www.youtube.com/xml/feeds/videos.xml?channel_id={channel_id}"


def _param(query: Mapping[str, str], name: str) -> str | None:
    # Accept the `hub_…` spelling that some frameworks turn the dots into, as for Meta.
    value = query.get(f"hub.{name}")
    return value if value is not None else query.get(f"hub_{name}")


def verify_intent(
    query: Mapping[str, str] | None,
    *,
    expected_topics: Collection[str],
    pending_unsubscribes: Collection[str] = (),
) -> tuple[str, int | None]:
    """Return `(challenge to echo, lease seconds or None)` for a verification we asked for.

    A subscription is confirmed only for a topic in `expected_topics` (compared exactly, as we
    sent it). An unsubscription is confirmed only for a topic in `pending_unsubscribes`: WebSub
    verifies intent so that nobody else can unsubscribe us, so confirming every unsubscribe for a
    topic we hold would defeat it. By default no unsubscription is confirmed.
    """
    query = query or {}
    mode, topic, challenge = (_param(query, n) for n in ("mode", "topic", "challenge"))
    if mode not in MODES:
        raise BadHandshake("expected hub.mode=subscribe or unsubscribe")
    if challenge is None or not _CHALLENGE.fullmatch(challenge):
        raise BadHandshake("hub.challenge is missing or not a printable token")
    if not topic:
        raise BadHandshake("hub.topic is missing")
    lease = _lease(_param(query, "lease_seconds"))
    wanted = expected_topics if mode == "subscribe" else pending_unsubscribes
    if topic not in wanted:
        raise NotSubscribed(f"we did not ask to {mode} to this hub.topic")
    return challenge, lease if mode == "subscribe" else None


def _lease(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not _LEASE.fullmatch(value):
        raise BadHandshake("hub.lease_seconds is not a whole number of seconds")
    return int(value)


def lease_renewal_due(
    subscribed_at: datetime,
    lease_seconds: int,
    now: datetime,
    margin: timedelta = DEFAULT_RENEWAL_MARGIN,
) -> bool:
    """Whether to resubscribe now: at 80% of the lease or `margin` before it ends, whichever is
    earlier, but never before half the lease has run (with a lease shorter than twice the
    margin, "a day before" would otherwise mean "at once, on every run").

    The hub has no permanent subscriptions; a lease of 0 or less is treated as already due.
    Times must carry a timezone.
    """
    if subscribed_at.utcoffset() is None or now.utcoffset() is None:
        raise ValueError("subscribed_at and now must be timezone-aware")
    if margin < timedelta(0):
        raise ValueError("margin must not be negative")
    if lease_seconds <= 0:
        return True
    lease = timedelta(seconds=lease_seconds)
    renew_after = min(lease * _RENEW_AT_FRACTION, lease - margin)
    renew_after = max(renew_after, lease * _EARLIEST_FRACTION)
    return now >= subscribed_at + renew_after
