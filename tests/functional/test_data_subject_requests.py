"""Data-subject requests on the embedded AWS: access, erasure, restriction, due dates, and a
pseudonym key rotation that never loses a person's data.

The erasure proof derives every table, index and bucket from infra/resources.yaml (not from a
hand-written list) and searches every attribute and every object version, body and metadata,
for the person's pseudonyms, platform id, name and texts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from app import dsr_due, evaluate
from support.events import scheduled_event
from support.stack import Stack, sqs_event, sqs_record
from uppsikt import infra, runtime
from uppsikt.cli.main import cli
from uppsikt.dsr.keep import AnyOf, ArchiveDuty
from uppsikt.dsr.model import Concern, Kind, Status
from uppsikt.dsr.store import Requests
from uppsikt.dynamo_values import from_item
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import Platform

PAGE = "104729561234567"  # Seko on Facebook (policies/registry/accounts.yaml)
PERSON = "7300998877665544"
NAME = "Greta Raderasdotter"
OTHER = "7300112233440099"
CLEAN = "Tack för mötet i Sundsvall, Raderastadsgruppen hälsar"
FLAGGED = "Min kollega har CPR 211062-5629 hos Raderastadsgruppen"
LATER = "Ännu en kommentar från Raderastadsgruppen efter nyckelbytet"


SCHEDULED = scheduled_event("dsr_due", time="2026-12-02T06:00:00Z", event_id="dsr-due")


def comment(comment_id: str, author: str, message: str) -> dict[str, Any]:
    return {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "comment_id": f"{PAGE}_9_{comment_id}",
            "post_id": f"{PAGE}_9",
            "parent_id": f"{PAGE}_9",
            "created_time": 1763711999,
            "from": {"id": author, "name": NAME if author == PERSON else "Other Person"},
            "message": message,
        },
    }


def deliver(stack: Stack, *changes: dict[str, Any]) -> None:
    body = {"object": "page", "entry": [{"id": PAGE, "time": 1763712000, "changes": list(changes)}]}
    stack.post_meta(json.dumps(body).encode())
    bodies = stack.take_queued()
    assert bodies
    result = evaluate(sqs_event(*(sqs_record(b) for b in bodies)), LocalContext("test-evaluate"))
    assert result == {"batchItemFailures": []}


@pytest.fixture
def seeded(stack: Stack) -> Stack:
    """The person's clean comment and flagged comment, each in its own delivery, and another
    person's comment in a delivery of its own."""
    stack.publish_policy()
    deliver(stack, comment("1", PERSON, CLEAN))
    deliver(stack, comment("2", PERSON, FLAGGED))
    deliver(stack, comment("3", OTHER, "Bra jobbat allihop"))
    stack.inbox()
    return stack


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


# --- every store in infra/ --------------------------------------------------------------------


@dataclass(frozen=True)
class Store:
    logical: str
    physical: str
    kind: str  # table | bucket
    key_names: tuple[str, ...]
    indexes: tuple[str, ...]


def stores(stack: Stack) -> list[Store]:
    """Every table and bucket in infra/resources.yaml, by the output that names it."""
    template = infra.load(infra.RESOURCES)
    settings = stack.settings.model_dump()
    physical = {
        out["Value"]["Ref"]: settings[infra.env_name(key).removeprefix("UPPSIKT_").lower()]
        for key, out in template["Outputs"].items()
        if isinstance(out["Value"], dict) and "Ref" in out["Value"]
    }
    found: list[Store] = []
    for name, resource in template["Resources"].items():
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::DynamoDB::Table":
            keys = tuple(k["AttributeName"] for k in props["KeySchema"])
            indexes = tuple(i["IndexName"] for i in props.get("GlobalSecondaryIndexes", []))
            found.append(Store(name, physical[name], "table", keys, indexes))
        elif resource["Type"] == "AWS::S3::Bucket":
            found.append(Store(name, physical[name], "bucket", ("key",), ()))
    return found


def traces(stack: Stack, needles: list[str]) -> set[tuple[str, str]]:
    """(store, key) of every row, index entry and object version holding any needle."""
    found: set[tuple[str, str]] = set()
    ddb, s3 = stack.rt.dynamodb, stack.rt.s3
    for store in stores(stack):
        if store.kind == "table":
            for index in (None, *store.indexes):
                scan: dict[str, Any] = {"TableName": store.physical}
                if index:
                    scan["IndexName"] = index
                for page in ddb.get_paginator("scan").paginate(**scan):
                    for item in page["Items"]:
                        text = json.dumps(item, ensure_ascii=False)
                        if any(n in text for n in needles):
                            row = from_item(item)
                            where = f"{store.logical}/{index}" if index else store.logical
                            found.add((where, str(row[store.key_names[0]])))
            continue
        listing = s3.list_object_versions(Bucket=store.physical)
        for version in [*listing.get("Versions", []), *listing.get("DeleteMarkers", [])]:
            key = version["Key"]
            if any(n in key for n in needles):
                found.add((store.logical, key))
            if "Size" not in version:  # a delete marker has no body
                continue
            got = s3.get_object(Bucket=store.physical, Key=key, VersionId=version["VersionId"])
            text = got["Body"].read().decode() + json.dumps(got.get("Metadata", {}))
            if any(n in text for n in needles):
                found.add((store.logical, key))
    return found


def needles(stack: Stack) -> list[str]:
    pseudonyms = stack.rt.pseudonymiser().every_pseudonym(Platform.FACEBOOK, PERSON)
    # (Not the CPR number alone: the policy packs carry it as a rule example.)
    return [*pseudonyms, PERSON, NAME, CLEAN, FLAGGED, LATER]


# --- access -----------------------------------------------------------------------------------


def test_an_access_request_exports_everything_about_the_person_with_a_summary_in_swedish(
    seeded: Stack, tmp_path: Path
) -> None:
    assert traces(seeded, needles(seeded))  # the person is there to be found
    result = run(
        "dsr", "access", "--org", "seko", "--platform", "facebook", "--author-id", PERSON,
        "--out", str(tmp_path),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (data,) = tmp_path.glob("R-*.json")
    bundle = json.loads(data.read_text())
    texts = [i.get("text") for i in bundle["items"]]
    assert CLEAN in texts
    assert [e["text"] for e in bundle["evidence"]] == [FLAGGED]
    assert bundle["counts"]["flags"] == 1
    assert bundle["counts"]["raw"] == 2
    assert "Other" not in data.read_text()
    assert OTHER not in data.read_text()
    summary = (tmp_path / f"{bundle['request_id']}.sv.txt").read_text()
    assert "Vad Seko" in summary
    assert "Flaggningar av ditt innehåll" in summary
    (request,) = seeded.rt.dsr_desk().requests.of_org("seko")
    assert request.kind is Kind.ACCESS
    assert request.status is Status.ANSWERED


def test_an_unknown_organisation_and_a_person_with_nothing_stored_get_clear_exit_codes(
    seeded: Stack, tmp_path: Path
) -> None:
    unknown = run(
        "dsr", "access", "--org", "no-such-org", "--platform", "facebook", "--author-id", PERSON,
        "--out", str(tmp_path),
    )  # fmt: skip
    assert unknown.exit_code == 2
    assert "no organisation in the published registry" in unknown.output
    assert "no-such-org" not in unknown.output.split("error:")[1]
    nobody = run(
        "dsr", "erase", "--org", "seko", "--platform", "facebook", "--author-id", "123404321",
    )  # fmt: skip
    assert nobody.exit_code == 4
    assert "Nothing is stored about this person" in nobody.output


# --- erasure ----------------------------------------------------------------------------------


def test_an_erasure_leaves_no_trace_of_the_person_in_any_table_index_or_bucket(
    seeded: Stack, tmp_path: Path
) -> None:
    # An earlier access request is on file too: its file stays, without the pseudonyms.
    assert run(
        "dsr", "access", "--org", "seko", "--platform", "facebook", "--author-id", PERSON,
        "--out", str(tmp_path),
    ).exit_code == 0  # fmt: skip
    result = run("dsr", "erase", "--org", "seko", "--platform", "facebook", "--author-id", PERSON)
    assert result.exit_code == 0, result.output
    assert traces(seeded, needles(seeded)) == set()
    # What is left of the flag is anonymous, and the other person's records are untouched.
    flags = seeded.rt.dynamodb.scan(TableName=seeded.settings.flags_table)["Items"]
    assert [from_item(f).get("evidence_state") for f in flags] == ["erased"]
    other = seeded.rt.pseudonymiser().pseudonym(Platform.FACEBOOK, OTHER)
    assert any(s == "ItemsTable" for s, _ in traces(seeded, [other]))
    requests = seeded.rt.dsr_desk().requests.of_org("seko")
    assert [r.kind for r in requests] in ([Kind.ACCESS, Kind.ERASURE], [Kind.ERASURE, Kind.ACCESS])
    erasure = next(r for r in requests if r.kind is Kind.ERASURE)
    assert erasure.counts["evidence.deleted"] == 1
    assert erasure.counts["raw.deleted"] == 2
    assert erasure.counts["requests.masked"] == 1


class TableHolds:
    """A real `KeepRules` over a holds table this test controls (the shape the purge's
    governance table will have: scope, target, reason)."""

    def __init__(self, stack: Stack, table: str) -> None:
        self.ddb, self.table = stack.rt.dynamodb, table

    def reason_to_keep(self, concern: Concern) -> str | None:
        for scope, target in (
            ("item", concern.item_ref),
            ("flag", concern.flag_id),
            ("author", concern.author_key),
            ("organisation", concern.org_id),
        ):
            if target is None:
                continue
            item = self.ddb.get_item(
                TableName=self.table, Key={"hold": {"S": f"{scope}#{target}"}}
            ).get("Item")
            if item:
                return f"legal hold {item['hold_id']['S']}: {item['reason']['S']}"
        return None


def test_what_a_legal_hold_keeps_survives_an_erasure_with_its_reason_recorded(
    seeded: Stack,
) -> None:
    ddb = seeded.rt.dynamodb
    ddb.create_table(
        TableName="test-holds",
        KeySchema=[{"AttributeName": "hold", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "hold", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    flagged_item = f"facebook#{PAGE}#{PAGE}_9_2"
    ddb.put_item(
        TableName="test-holds",
        Item={
            "hold": {"S": f"item#{flagged_item}"},
            "hold_id": {"S": "H-1"},
            "reason": {"S": "police request"},
        },
    )
    desk = seeded.rt.dsr_desk(
        AnyOf([TableHolds(seeded, "test-holds"), ArchiveDuty(lambda _: None)])
    )
    answer = desk.erase("seko", Platform.FACEBOOK, PERSON)
    kept = {(k.store, k.reason) for k in answer.request.kept}
    assert kept == {
        ("items", "legal hold H-1: police request"),
        ("flags", "legal hold H-1: police request"),
        ("evidence", "legal hold H-1: police request"),
        ("raw", "the verbatim delivery of a kept item"),
    }
    # Exactly the kept things still hold the person; the clean comment and its delivery are gone.
    store_of = {"items": "ItemsTable", "flags": "FlagsTable", "evidence": "ArchiveBucket"}
    store_of["raw"] = "RawBucket"
    allowed = {(store_of[k.store], k.key) for k in answer.request.kept}
    left = {(s.split("/")[0], k) for s, k in traces(seeded, needles(seeded))}
    left -= {("RequestsTable", "seko")}  # the erasure's own file names who, as something is kept
    # The kept evidence's row in the purge's expiry inventory names its author (an author hold
    # must find it): it goes with the evidence, not before.
    left -= {("GovernanceTable", "org#seko")}
    assert left == allowed
    assert answer.request.author_keys  # a later request must still find what was kept


def test_archive_duty_keeps_an_authoritys_public_records_and_nothing_of_a_unions(
    stack: Stack,
) -> None:
    registry = stack.rt.registry.current()
    duty = ArchiveDuty(registry.organisation)
    record = Concern("evidence", "k", "eksempeletaten", retention_class="public_record")
    reason = duty.reason_to_keep(record)
    assert reason is not None
    assert "archive duty" in reason
    assert duty.reason_to_keep(Concern("evidence", "k", "seko", "public_record")) is None
    working = Concern("items", "k", "eksempeletaten", retention_class="working_capture")
    assert duty.reason_to_keep(working) is None


# --- restriction ------------------------------------------------------------------------------


def test_a_restricted_authors_content_is_stored_but_never_judged_flagged_or_notified(
    stack: Stack,
) -> None:
    stack.publish_policy()
    result = run(
        "dsr", "restrict", "--org", "seko", "--platform", "facebook", "--author-id", PERSON
    )
    assert result.exit_code == 0, result.output
    deliver(stack, comment("7", PERSON, FLAGGED))
    assert stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Items"] == []
    assert stack.inbox() == []
    (record,) = [
        from_item(i) for i in stack.rt.dynamodb.scan(TableName=stack.settings.items_table)["Items"]
    ]
    assert record["verdict"] == "restricted"
    assert record["text"] == FLAGGED
    # Lifted, the next comment is judged again.
    lifted = run(
        "dsr", "restrict", "--lift",
        "--org", "seko", "--platform", "facebook", "--author-id", PERSON,
    )  # fmt: skip
    assert lifted.exit_code == 0, lifted.output
    deliver(stack, comment("8", PERSON, FLAGGED))
    assert len(stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Items"]) == 1


# --- due dates --------------------------------------------------------------------------------


def test_requests_are_due_in_a_month_extendable_once_by_two_and_reminded_before(
    stack: Stack,
) -> None:
    desk = stack.rt.dsr_desk()
    received = datetime.now(UTC) - timedelta(days=25)
    request = desk.receive(Kind.ERASURE, "kommunal", Platform.FACEBOOK, PERSON, received)
    assert request.due_at - request.received_at in (timedelta(days=d) for d in (28, 29, 30, 31))
    listed = run("dsr", "list", "--org", "kommunal")
    assert request.request_id in listed.output
    assert "due in" in listed.output
    # Pending, it holds what it concerns.
    assert stack.rt.requests is not None
    (hold,) = [h for h in stack.rt.requests.pending_holds("kommunal") if h.scope == "author"][:1]
    assert hold.target.startswith("kommunal#")
    assert request.request_id in hold.reason
    stack.inbox()
    assert dsr_due(SCHEDULED, LocalContext("dsr-due")) == {"reminded": [request.request_id]}
    (alert,) = stack.inbox()
    assert json.loads(alert["Message"]) == {
        "type": "dsr.due",
        "org_id": "kommunal",
        "request_id": request.request_id,
        "due_date": request.due_at.date().isoformat(),
    }
    attributes = {k: v["Value"] for k, v in alert["MessageAttributes"].items()}
    assert attributes == {"org_id": "kommunal", "type": "dsr.due"}
    assert dsr_due(SCHEDULED, LocalContext("dsr-due")) == {"reminded": []}  # once
    extended = run(
        "dsr", "extend", "--org", "kommunal", "--request", request.request_id,
        "--notice", "Sent 2026-12-01: many stores to search",
    )  # fmt: skip
    assert extended.exit_code == 0, extended.output
    again = Requests(stack.rt.dynamodb, stack.settings.requests_table or "").get(
        "kommunal", request.request_id
    )
    assert again is not None
    assert again.extension_notice
    assert again.due_at > request.due_at
    twice = run(
        "dsr", "extend", "--org", "kommunal", "--request", request.request_id, "--notice", "x"
    )
    assert twice.exit_code == 2
    assert "extended once already" in twice.output


# --- key rotation -----------------------------------------------------------------------------


def test_after_a_key_rotation_a_request_still_finds_and_erases_what_each_version_stored(
    seeded: Stack, tmp_path: Path
) -> None:
    assert run("pseudonym", "rotate").exit_code == 0
    seeded.rt = runtime.Runtime(seeded.settings, seeded.session)  # a new container: new key
    runtime.install(seeded.rt)
    assert seeded.rt.pseudonymiser().version == 2
    deliver(seeded, comment("5", PERSON, LATER))
    stored = {
        from_item(i).get("author_pseudonym")
        for i in seeded.rt.dynamodb.scan(TableName=seeded.settings.items_table)["Items"]
    }
    v1, v2 = seeded.rt.pseudonymiser().every_pseudonym(Platform.FACEBOOK, PERSON)[::-1]
    assert {v1, v2} <= stored
    assert v2.startswith("v2-")
    answer = seeded.rt.dsr_desk().access("seko", Platform.FACEBOOK, PERSON)
    assert answer.bundle is not None
    texts = {i.get("text") for i in answer.bundle["items"]}
    assert {CLEAN, LATER} <= texts
    assert seeded.rt.dsr_desk().erase("seko", Platform.FACEBOOK, PERSON).request.kept == ()
    assert traces(seeded, needles(seeded)) == set()


def test_a_request_received_earlier_is_answered_only_for_the_person_it_names(
    seeded: Stack,
) -> None:
    desk = seeded.rt.dsr_desk()
    request = desk.receive(Kind.ERASURE, "seko", Platform.FACEBOOK, PERSON)
    other = run(
        "dsr", "erase", "--org", "seko", "--platform", "facebook", "--author-id", OTHER,
        "--request", request.request_id,
    )  # fmt: skip
    assert other.exit_code == 2
    assert "another person than the request" in other.output
    wrong_kind = run(
        "dsr", "restrict", "--org", "seko", "--platform", "facebook", "--author-id", PERSON,
        "--request", request.request_id,
    )  # fmt: skip
    assert wrong_kind.exit_code == 2
    assert "another kind (erasure)" in wrong_kind.output
    done = run(
        "dsr", "erase", "--org", "seko", "--platform", "facebook", "--author-id", PERSON,
        "--request", request.request_id,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    again = run(
        "dsr", "erase", "--org", "seko", "--platform", "facebook", "--author-id", PERSON,
        "--request", request.request_id,
    )  # fmt: skip
    assert again.exit_code == 2
    assert "answered already" in again.output


# --- where requests and holds meet (dsr/holds.py, wired in the runtime) -----------------------


def person_rows(stack: Stack, pseudonyms: Sequence[str]) -> list[dict[str, Any]]:
    table = stack.settings.items_table
    rows = [from_item(i) for i in stack.rt.dynamodb.scan(TableName=table)["Items"]]
    return [r for r in rows if r.get("author_pseudonym") in pseudonyms]


def test_a_pending_request_keeps_the_persons_data_from_the_purge_until_it_is_answered(
    seeded: Stack,
) -> None:
    pseudonyms = seeded.rt.pseudonymiser().every_pseudonym(Platform.FACEBOOK, PERSON)
    assert person_rows(seeded, pseudonyms)
    desk = seeded.rt.dsr_desk()
    request = desk.receive(Kind.ACCESS, "seko", Platform.FACEBOOK, PERSON)
    later = datetime.now(UTC) + timedelta(days=4 * 365)  # past every period but archive duty

    (receipt,) = [r.as_dict() for r in seeded.rt.purge_all(later, only="seko")]

    # The other visitor's comment went; the person's stayed, kept by the pending request.
    assert person_rows(seeded, pseudonyms)
    assert receipt["totals"]["working_capture"]["kept:hold"] >= 1
    assert receipt["totals"]["working_capture"]["deleted"] >= 1
    desk.access("seko", Platform.FACEBOOK, PERSON, request.request_id)  # answered: no longer a hold
    seeded.rt.purge_all(later + timedelta(days=1), only="seko")
    assert person_rows(seeded, pseudonyms) == []


def test_a_legal_hold_on_the_author_keeps_their_records_from_an_erasure_by_default(
    seeded: Stack,
) -> None:
    from uppsikt.adapters.purge import ObjectLocks
    from uppsikt.retention.holds import new, place

    pseudonyms = seeded.rt.pseudonymiser().every_pseudonym(Platform.FACEBOOK, PERSON)
    gov = seeded.rt.governance
    hold = new(
        org_id="seko",
        scope="author",
        target=pseudonyms[0],
        placed_by="dpo",
        reason="police request",
        now=datetime.now(UTC) - timedelta(minutes=1),
    )
    place(hold, gov, ObjectLocks(seeded.rt.s3, seeded.settings.archive_bucket), gov)

    answer = seeded.rt.dsr_desk().erase("seko", Platform.FACEBOOK, PERSON)

    reasons = {k.reason for k in answer.request.kept if k.store == "items"}
    assert reasons == {f"legal hold {hold.hold_id} (author)"}
    assert len(person_rows(seeded, pseudonyms)) == 2  # both comments, held
