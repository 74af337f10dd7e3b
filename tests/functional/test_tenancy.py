"""Two organisations through one stack: a union (Seko, its own pack) and a public body
(Eksempeletaten, the authority pack), as the shipped registry lists them. The same texts on
each one's Facebook Page are judged by that organisation's pack and org type, every record
carries the organisation, and neither organisation's listings show the other's records."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from app import evaluate
from support.stack import Stack, sqs_event, sqs_record
from uppsikt.adapters.dynamodb import Flags, Items
from uppsikt.local.lambda_context import LocalContext

SEKO_PAGE = "104729561234567"
AUTHORITY_PAGE = "100200300400500"
OFFICIALESE = "Vedtak fattes på bakgrunn av innkomne søknader iht. gjeldende regelverk."
FNR = "15507600333"
WITH_ID = f"Fødselsnummeret mitt er {FNR}, kan dere sjå på saka mi?"
THANKS = "Takk for svar, eg søkjer på nytt neste veke."


def page_delivery(page: str, seq: int) -> bytes:
    """The organisation's own post and two visitors' comments on it."""
    post = f"{page}_99000{seq}"

    def comment(n: int, text: str) -> dict[str, Any]:
        return {
            "field": "feed",
            "value": {
                "item": "comment",
                "verb": "add",
                "comment_id": f"99000{seq}_7700{n}",
                "post_id": post,
                "parent_id": post,
                "from": {"id": f"73009988776{seq}{n}", "name": "En besøkende"},
                "created_time": 1763715550 + n,
                "message": text,
            },
        }

    own = {
        "field": "feed",
        "value": {
            "item": "status",
            "verb": "add",
            "post_id": post,
            "published": 1,
            "from": {"id": page, "name": "The organisation"},
            "created_time": 1763715500,
            "message": OFFICIALESE,
        },
    }
    entry = {
        "id": page,
        "time": 1763715600,
        "changes": [own, comment(1, WITH_ID), comment(2, THANKS)],
    }
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def deliver_and_evaluate(stack: Stack, *bodies: bytes) -> None:
    for body in bodies:
        stack.post_meta(body)
    records = [sqs_record(body) for body in stack.take_queued()]
    result = evaluate(sqs_event(*records), LocalContext("uppsikt-test-evaluate"))
    assert result == {"batchItemFailures": []}


def by_org(stack: Stack) -> dict[str, list[dict[str, Any]]]:
    flags = Flags(stack.rt.dynamodb, stack.settings.flags_table)
    return {org: flags.of_org(org) for org in ("seko", "eksempeletaten")}


def test_each_organisation_is_judged_by_its_own_pack_and_org_type(stack: Stack) -> None:
    stack.publish_policy()
    deliver_and_evaluate(stack, page_delivery(SEKO_PAGE, 1), page_delivery(AUTHORITY_PAGE, 2))

    listed = by_org(stack)
    seko_rules = {r for f in listed["seko"] for r in f["rule_ids"]}
    authority_rules = {r for f in listed["eksempeletaten"] for r in f["rule_ids"]}
    # The officialese is the authority's problem only: plain language is an authority rule.
    assert "authority.plain-language" in authority_rules
    assert not any(r.startswith("authority.") for r in seko_rules)
    assert "baseline.national-id" in seko_rules & authority_rules
    assert {f["policy_id"] for f in listed["seko"]} == {"seko"}
    assert {f["policy_id"] for f in listed["eksempeletaten"]} == {"authority"}

    plain = next(f for f in listed["eksempeletaten"] if "authority.plain-language" in f["rule_ids"])
    assert plain["evidence_class"] == "public_record"  # archived, never purged by Uppsikt
    assert plain["retention_class"] == "flag_record"  # the flag row itself: anonymised later


def test_every_record_carries_its_organisation_and_listings_never_cross(stack: Stack) -> None:
    stack.publish_policy()
    deliver_and_evaluate(stack, page_delivery(SEKO_PAGE, 1), page_delivery(AUTHORITY_PAGE, 2))

    listed = by_org(stack)
    everything = Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
    assert sorted(f["flag_id"] for f in everything) == sorted(
        f["flag_id"] for flags in listed.values() for f in flags
    )
    for org, flags in listed.items():
        assert flags, org
        assert {f["org_id"] for f in flags} == {org}
        for flag in flags:
            assert flag["evidence_key"].startswith(f"evidence/{org}/")
            evidence = json.loads(
                stack.rt.s3.get_object(
                    Bucket=stack.settings.archive_bucket, Key=flag["evidence_key"]
                )["Body"].read()
            )
            assert evidence["org_id"] == org

    items = Items(stack.rt.dynamodb, stack.settings.items_table)
    rows = {str(r["event_id"]): r for r in items.scan()}
    seko_ids = set(items.event_ids_of_org("seko"))
    authority_ids = set(items.event_ids_of_org("eksempeletaten"))
    assert seko_ids
    assert authority_ids
    assert not seko_ids & authority_ids
    assert seko_ids | authority_ids == set(rows)
    for event_id in seko_ids:
        assert rows[event_id]["org_id"] == "seko"
    for event_id in authority_ids:
        assert rows[event_id]["org_id"] == "eksempeletaten"


def test_each_organisation_keeps_a_clean_comment_for_its_own_period(stack: Stack) -> None:
    stack.publish_policy()
    deliver_and_evaluate(stack, page_delivery(SEKO_PAGE, 1), page_delivery(AUTHORITY_PAGE, 2))

    rows = Items(stack.rt.dynamodb, stack.settings.items_table).scan()
    clean = {
        str(r["org_id"]): r
        for r in rows
        if r["verdict"] == "clean" and r["retention_class"] == "working_capture"
    }
    assert set(clean) == {"seko", "eksempeletaten"}
    for row in clean.values():
        kept = datetime.fromisoformat(row["expires_at"]) - datetime.fromisoformat(
            row["evaluated_at"]
        )
        # Row 1 of the schedule: 30 days for a union and for a public body alike.
        assert kept == timedelta(days=30)


def test_notifications_name_the_organisation_so_each_can_route_its_own(stack: Stack) -> None:
    stack.publish_policy()
    deliver_and_evaluate(stack, page_delivery(SEKO_PAGE, 1), page_delivery(AUTHORITY_PAGE, 2))

    sent = [m for m in stack.inbox() if m.get("MessageAttributes", {}).get("org_id")]
    orgs = {m["MessageAttributes"]["org_id"]["Value"] for m in sent}
    assert orgs == {"seko", "eksempeletaten"}
    for message in sent:
        assert (
            json.loads(message["Message"])["org_id"]
            == message["MessageAttributes"]["org_id"]["Value"]
        )
        assert FNR not in message["Message"]


def test_every_item_is_judged_in_its_detected_language_and_records_it(stack: Stack) -> None:
    stack.publish_policy()
    deliver_and_evaluate(stack, page_delivery(AUTHORITY_PAGE, 2))

    rows = Items(stack.rt.dynamodb, stack.settings.items_table).scan()
    by_text = {r.get("text"): r for r in rows if r["verdict"] == "clean"}
    assert by_text[THANKS]["lang"] == "nn"  # "eg søkjer … veke" is nynorsk
    (evidence_key,) = {
        f["evidence_key"]
        for f in Flags(stack.rt.dynamodb, stack.settings.flags_table).scan()
        if "authority.plain-language" in f["rule_ids"]
    }
    evidence = json.loads(
        stack.rt.s3.get_object(Bucket=stack.settings.archive_bucket, Key=evidence_key)[
            "Body"
        ].read()
    )
    assert evidence["lang"] == "nb"  # the officialese is bokmål
