"""Time travel on the embedded AWS: the purge deletes what has expired, everywhere infra/ stores
it, and nothing a hold or archive duty keeps.

Stores are read from infra/resources.yaml like the retention coverage test: `PURGED` says how the
purge reaches each one, and a store the template gains without an entry fails
`test_every_store_in_infra_is_reached_by_the_purge_or_left_to_ttl_for_a_reason`.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from app import evaluate
from support.events import scheduled_event
from support.paths import EVENTS
from support.stack import Stack, sqs_event, sqs_record
from uppsikt import infra
from uppsikt.adapters.purge import ObjectLocks
from uppsikt.cli.main import cli
from uppsikt.dynamo_values import from_item, to_item
from uppsikt.local.lambda_context import LocalContext
from uppsikt.retention.holds import new, place
from uppsikt.retention.purge import ClockWentBack, UnknownOrganisation
from uppsikt.retention.receipts import TTL_ONLY
from uppsikt.retention.schedule import dispose, row_values, shipped

# How the purge reaches each store in infra/ (by logical id).
PURGED: dict[str, str] = {
    "RawBucket": "expiry inventory (GovernanceTable `expiry#<day>`): every version deleted",
    "ArchiveBucket": "expiry inventory: every version deleted; archive classes after hand-over",
    "FlagsTable": "`by-expiry` index: anonymised (flag_record) or deleted with its evidence",
    "ItemsTable": "`by-expiry` index: deleted; held actions under their own expiry",
    "GovernanceTable": "inventory rows go with their objects; receipts and holds: TTL",
}
LEFT: dict[str, str] = {
    "PolicyBucket": "configuration: expiry awaits `superseded` (no date to purge by)",
    "IdempotencyTable": "completion rows, a digest and an outcome for a day: TTL only",
    "PollStateTable": "cursors, ledger digests, look-up ids, leases: TTL only",
    "RequestsTable": "data-subject requests: TTL once answered (dsr_file); open ones are kept",
    "ReviewTable": "a flag's review history: TTL from its decision (flag_record)",
    "AuditTable": "audit entries, no personal data: TTL after five years (audit_entry)",
    "ClocksTable": "clocks, threads, last posts, weekly counts: TTL (clock_record, aggregates)",
    "NotifyTable": "deferred messages and delivery records: TTL (notification)",
    "CheckpointBucket": "signed checkpoints under Object Lock: the bucket's lifecycle rule "
    "expires each when its lock ends (no purge can delete a locked version)",
}
LATER = timedelta(days=4 * 365)  # past every dated period in the schedule but the breach register


def stores() -> dict[str, str]:
    resources: dict[str, Any] = infra.load(infra.RESOURCES)["Resources"]
    kinds = ("AWS::S3::Bucket", "AWS::DynamoDB::Table")
    return {name: r["Type"] for name, r in resources.items() if r["Type"] in kinds}


def test_every_store_in_infra_is_reached_by_the_purge_or_left_to_ttl_for_a_reason() -> None:
    assert sorted([*PURGED, *LEFT]) == sorted(stores())
    assert set(TTL_ONLY) <= set(LEFT)  # what the receipt names as TTL-only is what is left to TTL


def deliver_and_evaluate(stack: Stack, *files: str) -> None:
    stack.publish_policy()
    for name in files:
        stack.post_meta((EVENTS / "meta" / name).read_bytes())
    records = [sqs_record(body) for body in stack.take_queued()]
    result = evaluate(sqs_event(*records), LocalContext("uppsikt-test-evaluate"))
    assert result == {"batchItemFailures": []}


def physical(stack: Stack, logical: str) -> str:
    s = stack.settings
    return {
        "RawBucket": s.raw_bucket,
        "ArchiveBucket": s.archive_bucket,
        "FlagsTable": s.flags_table,
        "ItemsTable": s.items_table,
        "GovernanceTable": s.governance_table,
    }[logical]


def objects(stack: Stack, logical: str) -> list[dict[str, Any]]:
    """Every version and delete marker in a bucket, with its metadata (a test may list)."""
    s3, bucket = stack.rt.s3, physical(stack, logical)
    found: list[dict[str, Any]] = []
    listing = s3.list_object_versions(Bucket=bucket)
    for v in listing.get("Versions", []):
        head = (
            s3.head_object(Bucket=bucket, Key=v["Key"])
            if v["VersionId"] == "null"  # the unversioned raw bucket
            else s3.head_object(Bucket=bucket, Key=v["Key"], VersionId=v["VersionId"])
        )
        found.append({"key": v["Key"], "version": v["VersionId"], **head["Metadata"]})
    found += [{"key": m["Key"], "marker": True} for m in listing.get("DeleteMarkers", [])]
    return found


def rows(stack: Stack, logical: str) -> list[dict[str, Any]]:
    pages = stack.rt.dynamodb.get_paginator("scan").paginate(TableName=physical(stack, logical))
    return [from_item(i) for p in pages for i in p["Items"]]


def expired_survivors(stack: Stack, now: datetime) -> list[str]:
    """Everything still stored whose expiry has passed at `now` (archive classes have none)."""
    left: list[str] = []
    for logical in ("RawBucket", "ArchiveBucket"):
        for o in objects(stack, logical):
            expires = o.get("expires-at", "none")
            if o.get("marker") or (expires != "none" and date.fromisoformat(expires) < now.date()):
                left.append(f"{logical}/{o['key']}")
    for logical in ("ItemsTable", "FlagsTable"):
        for r in rows(stack, logical):
            expires = r.get("expires_at", "none")
            if expires != "none" and datetime.fromisoformat(expires) < now:
                left.append(f"{logical}/{r.get('event_id') or r.get('flag_id')}")
    left += [
        f"GovernanceTable/{r['sk']}"
        for r in rows(stack, "GovernanceTable")
        if str(r["sk"]).startswith("expiry#") and r["object_expires"] < now.date().isoformat()
    ]
    return left


def purge(stack: Stack, now: datetime, **options: Any) -> list[dict[str, Any]]:
    return [r.as_dict() for r in stack.rt.purge_all(now, **options)]


def test_nothing_survives_its_expiry_and_one_purge_run(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json", "authority-feed.json")
    now = datetime.now(UTC) + LATER
    assert expired_survivors(stack, now)  # the scenario stored things that expire

    receipts = purge(stack, now)

    assert expired_survivors(stack, now) == []
    assert all(r["complete"] for r in receipts)
    totals = {r["org_id"]: r["totals"] for r in receipts}
    assert totals["seko"]["working_capture"]["deleted"] > 0
    assert totals["seko"]["raw_delivery"]["deleted"] > 0
    # Flags are anonymised, not deleted: the row stays for statistics, without its identifiers.
    for flag in rows(stack, "FlagsTable"):
        assert flag["expires_at"] == "none"
        assert "anonymised_at" in flag
        assert not {"event_id", "evidence_key", "notification_id"} & set(flag)


def test_an_authoritys_public_records_wait_for_hand_over_and_then_go(
    stack: Stack, tmp_path: Path
) -> None:
    deliver_and_evaluate(stack, "authority-feed.json")
    now = datetime.now(UTC) + LATER
    archived = [o for o in objects(stack, "ArchiveBucket") if o.get("expires-at") == "none"]
    assert archived  # the authority's evidence is a public record

    (receipt,) = purge(stack, now, only="eksempeletaten")
    assert receipt["kept_awaiting_handover"] >= len(archived)
    assert [o["key"] for o in objects(stack, "ArchiveBucket")] == [o["key"] for o in archived]

    runner = CliRunner()
    out = runner.invoke(
        cli,
        [
            "archive",
            "export",
            "--org",
            "eksempeletaten",
            "--out",
            str(tmp_path),
            "--now",
            now.isoformat(),
        ],
    )
    assert out.exit_code == 0, out.output
    (package,) = list(tmp_path.iterdir())
    manifest = json.loads((package / "manifest.json").read_text())
    assert (package / "README.md").is_file()
    assert manifest["records"] >= len(archived)
    for entry in manifest["files"]:
        import hashlib

        assert hashlib.sha256((package / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]

    done = runner.invoke(
        cli,
        [
            "archive",
            "handed-over",
            "--org",
            "eksempeletaten",
            "--package",
            package.name,
            "--now",
            now.isoformat(),
        ],
    )
    assert done.exit_code == 0, done.output
    purge(stack, now + timedelta(days=1), only="eksempeletaten")
    assert objects(stack, "ArchiveBucket") == []
    assert not [
        r
        for r in rows(stack, "ItemsTable")
        if r["org_id"] == "eksempeletaten"
        and r["expires_at"] == "none"
        and r["retention_class"] == "public_record"
    ]


# --- holds ---------------------------------------------------------------------------------------


def working_records(stack: Stack, org_id: str) -> list[dict[str, Any]]:
    return [r for r in rows(stack, "ItemsTable") if r["org_id"] == org_id and "kind" not in r]


def test_nothing_on_hold_is_deleted_and_release_lets_the_next_run_delete_it(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    held_ref = working_records(stack, "seko")[0]["item_ref"]
    gov = stack.rt.governance
    locks = ObjectLocks(stack.rt.s3, stack.settings.archive_bucket)
    hold = new(
        org_id="seko",
        scope="item",
        target=held_ref,
        placed_by="dpo",
        reason="police report",
        now=now,
    )
    place(hold, gov, locks, gov)

    (receipt,) = purge(stack, now, only="seko")

    assert {r["item_ref"] for r in working_records(stack, "seko")} == {held_ref}
    assert receipt["totals"]["working_capture"]["kept:hold"] >= 1
    runner = CliRunner()
    released = runner.invoke(
        cli,
        [
            "hold",
            "release",
            "--org",
            "seko",
            "--hold",
            hold.hold_id,
            "--by",
            "dpo",
            "--now",
            now.isoformat(),
        ],
    )
    assert released.exit_code == 0, released.output
    purge(stack, now + timedelta(days=1), only="seko")
    assert working_records(stack, "seko") == []


def test_an_author_hold_locks_their_evidence_in_s3_so_even_a_direct_delete_is_refused(
    stack: Stack,
) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    evidence = [o for o in objects(stack, "ArchiveBucket") if o["key"].startswith("evidence/seko/")]
    assert evidence
    body = json.loads(
        stack.rt.s3.get_object(Bucket=stack.settings.archive_bucket, Key=evidence[0]["key"])[
            "Body"
        ].read()
    )
    author = body["event"]["author"]["pseudonym"]
    out = CliRunner().invoke(
        cli,
        [
            "hold",
            "add",
            "--org",
            "seko",
            "--scope",
            "author",
            "--target",
            author,
            "--by",
            "dpo",
            "--reason",
            "court order",
            "--now",
            now.isoformat(),
        ],
    )
    assert out.exit_code == 0, out.output
    key, version = evidence[0]["key"], evidence[0]["version"]
    with pytest.raises(ClientError) as refused:
        stack.rt.s3.delete_object(Bucket=stack.settings.archive_bucket, Key=key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"

    purge(stack, now, only="seko")
    assert key in {o["key"] for o in objects(stack, "ArchiveBucket")}


class PendingRequests:
    """A second hold source, as the data-subject requests will be: one author under request."""

    def __init__(self, org_id: str, author: str) -> None:
        self.org_id, self.author = org_id, author

    def active_holds(self, org_id: str, now: datetime) -> list[Any]:
        if org_id != self.org_id:
            return []
        return [
            new(
                org_id=org_id,
                scope="author",
                target=self.author,
                placed_by="dsr",
                reason="access request",
                now=now - timedelta(days=1),
            )
        ]


def test_every_hold_source_is_consulted(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    authored = [r for r in working_records(stack, "seko") if r.get("author_pseudonym")]
    author = authored[0]["author_pseudonym"]
    stack.rt.purge(hold_sources=[PendingRequests("seko", author)]).run("seko", now)
    assert {r["author_pseudonym"] for r in working_records(stack, "seko")} == {author}


def test_a_hold_past_its_review_date_sends_one_reminder_to_the_alerts_topic(stack: Stack) -> None:
    now = datetime.now(UTC)
    gov = stack.rt.governance
    locks = ObjectLocks(stack.rt.s3, stack.settings.archive_bucket)
    hold = new(
        org_id="seko",
        scope="account",
        target="seko-facebook",
        placed_by="dpo",
        reason="audit",
        now=now,
        review_at=now + timedelta(days=10),
    )
    place(hold, gov, locks, gov)
    stack.inbox()
    purge(stack, now + timedelta(days=5), only="seko")
    assert stack.inbox() == []  # not due yet

    purge(stack, now + timedelta(days=11), only="seko")
    purge(stack, now + timedelta(days=12), only="seko")  # once per review date

    (alert,) = stack.inbox()
    assert json.loads(alert["Message"]) == {
        "type": "hold.review_due",
        "org_id": "seko",
        "hold_id": hold.hold_id,
        "review_date": hold.review_at.date().isoformat(),
    }
    attributes = {k: v["Value"] for k, v in alert["MessageAttributes"].items()}
    assert attributes == {"org_id": "seko", "type": "hold.review_due"}


# --- interruptions and bad input ------------------------------------------------------------


class Killed(BaseException):
    """The function's container died (a timeout's hard kill)."""


class DiesAfter:
    """A store that dies after `n` disposals: the process is killed mid-page."""

    def __init__(self, store: Any, n: int) -> None:
        self.store, self.left = store, n
        self.name = store.name

    def expired(self, *args: Any) -> Any:
        return self.store.expired(*args)

    def archived(self, org_id: str) -> int:
        return int(self.store.archived(org_id))

    def dispose(self, *args: Any) -> Any:
        if self.left == 0:
            raise Killed
        self.left -= 1
        return self.store.dispose(*args)


def test_a_run_killed_half_way_is_finished_by_the_next_and_both_are_on_record(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    dying = stack.rt.purge()
    dying.stores = [DiesAfter(s, 1) if s.name == "items" else s for s in dying.stores]
    with pytest.raises(Killed):
        dying.run("seko", now)
    assert expired_survivors(stack, now)

    receipt = stack.rt.purge().run("seko", now + timedelta(minutes=1))

    assert receipt.resumed_from is not None
    assert receipt.complete
    assert [s for s in expired_survivors(stack, now) if "/seko" in s or "seko" in s] == []
    runs = {r["run_id"] for r in stack.rt.governance.receipts("seko")}
    assert {receipt.run_id, receipt.resumed_from} <= runs


def test_a_run_out_of_time_stops_between_pages_and_resumes_where_it_stopped(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    budget = iter([100.0, 0.0])
    first = stack.rt.purge().run("seko", now, time_left=lambda: next(budget, 0.0))
    assert not first.complete
    second = stack.rt.purge().run("seko", now + timedelta(minutes=1))
    assert second.complete
    assert second.resumed_from == first.run_id
    assert [s for s in expired_survivors(stack, now) if "seko" in s] == []


def test_an_unknown_organisation_is_refused_with_a_clear_message_and_nothing_deleted(
    stack: Stack,
) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    before = len(rows(stack, "ItemsTable"))
    later = (datetime.now(UTC) + LATER).isoformat()
    out = CliRunner().invoke(cli, ["purge", "--org", "no-such-org", "--now", later])
    assert out.exit_code != 0
    assert "not in the registry" in out.output
    assert "no-such-org" not in out.output
    assert len(rows(stack, "ItemsTable")) == before
    with pytest.raises(UnknownOrganisation):
        stack.rt.purge_all(datetime.now(UTC), only="no-such-org")


def test_a_clock_that_jumped_backwards_is_refused_before_anything_is_deleted(stack: Stack) -> None:
    now = datetime.now(UTC) + timedelta(days=2)
    purge(stack, now, only="seko")
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    before = len(rows(stack, "ItemsTable"))
    with pytest.raises(ClockWentBack):
        stack.rt.purge().run("seko", now - timedelta(days=1))
    out = CliRunner().invoke(
        cli, ["purge", "--org", "seko", "--now", (now - timedelta(hours=1)).isoformat()]
    )
    assert out.exit_code != 0
    assert "clock" in out.output
    assert len(rows(stack, "ItemsTable")) == before


def test_a_dry_run_decides_and_reports_but_deletes_nothing(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    before = expired_survivors(stack, now)
    (receipt,) = purge(stack, now, only="seko", dry_run=True)
    assert receipt["totals"]["working_capture"]["would_delete"] > 0
    assert expired_survivors(stack, now) == before
    assert stack.rt.governance.receipts("seko") == []


def test_a_receipt_holds_counts_and_dates_but_no_content_or_personal_data(stack: Stack) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + LATER
    records = working_records(stack, "seko")
    identifying = {r["event_id"] for r in records} | {r["item_ref"] for r in records}
    identifying |= {r["author_pseudonym"] for r in records if r.get("author_pseudonym")}
    identifying |= {r["text"] for r in records if r.get("text")}
    assert identifying
    purge(stack, now, only="seko")
    stored = stack.rt.governance.receipts("seko")
    text = json.dumps(stored)
    assert [value for value in identifying if value in text] == []
    batches = [r for r in stored if "seq" in r]
    assert batches
    for batch in batches:
        deleted = datetime.fromisoformat(batch["deleted_at"])
        assert batch["decided_at"] <= batch["deleted_at"]
        backups = datetime.fromisoformat(batch["out_of_backups_at"])
        assert backups - deleted in (timedelta(0), timedelta(days=35))
    rows_ = [r for r in rows(stack, "GovernanceTable") if str(r["sk"]).startswith("receipt#")]
    assert {r["retention_class"] for r in rows_} == {"purge_receipt"}


def purge_tick() -> dict[str, Any]:
    """What EventBridge sends the daily `purge` function."""
    return scheduled_event("purge", time="2026-12-02T03:00:00Z", event_id="purge-daily")


def test_the_daily_function_purges_every_organisation_and_stops_short_of_its_timeout(
    stack: Stack,
) -> None:
    from app import purge as daily

    result = daily(purge_tick(), LocalContext("uppsikt-test-purge", timeout_seconds=900))
    orgs = [r["org_id"] for r in result["receipts"]]
    assert orgs == ["eksempeletaten", "kommunal", "seko", "-"]
    assert all(r["complete"] and not r["dry_run"] for r in result["receipts"])

    short = daily(purge_tick(), LocalContext("uppsikt-test-purge", timeout_seconds=10))
    (stopped,) = short["receipts"]
    assert not stopped["complete"]


def test_an_object_whose_expiry_moved_later_is_kept_though_its_inventory_day_passed(
    stack: Stack,
) -> None:
    deliver_and_evaluate(stack, "facebook-feed-comments.json")
    now = datetime.now(UTC) + timedelta(days=60)  # past the 14 raw days
    s3, bucket = stack.rt.s3, stack.settings.raw_bucket
    key = next(o["key"] for o in objects(stack, "RawBucket") if o["key"].startswith("deliveries/"))
    head = s3.head_object(Bucket=bucket, Key=key)
    later = (now + timedelta(days=30)).date().isoformat()  # e.g. a decision recorded meanwhile
    s3.copy_object(
        Bucket=bucket,
        Key=key,
        CopySource={"Bucket": bucket, "Key": key},
        Metadata={**head["Metadata"], "expires-at": later},
        MetadataDirective="REPLACE",
    )

    (receipt,) = purge(stack, now, only="seko")

    assert key in {o["key"] for o in objects(stack, "RawBucket")}
    assert receipt["totals"]["raw_delivery"]["kept:expiry_moved"] == 1
    # Its inventory row moved to the new day: the next runs do not read it again until then.
    listed = [r["sk"] for r in rows(stack, "GovernanceTable") if r.get("key") == key]
    assert listed == [f"expiry#{later}#raw#{key}"]
    (next_day,) = purge(stack, now + timedelta(days=1), only="seko")
    assert next_day["totals"] == {}
    purge(stack, now + timedelta(days=31), only="seko")
    assert key not in {o["key"] for o in objects(stack, "RawBucket")}
    assert [r for r in rows(stack, "GovernanceTable") if r.get("key") == key] == []


# --- a page at a time: batched deletes that still leave nothing --------------------------------


def put_evidence(stack: Stack, org_id: str, name: str, written: datetime) -> str:
    """An evidence object and its inventory row, as `EvidenceArchive.put` writes them."""
    d = dispose(shipped(), None, "policy_removed", written)
    key = f"evidence/{org_id}/{written:%Y/%m/%d}/{name}.json"
    stack.rt.s3.put_object(
        Bucket=stack.settings.archive_bucket, Key=key, Body=b"{}", Metadata=d.metadata()
    )
    stack.rt.governance.record_object("archive", key, d, [org_id], {"account_id": "acc"})
    return key


def test_every_version_and_delete_marker_goes_though_a_page_deletes_one_version_per_object(
    stack: Stack,
) -> None:
    written = datetime.now(UTC)
    s3, bucket = stack.rt.s3, stack.settings.archive_bucket
    twice = put_evidence(stack, "seko", "rewritten", written)
    s3.put_object(
        Bucket=bucket,
        Key=twice,
        Body=b"{}",
        Metadata=dispose(shipped(), None, "policy_removed", written).metadata(),
    )  # an older version stays below
    marked = put_evidence(stack, "seko", "deleted-once", written)
    s3.delete_object(Bucket=bucket, Key=marked)  # only a delete marker is current
    plain = [put_evidence(stack, "seko", f"plain-{i}", written) for i in range(30)]
    assert len([o for o in objects(stack, "ArchiveBucket") if o["key"] == twice]) == 2

    (receipt,) = purge(stack, written + LATER, only="seko")

    assert objects(stack, "ArchiveBucket") == []
    assert expired_survivors(stack, written + LATER) == []  # inventory rows too, 30+ of them
    assert receipt["totals"]["policy_removed"]["deleted"] == len(plain) + 2


def test_an_object_lock_refuses_one_object_of_a_page_and_the_rest_of_the_page_goes(
    stack: Stack,
) -> None:
    written = datetime.now(UTC)
    keys = [put_evidence(stack, "seko", f"e-{i}", written) for i in range(5)]
    # Locked at the storage layer without a hold record (e.g. by hand): S3 refuses the delete.
    assert ObjectLocks(stack.rt.s3, stack.settings.archive_bucket).set(keys[2], True) == 1

    (receipt,) = purge(stack, written + LATER, only="seko")

    assert [o["key"] for o in objects(stack, "ArchiveBucket")] == [keys[2]]
    assert receipt["totals"]["policy_removed"] == {"deleted": 4, "kept:object_lock": 1}
    inventory = [r for r in rows(stack, "GovernanceTable") if str(r["sk"]).startswith("expiry#")]
    assert [r["key"] for r in inventory] == [keys[2]]  # read again by the next run


def test_a_held_action_goes_under_its_own_expiry_not_with_an_earlier_record_of_its_item(
    stack: Stack,
) -> None:
    """A held action is the tombstone a late create needs: an earlier edit's record expiring
    does not take it."""
    now = datetime.now(UTC)
    table, ddb = stack.settings.items_table, stack.rt.dynamodb
    ref = "facebook#acc#post_1_comment_9"
    for event_id, expires, extra in (
        ("edit-1", now + timedelta(days=10), {}),
        ("held#hide-1", now + timedelta(days=30), {"kind": "held"}),
    ):
        values = {
            "event_id": event_id,
            "org_id": "seko",
            "item_ref": ref,
            "evaluated_at": now.isoformat(),
            "expires_at": expires.isoformat(),
            **row_values("working_capture", expires),
            **extra,
        }
        ddb.put_item(TableName=table, Item=to_item(values))

    purge(stack, now + timedelta(days=20), only="seko")
    assert [r["event_id"] for r in rows(stack, "ItemsTable")] == ["held#hide-1"]

    purge(stack, now + timedelta(days=31), only="seko")
    assert rows(stack, "ItemsTable") == []
