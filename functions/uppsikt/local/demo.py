"""`uppsikt demo`: the whole pipeline on the embedded AWS, from signed webhooks to flags.

It replays every delivery in events/meta/ over HTTP, re-sends one (as Meta's retries do), sends one
with a forged signature (refused, nothing stored) and the malformed ones in events/meta-bad/
(quarantined), runs the queue consumer until the queue is empty, and reports what the stores hold.
Exit status 0 means every accepted change was processed and nothing is in a dead-letter queue.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from uppsikt import infra
from uppsikt.accounts.model import Registry
from uppsikt.accounts.registry import load as load_registry
from uppsikt.adapters.dynamodb import SHADOW_PREFIX, Flags, Items
from uppsikt.local import clocks_demo, dsr_demo, notify_demo, purge_demo
from uppsikt.local.fake_api import FakeApi
from uppsikt.local.poll_replay import Recording, recordings
from uppsikt.local.replay import (
    Sent,
    handshake,
    linkedin_challenge,
    post_delivery,
    replay_folder,
    replay_linkedin,
    replay_mastodon,
    replay_x,
    replay_youtube,
    websub_verify,
    x_crc,
)
from uppsikt.local.stack import EmbeddedAWS
from uppsikt.model.events import Platform
from uppsikt.operations.backtest import shadow_report
from uppsikt.operations.reconcile import reconcile
from uppsikt.platforms.youtube import websub
from uppsikt.polling.schedule import poll_all
from uppsikt.polling.sources.catalogue import lookups_for, sources_for

EVENTS = infra.REPO / "events"


@dataclass
class Summary:
    handshake_ok: bool = False
    x_crc_ok: bool = False
    linkedin_challenge_ok: bool = False
    websub_verified: bool = False
    deliveries_sent: int = 0
    deliveries_accepted: int = 0
    deliveries_refused: dict[str, int] = field(default_factory=dict)
    deliveries_stored: int = 0
    deliveries_by_platform: dict[str, int] = field(default_factory=dict)
    items_by_platform: dict[str, int] = field(default_factory=dict)
    # Per organisation (tenant), read through the tables' `by-org` indexes, never a scan.
    organisations: dict[str, dict[str, Any]] = field(default_factory=dict)
    organisation_deliveries: dict[str, int] = field(default_factory=dict)
    # A candidate pack in shadow beside the authority's, and what it would have done differently.
    shadow_candidate: str = ""
    shadow: dict[str, Any] = field(default_factory=dict)
    polls_by_platform: dict[str, dict[str, int]] = field(default_factory=dict)
    quarantined: int = 0
    changes: int = 0
    test_changes: int = 0
    ignored_changes: int = 0
    messages_enqueued: int = 0
    messages_processed: int = 0
    items_evaluated: int = 0
    flags_by_rule: dict[str, int] = field(default_factory=dict)
    flags: int = 0
    notifications_sent: int = 0
    notifier: dict[str, Any] = field(default_factory=dict)  # what the local receivers got
    dead_letters: int = 0
    policy_version: str = ""
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)
    data_subject_access: dict[str, Any] = field(default_factory=dict)  # local/dsr_demo.py
    purge: list[dict[str, Any]] = field(default_factory=list)  # a dry run's receipts
    clocks: dict[str, Any] = field(default_factory=dict)  # local/clocks_demo.py
    reconciliation: dict[str, Any] = field(default_factory=dict)  # operations/reconcile.py
    # From when `reconcile` reads the raw bucket (a minute of slack for the clocks).
    started_at: str = field(default_factory=lambda: _a_minute_ago().isoformat())

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "ok": self.ok}

    def render(self) -> str:
        lines = [
            "Uppsikt demo on the embedded AWS",
            f"  policy published           {self.policy_version}",
            "  handshakes                 "
            + ", ".join(
                f"{name} {'ok' if ok else 'FAILED'}"
                for name, ok in (
                    ("Meta", self.handshake_ok),
                    ("X CRC", self.x_crc_ok),
                    ("LinkedIn", self.linkedin_challenge_ok),
                    ("WebSub", self.websub_verified),
                )
            ),
            f"  deliveries sent            {self.deliveries_sent}",
            f"    accepted (2xx)           {self.deliveries_accepted}",
            f"    refused                  {self.deliveries_refused or 0}",
            f"    stored raw (distinct)    {self.deliveries_stored}  "
            + ", ".join(f"{p} {n}" for p, n in sorted(self.deliveries_by_platform.items())),
            f"    quarantined (malformed)  {self.quarantined}",
            "  polled (runs, pages, new items)",
            *(
                f"    {p:<24} {c['runs']} runs, {c['pages']} pages, {c['emitted']} items"
                for p, c in sorted(self.polls_by_platform.items())
            ),
            f"  changes received           {self.changes}",
            f"    dashboard tests skipped  {self.test_changes}",
            f"    ignored (reactions, …)   {self.ignored_changes}",
            f"  queue messages             {self.messages_enqueued} sent, "
            f"{self.messages_processed} processed",
            f"  items evaluated            {self.items_evaluated}  "
            + ", ".join(f"{p} {n}" for p, n in sorted(self.items_by_platform.items())),
            f"  flags raised               {self.flags}",
        ]
        lines += [f"    {rule:<34}{n}" for rule, n in sorted(self.flags_by_rule.items())]
        lines.append("  per organisation (pack, org type: raw deliveries, items, flags)")
        lines += [
            f"    {org:<24} {o['pack']}, {o['org_type']}: "
            f"{self.organisation_deliveries.get(org, 0)} deliveries, {o['items']} items, "
            f"{o['flags']} flags"
            for org, o in sorted(self.organisations.items())
        ]
        if self.shadow:
            lines.append(
                f"  shadow candidate           authority {self.shadow_candidate} beside the live "
                f"pack for {SHADOW_ORG}: {self.shadow['items']} items, "
                f"{self.shadow['flagged_live']} flagged live, "
                f"{self.shadow['flagged_candidate']} by the candidate"
            )
            lines += [
                f"    {rule:<34}+{c['gained']} -{c['lost']} (nothing notified)"
                for rule, c in sorted(self.shadow["rules"].items())
            ]
        if self.data_subject_access:
            a = self.data_subject_access
            n = a["counts"]
            lines.append(
                f"  data-subject access        {a['request_id']} ({a['organisation']}): "
                f"{n['items']} items, {n['flags']} flags, {n['evidence']} evidence"
                f"\n    bundle {a['bundle']}, summary {a['summary']}"
            )
        lines += purge_demo.render(self.purge)
        lines += [
            f"  notifications sent         {self.notifications_sent}",
            *notify_demo.render(self.notifier),
            f"  messages in dead-letter q. {self.dead_letters}",
            f"  took                       {self.seconds:.1f} s",
            "  result                     "
            + ("OK: every accepted change processed, nothing lost" if self.ok else "PROBLEMS"),
        ]
        lines[-1:-1] = clocks_demo.render(self.clocks)
        if self.reconciliation:
            t = self.reconciliation["total"]
            lines[-1:-1] = [
                f"  reconciled (raw vs outcome) {t['deliveries']} deliveries, {t['items']} items: "
                f"{t['evaluated']} evaluated, {t['flagged']} flagged, {t['dead_lettered']} "
                f"dead-lettered, {t['purged']} purged, {t['quarantined']} quarantined, "
                f"{self.reconciliation['gaps']} gaps"
            ]
        lines += [f"    - {p}" for p in self.problems]
        return "\n".join(lines)


def _a_minute_ago() -> datetime:
    return datetime.now(UTC) - timedelta(minutes=1)


def _reconcile(aws: EmbeddedAWS, summary: Summary) -> None:
    """The demo ends with the ledger: every raw delivery's items against their outcomes."""
    ledger = reconcile(aws.runtime, since=datetime.fromisoformat(summary.started_at))
    summary.reconciliation = ledger.as_dict()
    if not ledger.ok:
        summary.problems.append(f"reconcile found {ledger.gaps} gap(s)")


def _count(aws: EmbeddedAWS, prefix: str) -> int:
    paginator = aws.runtime.s3.get_paginator("list_objects_v2")
    return sum(
        page.get("KeyCount", 0)
        for page in paginator.paginate(Bucket=aws.settings.raw_bucket, Prefix=prefix)
    )


def _tally(summary: Summary, sent: list[Sent]) -> None:
    for item in sent:
        summary.deliveries_sent += 1
        if 200 <= item.status < 300 and isinstance(item.body, dict):
            summary.deliveries_accepted += 1
            summary.changes += int(item.body.get("changes", 0))
            summary.test_changes += int(item.body.get("test", 0))
            summary.ignored_changes += int(item.body.get("ignored", 0))
            summary.messages_enqueued += int(item.body.get("enqueued", 0))
        else:
            key = str(item.status)
            summary.deliveries_refused[key] = summary.deliveries_refused.get(key, 0) + 1


# The raw store's folders of the webhook platforms the demo replays (`Mapper.source`).
WEBHOOK_SOURCES = ("meta", "x", "linkedin", "youtube", "mastodon")


def run(aws: EmbeddedAWS, base_url: str) -> Summary:
    started = time.monotonic()
    summary = Summary()
    with FakeApi() as api:
        recorded = {(r.platform, r.platform_account_id): r for r in recordings(EVENTS / "poll")}
        registry = _demo_registry(aws, api, recorded)
        summary.policy_version = aws.publish_policy()
        summary.shadow_candidate = _publish_shadow_candidate(aws)
        sent = _webhooks(aws, base_url, registry, summary)
        _tally(summary, sent[:-1])
        forged = sent[-1]
        _tally(summary, [forged])
        if forged.status != 401:
            summary.problems.append(f"a forged signature was answered {forged.status}, not 401")
        for item in sent[:-1]:
            if not 200 <= item.status < 300:
                summary.problems.append(f"{item.name} was answered {item.status}")
        _polls(aws, api, registry, recorded, summary)

    mapping = aws.evaluate_mapping()
    mapping.drain()
    summary.messages_processed = mapping.counters.succeeded
    summary.deliveries_stored = _count(aws, "deliveries/")
    for source in WEBHOOK_SOURCES:
        summary.deliveries_by_platform[source] = _count(aws, f"deliveries/{source}/")
    for org in registry.organisations:
        # Raw deliveries are kept per source and organisation (ingest/webhook.py).
        summary.organisation_deliveries[org.id] = sum(
            _count(aws, f"deliveries/{source}/{org.id}/") for source in WEBHOOK_SOURCES
        )
    summary.quarantined = _count(aws, "quarantine/")

    items = Items(aws.runtime.dynamodb, aws.settings.items_table).scan()
    flags = Flags(aws.runtime.dynamodb, aws.settings.flags_table).scan()
    summary.items_evaluated = len(items)
    summary.items_by_platform = dict(Counter(str(item["platform"]) for item in items))
    summary.flags = len(flags)
    by_rule: Counter[str] = Counter(rule for flag in flags for rule in flag["rule_ids"])
    summary.flags_by_rule = dict(by_rule)
    summary.notifications_sent = sum(1 for flag in flags if flag.get("notification_id"))
    _per_organisation(aws, registry, summary, items_total=len(items), flags_total=len(flags))
    shadow_results = Items(aws.runtime.dynamodb, aws.settings.items_table).shadow_results_of_org(
        SHADOW_ORG
    )
    summary.shadow = shadow_report(SHADOW_ORG, shadow_results).as_dict()
    attrs = aws.runtime.sqs.get_queue_attributes(
        QueueUrl=aws.settings.ingest_dlq_url, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]
    summary.dead_letters = int(attrs["ApproximateNumberOfMessages"])
    # Each organisation's first signed audit checkpoint (the hourly schedule writes the next), so
    # `--serve` has a checkpoint hash for the supervision report; then the chain must verify.
    for written in aws.runtime.write_checkpoints():
        if not aws.runtime.verify_audit(written.org_id).ok:
            summary.problems.append(f"the audit chain of {written.org_id} does not verify")

    if summary.dead_letters:
        summary.problems.append(f"{summary.dead_letters} message(s) in the dead-letter queue")
    if summary.messages_processed != summary.messages_enqueued:
        summary.problems.append(
            f"{summary.messages_enqueued} messages queued, {summary.messages_processed} processed"
        )
    if summary.notifications_sent != summary.flags:
        summary.problems.append("a flag was raised without a notification")
    summary.data_subject_access = dsr_demo.access_bundle(aws)
    summary.purge = purge_demo.dry_run(aws)
    summary.clocks = clocks_demo.run(aws, base_url)
    summary.problems += summary.clocks["problems"]
    summary.notifier = notify_demo.run(aws, summary.problems)
    summary.seconds = time.monotonic() - started
    return summary


def _demo_registry(
    aws: EmbeddedAWS, api: FakeApi, recorded: dict[tuple[str, str], Recording]
) -> Registry:
    """The shipped registry, with every polled account's API pointed at the recordings on
    loopback (as moto stands in for AWS), and each account's secret set."""
    shipped = load_registry(infra.REPO / "policies" / "registry" / "accounts.yaml")
    accounts = []
    for listed in shipped.accounts:
        account = listed
        recording = recorded.get((listed.platform.value, listed.platform_account_id))
        values: dict[str, str] = {}
        if recording is not None:
            account = listed.model_copy(update={"api_base": api.base_url + recording.api_base_path})
            values.update(recording.credentials)
        if account.platform is Platform.YOUTUBE:
            values["websub_secret"] = secrets.token_hex(16)
        if account.platform is Platform.MASTODON:
            values["webhook_secret"] = secrets.token_hex(16)
        if values and account.secret_name:
            aws.set_account_secret(account, values)
        accounts.append(account)
    registry = shipped.model_copy(update={"accounts": tuple(accounts)})
    aws.publish_registry(registry)
    return registry


SHADOW_ORG = "eksempeletaten"
SHADOW_DROPS = "authority.plain-language"


def _publish_shadow_candidate(aws: EmbeddedAWS) -> str:
    """What a DPO trying a change would publish with `uppsikt policy publish --shadow`: here the
    authority pack without its plain-language rule, to see what it would stop flagging."""
    from uppsikt.policy.engine import compile_policy
    from uppsikt.policy.store import publish_shadow

    live = aws.runtime.policies.get("authority")
    rules = tuple(r for r in live.document.rules if r.id != SHADOW_DROPS)
    candidate = compile_policy(live.document.model_copy(update={"rules": rules}))
    return publish_shadow(aws.runtime.s3, aws.settings.policy_bucket, candidate)


def _per_organisation(
    aws: EmbeddedAWS, registry: Registry, summary: Summary, *, items_total: int, flags_total: int
) -> None:
    """What each organisation's own listings hold: each tenant sees its items and flags only,
    and together they account for everything stored."""
    flags_store = Flags(aws.runtime.dynamodb, aws.settings.flags_table)
    items_store = Items(aws.runtime.dynamodb, aws.settings.items_table)
    for org in registry.organisations:
        flags = flags_store.of_org(org.id)
        if any(f["org_id"] != org.id for f in flags):
            summary.problems.append(f"{org.id}'s flag listing shows another organisation's flag")
        summary.organisations[org.id] = {
            "pack": org.policy_pack,
            "org_type": org.org_type,
            # Working records and held actions; a shadow candidate's rows are its own.
            "items": sum(
                not i.startswith(SHADOW_PREFIX) for i in items_store.event_ids_of_org(org.id)
            ),
            "flags": len(flags),
            "policies": sorted({str(f["policy_id"]) for f in flags}),
        }
    listed_items = sum(o["items"] for o in summary.organisations.values())
    listed_flags = sum(o["flags"] for o in summary.organisations.values())
    # Held actions are rows of the items table too; the scan above counts working records only.
    if listed_flags != flags_total or listed_items < items_total:
        summary.problems.append("some records belong to no organisation's listing")


def _webhooks(aws: EmbeddedAWS, base_url: str, registry: Registry, summary: Summary) -> list[Sent]:
    """Every webhook platform's handshake and deliveries; the forged Meta delivery comes last."""
    app_secret = aws.set_meta_app_secret()
    status, body = handshake(base_url, aws.meta_verify_token(), "424242")
    summary.handshake_ok = status == 200 and body == "424242"
    x_secret = aws.set_x_consumer_secret()
    status, body = x_crc(base_url)
    summary.x_crc_ok = status == 200 and body.startswith('{"response_token": "sha256=')
    li_secret = aws.set_linkedin_client_secret()
    status, body = linkedin_challenge(base_url, "demo-challenge-0001")
    summary.linkedin_challenge_ok = status == 200 and '"challengeResponse"' in body
    youtube = next(a for a in registry.accounts if a.platform is Platform.YOUTUBE)
    topic = websub.topic_for(youtube.platform_account_id)
    status, body = websub_verify(base_url, youtube.id, topic, "demo-websub-challenge")
    summary.websub_verified = status == 200 and body == "demo-websub-challenge"
    for name, ok in (
        ("the Meta handshake", summary.handshake_ok),
        ("the X CRC", summary.x_crc_ok),
        ("the LinkedIn challenge", summary.linkedin_challenge_ok),
        ("the WebSub verification", summary.websub_verified),
    ):
        if not ok:
            summary.problems.append(f"{name} failed")
    mastodon = next(a for a in registry.accounts if a.platform is Platform.MASTODON)

    sent = replay_folder(base_url, EVENTS / "meta", app_secret)
    sent += replay_x(base_url, EVENTS / "x", x_secret)
    sent += replay_linkedin(base_url, EVENTS / "linkedin", li_secret)
    sent += replay_youtube(
        base_url, EVENTS / "youtube", youtube.id, aws.account_secret(youtube, "websub_secret")
    )
    sent += replay_mastodon(
        base_url, EVENTS / "mastodon", mastodon.id, aws.account_secret(mastodon, "webhook_secret")
    )
    first = sorted((EVENTS / "meta").glob("*.json"))[0]
    sent.append(post_delivery(base_url, first.read_bytes(), app_secret, "retry of " + first.name))
    sent += replay_folder(base_url, EVENTS / "meta-bad", app_secret)
    sent.append(post_delivery(base_url, first.read_bytes(), "not-the-app-secret", "forged"))
    return sent


def _polls(
    aws: EmbeddedAWS,
    api: FakeApi,
    registry: Registry,
    recorded: dict[tuple[str, str], Recording],
    summary: Summary,
) -> None:
    """Each recorded platform, run by run, through the scheduled job's own path."""
    rt = aws.runtime
    for account in registry.accounts:
        recording = recorded.get((account.platform.value, account.platform_account_id))
        if recording is None:
            continue
        counts = summary.polls_by_platform.setdefault(
            account.platform.value, {"runs": 0, "pages": 0, "emitted": 0}
        )
        for run_index in range(len(recording.runs)):
            recording.serve(api, run_index)
            outcomes = poll_all(
                rt.poller,
                [account],
                sources=sources_for,
                lookups=lookups_for,
                credentials=rt.account_credentials,
                pseudonymiser=rt.pseudonymiser(),
            )
            counts["runs"] += 1
            for outcome in outcomes:
                counts["pages"] += outcome.pages
                counts["emitted"] += outcome.emitted
                summary.messages_enqueued += outcome.emitted + outcome.unmapped
                if outcome.status != "complete":
                    summary.problems.append(
                        f"{outcome.stream} run {run_index + 1}: {outcome.status} {outcome.detail}"
                    )


def main(serve: bool = False) -> Summary:
    with EmbeddedAWS() as aws:
        base_url = aws.serve_app()
        summary = run(aws, base_url)
        _reconcile(aws, summary)
        if serve:
            _serve(aws, base_url, summary)
        return summary


def _serve(aws: EmbeddedAWS, base_url: str, summary: Summary) -> None:
    from uppsikt.local.console_demo import serve_console

    env_file = infra.REPO / ".uppsikt" / "demo.env"
    env_file.parent.mkdir(exist_ok=True)
    env_file.write_text("".join(f"export {k}={v}\n" for k, v in sorted(aws.environment.items())))
    print(summary.render())
    print(f"\nServing on {base_url} (webhook: {base_url}/webhooks/meta). Ctrl-C stops.")
    print(f"For `uppsikt dlq …` against this stack: source {env_file}")
    print(serve_console(aws))
    mapping = aws.evaluate_mapping()
    try:
        while True:
            if mapping.poll_once() == 0:
                time.sleep(1.0)
    except KeyboardInterrupt:
        print("stopped")
