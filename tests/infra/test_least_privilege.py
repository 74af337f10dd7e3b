"""Least privilege, from evidence: every function runs its real scenarios on the embedded AWS
under its own recorded session, and its role in infra/functions.yaml must (a) allow every call
it made, action and resource, and (b) grant nothing that no scenario used, short of the few
grants in `UNRECORDED` (each with the reason no boto3 call of ours shows it).

The scenarios are the demo's (every webhook platform's handshakes and deliveries, the recorded
polls, the ingest queue drained through the evaluate handler, the notify queue through the
notifier), then each scheduled handler as EventBridge invokes it, and the review API as an
officer, a DPO and an auditor use it. Where a handler's work depends on the hour (the digest,
the purge, a clock falling due), its runtime method is also run at a later time under the same
function's session, as the schedule would run it then.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from support.events import scheduled_event
from support.iam import (
    ACCOUNT,
    PARTITION,
    Arns,
    Call,
    Need,
    Recorder,
    Resolver,
    Statement,
    needs,
    statements,
)
from uppsikt import infra, runtime
from uppsikt.local.lambda_context import LocalContext
from uppsikt.local.stack import REGION, STACK, EmbeddedAWS, _chalice_module

# Chalice's logical ids for app.py's functions, and the review function's.
FUNCTIONS = (
    "APIHandler",
    "Evaluate",
    "Notify",
    "Poll",
    "RenewWebsub",
    "DsrDue",
    "AuditCheckpoint",
    "ClockTick",
    "Purge",
    "NotifyDigest",
    "Review",
)
PUBLIC_BASE = "https://uppsikt.example.org/api"
SENDER = "uppsikt@example.org"

# Grants no boto3 call of ours shows, by (action, resource as written in the template).
RUNTIME_LOGS = "the Lambda runtime writes the function's logs with its role"
TRACES = "the Lambda runtime sends the function's X-Ray traces (tracing on); X-Ray takes only *"
EVENT_SOURCE = "Lambda's event-source mapping polls the function's queue with the function's role"
UNRECORDED: dict[str, str] = {
    # Where the observability work declares the log group, Lambda no longer needs to create it.
    "logs:CreateLogGroup": RUNTIME_LOGS,
    "logs:CreateLogStream": RUNTIME_LOGS,
    "logs:PutLogEvents": RUNTIME_LOGS,
    "xray:PutTraceSegments": TRACES,
    "xray:PutTelemetryRecords": TRACES,
}
# Statements Lambda itself uses with the function's role, which no call of the code shows.
LAMBDA_ITSELF = {
    "FailureDestination": "Lambda publishes a failed asynchronous (scheduled) run to the alerts"
    " topic; infra/observability.yaml names the destination",
}
# Per function: grants on a path the scenarios cannot reach, with the reason (none today).
UNREACHED: dict[tuple[str, str, str], str] = {
    # (function, statement Sid, action): a path the scenarios cannot reach on moto, and why.
    ("Purge", "Items", "dynamodb:GetItem"): (
        "a conditional delete that misses (the record changed after it was listed) reads the row"
        " to tell changed from gone; nothing changes mid-run in the scenario"
    ),
    ("Purge", "Inventory", "dynamodb:DeleteItem"): (
        "inventory rows a BatchWriteItem leaves unprocessed throughout go one at a time;"
        " moto never throttles"
    ),
    ("Evaluate", "Flags", "dynamodb:GetItem"): (
        "a flagged item evaluated again after its flag was created (a retry after a failed"
        " notification, a redelivery past the idempotency window) reads whether the flag was"
        " notified; the demo evaluates each item once"
    ),
    ("Purge", "Versions", "s3:ListBucketVersions"): (
        "the archive key is listed only when a second HEAD finds a version left after"
        " DeleteObjects; moto's DeleteObjects leaves none"
    ),
}
# Per function: the event source's receive, delete and attributes on its own queue.
EVENT_SOURCES = {"Evaluate": "IngestQueue", "Notify": "NotifyQueue"}
EVENT_SOURCE_ACTIONS = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")


def scheduled(rule: str) -> dict[str, Any]:
    return scheduled_event(rule, time=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))


class Run:
    """The embedded AWS with one recorded session per function."""

    def __init__(self, aws: EmbeddedAWS) -> None:
        self.aws = aws
        self.recorder = Recorder(REGION)
        self.settings = aws.settings.model_copy(
            update={"public_base_url": PUBLIC_BASE, "notify_allow_loopback_http": True}
        )

    @contextmanager
    def function(self, name: str) -> Iterator[runtime.Runtime]:
        """What runs inside is that function's: a fresh runtime (its own container) whose
        clients record their calls under `name`."""
        assert name in FUNCTIONS, name
        rt = runtime.Runtime(self.settings, self.recorder.session(name))
        runtime.install(rt)
        try:
            yield rt
        finally:
            runtime.install(self.aws.runtime)


def run_scenarios(run: Run) -> None:
    from uppsikt.dsr.model import Kind
    from uppsikt.local import demo
    from uppsikt.local.event_source import EventSourceMapping
    from uppsikt.local.fake_api import FakeApi
    from uppsikt.local.poll_replay import recordings
    from uppsikt.local.receiver import Receiver
    from uppsikt.local.replay import post_delivery
    from uppsikt.model.events import Platform
    from uppsikt.model.verdict import Severity
    from uppsikt.notify.routing import next_digest
    from uppsikt.operations.notify import add_recipient

    aws, app = run.aws, _chalice_module()
    base_url = aws.serve_app()
    operator = runtime.Runtime(run.settings, aws.session)
    operator.ses.verify_email_identity(EmailAddress=SENDER)
    with FakeApi() as api:
        recorded = {
            (r.platform, r.platform_account_id): r for r in recordings(demo.EVENTS / "poll")
        }
        registry = demo._demo_registry(aws, api, recorded)
        aws.publish_policy()
        with run.function("APIHandler"):
            sent = demo._webhooks(aws, base_url, registry, demo.Summary())
            # A comment too large for SQS: queued as a claim check on the raw store.
            sent.append(
                post_delivery(
                    base_url, _long_comment(), aws.runtime.meta_secrets().app_secret, "long"
                )
            )
            sent.append(sent.pop(-2))  # the forged one stays last
        assert [s.name for s in sent[:-1] if not 200 <= s.status < 300] == []
        with run.function("Poll"):
            runs = max(len(r.runs) for r in recorded.values())
            for index in range(runs):
                for recording in recorded.values():
                    recording.serve(api, min(index, len(recording.runs) - 1))
                app.poll(scheduled("poll"), LocalContext("uppsikt-poll"))
        run.settings = run.settings.model_copy(
            update={"websub_hub_url": api.base_url + "/subscribe"}
        )
        api.route("POST", "/subscribe", _accepted())
        with run.function("RenewWebsub"):
            renewals = app.renew_websub(scheduled("renew_websub"), LocalContext("renew"))
        assert renewals["renewals"], renewals

    with run.function("Evaluate"):
        mapping = EventSourceMapping(
            sqs=aws.runtime.sqs,
            queue_url=aws.settings.ingest_queue_url,
            handler=app.evaluate,
            function_name="uppsikt-evaluate",
            batch_size=10,
            report_batch_item_failures=True,
        )
        mapping.drain()
    assert mapping.counters.succeeded

    with Receiver() as receivers:
        slack = add_recipient(
            operator,
            "seko",
            "slack",
            webhook_url=receivers.url("/services/T000/B000/seko-desk"),
            recipient_id="seko-desk",
            lang="sv",
            flags_from=Severity.ADVISORY,
        )
        dpo = add_recipient(
            operator,
            "seko",
            "email",
            email="dpo@example.org",
            recipient_id="seko-dpo",
            lang="sv",
            flags_from=Severity.ADVISORY,
        )
        assert run.settings.notify_queue_url is not None
        with run.function("Notify"):
            EventSourceMapping(
                sqs=aws.runtime.sqs,
                queue_url=run.settings.notify_queue_url,
                handler=app.notify,
                function_name="uppsikt-notify",
                batch_size=5,
                report_batch_item_failures=True,
            ).drain()
        with run.function("NotifyDigest") as rt:
            app.notify_digest(scheduled("notify_digest"), LocalContext("digest"))
            for recipient in (slack, dpo):
                rt.notifier.tick(next_digest(recipient, datetime.now(UTC)))
        assert receivers.received

    # A request received 28 days ago is due within the week: the daily check reminds.
    desk = operator.dsr_desk()
    desk.receive(
        Kind.ACCESS,
        "seko",
        Platform.FACEBOOK,
        "7300112233449876",
        at=datetime.now(UTC) - timedelta(days=28),
    )
    with run.function("DsrDue"):
        reminded = app.dsr_due(scheduled("dsr_due"), LocalContext("dsr"))
    assert reminded["reminded"]
    with run.function("AuditCheckpoint"):
        app.audit_checkpoint(scheduled("audit_checkpoint"), LocalContext("checkpoint"))
    with run.function("ClockTick") as rt:
        app.clock_tick(scheduled("clock_tick"), LocalContext("tick"))
        rt.clock_tick(datetime.now(UTC) + timedelta(days=30))
    review(run)
    with run.function("Purge") as rt:
        app.purge(scheduled("purge"), LocalContext("purge"))
        receipts = rt.purge_all(datetime.now(UTC) + timedelta(days=3650))
    assert receipts


def review(run: Run) -> None:
    """The review API as officers, a DPO and an auditor use it, on the flags evaluation raised."""
    from support.review import ReviewStack
    from uppsikt.adapters.dynamodb import Flags
    from uppsikt.local.review_seed import add_demo_users

    aws = run.aws
    subs = add_demo_users(aws.runtime.directory, ["seko"])
    st = ReviewStack(aws, aws.serve_review(), subs, {})
    archived = {
        o["Key"]
        for o in aws.runtime.s3.list_objects_v2(Bucket=aws.settings.archive_bucket)["Contents"]
    }
    # Evaluation's flags, whose evidence is archived (a clock's breach flag has none).
    flags = [
        f["flag_id"]
        for f in Flags(aws.runtime.dynamodb, aws.settings.flags_table).scan()
        if f["org_id"] == "seko" and f.get("evidence_key") in archived
    ]
    assert len(flags) >= 3, flags
    officer, dpo, auditor = "seko-officer", "seko-dpo", "seko-auditor"
    week = datetime.now(UTC).strftime("%G-W%V")
    fid, other, third = flags[:3]
    flag = f"/orgs/seko/flags/{fid}"
    bulk = {"flag_ids": [other, third], "to": "dismissed", "template": "no_violation"}
    calls: list[tuple[str, str, str, Any]] = [
        ("GET", "/me", officer, None),
        ("PUT", "/me/language", dpo, {"language": "sv"}),
        ("GET", "/orgs/seko/flags?status=open", officer, None),
        ("GET", flag, officer, None),
        ("POST", f"{flag}/claim", officer, None),
        ("POST", f"{flag}/comments", dpo, {"text": "Checked", "visibility": "record"}),
        ("POST", f"{flag}/unmask", dpo, {"reason": "Data subject request 2026-17"}),
        ("POST", f"{flag}/transitions", officer, {"to": "confirmed", "reason": "A phone number"}),
        ("POST", f"/orgs/seko/flags/{other}/assign", officer, {"assignee": subs[officer]}),
        ("POST", "/orgs/seko/flags/bulk", officer, {**bulk, "confirm_count": 2}),
        ("GET", "/orgs/seko/dashboard?days=30", auditor, None),
        ("GET", "/orgs/seko/audit?limit=500", auditor, None),
    ]
    report = urllib.request.Request(
        f"{st.url}/orgs/seko/reports/supervision?week={week}&format=csv&language=sv",
        headers={"Accept": "*/*"},
    )
    with run.function("Review"):
        for method, path, user, body in calls:
            answer = st.call(method, path, user, body)
            assert answer.status in (200, 201), (path, answer.body)
        report.add_header("Authorization", f"Bearer {st.token(auditor)}")
        with urllib.request.urlopen(report, timeout=60) as response:
            assert response.read()


def _long_comment() -> bytes:
    change = {
        "field": "feed",
        "value": {
            "item": "comment",
            "verb": "add",
            "comment_id": "104729561234567_9_1",
            "post_id": "104729561234567_9",
            "parent_id": "104729561234567_9",
            "created_time": 1763711999,
            "from": {"id": "55"},
            "message": "Langt indlæg. " * 20000,
        },
    }
    entry = {"id": "104729561234567", "time": 1763712000, "changes": [change]}
    return json.dumps({"object": "page", "entry": [entry]}).encode()


def _accepted() -> Any:
    from uppsikt.local.fake_api import Reply

    return Reply(status=202, body=b"")


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[Run, Arns, Resolver]]:
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            patch.delenv(name, raising=False)
        with EmbeddedAWS(parameters={"PublicBaseUrl": PUBLIC_BASE, "NotifySender": SENDER}) as aws:
            run = Run(aws)
            run_scenarios(run)
            yield run, *_stack_names(aws)


def _stack_names(aws: EmbeddedAWS) -> tuple[Arns, Resolver]:
    """ARNs of everything the template names, from the provisioned stack's outputs."""
    sm = aws.runtime.secretsmanager
    secret_arns = {
        s["Name"]: s["ARN"]
        for page in sm.get_paginator("list_secrets").paginate()
        for s in page["SecretList"]
    }
    secret_tags = {
        arn: {t["Key"]: t["Value"] for t in sm.describe_secret(SecretId=arn).get("Tags", [])}
        for arn in secret_arns.values()
    }
    arns = Arns(REGION, secret_arns, secret_tags)
    template = infra.load(infra.RESOURCES)
    refs: dict[str, str] = {}
    by_arn: dict[str, str] = {}
    for key, output in template["Outputs"].items():
        value = aws.environment.get(infra.env_name(key))
        target = output["Value"]
        if value is None or not isinstance(target, dict):
            continue
        if "Ref" in target:
            refs[target["Ref"]] = value
        elif "Fn::GetAtt" in target:
            by_arn[target["Fn::GetAtt"][0]] = value
    kinds = {name: r["Type"] for name, r in template["Resources"].items()}
    for name, ref in refs.items():
        kind = kinds.get(name)
        if kind == "AWS::DynamoDB::Table":
            by_arn[name] = arns.table(ref)
        elif kind == "AWS::S3::Bucket":
            by_arn[name] = f"arn:{PARTITION}:s3:::{ref}"
        elif kind == "AWS::SQS::Queue":
            by_arn[name] = arns.queue(ref)
        elif kind in ("AWS::SNS::Topic", "AWS::SecretsManager::Secret"):
            by_arn[name] = ref
        elif kind == "AWS::KMS::Key":
            by_arn[name] = arns.key(ref)
        elif kind == "AWS::Cognito::UserPool":
            by_arn[name] = arns.user_pool(ref)
    pseudo = {
        "AWS::Partition": PARTITION,
        "AWS::Region": REGION,
        "AWS::AccountId": ACCOUNT,
        "AWS::StackName": STACK,
    }
    return arns, Resolver(refs, by_arn, pseudo)


def role_of(function: str) -> str:
    resources = infra.load(infra.FUNCTIONS)["Resources"]
    return str(resources[function]["Properties"]["Role"]["Fn::GetAtt"][0])


def role_statements(function: str, resolve: Resolver) -> list[Statement]:
    return statements(infra.load(infra.FUNCTIONS)["Resources"][role_of(function)], resolve)


def needed(run: Run, arns: Arns, resolve: Resolver, function: str) -> list[tuple[Call, Need]]:
    data_key = resolve({"Fn::GetAtt": ["DataKey", "Arn"]})
    return [(c, n) for c in run.recorder.calls[function] for n in needs(c, arns, data_key)]


@pytest.mark.parametrize("function", FUNCTIONS)
def test_every_call_a_function_makes_is_allowed_by_its_role(
    recorded: tuple[Run, Arns, Resolver], function: str
) -> None:
    run, arns, resolve = recorded
    assert run.recorder.calls[function], f"no scenario ran {function}"
    granted = role_statements(function, resolve)
    denied = sorted(
        {
            f"{n.action} {n.resource}"
            for _, n in needed(run, arns, resolve, function)
            if not any(s.allows(n) for s in granted)
        }
    )
    assert not denied, f"{role_of(function)} does not allow what {function} calls:\n" + "\n".join(
        denied
    )


@pytest.mark.parametrize("function", FUNCTIONS)
def test_a_role_grants_nothing_its_function_did_not_use(
    recorded: tuple[Run, Arns, Resolver], function: str
) -> None:
    """Each action of each statement, on each resource it lists, was needed by a recorded call,
    or is a grant no boto3 call shows (`UNRECORDED`, the event source's)."""
    run, arns, resolve = recorded
    used = [n for _, n in needed(run, arns, resolve, function)]
    source = EVENT_SOURCES.get(function)
    unused: list[str] = []
    for statement in role_statements(function, resolve):
        for action in statement.actions:
            if statement.sid in LAMBDA_ITSELF:
                continue
            if action in UNRECORDED or (function, statement.sid, action) in UNREACHED:
                continue
            for pattern, raw in zip(statement.resources, statement.raw_resources, strict=True):
                one = Statement(statement.sid, [action], [pattern], [raw], statement.condition)
                if action in EVENT_SOURCE_ACTIONS and raw == {"Fn::GetAtt": [source, "Arn"]}:
                    continue
                if not any(one.allows(n) for n in used):
                    unused.append(f"{statement.sid}: {action} on {raw}")
    assert not unused, f"{role_of(function)} grants what {function} never used:\n" + "\n".join(
        unused
    )


def test_every_function_has_a_role_of_its_own() -> None:
    roles = [role_of(f) for f in FUNCTIONS]
    assert len(set(roles)) == len(roles), roles


def test_the_scenarios_run_every_function_in_the_template() -> None:
    resources = infra.load(infra.FUNCTIONS)["Resources"]
    declared = {n for n, r in resources.items() if r["Type"] == "AWS::Serverless::Function"}
    assert declared == set(FUNCTIONS)


def test_the_webhook_role_reads_no_account_token_of_a_platform_it_does_not_verify(
    recorded: tuple[Run, Arns, Resolver],
) -> None:
    """Facebook's, Instagram's, LinkedIn's, Bluesky's account secrets hold pollers' tokens
    only: the webhook function may not read them (the routes that need an account's own
    signing secret are YouTube's and Mastodon's)."""
    _, arns, resolve = recorded
    granted = role_statements("APIHandler", resolve)
    for name, arn in arns.secret_arns.items():
        if not name.startswith("uppsikt/accounts/"):
            continue
        platform = arns.secret_tags[arn]["uppsikt-platform"]
        need = Need("secretsmanager:GetSecretValue", arn, (("uppsikt-platform", platform),))
        allowed = any(s.allows(need) for s in granted)
        assert allowed == (platform in ("youtube", "mastodon")), name
    assert any(
        arns.secret_tags[a]["uppsikt-platform"] not in ("youtube", "mastodon")
        for n, a in arns.secret_arns.items()
        if n.startswith("uppsikt/accounts/")
    ), "the scenario set no other platform's account secret"
