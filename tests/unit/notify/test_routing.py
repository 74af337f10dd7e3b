"""Who hears what when: severity, quiet hours, the digest time in the organisation's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from uppsikt.model.verdict import Severity
from uppsikt.notify.incoming import Incoming
from uppsikt.notify.routing import Defer, SendNow, Skip, decide, due_hour, next_digest
from uppsikt.notify.subscriptions import QuietHours, Recipient

NIGHT = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 23:30 in Stockholm
DAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # 11:00 in Stockholm


def recipient(**overrides: Any) -> Recipient:
    fields: dict[str, Any] = {
        "recipient_id": "officer",
        "org_id": "seko",
        "channel": "email",
        "email": "officer@seko.example",
        "quiet_hours": QuietHours.parse("22:00-07:00"),
        "flags_from": Severity.ADVISORY,
    }
    return Recipient(**(fields | overrides))


def flag(severity: Severity, org_id: str = "seko") -> Incoming:
    return Incoming(
        kind="flag",
        type="flag",
        ref="F-1",
        org_id=org_id,
        severity=severity,
        received_at=NIGHT,
        body={},
    )


def alert(severity: Severity) -> Incoming:
    return flag(severity).model_copy(update={"kind": "alert", "type": "clock.at_risk"})


def test_a_legal_flag_goes_out_at_once_even_in_quiet_hours() -> None:
    assert decide(flag(Severity.LEGAL), recipient(), NIGHT) == SendNow()


def test_a_mandatory_flag_in_quiet_hours_waits_for_their_end_in_local_time() -> None:
    decision = decide(flag(Severity.MANDATORY), recipient(), NIGHT)
    # 07:00 in Stockholm (CET) is 06:00 UTC the next morning.
    assert decision == Defer(datetime(2026, 12, 2, 6, 0, tzinfo=UTC), "quiet")


def test_a_mandatory_flag_outside_quiet_hours_goes_out_at_once() -> None:
    assert decide(flag(Severity.MANDATORY), recipient(), DAY) == SendNow()


def test_an_advisory_flag_goes_into_the_next_digest_at_eight_local_time() -> None:
    decision = decide(flag(Severity.ADVISORY), recipient(), DAY)
    assert decision == Defer(datetime(2026, 12, 2, 7, 0, tzinfo=UTC), "digest")


def test_the_digest_stays_at_eight_local_time_across_the_change_to_summer_time() -> None:
    oslo = recipient(time_zone="Europe/Oslo")
    # Saturday 28 March 2026, 09:00 CET: the next digest is Sunday 08:00 CEST (06:00 UTC).
    assert next_digest(oslo, datetime(2026, 3, 28, 8, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 6, 0, tzinfo=UTC
    )


def test_a_digest_time_later_today_is_today() -> None:
    early = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 06:00 in Stockholm
    assert next_digest(recipient(), early) == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("who", "message", "why"),
    [
        (recipient(flags_from=Severity.LEGAL), flag(Severity.MANDATORY), "flag severity"),
        (recipient(flags_from=None), flag(Severity.LEGAL), "flag severity"),
        (recipient(alerts=False), alert(Severity.LEGAL), "no alerts"),
        (recipient(digest=False), flag(Severity.ADVISORY), "no digest"),
        (recipient(), flag(Severity.LEGAL, org_id="kommunal"), "another organisation"),
    ],
)
def test_a_recipient_gets_only_what_it_asked_for(
    who: Recipient, message: Incoming, why: str
) -> None:
    decision = decide(message, who, DAY)
    assert isinstance(decision, Skip)
    assert why in decision.why


def test_a_clock_reminder_is_an_alert_that_respects_quiet_hours() -> None:
    assert decide(alert(Severity.MANDATORY), recipient(), NIGHT) == Defer(
        datetime(2026, 12, 2, 6, 0, tzinfo=UTC), "quiet"
    )
    assert decide(alert(Severity.MANDATORY), recipient(), DAY) == SendNow()


def test_quiet_hours_within_one_day_and_over_midnight() -> None:
    lunch = QuietHours.parse("12:00-13:00")
    night = QuietHours.parse("22:00-07:00")
    assert lunch.contains(datetime(2026, 1, 1, 12, 30).time())
    assert not lunch.contains(datetime(2026, 1, 1, 13, 0).time())
    assert night.contains(datetime(2026, 1, 1, 23, 0).time())
    assert night.contains(datetime(2026, 1, 1, 6, 59).time())
    assert not night.contains(datetime(2026, 1, 1, 7, 0).time())


def test_a_due_time_is_kept_under_its_hour_rounded_up() -> None:
    assert due_hour(datetime(2026, 12, 1, 7, 0, tzinfo=UTC)) == datetime(2026, 12, 1, 7, tzinfo=UTC)
    assert due_hour(datetime(2026, 12, 1, 7, 30, tzinfo=UTC)) == datetime(
        2026, 12, 1, 8, tzinfo=UTC
    )


def test_a_webhook_recipient_names_a_secret_and_an_email_recipient_an_address() -> None:
    with pytest.raises(ValueError, match="secret under uppsikt/notify/"):
        Recipient(recipient_id="s", org_id="seko", channel="slack", secret_name="other/x")
    with pytest.raises(ValueError, match="needs an address"):
        Recipient(recipient_id="e", org_id="seko", channel="email")
    with pytest.raises(ValueError, match="HH:MM"):
        QuietHours.parse("22-07")
