"""What reaches the notifier's queue, parsed at the edge.

Both topics deliver raw (no SNS envelope) to one queue:

- a flag from the FlagsTopic: evaluation's JSON (`flag_id`, `org_id`, `severity`, `kinds`,
  `rules`, `platform`, `account_id`, `object_kind`, `policy_version`, a masked `excerpt`);
- an alert from the AlertsTopic: JSON with a `type` (`clock.at_risk`, `clock.breached`,
  `clock.escalated`, `deadline.due`, `supervision.lag`, `hold.review_due`, `dsr.due`, ...),
  `org_id`, `severity` and masked fields only. Older operational alerts (ingest's quarantine
  alerts) carry no type: they are `operational`.

An alert's severity that is not one of ours is read as mandatory: an unknown word must not
silence an alert nor wake anyone in the night. Only the fields in `SAFE_FIELDS` are ever shown,
each checked against what it may hold (`safe_value`): an alert is data from another module, and
a field we do not know could hold anything.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from uppsikt.model.verdict import Severity
from uppsikt.notify.text import one_line, truncate
from uppsikt.privacy.masking import masked_excerpt

Kind = Literal["flag", "alert"]
# Alert fields shown to people, each by what it may hold: ids of our own records and of the
# organisation's own accounts, codes, times and counts. Never free text.
_ID = re.compile(r"^(?:[a-z0-9][a-z0-9._:#-]{0,119}|[A-Z]{1,3}-[A-Za-z0-9_-]{1,80})$")
_CODE = re.compile(r"^[a-z0-9_.:, -]{1,120}$")
ID_FIELDS = ("account_id", "clock_id", "flag_id", "hold_id", "request_id")
CODE_FIELDS = ("platform", "state", "reason", "object_kind", "policy_id", "policy_version")
TIME_FIELDS = ("due_at", "breached_at", "deadline")
NUMBER_FIELDS = ("lag_minutes", "count", "target_minutes", "hours")
SAFE_FIELDS = ID_FIELDS + CODE_FIELDS + TIME_FIELDS + NUMBER_FIELDS


class NotAMessage(ValueError):
    """The body is not a flag or an alert we can read (names the problem, never a value)."""


class ForTheOperator(NotAMessage):
    """An alert of no organisation (a delivery for an account nobody registered, a poller that
    failed): it is the operator's, who gets it from the alerts topic's own e-mail subscription
    (`AlertEmail`), not any organisation's officers."""


class Incoming(BaseModel):
    """One flag or alert, reduced to what may be shown."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Kind
    type: str  # "flag" for flags; the alert's type (a code) otherwise
    ref: str  # the flag id, or a digest of an alert's body: the same message, the same ref
    org_id: str
    severity: Severity
    received_at: datetime
    body: dict[str, Any]  # the flag's fields, or the alert's safe fields

    def as_json(self) -> str:
        return self.model_dump_json()


def safe_value(key: str, value: object) -> str | None:
    """A field's value fit for a message, by what the field may hold; None when it does not
    look like that (the value is then left out, never shown in part)."""
    if isinstance(value, bool) or value is None:
        return None
    if key in NUMBER_FIELDS:
        return str(value) if isinstance(value, int | float) else None
    if key in TIME_FIELDS:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None
        return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = str(value)
    if key in ID_FIELDS:
        return text if _ID.match(text) else None
    if key in CODE_FIELDS:
        return text if _CODE.match(text) else None
    return None


def _severity(value: object) -> Severity:
    return Severity(value) if value in {s.value for s in Severity} else Severity.MANDATORY


def parse(body: str, attributes: Mapping[str, str], received_at: datetime) -> Incoming:
    """An SQS body (raw SNS delivery) and its message attributes as an `Incoming`."""
    try:
        data = json.loads(body)
    except ValueError:
        raise NotAMessage("body: not JSON") from None
    if not isinstance(data, dict):
        raise NotAMessage("body: not a JSON object")
    org_id = data.get("org_id") or attributes.get("org_id")
    if org_id is None and "flag_id" not in data:
        raise ForTheOperator("org_id: none (an operator's alert)")
    if not isinstance(org_id, str) or not re.match(r"^[a-z0-9][a-z0-9\-]{0,39}$", org_id):
        raise NotAMessage("org_id: missing or not an organisation id")
    alert_type = data.get("type") or attributes.get("type")
    if alert_type is None and "flag_id" in data and "kinds" in data:
        return _flag(data, org_id, received_at)
    kind = alert_type if isinstance(alert_type, str) and _CODE.match(alert_type) else None
    fields = {k: v for k in SAFE_FIELDS if (v := safe_value(k, data.get(k))) is not None}
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:24]
    return Incoming(
        kind="alert",
        type=kind or "operational",
        ref=f"A-{digest}",
        org_id=org_id,
        severity=_severity(data.get("severity") or attributes.get("severity")),
        received_at=received_at,
        body=fields,
    )


def _flag(data: dict[str, Any], org_id: str, received_at: datetime) -> Incoming:
    flag_id = data.get("flag_id")
    if not isinstance(flag_id, str) or not _ID.match(flag_id):
        raise NotAMessage("flag_id: not a flag id")
    severity = data.get("severity")
    if severity not in {s.value for s in Severity}:
        raise NotAMessage("severity: not a severity")
    codes = {
        key: [str(v) for v in data.get(key) or [] if isinstance(v, str)]
        for key in ("kinds", "rules")
    }
    excerpt = data.get("excerpt")
    # Masked by evaluation already; hidden again here, so a publisher that forgot cannot leak.
    text = one_line(excerpt) if isinstance(excerpt, str) else ""
    masked = masked_excerpt(text, [], width=len(text), names="hide") if text else ""
    body = {
        "flag_id": flag_id,
        **codes,
        **{
            key: safe_value(key, data.get(key)) or ""
            for key in ("platform", "account_id", "object_kind", "policy_id", "policy_version")
        },
        "excerpt": truncate(masked, 1500),
    }
    return Incoming(
        kind="flag",
        type="flag",
        ref=flag_id,
        org_id=org_id,
        severity=Severity(severity),
        received_at=received_at,
        body=body,
    )
