"""The composition root: the one place that builds AWS clients and wires the services.

Nothing here runs at import time. A function's first invocation builds its `Runtime` from the
environment; later invocations in the same container reuse it (clients, secrets and the compiled
policy are cached on it). Tests and the embedded AWS build their own `Runtime`s the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

from uppsikt.model.events import Platform
from uppsikt.settings import Settings, load_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.parameters import SecretsProvider
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_kms import KMSClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sns import SNSClient
    from mypy_boto3_sqs import SQSClient

    from uppsikt.accounts.model import Account, Organisation
    from uppsikt.accounts.store import StoredRegistry
    from uppsikt.adapters.clocks import Clocks
    from uppsikt.adapters.governance import Governance
    from uppsikt.adapters.leases import Leases
    from uppsikt.adapters.poll_state import Lookups
    from uppsikt.adapters.s3 import RawDeliveries
    from uppsikt.adapters.sns import Topic
    from uppsikt.adapters.sqs import IngestQueue
    from uppsikt.audit.chain import KmsSigner, LockedBucket, Verification, Written
    from uppsikt.audit.log import AuditLog
    from uppsikt.clocks.responses import ResponseClocks
    from uppsikt.dsr.ports import KeepRules
    from uppsikt.dsr.service import Desk
    from uppsikt.dsr.store import Requests
    from uppsikt.evaluate.batch import EvaluateBatch
    from uppsikt.ingest.webhook import WebhookIngest
    from uppsikt.model.events import Ignored, NormalisedEvent
    from uppsikt.model.messages import UnmappedMessage
    from uppsikt.notify.service import Notifier, Outcome
    from uppsikt.platforms.mappers import Mapper
    from uppsikt.policy.store import PolicyCatalogue
    from uppsikt.polling.ports import Http
    from uppsikt.polling.runner import Poller, PollOutcome
    from uppsikt.polling.schedule import Renewal
    from uppsikt.privacy.pseudonym import Pseudonymiser
    from uppsikt.report.service import SupervisionReports
    from uppsikt.retention.ports import HoldSource
    from uppsikt.retention.purge import Purge
    from uppsikt.retention.receipts import Receipt
    from uppsikt.review.auth import TokenVerifier
    from uppsikt.review.directory import CognitoDirectory
    from uppsikt.review.ports import AuditTrail
    from uppsikt.review.service import ReviewService

PLACEHOLDER = "REPLACE_ME"

# Every AWS client's timeouts and retries. API Gateway gives a webhook call 29 s, and botocore's
# defaults (60 s connect, 60 s read, legacy retries) let one hung call outlast it, so the
# function would be cut off instead of answering 5xx itself. These are socket timeouts: they
# bound a wait with no bytes moving, not a transfer, so a 5 MiB raw delivery is not at risk, and
# in-region AWS answers in milliseconds. Worst case for one call against an endpoint that never
# answers: 3 attempts x (2 s + 5 s) plus standard-mode backoff (at most 1 s, then 2 s) = 24 s.
# `total_max_attempts`, not `max_attempts`: botocore reads the latter as retries, so 3 would
# mean 4 attempts (35 s at worst).
CLIENT_CONFIG = Config(
    connect_timeout=2,
    read_timeout=5,
    retries={"mode": "standard", "total_max_attempts": 3},
)


@dataclass(frozen=True)
class MetaSecrets:
    app_secret: str
    verify_token: str


def utcnow() -> datetime:
    return datetime.now(UTC)


def detect_language(text: str, fallback: tuple[str, ...]) -> str:
    """The evaluator's language port: CLD2 through `uppsikt.language`, with the organisation's
    languages deciding texts too short or mixed to tell."""
    from uppsikt.language import detect_language as detect

    return detect(text, fallback).lang


class Runtime:
    def __init__(self, settings: Settings, session: boto3.Session | None = None) -> None:
        self.settings = settings
        self._session = session or boto3.Session()

    # --- clients: built on first use, once -------------------------------------------------
    @cached_property
    def s3(self) -> S3Client:
        from uppsikt.adapters.data_key import encrypt_s3_writes

        client = self._session.client("s3", config=CLIENT_CONFIG)
        encrypt_s3_writes(client, self.settings.data_key_id)  # the buckets refuse anything else
        return client

    @cached_property
    def sqs(self) -> SQSClient:
        return self._session.client("sqs", config=CLIENT_CONFIG)

    @cached_property
    def dynamodb(self) -> DynamoDBClient:
        return self._session.client("dynamodb", config=CLIENT_CONFIG)

    @cached_property
    def sns(self) -> SNSClient:
        return self._session.client("sns", config=CLIENT_CONFIG)

    @cached_property
    def kms(self) -> KMSClient:
        return self._session.client("kms", config=CLIENT_CONFIG)

    @cached_property
    def secretsmanager(self) -> SecretsManagerClient:
        from uppsikt.adapters.data_key import encrypt_new_secrets

        client = self._session.client("secretsmanager", config=CLIENT_CONFIG)
        encrypt_new_secrets(client, self.settings.data_key_id)  # account and webhook secrets
        return client

    @cached_property
    def secrets(self) -> SecretsProvider:
        from aws_lambda_powertools.utilities.parameters import SecretsProvider

        return SecretsProvider(boto3_client=self.secretsmanager)

    def _secret_json(self, name: str) -> dict[str, Any]:
        value = self.secrets.get(
            name, transform="json", max_age=self.settings.secret_max_age_seconds
        )
        if not isinstance(value, dict):
            raise ValueError(f"secret {name} is not a JSON object")
        return value

    # --- secrets ------------------------------------------------------------------------------
    def meta_secrets(self) -> MetaSecrets:
        value = self._secret_json(self.settings.meta_secret_name)
        app_secret = str(value.get("app_secret", ""))
        verify_token = str(value.get("verify_token", ""))
        # A secret still holding the deploy-time placeholder must never verify anything.
        return MetaSecrets(
            app_secret="" if app_secret == PLACEHOLDER else app_secret,
            verify_token="" if verify_token == PLACEHOLDER else verify_token,
        )

    def x_consumer_secret(self) -> str:
        """The X app's consumer secret; raises `NotConfigured` where X is not monitored."""
        from uppsikt.ingest.errors import NotConfigured

        if not self.settings.x_secret_name or not self.registry.on(Platform.X):
            raise NotConfigured("X is not monitored by this deployment")
        value = str(self._secret_json(self.settings.x_secret_name).get("consumer_secret", ""))
        return "" if value == PLACEHOLDER else value

    def linkedin_client_secret(self) -> str:
        """The LinkedIn app's client secret; `NotConfigured` where LinkedIn is not monitored."""
        from uppsikt.ingest.errors import NotConfigured

        if not self.settings.linkedin_secret_name or not self.registry.on(Platform.LINKEDIN):
            raise NotConfigured("LinkedIn is not monitored by this deployment")
        return self._configured(
            self._secret_json(self.settings.linkedin_secret_name).get("client_secret"),
            "the LinkedIn client secret",
        )

    def account_secret(self, account: Account, name: str) -> str:
        """One value from the account's own secret (named in the registry)."""
        from uppsikt.ingest.errors import NotConfigured

        if not account.secret_name:
            raise NotConfigured(f"account {account.id} has no secret in the registry")
        return self._configured(self._secret_json(account.secret_name).get(name), name)

    def account_credentials(self, account: Account) -> dict[str, str]:
        """The account's whole secret, for its pollers (values never logged)."""
        if not account.secret_name:
            return {}
        values = self._secret_json(account.secret_name)
        return {k: str(v) for k, v in values.items() if v not in (None, "", PLACEHOLDER)}

    @staticmethod
    def _configured(value: object, what: str) -> str:
        from uppsikt.ingest.errors import ServiceUnavailable

        # A secret still holding the deploy-time placeholder must never verify anything.
        if not isinstance(value, str) or value in ("", PLACEHOLDER):
            raise ServiceUnavailable(f"{what} is not set yet")
        return value

    def registered(self, platform: Platform, platform_account_id: str) -> bool:
        """Whether the published registry lists this Page, Instagram account, X user…"""
        return self.organisation_of(platform, platform_account_id) is not None

    def account_id(self, mapper: Mapper, body: bytes, known: str | None = None) -> str | None:
        """The registered account a delivery is for: found in the body by the mapper's route
        (X, LinkedIn), or `known` (the route's path, or a stored delivery's metadata) while the
        registry still lists it. None: the registry does not list it (or the mapper routes each
        entry itself, as Meta's does)."""
        if mapper.routes_entries:
            return None
        if mapper.route is not None:
            platform = Platform(mapper.source)
            ids = [a.platform_account_id for a in self.registry.on(platform)]
            return mapper.route(body, ids)
        if known is not None and self.registered(Platform(mapper.source), known):
            return known
        return None

    def pseudonymiser(self) -> Pseudonymiser:
        from uppsikt.privacy.pseudonym import Pseudonymiser

        # Every live key version: the current one makes pseudonyms, older ones are recomputed
        # by data-subject requests (privacy/pseudonym.py).
        return Pseudonymiser.from_secret(self._secret_json(self.settings.pseudonym_secret_name))

    # --- services -------------------------------------------------------------------------
    @cached_property
    def policies(self) -> PolicyCatalogue:
        from uppsikt.policy.store import PolicyCatalogue

        s = self.settings
        return PolicyCatalogue(self.s3, s.policy_bucket, s.policy_max_age_seconds)

    @cached_property
    def registry(self) -> StoredRegistry:
        from uppsikt.accounts.store import StoredRegistry

        s = self.settings
        return StoredRegistry(self.s3, s.policy_bucket, s.policy_max_age_seconds)

    def record_lease(self, account: Account, lease_seconds: int) -> None:
        from uppsikt.polling.ports import Lease

        self.leases.record(account.id, Lease(utcnow(), lease_seconds), org_id=account.organisation)

    @cached_property
    def audit_log(self) -> AuditLog:
        """The audit log the review API appends to (`uppsikt.audit.ports.AuditTrail`)."""
        from uppsikt.audit.log import AuditLog

        return AuditLog(
            self.dynamodb, self.settings.audit_table, organisations=self.retention_subject
        )

    @cached_property
    def audit_signer(self) -> KmsSigner:
        from uppsikt.audit.chain import KmsSigner

        return KmsSigner(self.kms, self.settings.audit_key_id)

    @cached_property
    def checkpoint_store(self) -> LockedBucket:
        from uppsikt.audit.chain import LockedBucket

        return LockedBucket(self.s3, self.settings.checkpoint_bucket)

    def write_checkpoints(self, now: datetime | None = None) -> list[Written]:
        """Every organisation's signed checkpoint for the hour just ended (scheduled hourly)."""
        from uppsikt.audit.chain import write_checkpoints

        return write_checkpoints(
            self.audit_log,
            self.checkpoint_store,
            self.audit_signer,
            self.registry.current().organisations,
            now or utcnow(),
        )

    def verify_audit(self, org_id: str, now: datetime | None = None) -> Verification:
        from uppsikt.audit.chain import verify

        return verify(
            org_id, self.audit_log, self.checkpoint_store, self.audit_signer, now or utcnow()
        )

    @cached_property
    def supervision_reports(self) -> SupervisionReports:
        """The weekly supervision report (`export` is what the review API's route calls)."""
        from uppsikt.adapters.dynamodb import Flags
        from uppsikt.report.service import SupervisionReports

        return SupervisionReports(
            entries=self.audit_log,
            flags=Flags(self.dynamodb, self.settings.flags_table),
            checkpoints=self.checkpoint_store,
            registry=self.registry.current,
            audit=self.audit_log,
        )

    @cached_property
    def leases(self) -> Leases:
        from uppsikt.adapters.leases import Leases

        return Leases(self.dynamodb, self.settings.poll_state_table)

    @cached_property
    def raw_deliveries(self) -> RawDeliveries:
        from uppsikt.adapters.s3 import RawDeliveries

        return RawDeliveries(
            self.s3,
            self.settings.raw_bucket,
            self.settings.data_key_id,
            organisations=self.retention_subject,
            inventory=self.governance.record_object,
        )

    @cached_property
    def governance(self) -> Governance:
        from uppsikt.adapters.governance import Governance

        return Governance(self.dynamodb, self.settings.governance_table)

    def hold_sources(self) -> list[HoldSource]:
        """What keeps things from the purge besides legal holds: pending data-subject requests."""
        from uppsikt.dsr.holds import PendingRequestHolds

        return [PendingRequestHolds(self.requests)] if self.requests is not None else []

    def purge(self, hold_sources: Sequence[HoldSource] = ()) -> Purge:
        """The purge over every store; legal holds plus any other `HoldSource` (e.g. pending
        data-subject requests) keep things."""
        from uppsikt.adapters.purge import stores
        from uppsikt.adapters.sns import Topic
        from uppsikt.retention.purge import Purge

        s = self.settings
        return Purge(
            stores=stores(
                self.dynamodb,
                self.s3,
                self.governance,
                items_table=s.items_table,
                flags_table=s.flags_table,
                raw_bucket=s.raw_bucket,
                archive_bucket=s.archive_bucket,
            ),
            records=self.governance,
            hold_sources=[self.governance, *self.hold_sources(), *hold_sources],
            hold_book=self.governance,
            alerts=Topic(self.sns, s.alerts_topic_arn),
            org_type=self._org_type,
        )

    def _org_type(self, org_id: str) -> str | None:
        org = self.retention_subject(org_id)
        return org.org_type if org is not None else None

    def purge_all(
        self,
        now: datetime,
        *,
        only: str | None = None,
        dry_run: bool = False,
        time_left: Callable[[], float] | None = None,
    ) -> list[Receipt]:
        """Purge every organisation in the registry, then the objects of no known organisation."""
        from uppsikt.accounts.errors import RegistryNotPublished
        from uppsikt.adapters.governance import UNKNOWN_ORG

        try:
            orgs = [o.id for o in self.registry.current().organisations]
        except RegistryNotPublished:
            orgs = []  # a new deployment: only quarantined deliveries (no organisation) to purge
        return self.purge().run_all(
            now, orgs, only=only, dry_run=dry_run, time_left=time_left, extra=[UNKNOWN_ORG]
        )

    def retention_subject(self, org_id: str) -> Organisation | None:
        """An organisation's retention terms for the raw store; None when the registry cannot say
        (the shortest default then applies: a delivery is never refused for want of it)."""
        from uppsikt.accounts.errors import RegistryUnavailable

        try:
            return self.registry.current().organisation(org_id)
        except RegistryUnavailable:
            return None

    @cached_property
    def ingest_queue(self) -> IngestQueue:
        from uppsikt.adapters.sqs import IngestQueue

        return IngestQueue(self.sqs, self.settings.ingest_queue_url, self.raw_deliveries)

    @cached_property
    def alerts(self) -> Topic:
        from uppsikt.adapters.sns import Topic

        return Topic(self.sns, self.settings.alerts_topic_arn)

    @cached_property
    def lookups(self) -> Lookups:
        from uppsikt.adapters.poll_state import Lookups

        return Lookups(self.dynamodb, self.settings.poll_state_table)

    @cached_property
    def webhook_ingest(self) -> WebhookIngest:
        from uppsikt.ingest.webhook import WebhookIngest

        return WebhookIngest(
            raw_store=self.raw_deliveries,
            queue=self.ingest_queue,
            alerts=self.alerts,
            lookups=self.lookups,
            organisation_of=self.organisation_of,
        )

    def organisation_of(self, platform: Platform, platform_account_id: str) -> str | None:
        """The organisation that owns a registered account (None: the registry lists none)."""
        account = self.registry.current().find(platform, platform_account_id)
        return account.organisation if account else None

    @cached_property
    def evaluate_batch(self) -> EvaluateBatch:
        from uppsikt.adapters.batch_reads import BatchReads
        from uppsikt.adapters.completions import Completions
        from uppsikt.adapters.deferred_items import DeferredItems
        from uppsikt.adapters.dynamodb import Flags, Items
        from uppsikt.adapters.s3 import EvidenceArchive
        from uppsikt.adapters.sns import Topic
        from uppsikt.adapters.sqs import DeadLetterQueue
        from uppsikt.dsr.store import Requests
        from uppsikt.evaluate.batch import EvaluateBatch
        from uppsikt.evaluate.service import Evaluator

        s = self.settings
        reads = BatchReads(
            self.dynamodb,
            s.items_table,
            s.requests_table or None,
            restriction_key=Requests.restriction_key,
            clocks=self.clock_store,
            completions=Completions(self.dynamodb, s.idempotency_table),
        )
        # Its working records are written together at the batch's end (adapters/deferred_items).
        items = DeferredItems(Items(self.dynamodb, s.items_table))
        evaluator = Evaluator(
            policies=self.policies,
            tenants=self.registry,
            archive=EvidenceArchive(
                self.s3, s.archive_bucket, s.data_key_id, inventory=self.governance.record_object
            ),
            flags=Flags(self.dynamodb, s.flags_table),
            items=items,
            notifier=Topic(self.sns, s.flags_topic_arn),
            clock=utcnow,
            detect_language=detect_language,
            restrictions=self.requests,
            # The clocks read their threads from the batch's read (it is their `Threads`).
            clocks=replace(self.response_clocks, threads=reads),
            reads=reads,
        )
        return EvaluateBatch(
            evaluator=evaluator,
            dead_letters=DeadLetterQueue(self.sqs, s.ingest_dlq_url),
            claims=self.raw_deliveries,
            remap=self.remap,
            completions=reads,  # whether its events were finished comes with the batch's read
            writes=items,
            max_receive_count=s.max_receive_count,
        )

    # --- clocks (issue 11) ---------------------------------------------------------------------
    @cached_property
    def clock_store(self) -> Clocks:
        from uppsikt.adapters.clocks import Clocks

        return Clocks(self.dynamodb, self.settings.clocks_table)

    @cached_property
    def response_clocks(self) -> ResponseClocks:
        from uppsikt.clocks.responses import ResponseClocks
        from uppsikt.clocks.supervision import Supervision

        store = self.clock_store
        return ResponseClocks(
            store=store,
            threads=store,
            activity=store,
            detect_language=detect_language,
            supervision=Supervision(store),
        )

    def clock_tick(
        self, now: datetime | None = None, seconds_left: Callable[[], float] | None = None
    ) -> dict[str, Any]:
        """The scheduled `clock_tick`: due clocks step and alert; silent accounts are flagged."""
        from uppsikt.adapters.clocks import FlagReviews
        from uppsikt.adapters.dynamodb import Flags
        from uppsikt.adapters.sns import Topic
        from uppsikt.clocks.cadence import CadenceCheck
        from uppsikt.clocks.tick import Tick

        moment = now or utcnow()
        s = self.settings
        report = Tick(
            store=self.clock_store,
            alerts=self.alerts,
            clock=lambda: moment,
            reviews=FlagReviews(self.dynamodb, s.flags_table),
        ).run(seconds_left)
        silences = CadenceCheck(
            activity=self.clock_store,
            flags=Flags(self.dynamodb, s.flags_table),
            notifier=Topic(self.sns, s.flags_topic_arn),
            packs=self.policies.get,
        ).run(self.registry.current(), moment)
        return {**report.as_dict(), "silences": [x.as_dict() for x in silences]}

    @cached_property
    def requests(self) -> Requests | None:
        """Data-subject requests and restrictions (None where the stack has no requests table)."""
        from uppsikt.dsr.store import Requests

        table = self.settings.requests_table
        return Requests(self.dynamodb, table, self.retention_subject) if table else None

    def dsr_desk(self, keep: KeepRules | None = None) -> Desk:
        """The data-subject request desk. `keep`: what must survive an erasure; by default the
        legal holds in force, then archive duty."""
        from uppsikt.dsr.errors import NoRequestsTable
        from uppsikt.dsr.holds import LegalHoldsKeep
        from uppsikt.dsr.keep import AnyOf, ArchiveDuty
        from uppsikt.dsr.service import Desk
        from uppsikt.dsr.stores import PersonalData

        s = self.settings
        if self.requests is None:
            raise NoRequestsTable("this stack has no requests table (UPPSIKT_REQUESTS_TABLE)")
        return Desk(
            registry=self.registry.current,
            pseudonymiser=self.pseudonymiser(),
            requests=self.requests,
            data=PersonalData(
                self.dynamodb,
                self.s3,
                s.items_table,
                s.flags_table,
                s.archive_bucket,
                s.raw_bucket,
                governance_table=s.governance_table,
            ),
            # A legal hold beats everything, then archive duty (retention/schedule.py's order).
            keep=keep
            or AnyOf(
                [LegalHoldsKeep(self.governance, utcnow), ArchiveDuty(self.retention_subject)]
            ),
            clock=utcnow,
        )

    @cached_property
    def http(self) -> Http:
        from uppsikt.polling.http import UrllibHttp

        return UrllibHttp()

    @cached_property
    def poller(self) -> Poller:
        from uppsikt.adapters.poll_state import Cursors, EmittedLedger
        from uppsikt.polling.runner import Poller

        s = self.settings
        return Poller(
            http=self.http,
            cursors=Cursors(
                self.dynamodb, s.poll_state_table, organisations=self.retention_subject
            ),
            ledger=EmittedLedger(self.dynamodb, s.poll_state_table),
            lookups=self.lookups,
            raw_store=self.raw_deliveries,
            queue=self.ingest_queue,
            alerts=self.alerts,
            clock=utcnow,
        )

    def poll_all(self, deadline: Callable[[], float] | None = None) -> list[PollOutcome]:
        """Every registry account's polled streams, once (the scheduled `poll` function)."""
        from uppsikt.polling.schedule import poll_all
        from uppsikt.polling.sources.catalogue import lookups_for, sources_for

        return poll_all(
            self.poller,
            self.registry.current().accounts,
            sources=sources_for,
            lookups=lookups_for,
            credentials=self.account_credentials,
            pseudonymiser=self.pseudonymiser(),
            deadline=deadline,
        )

    def renew_websub(self) -> list[Renewal]:
        from uppsikt.polling.schedule import renew_leases

        return renew_leases(
            self.http,
            self.registry.on(Platform.YOUTUBE),
            leases=self.leases.get,
            secret=lambda account: self.account_secret(account, "websub_secret"),
            public_base_url=self.settings.public_base_url,
            hub_url=self.settings.websub_hub_url,
            now=utcnow(),
        )

    # --- the review API (functions/review_app.py, its own function and role) -------------
    @cached_property
    def cognito(self) -> CognitoIdentityProviderClient:
        return self._session.client("cognito-idp", config=CLIENT_CONFIG)

    def _review_setting(self, name: str) -> str:
        from uppsikt.settings import ConfigurationError

        value = getattr(self.settings, name)
        if not value:
            raise ConfigurationError(f"the review API needs UPPSIKT_{name.upper()}")
        return str(value)

    @cached_property
    def directory(self) -> CognitoDirectory:
        from uppsikt.review.directory import CognitoDirectory

        return CognitoDirectory(
            self.cognito,
            self._review_setting("user_pool_id"),
            self._review_setting("user_pool_client_id"),
        )

    @cached_property
    def token_verifier(self) -> TokenVerifier:
        from uppsikt.review.auth import TokenVerifier, issuer

        pool = self._review_setting("user_pool_id")
        # The pool's keys where the client talks to Cognito (the embedded AWS locally).
        endpoint = str(self.cognito.meta.endpoint_url).rstrip("/")
        return TokenVerifier(
            jwks_url=f"{endpoint}/{pool}/.well-known/jwks.json",
            issuer=issuer(self.cognito.meta.region_name, pool),
            audience=self._review_setting("user_pool_client_id"),
        )

    @property
    def audit_trail(self) -> AuditTrail:
        """The review appends through its `AuditTrail` port to the audit log."""
        return self.audit_log

    def flag_record_retention(self, org_id: str, now: datetime) -> dict[str, str | int]:
        """A review row's retention: `flag_record`, from the moment it is written."""
        from uppsikt.retention.schedule import dispose, shipped

        org = self.retention_subject(org_id)
        return dispose(shipped(), org, "flag_record", now, started_at=now).attributes()

    @cached_property
    def review(self) -> ReviewService:
        from uppsikt.adapters.dynamodb import Items
        from uppsikt.adapters.s3 import EvidenceArchive
        from uppsikt.review.service import ReviewService
        from uppsikt.review.store import History, ReviewFlags

        s = self.settings
        items = Items(self.dynamodb, s.items_table)
        return ReviewService(
            flags=ReviewFlags(self.dynamodb, s.flags_table),
            history=History(self.dynamodb, self._review_setting("review_table")),
            evidence=_KeptEvidence(EvidenceArchive(self.s3, s.archive_bucket, s.data_key_id)),
            audit=self.audit_trail,
            directory=self.directory,
            retention=self.flag_record_retention,
            clock=utcnow,
            item_text=items.latest_text,
            thread_of=items.thread,
            audit_reader=self.audit_log,
        )

    def remap(self, message: UnmappedMessage) -> NormalisedEvent | Ignored:
        """Try once more to map an item that ingest could not (the mapper may have been fixed),
        through the same mapper as on arrival, reading the stored raw delivery."""
        from uppsikt.diagnostics import describe
        from uppsikt.evaluate.errors import PermanentFailure
        from uppsikt.model.events import Ignored, NormalisedEvent
        from uppsikt.platforms.mappers import MAPPERS
        from uppsikt.platforms.results import Delivery, NotRegistered

        what = f"cannot map {message.platform.value} item"
        mapper = MAPPERS.get(message.platform)
        if mapper is None:
            raise PermanentFailure(f"{what}: no mapper reads its deliveries")
        raw = self.raw_deliveries.get(message.raw.key)
        delivery = Delivery(
            message.raw.bucket,
            message.raw.key,
            message.received_at,
            self.pseudonymiser(),
            message.account_id or self.account_id(mapper, raw),
            self.registered,
        )
        try:
            items = mapper.items(raw, delivery)
        except ValueError as exc:
            raise PermanentFailure(f"{what}: {describe(exc)}") from exc
        place = (message.raw.entry_index, message.raw.change_index)
        found = [i.result for i in items if (i.raw.entry_index, i.raw.change_index) == place]
        if not found:
            raise PermanentFailure(f"{what}: the delivery has no item at that place")
        result = found[0]
        if isinstance(result, NormalisedEvent | Ignored):
            return result
        if isinstance(result, NotRegistered):
            raise PermanentFailure(f"{what}: its account is not in the registry")
        if isinstance(result, Exception):
            raise PermanentFailure(f"{what}: {describe(result)}") from result
        return Ignored(platform=message.platform, reason="a dashboard test is not evaluated")

    # --- notifications (issue 11) ------------------------------------------------------------
    @cached_property
    def ses(self) -> Any:
        return self._session.client("ses", config=CLIENT_CONFIG)

    @cached_property
    def notifier(self) -> Notifier:
        from uppsikt.adapters.notify import build_notifier
        from uppsikt.settings import ConfigurationError

        s = self.settings
        if not (s.notify_table and s.notify_dlq_url and s.public_base_url):
            raise ConfigurationError(
                "the notifier needs UPPSIKT_NOTIFY_TABLE, UPPSIKT_NOTIFY_DLQ_URL and "
                "UPPSIKT_PUBLIC_BASE_URL (its deep links)"
            )
        return build_notifier(
            dynamodb=self.dynamodb,
            secretsmanager=self.secretsmanager,
            sqs=self.sqs,
            ses=self.ses,
            table=s.notify_table,
            dlq_url=s.notify_dlq_url,
            sender=s.notify_sender,
            public_base_url=s.public_base_url,
            allow_loopback_http=s.notify_allow_loopback_http,
        )

    def notify_batch(self, event: dict[str, Any]) -> dict[str, Any]:
        from uppsikt.notify.consumer import consume

        notifier = self.notifier
        return consume(event, notifier, notifier.dead_letters, utcnow)

    def notify_tick(self) -> Outcome:
        return self.notifier.tick(utcnow())


@dataclass(frozen=True)
class _KeptEvidence:
    """The review's evidence port: the archive, with None for evidence no longer kept."""

    archive: Any  # adapters.s3.EvidenceArchive

    def get(self, key: str) -> Any:
        try:
            return self.archive.get(key)
        except self.archive.client.exceptions.NoSuchKey:
            return None


_lock = threading.Lock()
_current: Runtime | None = None


def current() -> Runtime:
    """The container's runtime, built from the environment on first use."""
    global _current
    with _lock:
        if _current is None:
            _current = Runtime(load_settings())
        return _current


def install(runtime: Runtime | None) -> None:
    """Replace the container's runtime (the embedded AWS and tests build their own)."""
    global _current
    with _lock:
        _current = runtime
