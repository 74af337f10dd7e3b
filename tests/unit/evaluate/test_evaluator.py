"""`Evaluator.handle` against the repo's nordic-baseline policy, with in-memory fakes for the
ports in `uppsikt.evaluate.ports`."""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from support.tenancy import tenant
from uppsikt.accounts.errors import AccountNotMonitored
from uppsikt.accounts.model import Tenant
from uppsikt.evaluate.errors import NotifyingElsewhere
from uppsikt.evaluate.ports import (
    EvidenceArchive,
    FlagStore,
    ItemStore,
    LanguageDetector,
    Notice,
    Notifier,
    Policies,
    Tenants,
)
from uppsikt.evaluate.service import IN_FLIGHT_DEFAULT, Evaluator, Outcome
from uppsikt.model.events import (
    Action,
    Author,
    Ignored,
    NormalisedEvent,
    ObjectKind,
    Platform,
    RawPointer,
)
from uppsikt.model.records import (
    Evidence,
    Flag,
    HeldAction,
    ItemEntry,
    ItemState,
    ShadowResult,
    WorkingRecord,
    flag_id_for,
)
from uppsikt.model.verdict import Severity
from uppsikt.platforms.meta.envelope import Envelope
from uppsikt.platforms.meta.normalise import Context, normalise
from uppsikt.policy.engine import CompiledPolicy, compile_policy
from uppsikt.policy.loader import load_file
from uppsikt.privacy.pseudonym import Pseudonymiser

REPO = Path(__file__).resolve().parents[3]
POLICY = load_file(REPO / "policies" / "nordic-baseline.yaml")
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
PAGE_ID = "104729561234567"
PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
VISITOR = Author(pseudonym=PSEUDONYMISER.pseudonym(Platform.FACEBOOK, "7300112233449876"))
ORGANISATION = Author(
    pseudonym=PSEUDONYMISER.pseudonym(Platform.FACEBOOK, PAGE_ID), is_account=True
)

CPR = "211062-5629"
CPR_TEXT = f"Hej, mit CPR er {CPR}, kan I tjekke min sag? Hilsen Mette Hansen"
CLEAN_TEXT = "Tak for et godt møde i går, det var rigtig godt at høre om overenskomsten."


# --- fakes ---------------------------------------------------------------------------------------


@dataclass
class FakePolicies:
    policy: CompiledPolicy
    calls: int = 0
    asked: list[str] = field(default_factory=list)
    candidate: CompiledPolicy | None = None  # published in shadow beside `policy`

    def get(self, pack_id: str) -> CompiledPolicy:
        self.calls += 1
        self.asked.append(pack_id)
        return self.policy

    def shadow(self, pack_id: str) -> CompiledPolicy | None:
        return self.candidate


@dataclass
class FakeTenants:
    """The published registry, with one organisation owning the page the events are on."""

    known: dict[tuple[Platform, str], Tenant]

    def tenant(self, platform: Platform, platform_account_id: str) -> Tenant:
        found = self.known.get((platform, platform_account_id))
        if found is None:
            raise AccountNotMonitored("that account is not in the registry")
        return found


@dataclass
class FakeArchive:
    stored: list[tuple[str, Evidence]] = field(default_factory=list)

    def put(self, evidence: Evidence) -> str:
        key = f"evidence/{evidence.flag_id}/{len(self.stored)}.json"
        self.stored.append((key, evidence))
        return key


@dataclass
class FakeFlags:
    flags: dict[str, Flag] = field(default_factory=dict)
    notified: dict[str, str] = field(default_factory=dict)

    in_flight: dict[str, datetime] = field(default_factory=dict)

    def create(self, flag: Flag, *, in_flight_until: datetime) -> bool:
        if flag.flag_id in self.flags:
            return False
        self.flags[flag.flag_id] = flag
        self.in_flight[flag.flag_id] = in_flight_until
        return True

    def mark_notified(self, flag_id: str, message_id: str) -> None:
        assert flag_id in self.flags, "notified about a flag that was never created"
        self.notified[flag_id] = message_id

    def release(self, flag_id: str) -> None:
        self.in_flight.pop(flag_id, None)

    def notice(self, flag_id: str) -> Notice:
        return Notice(flag_id in self.notified, self.in_flight.get(flag_id))


@dataclass
class FakeItems:
    """The items table: working records by event id, held actions by the held event's id."""

    records: list[WorkingRecord] = field(default_factory=list)
    held: dict[str, HeldAction] = field(default_factory=dict)
    written: list[WorkingRecord] = field(default_factory=list)  # every put, purged or not
    shadows: list[ShadowResult] = field(default_factory=list)
    changed: dict[str, tuple[str, datetime | None]] = field(default_factory=dict)

    def put(self, record: WorkingRecord) -> None:
        self.written.append(record)
        # A put replaces the row with the same key, as DynamoDB's does.
        self.records = [r for r in self.records if r.event_id != record.event_id] + [record]

    def purge_working_copies(self, item_ref: str) -> int:
        doomed = [r for r in self.records if r.item_ref == item_ref and r.verdict == "clean"]
        self.records = [r for r in self.records if r not in doomed]
        return len(doomed)

    def history(self, item_ref: str) -> list[ItemEntry]:
        return [ItemEntry.of(r) for r in self.records if r.item_ref == item_ref] + [
            ItemEntry.of_held(h) for h in self.held.values() if h.item_ref == item_ref
        ]

    def mark_changed(
        self, item_ref: str, retention_class: str, expires_at: datetime | None
    ) -> None:
        self.changed[item_ref] = (retention_class, expires_at)

    def has_changes(self, item_ref: str) -> bool:
        return item_ref in self.changed

    def hold(self, held: HeldAction) -> bool:
        if held.event_id in self.held:
            return False
        self.held[held.event_id] = held
        return True

    def mark_reconciled(self, event_id: str, create_event_id: str, at: datetime) -> None:
        held = self.held.get(event_id)
        if held is not None and held.reconciled_by is None:
            update = {"reconciled_by": create_event_id, "reconciled_at": at}
            self.held[event_id] = held.model_copy(update=update)

    def state(self, item_ref: str) -> ItemState:
        return ItemState.fold(item_ref, self.history(item_ref))

    def put_shadow(self, result: ShadowResult) -> None:
        self.shadows.append(result)


@dataclass
class FakeNotifier:
    published: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)

    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        self.published.append((subject, message, dict(attributes)))
        return f"message-{len(self.published)}"


@dataclass
class World:
    policies: FakePolicies
    archive: FakeArchive
    flags: FakeFlags
    items: FakeItems
    notifier: FakeNotifier
    evaluator: Evaluator

    def handle(self, event: NormalisedEvent) -> Outcome:
        return self.evaluator.handle(event)

    @property
    def only_record(self) -> WorkingRecord:
        (record,) = self.items.records
        return record

    @property
    def only_flag(self) -> Flag:
        (flag,) = self.flags.flags.values()
        return flag

    @property
    def only_evidence(self) -> tuple[str, Evidence]:
        (stored,) = self.archive.stored
        return stored

    @property
    def only_notification(self) -> tuple[str, str, dict[str, str]]:
        (published,) = self.notifier.published
        return published


def world(
    org_type: str = "union",
    detect_language: LanguageDetector | None = None,
    retention: dict[str, Any] | None = None,
) -> World:
    policies, archive, flags = FakePolicies(POLICY), FakeArchive(), FakeFlags()
    items, notifier = FakeItems(), FakeNotifier()
    owner = tenant(
        "facebook",
        PAGE_ID,
        org_id="tenant-a",
        org_type=org_type,
        languages=["da"],
        retention=retention or {},
    )
    tenants = FakeTenants({(Platform.FACEBOOK, PAGE_ID): owner})
    # The fakes must satisfy the ports the production code is written against.
    ports: tuple[Policies, Tenants, EvidenceArchive, FlagStore, ItemStore, Notifier] = (
        policies,
        tenants,
        archive,
        flags,
        items,
        notifier,
    )
    evaluator = Evaluator(*ports, clock=lambda: NOW, detect_language=detect_language)
    return World(policies, archive, flags, items, notifier, evaluator)


@pytest.fixture
def w() -> World:
    return world()


_ids = itertools.count(870055660000)


def event(
    text: str | None = CLEAN_TEXT,
    *,
    author: Author | None = VISITOR,
    kind: ObjectKind = ObjectKind.COMMENT,
    action: Action = Action.CREATED,
    test_delivery: bool = False,
    **overrides: Any,
) -> NormalisedEvent:
    """A Facebook comment with its own ids each time (redeliveries reuse the returned event)."""
    comment_id = f"870011223344_{next(_ids)}"
    fields: dict[str, Any] = {
        "platform": Platform.FACEBOOK,
        "account_id": PAGE_ID,
        "object_kind": kind,
        "action": action,
        "item_id": comment_id,
        "post_id": f"{PAGE_ID}_870011223344",
        "parent_id": f"{PAGE_ID}_870011223344",
        "author": author,
        "text": text,
        "event_time": NOW - timedelta(minutes=1),
        "received_at": NOW - timedelta(seconds=5),
        "raw": RawPointer(
            bucket="raw", key="deliveries/meta/x.json", entry_index=0, change_index=0
        ),
        "idempotency_key": f"facebook:feed:comment:{action.value}:{comment_id}:1763711970",
        "test_delivery": test_delivery,
    }
    fields.update(overrides)
    return NormalisedEvent(**fields)


# --- clean content ------------------------------------------------------------------------------


def test_an_organisations_own_shorter_period_decides_how_long_its_records_are_kept() -> None:
    w = world(retention={"working_capture": {"days": 7}, "special_data_evidence": {"days": 10}})
    w.handle(event(CLEAN_TEXT))
    assert w.only_record.expires_at == NOW + timedelta(days=7)
    w.handle(event("Mit CPR er 211062-5629"))
    _, evidence = w.only_evidence
    assert (evidence.retention_class, evidence.expires_at) == (
        "special_data_evidence",
        NOW + timedelta(days=10),
    )


def test_a_clean_visitor_comment_is_kept_with_its_text_for_thirty_days(w: World) -> None:
    e = event(CLEAN_TEXT)
    assert w.handle(e) is Outcome.CLEAN
    record = w.only_record
    assert record.verdict == "clean"
    assert record.text == CLEAN_TEXT
    assert record.retention_class == "working_capture"
    assert record.expires_at == NOW + timedelta(days=30)
    assert record.evaluated_at == NOW
    assert record.event_id == e.event_id
    assert record.item_ref == f"facebook#{PAGE_ID}#{e.item_id}"
    assert record.author_pseudonym == VISITOR.pseudonym
    assert record.flag_id is None
    assert (record.policy_id, record.policy_version) == ("nordic-baseline", POLICY.version)
    assert not w.flags.flags
    assert not w.archive.stored
    assert not w.notifier.published


def test_an_authority_keeps_a_clean_visitor_comment_for_its_own_thirty_days() -> None:
    authority = world("authority")
    assert authority.handle(event(CLEAN_TEXT)) is Outcome.CLEAN
    assert authority.only_record.expires_at == NOW + timedelta(days=30)


def test_the_organisations_own_post_is_kept_as_own_post_with_no_expiry(w: World) -> None:
    own = event("Vi holder generalforsamling i morgen.", author=ORGANISATION, kind=ObjectKind.POST)
    assert w.handle(own) is Outcome.CLEAN
    record = w.only_record
    assert record.retention_class == "own_post"
    assert record.expires_at is None
    assert record.text == "Vi holder generalforsamling i morgen."


def test_an_insult_in_the_organisations_own_post_is_not_checked_by_the_visitor_lexicon(
    w: World,
) -> None:
    own = event("Ingen er en idiot fordi de spørger.", author=ORGANISATION, kind=ObjectKind.POST)
    assert w.handle(own) is Outcome.CLEAN
    visitor = event("Ingen er en idiot fordi de spørger.")
    assert w.handle(visitor) is Outcome.FLAGGED
    assert w.only_flag.rule_ids == ("baseline.harassment",)


@pytest.mark.parametrize("event_time", [NOW - timedelta(minutes=3), None])
def test_a_working_record_keeps_when_its_event_happened_else_when_it_was_received(
    w: World, event_time: datetime | None
) -> None:
    e = event(CLEAN_TEXT, event_time=event_time)
    w.handle(e)
    assert w.only_record.occurred_at == (event_time or e.received_at)


def test_an_item_without_text_is_clean(w: World) -> None:
    assert w.handle(event(None)) is Outcome.CLEAN
    assert w.only_record.text is None


# --- flagged content ----------------------------------------------------------------------------


def test_a_comment_with_a_cpr_number_is_archived_as_evidence(w: World) -> None:
    e = event(CPR_TEXT)
    assert w.handle(e) is Outcome.FLAGGED
    key, evidence = w.only_evidence
    assert evidence.event == e
    assert [hit.rule for hit in evidence.hits] == ["baseline.national-id"]
    assert CPR_TEXT[evidence.hits[0].start : evidence.hits[0].end] == CPR
    assert CPR not in evidence.hits[0].evidence
    assert evidence.policy_id == "nordic-baseline"
    assert evidence.policy_version == POLICY.version
    assert evidence.content_sha256 == hashlib.sha256(CPR_TEXT.encode()).hexdigest()
    assert evidence.captured_at == NOW
    assert evidence.retention_class == "special_data_evidence"
    assert evidence.expires_at == NOW + timedelta(days=90)
    assert evidence.flag_id == w.only_flag.flag_id
    assert w.only_flag.evidence_key == key


def test_a_comment_with_a_cpr_number_raises_one_legal_flag_for_the_national_id_rule(
    w: World,
) -> None:
    e = event(CPR_TEXT)
    w.handle(e)
    flag = w.only_flag
    assert flag.severity is Severity.LEGAL
    assert flag.rule_ids == ("baseline.national-id",)
    assert flag.kinds == ("national_id",)
    assert flag.flag_id.startswith("F-")
    assert flag.event_id == e.event_id
    assert (flag.platform, flag.account_id, flag.object_kind) == (
        Platform.FACEBOOK,
        PAGE_ID,
        ObjectKind.COMMENT,
    )
    assert flag.created_at == NOW
    assert flag.evidence_class == "special_data_evidence"
    # The flag row is a flag record (§5b row 6): three years, then anonymised.
    assert (flag.retention_class, flag.expires_at) == ("flag_record", NOW + timedelta(days=1095))


def test_the_flag_records_the_version_of_the_policy_that_produced_the_verdict(w: World) -> None:
    w.handle(event(CPR_TEXT))
    expected = POLICY.evaluate(event(CPR_TEXT)).policy_version
    assert expected == POLICY.version
    assert expected.startswith("2026.11.1+")
    assert w.only_flag.policy_version == expected
    assert w.only_flag.policy_id == "nordic-baseline"
    assert w.only_record.policy_version == expected


def test_a_flagged_item_keeps_no_text_in_its_working_record(w: World) -> None:
    w.handle(event(CPR_TEXT))
    record = w.only_record
    assert record.verdict == "flagged"
    assert record.text is None
    assert record.flag_id == w.only_flag.flag_id
    assert record.retention_class == "special_data_evidence"


def test_a_cpr_flag_sends_one_notification_without_the_number_the_author_or_names(
    w: World,
) -> None:
    w.handle(event(CPR_TEXT))
    subject, body, attributes = w.only_notification
    flag = w.only_flag
    assert flag.flag_id in subject
    assert "legal" in subject
    said = subject + body + json.dumps(attributes)
    for fragment in (CPR, "211062", "5629", "2110625629", VISITOR.pseudonym, "Mette", "Hansen"):
        assert fragment not in said
    document = json.loads(body)
    assert document["rules"] == ["baseline.national-id"]
    assert document["policy_version"] == POLICY.version
    assert "******-****" in document["excerpt"]
    assert attributes == {"severity": "legal", "flag_id": flag.flag_id, "org_id": "tenant-a"}
    assert w.flags.notified == {flag.flag_id: "message-1"}


def test_an_edited_comment_is_evaluated_again(w: World) -> None:
    assert w.handle(event(CPR_TEXT, action=Action.EDITED)) is Outcome.FLAGGED
    assert len(w.flags.flags) == 1


def test_a_cpr_and_an_insult_give_one_flag_with_the_highest_severity(w: World) -> None:
    w.handle(event(f"Din idiot, mit CPR er {CPR}"))
    flag = w.only_flag
    assert flag.severity is Severity.LEGAL
    assert flag.rule_ids == ("baseline.harassment", "baseline.national-id")
    assert set(flag.kinds) == {"harassment", "national_id"}
    assert len(w.notifier.published) == 1


def test_two_different_comments_with_a_cpr_raise_two_flags(w: World) -> None:
    assert w.handle(event(CPR_TEXT)) is Outcome.FLAGGED
    assert w.handle(event(CPR_TEXT)) is Outcome.FLAGGED
    assert len(w.flags.flags) == 2
    assert len(w.notifier.published) == 2


def test_the_same_event_evaluated_twice_raises_one_flag_and_one_notification(w: World) -> None:
    e = event(CPR_TEXT)
    assert w.handle(e) is Outcome.FLAGGED
    assert w.handle(e) is Outcome.ALREADY_FLAGGED
    assert len(w.flags.flags) == 1
    assert len(w.notifier.published) == 1
    assert len(w.flags.notified) == 1


def test_a_redelivery_mapped_again_later_lands_on_the_same_flag(w: World) -> None:
    e = event(CPR_TEXT)
    later = e.model_copy(update={"received_at": NOW + timedelta(hours=30)})
    assert w.handle(e) is Outcome.FLAGGED
    assert w.handle(later) is Outcome.ALREADY_FLAGGED
    assert len(w.notifier.published) == 1


@dataclass
class FailingNotifier(FakeNotifier):
    def publish(self, subject: str, message: str, attributes: dict[str, str]) -> str:
        raise RuntimeError("SNS unavailable")


def test_a_duplicate_whose_creator_may_still_be_notifying_waits_instead_of_notifying(
    w: World,
) -> None:
    """Two invocations with the same event at once (a platform's retry, SQS's at-least-once
    delivery): the one that did not create the flag must not notify while the creator can."""
    e = event(CPR_TEXT)
    # Another invocation has written the flag and is still running (its deadline is ahead).
    w.flags.create(_flag_of(e), in_flight_until=NOW + timedelta(seconds=30))
    with pytest.raises(NotifyingElsewhere):
        w.handle(e)
    assert w.notifier.published == []
    assert w.flags.notified == {}


def test_a_flag_whose_creator_ran_out_of_time_is_notified_by_the_retry(w: World) -> None:
    e = event(CPR_TEXT)
    w.flags.create(_flag_of(e), in_flight_until=NOW - timedelta(seconds=1))
    assert w.handle(e) is Outcome.ALREADY_FLAGGED
    assert len(w.notifier.published) == 1
    assert list(w.flags.notified) == [flag_id_for(e)]


def test_a_creator_that_fails_to_notify_releases_the_flag_for_an_immediate_retry() -> None:
    w = world()
    failing = replace(w.evaluator, notifier=FailingNotifier())
    e = event(CPR_TEXT)
    with pytest.raises(RuntimeError, match="SNS unavailable"):
        failing.handle(e, deadline=NOW + timedelta(minutes=1))
    assert flag_id_for(e) in w.flags.flags
    assert w.flags.in_flight == {}  # released: the retry need not wait for the deadline
    assert w.handle(e) is Outcome.ALREADY_FLAGGED
    assert len(w.notifier.published) == 1


def test_a_flag_says_until_when_its_creator_may_be_notifying(w: World) -> None:
    e = event(CPR_TEXT)
    w.evaluator.handle(e, deadline=NOW + timedelta(seconds=42))
    assert w.flags.in_flight == {flag_id_for(e): NOW + timedelta(seconds=42)}
    other = event(CPR_TEXT)
    w.handle(other)  # no deadline given: the function's timeout
    assert w.flags.in_flight[flag_id_for(other)] == NOW + IN_FLIGHT_DEFAULT


def _flag_of(e: NormalisedEvent) -> Flag:
    """The flag evaluating `e` raises, as another invocation would have created it."""
    scratch = world()
    scratch.handle(e)
    return scratch.only_flag


# --- moderation facts and test deliveries --------------------------------------------------------


@pytest.mark.parametrize("action", [Action.HIDDEN, Action.UNHIDDEN, Action.DELETED])
def test_hides_unhides_and_deletions_are_recorded_without_evaluating_their_text(
    w: World, action: Action
) -> None:
    assert w.handle(event(CPR_TEXT, action=action)) is Outcome.RECORDED
    record = w.only_record
    assert record.verdict == "recorded"
    assert record.action == action.value
    assert record.text is None
    assert record.flag_id is None
    assert record.retention_class == "working_capture"
    assert record.expires_at == NOW + timedelta(days=30)
    assert record.policy_version == POLICY.version
    assert not w.flags.flags
    assert not w.archive.stored
    assert not w.notifier.published


def test_the_deletion_of_the_organisations_own_post_is_recorded_as_own_post(w: World) -> None:
    own = event(None, author=ORGANISATION, kind=ObjectKind.POST, action=Action.DELETED)
    assert w.handle(own) is Outcome.RECORDED
    assert w.only_record.retention_class == "own_post"
    assert w.only_record.expires_at is None


def test_a_dashboard_test_delivery_is_skipped_without_writing_anything(w: World) -> None:
    assert w.handle(event(CPR_TEXT, test_delivery=True)) is Outcome.TEST_DELIVERY
    assert not w.items.records
    assert not w.flags.flags
    assert not w.archive.stored
    assert not w.notifier.published
    assert w.policies.calls == 0


# --- the repo's own sample delivery, end to end through normalise --------------------------------


def test_the_sample_delivery_in_events_is_evaluated_comment_by_comment(w: World) -> None:
    body = (REPO / "events" / "meta" / "facebook-feed-comments.json").read_bytes()
    envelope = Envelope.model_validate(json.loads(body))
    outcomes: list[Outcome | str] = []
    for e_index, entry in enumerate(envelope.entry):
        for c_index, change in enumerate(entry.changes):
            pointer = RawPointer(bucket="raw", key="k", entry_index=e_index, change_index=c_index)
            ctx = Context(Platform.FACEBOOK, entry, pointer, NOW, PSEUDONYMISER)
            result = normalise(change, ctx)
            outcomes.append("ignored" if isinstance(result, Ignored) else w.handle(result))
    assert outcomes == [Outcome.CLEAN, Outcome.FLAGGED, Outcome.FLAGGED, "ignored"]
    severities = sorted(flag.severity.value for flag in w.flags.flags.values())
    assert severities == ["legal", "mandatory"]
    said = "".join(subject + message for subject, message, _ in w.notifier.published)
    for fragment in ("211062", "5629", "Jens", "Nielsen", "Anders", "7300112233449876"):
        assert fragment not in said


# --- tenancy ---------------------------------------------------------------------------------


def test_the_item_is_judged_by_its_organisations_pack(w: World) -> None:
    w.handle(event(CLEAN_TEXT))
    assert w.policies.asked == ["nordic-baseline"]


def test_every_record_of_a_flagged_item_carries_its_organisation(w: World) -> None:
    assert w.handle(event(CPR_TEXT)) is Outcome.FLAGGED
    assert w.only_record.org_id == "tenant-a"
    assert w.only_flag.org_id == "tenant-a"
    assert w.only_evidence[1].org_id == "tenant-a"
    _, body, attributes = w.only_notification
    assert attributes["org_id"] == "tenant-a"
    assert json.loads(body)["org_id"] == "tenant-a"


def test_a_held_action_carries_its_organisation(w: World) -> None:
    w.handle(event(None, action=Action.DELETED))
    (held,) = w.items.held.values()
    assert held.org_id == "tenant-a"


def test_an_account_the_registry_does_not_list_is_dead_lettered_with_the_reason(w: World) -> None:
    from uppsikt.evaluate.errors import PermanentFailure

    stranger = event(CLEAN_TEXT, account_id="999999999")
    with pytest.raises(PermanentFailure, match="not in the registry"):
        w.handle(stranger)
    assert not w.items.records
    assert w.policies.calls == 0


def test_the_detected_language_is_given_the_organisations_languages_and_recorded() -> None:
    asked: list[tuple[str, tuple[str, ...]]] = []

    def detect(text: str, fallback: tuple[str, ...]) -> str:
        asked.append((text, fallback))
        return "da"

    judged = world(detect_language=detect)
    judged.handle(event(CLEAN_TEXT))
    judged.handle(event(CPR_TEXT))
    assert asked == [(CLEAN_TEXT, ("da",)), (CPR_TEXT, ("da",))]
    assert {r.lang for r in judged.items.records} == {"da"}
    assert judged.only_evidence[1].lang == "da"


def test_language_gated_terms_apply_once_the_language_is_detected() -> None:
    from uppsikt.runtime import detect_language

    # "stole" is gated to English (a Danish "stole" is a chair): it counts only in English text.
    text = "Lars Olsen stole the money from the union, everyone knows."
    blind = world()
    assert blind.handle(event(text)) is Outcome.CLEAN
    seeing = world(detect_language=detect_language)
    assert seeing.handle(event(text)) is Outcome.FLAGGED
    assert seeing.only_flag.rule_ids == ("baseline.criminal-allegation",)
    assert seeing.only_evidence[1].lang == "en"


# --- shadow candidates -------------------------------------------------------------------------


def without_rule(policy: CompiledPolicy, rule_id: str) -> CompiledPolicy:
    """A candidate: the same pack with one rule taken out (and so another version)."""
    document = policy.document.model_copy(
        update={"rules": tuple(r for r in policy.document.rules if r.id != rule_id)}
    )
    return compile_policy(document)


def test_without_a_shadow_candidate_nothing_is_kept_beside_the_verdict(w: World) -> None:
    w.handle(event(CPR_TEXT))
    assert w.items.shadows == []


def test_a_shadow_candidate_judges_the_same_event_and_is_kept_without_a_flag_or_a_message(
    w: World,
) -> None:
    w.policies.candidate = without_rule(POLICY, "baseline.national-id")

    assert w.handle(event(CPR_TEXT)) is Outcome.FLAGGED  # the live pack still decides

    (result,) = w.items.shadows
    assert result.org_id == "tenant-a"
    assert result.live_rules == ("baseline.national-id",)
    assert result.shadow_rules == ()
    assert result.lost == ("baseline.national-id",)
    assert result.gained == ()
    assert result.shadow_version != result.live_version
    assert result.expires_at == NOW + timedelta(days=30)
    assert all(CPR not in e for e in result.evidence)
    assert len(w.flags.flags) == 1  # one flag: the live one
    assert len(w.notifier.published) == 1  # and one message: the live flag's


def test_a_shadow_candidate_that_would_flag_a_clean_item_raises_nothing_live(w: World) -> None:
    live = without_rule(POLICY, "baseline.national-id")
    w.policies.policy, w.policies.candidate = live, POLICY

    assert w.handle(event(CPR_TEXT)) is Outcome.CLEAN

    (result,) = w.items.shadows
    assert result.gained == ("baseline.national-id",)
    assert not w.flags.flags
    assert not w.notifier.published
    assert not w.archive.stored


def test_a_comments_record_names_its_posts_thread_and_a_post_names_its_own() -> None:
    w = world()
    w.handle(event("Tak for mødet i går."))
    assert w.only_record.thread_ref == f"facebook#{PAGE_ID}#{PAGE_ID}_870011223344"
    post = world()
    post.handle(event("Ny artikel på hjemmesiden.", kind=ObjectKind.POST, post_id=None))
    assert (
        post.only_record.thread_ref
        == f"facebook#{PAGE_ID}#{post.only_record.item_ref.split('#')[2]}"
    )
