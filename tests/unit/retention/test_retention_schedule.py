"""The retention schedule: validated data, each organisation's terms, and one expiry function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from support.paths import REPO
from support.tenancy import organisation
from uppsikt.adapters.s3 import RawDeliveries, Unclassified
from uppsikt.retention.schedule import (
    REGULATION_ROWS,
    SHIPPED,
    Action,
    Disposition,
    Override,
    ScheduleInvalid,
    StartEvent,
    as_json,
    dispose,
    governing,
    load,
    parse,
    shipped,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
SCHEDULE = shipped()
YAML = REPO / "policies" / "retention" / "schedule.yaml"


def test_the_functions_copy_of_the_schedule_is_the_yaml_file() -> None:
    assert SHIPPED.read_text() == as_json(load(YAML)), "run `uppsikt retention schedule --write`"


def test_every_row_of_the_regulations_schedule_has_a_class() -> None:
    assert SCHEDULE.rows() == REGULATION_ROWS


@pytest.mark.parametrize(
    "name",
    [
        "raw_delivery",
        "quarantined_body",
        "poll_answer",
        "idempotency_record",
        "poll_ledger",
        "poll_cursor",
        "lookup_reference",
        "websub_lease",
        "pseudonym_key",
        "notification",
    ],
)
def test_uppsikts_own_operational_data_has_a_class_with_its_legal_basis(name: str) -> None:
    spec = SCHEDULE.get(name)
    assert spec.source.strip()
    assert spec.row in REGULATION_ROWS


def test_a_union_deletes_a_clean_capture_after_thirty_days() -> None:
    d = dispose(SCHEDULE, organisation(), "working_capture", NOW)
    assert d == Disposition("working_capture", Action.DELETE, NOW + timedelta(days=30))
    assert d.metadata() == {"retention-class": "working_capture", "expires-at": "2026-12-31"}
    assert d.attributes()["ttl"] == int((NOW + timedelta(days=30)).timestamp())


def test_an_authoritys_own_posts_go_to_the_archive_and_never_expire() -> None:
    d = dispose(SCHEDULE, organisation(org_type="authority"), "own_post", NOW)
    assert (d.action, d.expires_at) == (Action.ARCHIVE, None)
    assert d.metadata()["expires-at"] == "none"
    assert "ttl" not in d.attributes()


def test_a_unions_own_posts_wait_for_the_channel_to_close_then_three_years() -> None:
    org = organisation()
    assert dispose(SCHEDULE, org, "own_post", NOW).awaiting is StartEvent.CHANNEL_CLOSURE
    closed = NOW + timedelta(days=400)
    later = dispose(SCHEDULE, org, "own_post", NOW, started_at=closed)
    assert later.expires_at == closed + timedelta(days=1095)


def test_a_provisional_start_runs_from_the_write_until_the_decision_is_recorded() -> None:
    org = organisation()
    assert dispose(SCHEDULE, org, "policy_removed", NOW).expires_at == NOW + timedelta(days=90)
    decided = NOW + timedelta(days=10)
    d = dispose(SCHEDULE, org, "policy_removed", NOW, started_at=decided)
    assert d.expires_at == decided + timedelta(days=90)


def test_a_flag_record_is_anonymised_so_no_ttl_may_delete_it() -> None:
    d = dispose(SCHEDULE, organisation(), "flag_record", NOW)
    assert d.action is Action.ANONYMISE
    assert d.attributes()["expires_at"] == (NOW + timedelta(days=1095)).isoformat()
    assert "ttl" not in d.attributes()


def test_an_organisation_may_shorten_a_period_freely() -> None:
    org = organisation(retention={"raw_delivery": {"days": 3}})
    assert dispose(SCHEDULE, org, "raw_delivery", NOW).expires_at == NOW + timedelta(days=3)


def test_lengthening_a_period_without_a_reason_is_refused() -> None:
    with pytest.raises(ValidationError, match="lengthening a period needs a reason"):
        organisation(retention={"working_capture": {"days": 60}})
    with pytest.raises(ValidationError, match="no period is longer"):
        organisation(retention={"working_capture": {"days": None}})


def test_lengthening_a_period_with_a_recorded_reason_is_accepted() -> None:
    org = organisation(retention={"working_capture": {"days": 60, "reason": "SLA appeals"}})
    assert dispose(SCHEDULE, org, "working_capture", NOW).expires_at == NOW + timedelta(days=60)


def test_an_archive_class_cannot_be_overridden_and_an_unknown_class_is_named() -> None:
    with pytest.raises(ValidationError, match="public_record: an archive class"):
        organisation(org_type="authority", retention={"public_record": {"days": 30}})
    with pytest.raises(ValidationError, match="forever: not a retention class"):
        organisation(retention={"forever": {"days": 30}})


def test_an_unknown_organisation_gets_the_shortest_default() -> None:
    # Both org types keep a raw delivery 14 days; a union's own post is the shorter of the two.
    assert dispose(SCHEDULE, None, "raw_delivery", NOW).expires_at == NOW + timedelta(days=14)
    assert dispose(SCHEDULE, None, "own_post", NOW).action is Action.DELETE


def test_precedence_is_hold_then_archive_then_the_longest_retention() -> None:
    short = Disposition("special_data_evidence", Action.DELETE, NOW + timedelta(days=90))
    long = Disposition("illegal_evidence", Action.DELETE, NOW + timedelta(days=730))
    kept = Disposition("own_post", Action.DELETE, None, StartEvent.CHANNEL_CLOSURE)
    archive = Disposition("public_record", Action.ARCHIVE, None)
    assert governing([short, long]) == long
    assert governing([long, kept]) == kept
    assert governing([kept, archive, short]) == archive
    held = governing([short], held=True)
    assert (held.held, held.expires_at) == (True, None)
    assert "ttl" not in held.attributes()


def test_a_schedule_naming_a_row_the_regulation_lacks_is_refused(tmp_path: Path) -> None:
    raw = SCHEDULE.model_dump(mode="json")
    raw["classes"]["working_capture"]["row"] = "99"
    with pytest.raises(ScheduleInvalid, match=r"rows that regulation\.md"):
        parse(raw, file="bad.yaml")


def test_an_archive_term_with_a_period_is_refused() -> None:
    raw = SCHEDULE.model_dump(mode="json")
    raw["classes"]["public_record"]["authority"]["days"] = 10
    with pytest.raises(ScheduleInvalid, match=r"classes\.public_record\.authority"):
        parse(raw, file="bad.yaml")


def test_an_unknown_class_is_named_when_asked_for() -> None:
    with pytest.raises(ScheduleInvalid, match="'nope' is not in the schedule"):
        dispose(SCHEDULE, None, "nope", NOW)


def raw_store(**orgs: object) -> RawDeliveries:
    return RawDeliveries(
        client=None,  # type: ignore[arg-type]  # disposition() never calls S3
        bucket="raw",
        kms_key_id="k",
        organisations=orgs.get,  # type: ignore[arg-type]
    )


def test_a_raw_delivery_is_kept_under_its_organisations_own_period() -> None:
    store = raw_store(
        kommunal=organisation("kommunal", retention={"raw_delivery": Override(days=7)})
    )
    meta = {"org-ids": "kommunal", "received-at": NOW.isoformat()}
    d = store.disposition("deliveries/instagram/kommunal/2026/12/01/x.json", meta)
    assert (d.retention_class, d.expires_at) == ("raw_delivery", NOW + timedelta(days=7))


def test_a_delivery_shared_by_organisations_is_kept_for_the_longest_of_their_periods() -> None:
    store = raw_store(
        a=organisation("a", retention={"raw_delivery": Override(days=2)}),
        b=organisation("b", retention={"raw_delivery": Override(days=5)}),
    )
    meta = {"org-ids": "a,b", "received-at": NOW.isoformat()}
    d = store.disposition("deliveries/facebook/shared/2026/12/01/x.json", meta)
    assert d.expires_at == NOW + timedelta(days=5)


def test_a_quarantined_delivery_of_an_unknown_account_gets_the_shortest_default() -> None:
    d = raw_store().disposition("quarantine/facebook/2026/12/01/x.json", {"received-at": str(NOW)})
    assert (d.retention_class, d.expires_at) == ("quarantined_body", NOW + timedelta(days=14))


def test_a_raw_object_outside_the_classified_prefixes_is_refused() -> None:
    with pytest.raises(Unclassified):
        raw_store().disposition("misc/x.json", {})
