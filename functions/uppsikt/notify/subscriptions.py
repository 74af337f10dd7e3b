"""Who hears about what: one recipient of an organisation, its channel and its preferences.

A recipient is a channel (an e-mail address sent through SES, or a Slack or Teams webhook whose
URL lives in Secrets Manager under `uppsikt/notify/<org>/<recipient>`: the URL is a bearer
credential, so the row only names the secret), a language, and what it gets:

- `flags_from`: the least severity of flag it hears about (None: no flags). Legal and mandatory
  flags go out at once; advisory ones only in the daily digest.
- `alerts`: operational alerts (clocks at risk, breached, escalated; deadlines; supervision lag;
  holds due for review; data-subject requests due).
- `digest`: the daily digest, at `digest_at` in the organisation's time zone.
- `quiet_hours`: local hours in which only legal severity interrupts; the rest waits for the end
  of the quiet hours (never dropped).

Times are local to the organisation (its `time_zone` in the registry), so a digest at 08:00 stays
at 08:00 across daylight saving time.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)

from uppsikt.model.verdict import Severity
from uppsikt.notify.labels import OfficerLang

Channel = Literal["email", "slack", "teams"]
CHANNELS: tuple[Channel, ...] = ("email", "slack", "teams")
SECRET_PREFIX = "uppsikt/notify/"  # noqa: S105 (a name prefix, not a secret)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Deliberately loose: SES decides deliverability; this only refuses what is plainly not an address.
_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _hh_mm(value: object) -> object:
    if isinstance(value, str):
        if not _CLOCK.match(value):
            raise ValueError("write the time as HH:MM, e.g. 08:00")
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    return value


class QuietHours(BaseModel):
    """Local hours from `start` to `end`; may run over midnight (22:00-07:00)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    start: time
    end: time

    _times = field_validator("start", "end", mode="before")(classmethod(lambda cls, v: _hh_mm(v)))

    @field_serializer("start", "end")
    def _as_hh_mm(self, value: time) -> str:
        return value.strftime("%H:%M")

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """`22:00-07:00`."""
        start, sep, end = text.partition("-")
        if not sep:
            raise ValueError("quiet hours: write them as HH:MM-HH:MM, e.g. 22:00-07:00")
        return cls(start=start.strip(), end=end.strip())  # type: ignore[arg-type]

    def contains(self, local: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end

    def ends_after(self, local: datetime) -> datetime:
        """When the quiet hours that `local` falls in end (a local, zone-aware time)."""
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        return end if end > local else end + timedelta(days=1)


class Recipient(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    recipient_id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    org_id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", max_length=40)
    channel: Channel
    email: str | None = None  # e-mail only
    secret_name: str | None = None  # Slack and Teams: the secret holding the webhook URL
    lang: OfficerLang = "en"
    flags_from: Severity | None = Severity.MANDATORY
    alerts: bool = True
    digest: bool = True
    quiet_hours: QuietHours | None = None
    digest_at: time = time(8, 0)
    time_zone: str = "Europe/Stockholm"  # the organisation's, copied when the recipient is added

    _digest_time = field_validator("digest_at", mode="before")(
        classmethod(lambda cls, v: _hh_mm(v))
    )

    @field_serializer("digest_at")
    def _digest_hh_mm(self, value: time) -> str:
        return value.strftime("%H:%M")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone
        return value

    @model_validator(mode="after")
    def _channel_fields(self) -> Recipient:
        if self.channel == "email":
            if not self.email or not _ADDRESS.match(self.email) or self.secret_name:
                raise ValueError("an e-mail recipient needs an address and no webhook secret")
        elif not self.secret_name or not self.secret_name.startswith(SECRET_PREFIX):
            raise ValueError(f"a webhook recipient needs a secret under {SECRET_PREFIX}")
        elif self.email:
            raise ValueError("a webhook recipient has no e-mail address")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def describe(self) -> str:
        """For listings: the channel and where, never a webhook URL."""
        where = self.email if self.channel == "email" else f"secret {self.secret_name}"
        return f"{self.channel} ({where})"


def webhook_secret_name(org_id: str, recipient_id: str) -> str:
    return f"{SECRET_PREFIX}{org_id}/{recipient_id}"
