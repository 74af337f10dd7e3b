"""Every table, index and bucket in infra/resources.yaml holds only things with a retention class
and an expiry, from the moment they are written.

The stores are read from the template, not listed by hand. `WRITERS` says, for each of them, what
the pipeline must have written there once the scenario has run (the code paths that write to it);
a store the template gains without an entry here fails `test_every_store_in_infra_has_its_writers`,
and a writer that no longer reaches its store fails the scenario.
"""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

import pytest
from chalice.test import Client

from app import app, evaluate, poll
from support.events import scheduled_event
from support.paths import EVENTS
from support.stack import REGISTRY, Stack, sqs_event, sqs_record
from uppsikt import infra, runtime
from uppsikt.accounts.registry import load as load_registry
from uppsikt.accounts.store import publish as publish_registry
from uppsikt.adapters.s3 import RAW_CLASSES
from uppsikt.dynamo_values import from_item
from uppsikt.local.fake_api import FakeApi, Reply
from uppsikt.local.lambda_context import LocalContext
from uppsikt.model.events import Platform
from uppsikt.operations.secrets import put_account_secret
from uppsikt.platforms.youtube.websub import topic_for
from uppsikt.retention.schedule import AWAITED, deletes, shipped

BUCKET = "AWS::S3::Bucket"
TABLE = "AWS::DynamoDB::Table"

# For each store in infra/: what the scenario's writers must have put there, by key prefix (S3)
# or by the prefix of the row's first key attribute (DynamoDB; "" matches any row).
WRITERS: dict[str, dict[str, str]] = {
    "RawBucket": {
        "deliveries/": "webhook ingest: a delivery, stored before it is acknowledged",
        "quarantine/": "webhook ingest: a signed delivery for an account nobody registered",
        "polls/": "the poller: an API answer, stored before its items are queued",
        "claims/": "the ingest queue: a message too large for SQS (claim check)",
    },
    "ArchiveBucket": {"evidence/": "evaluation: the evidence copy of a flagged item"},
    "PolicyBucket": {
        "policies/": "`uppsikt policy publish`: the packs",
        "accounts/": "`uppsikt accounts publish`: the registry",
    },
    "FlagsTable": {"F-": "evaluation: a flag"},
    "ItemsTable": {
        "held#": "evaluation: a held action (an event before its item's create)",
        "": "evaluation: working records",
    },
    "ReviewTable": {"flag#": "the review API: a flag's history (a claim, a decision)"},
    "IdempotencyTable": {"": "the evaluate consumer's completion rows (evaluate/batch.py)"},
    "RequestsTable": {"": "`uppsikt dsr`: a data-subject request and a restriction"},
    "GovernanceTable": {"org#": "the raw store and evidence archive: the expiry inventory"},
    "AuditTable": {"": "the audit log: an entry appended (here the checkpoint's own entry)"},
    "CheckpointBucket": {"checkpoints/": "the hourly audit checkpoint of each organisation"},
    "PollStateTable": {
        "cursor#": "the poller: a cursor per account and stream",
        "emitted#": "the poller: the ledger of items queued",
        "lookup#": "webhook ingest: an Instagram mention waiting to be looked up",
        "lease#": "the WebSub route: the lease the hub granted",
    },
    "ClocksTable": {
        "clock#": "evaluation: a visitor's question starts its response clock",
        "thread#": "evaluation: the question's thread (its open questions)",
        "lastpost#": "evaluation: an official post, for the cadence check",
        "publishers#": "evaluation: official posts counted per account and week",
    },
    "NotifyTable": {
        "org#": "`uppsikt notify add`: a recipient",
        "due#": "the notifier: a message deferred to the digest",
        "sent#": "the notifier: the record of a delivery",
    },
}


def template() -> dict[str, Any]:
    resources: dict[str, Any] = infra.load(infra.RESOURCES)["Resources"]
    return resources


def stores() -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in template().items()
        if resource["Type"] in (BUCKET, TABLE)
    }


def test_every_store_in_infra_has_its_writers() -> None:
    assert sorted(WRITERS) == sorted(stores()), (
        "a table or bucket in infra/resources.yaml has no entry in WRITERS (or one was removed): "
        "drive the code that writes to it below and check its retention"
    )
    # Every kind of raw object the adapter can classify is written by the scenario.
    assert sorted(WRITERS["RawBucket"]) == sorted(f"{p}/" for p in RAW_CLASSES)


# --- the scenario --------------------------------------------------------------------------------


def page(entry_id: str, *values: dict[str, Any]) -> bytes:
    changes = [{"field": "feed", "value": v} for v in values]
    return json.dumps(
        {"object": "page", "entry": [{"id": entry_id, "time": 1763712000, "changes": changes}]}
    ).encode()


def comment(comment_id: str, message: str, verb: str = "add") -> dict[str, Any]:
    return {
        "item": "comment",
        "verb": verb,
        "comment_id": comment_id,
        "post_id": "104729561234567_9",
        "parent_id": "104729561234567_9",
        "created_time": 1763711999,
        "from": {"id": "55"},
        "message": message,
    }


def evaluate_queued(stack: Stack) -> None:
    bodies = stack.take_queued()
    assert bodies
    result = evaluate(sqs_event(*(sqs_record(b) for b in bodies)), LocalContext("test-evaluate"))
    assert result == {"batchItemFailures": []}


def review_a_flag(stack: Stack) -> None:
    """An officer claims and decides one flag: history rows, and the decision's retention."""
    from uppsikt.review.model import Principal, Role

    (row, *_) = stack.rt.dynamodb.scan(TableName=stack.settings.flags_table)["Items"]
    org, flag_id = row["org_id"]["S"], row["flag_id"]["S"]
    officer = Principal(sub=str(uuid.uuid4()), username="o", roles={org: frozenset({Role.OFFICER})})
    stack.rt.review.claim(officer, org, flag_id)
    stack.rt.review.transition(officer, org, flag_id, {"to": "dismissed", "reason": "harmless"})


def verify_websub_lease() -> None:
    topic = quote(topic_for("UCfackNordenDemoKanal001"), safe="")
    query = f"hub.mode=subscribe&hub.topic={topic}&hub.challenge=c&hub.lease_seconds=432000"
    with Client(app) as client:
        response = client.http.get(f"/webhooks/youtube/seko-youtube?{query}")
    assert response.status_code == 200, response.body


def poll_mastodon(stack: Stack, api: FakeApi) -> None:
    """Kommunal's Mastodon instance, served by the fake API; only that account is polled."""
    shipped_registry = load_registry(REGISTRY)
    (account,) = [a for a in shipped_registry.accounts if a.id == "kommunal-mastodon"]
    account = account.model_copy(update={"api_base": api.base_url})
    assert account.secret_name is not None
    put_account_secret(
        stack.rt.secretsmanager, account.secret_name, "mastodon", {"access_token": "t"}
    )
    registry = shipped_registry.model_copy(update={"accounts": (account,)})
    publish_registry(stack.rt.s3, stack.settings.policy_bucket, registry, stack.rt.pseudonymiser())
    stack.rt = runtime.Runtime(stack.settings, stack.session)  # a fresh container: uncached
    runtime.install(stack.rt)
    api.route(
        "GET",
        "/api/v1/notifications",
        Reply.file(EVENTS / "poll" / "mastodon" / "notifications-run-1.json"),
    )
    scheduled = scheduled_event("poll", event_id="retention-coverage")
    result = poll(scheduled, LocalContext("test-poll"))
    assert [s["status"] for s in result["streams"]] == ["complete"]


def run_every_writer(stack: Stack, api: FakeApi) -> None:
    stack.publish_policy()
    stack.post_meta((EVENTS / "meta" / "facebook-feed-comments.json").read_bytes())
    stack.post_meta((EVENTS / "meta" / "facebook-feed-own-post.json").read_bytes())  # clocks
    # A deletion before its create (a held action), and one comment too large for SQS.
    stack.post_meta(page("104729561234567", comment("9_1", "", verb="remove")))
    stack.post_meta(page("104729561234567", comment("9_2", "Langt indlæg. " * 20000)))
    stack.post_meta((EVENTS / "meta" / "instagram-mentions.json").read_bytes())
    stack.post_meta(page("999000999000999", comment("9_3", "hej")))  # nobody registered it
    evaluate_queued(stack)
    review_a_flag(stack)
    verify_websub_lease()
    record_requests(stack)
    poll_mastodon(stack, api)
    stack.rt.write_checkpoints()
    notify_through_the_queue(stack)


def record_requests(stack: Stack) -> None:
    """An open access request and an answered restriction (with its restriction row)."""
    from uppsikt.dsr.model import Kind

    desk = stack.rt.dsr_desk()
    desk.receive(Kind.ACCESS, "seko", Platform.FACEBOOK, "7300112233449876")
    desk.restrict("kommunal", Platform.FACEBOOK, "7300112233449877")


def notify_through_the_queue(stack: Stack) -> None:
    """A recipient; an advisory alert (deferred to the digest) and a legal one (sent)."""
    from app import notify
    from uppsikt.adapters.sns import Topic
    from uppsikt.local.receiver import Receiver
    from uppsikt.operations.notify import add_recipient

    stack.settings = stack.settings.model_copy(
        update={
            "public_base_url": "https://uppsikt.example.org",
            "notify_allow_loopback_http": True,
        }
    )
    stack.rt = runtime.Runtime(stack.settings, stack.session)
    runtime.install(stack.rt)
    topic = Topic(stack.rt.sns, stack.settings.alerts_topic_arn)
    with Receiver() as receiver:
        add_recipient(stack.rt, "seko", "slack", webhook_url=receiver.url("/s"))
        for severity in ("advisory", "legal"):
            body = {"type": "deadline.due", "org_id": "seko", "severity": severity}
            topic.publish("deadline", json.dumps(body), {"org_id": "seko"})
        assert stack.settings.notify_queue_url
        bodies = stack.rt.sqs.receive_message(
            QueueUrl=stack.settings.notify_queue_url, MaxNumberOfMessages=10
        )["Messages"]
        event = sqs_event(*(sqs_record(m["Body"]) for m in bodies))
        assert notify(event, LocalContext("test-notify")) == {"batchItemFailures": []}
        assert receiver.received  # the legal alert (and the scenario's flags) went out


# --- the checks ----------------------------------------------------------------------------------


def check_expiry(where: str, cls: Any, expires: Any, *, day: bool) -> str | None:
    """The problem with one stored thing's class and expiry, or None."""
    if not isinstance(cls, str) or cls not in shipped().classes:
        return f"{where}: no retention class (or one the schedule lacks: {cls!r})"
    if expires == "none":
        spec = shipped().classes[cls]
        terms = (spec.union, spec.authority)
        if not any(t.days is None or t.starts in AWAITED for t in terms):
            return f"{where}: class {cls} has a period, yet no expiry"
        return None
    try:
        (date.fromisoformat if day else datetime.fromisoformat)(str(expires))
    except ValueError:
        return f"{where}: expires-at is not an ISO {'date' if day else 'time'}: {expires!r}"
    return None


def bucket_problems(stack: Stack, bucket: str, prefixes: dict[str, str]) -> list[str]:
    s3 = stack.rt.s3
    problems: list[str] = []
    found: set[str] = set()
    versions = s3.list_object_versions(Bucket=bucket).get("Versions", [])
    for version in versions:
        key = version["Key"]
        found.update(p for p in prefixes if key.startswith(p))
        version_id = version["VersionId"]
        head = (
            s3.head_object(Bucket=bucket, Key=key)
            if version_id == "null"  # an unversioned bucket
            else s3.head_object(Bucket=bucket, Key=key, VersionId=version_id)
        )
        meta = head["Metadata"]
        problem = check_expiry(
            f"{bucket}/{key}", meta.get("retention-class"), meta.get("expires-at"), day=True
        )
        if problem:
            problems.append(problem)
    problems += [f"{bucket}: nothing written by {prefixes[p]}" for p in prefixes if p not in found]
    return problems


def row_problem(where: str, row: dict[str, Any], ttl_attr: str | None) -> str | None:
    problem = check_expiry(where, row.get("retention_class"), row.get("expires_at"), day=False)
    if problem:
        return problem
    if row["expires_at"] == "none" or not deletes(shipped(), row["retention_class"]):
        return (
            None if ttl_attr is None or ttl_attr not in row else f"{where}: a TTL would delete it"
        )
    if ttl_attr is None:
        return f"{where}: its class deletes at expiry, but the table has no TTL"
    if ttl_attr not in row:
        return f"{where}: no {ttl_attr}"
    expires = datetime.fromisoformat(row["expires_at"]).timestamp()
    if abs(int(row[ttl_attr]) - expires) > 1:
        return f"{where}: {ttl_attr} and expires_at disagree"
    return None


def table_problems(
    stack: Stack, name: str, resource: dict[str, Any], prefixes: dict[str, str]
) -> list[str]:
    ddb = stack.rt.dynamodb
    props = resource["Properties"]
    table = ddb.describe_table(TableName=_physical(stack, name))["Table"]["TableName"]
    ttl = props.get("TimeToLiveSpecification", {})
    ttl_attr = ttl.get("AttributeName") if ttl.get("Enabled") else None
    hash_key = next(k["AttributeName"] for k in props["KeySchema"] if k["KeyType"] == "HASH")
    key_names = [k["AttributeName"] for k in props["KeySchema"]]
    problems: list[str] = []
    rows = [
        from_item(i)
        for page in ddb.get_paginator("scan").paginate(TableName=table)
        for i in page["Items"]
    ]
    for row in rows:
        problem = row_problem(f"{name}[{row[hash_key]}]", row, ttl_attr)
        if problem:
            problems.append(problem)
    for prefix, writer in prefixes.items():
        if not any(str(r[hash_key]).startswith(prefix) for r in rows):
            problems.append(f"{name}: nothing written by {writer}")
    # An index lists rows of its table: each one's base row must carry its retention (a
    # keys-only index holds none itself), and every index must have been reached.
    for index in props.get("GlobalSecondaryIndexes", []):
        listed = ddb.scan(TableName=table, IndexName=index["IndexName"])["Items"]
        if not listed:
            problems.append(f"{name}/{index['IndexName']}: no row reached the index")
        for item in listed:
            key = {k: item[k] for k in key_names}
            base = from_item(ddb.get_item(TableName=table, Key=key)["Item"])
            problem = row_problem(f"{name}/{index['IndexName']}", base, ttl_attr)
            if problem:
                problems.append(problem)
    return problems


def _physical(stack: Stack, logical: str) -> str:
    """The physical name of a table, from the settings the stack was built with."""
    by_logical = {
        "FlagsTable": stack.settings.flags_table,
        "ItemsTable": stack.settings.items_table,
        "IdempotencyTable": stack.settings.idempotency_table,
        "PollStateTable": stack.settings.poll_state_table,
        "RequestsTable": stack.settings.requests_table or "",
        "GovernanceTable": stack.settings.governance_table,
        "ClocksTable": stack.settings.clocks_table,
        "NotifyTable": stack.settings.notify_table or "",
        "RawBucket": stack.settings.raw_bucket,
        "ArchiveBucket": stack.settings.archive_bucket,
        "PolicyBucket": stack.settings.policy_bucket,
        "AuditTable": stack.settings.audit_table,
        "CheckpointBucket": stack.settings.checkpoint_bucket,
        "ReviewTable": stack.settings.review_table or "",
    }
    return by_logical[logical]


@pytest.fixture(scope="module")
def server() -> Any:
    with FakeApi() as fake:
        yield fake


def test_everything_the_pipeline_writes_has_a_retention_class_and_an_expiry(
    stack: Stack, server: FakeApi
) -> None:
    server.reset()
    run_every_writer(stack, server)
    problems: list[str] = []
    for name, resource in sorted(stores().items()):
        if resource["Type"] == BUCKET:
            problems += bucket_problems(stack, _physical(stack, name), WRITERS[name])
        else:
            problems += table_problems(stack, name, resource, WRITERS[name])
    assert problems == []
