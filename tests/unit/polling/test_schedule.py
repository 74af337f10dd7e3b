"""The scheduled jobs over the registry (`polling.schedule`): `poll_all` drives the real `Poller`
(in-memory stores and a scripted API from `support.poll_fakes`) over every account's streams and
look-ups; `renew_leases` talks to a loopback `FakeApi` standing in for the WebSub hub."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs

import pytest

from support.poll_fakes import (
    FakeAlerts,
    FakeClock,
    FakeCursors,
    FakeHttp,
    FakeLedger,
    FakeLookups,
    FakeQueue,
    FakeRawStore,
    ScriptedLookupSource,
    ScriptedSource,
    ok,
    page_body,
)
from uppsikt.accounts.model import Account
from uppsikt.adapters.leases import Lease
from uppsikt.ingest.errors import ServiceUnavailable
from uppsikt.local.fake_api import FakeApi, Reply
from uppsikt.model.events import Platform
from uppsikt.model.messages import EventMessage
from uppsikt.platforms.youtube import websub
from uppsikt.polling.errors import Transient
from uppsikt.polling.http import UrllibHttp
from uppsikt.polling.ports import HttpResponse, LookupSource, Source
from uppsikt.polling.runner import Poller, PollOutcome
from uppsikt.polling.schedule import Renewal, poll_account, poll_all, renew_leases
from uppsikt.polling.sources.mastodon import MastodonNotifications
from uppsikt.privacy.pseudonym import Pseudonymiser

PSEUDONYMISER = Pseudonymiser(b"unit-test-pseudonym-key-0123456789")
NOW = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
BASE = "https://uppsikt.example.org/api"
WEBSUB_SECRET = "websub-secret-never-in-an-outcome"


def registry_account(account_id: str, platform: str, **fields: Any) -> Account:
    return Account.model_validate(
        {
            "id": account_id,
            "platform": platform,
            "platform_account_id": fields.pop("platform_account_id", f"pid-{account_id}"),
            "name": account_id,
            "organisation": "facket",
            **fields,
        }
    )


def api_at(path: str) -> str:
    return f"https://api.example/{path}"


# --- poll_all ------------------------------------------------------------------------------------

ITEMS = ScriptedSource(stream="test.items")
MORE = ScriptedSource(stream="test.more")
LOOKUP = ScriptedLookupSource(platform=Platform.INSTAGRAM, stream="test.lookups")


@dataclass
class World:
    http: FakeHttp = field(default_factory=FakeHttp)
    cursors: FakeCursors = field(default_factory=FakeCursors)
    ledger: FakeLedger = field(default_factory=FakeLedger)
    lookups: FakeLookups = field(default_factory=FakeLookups)
    raw: FakeRawStore = field(default_factory=FakeRawStore)
    alerts: FakeAlerts = field(default_factory=FakeAlerts)
    queue: FakeQueue = field(init=False)
    streams: dict[Platform, tuple[Source, ...]] = field(
        default_factory=lambda: {Platform.YOUTUBE: (ITEMS, MORE)}
    )
    lookup_streams: dict[Platform, tuple[LookupSource, ...]] = field(
        default_factory=lambda: {Platform.INSTAGRAM: (LOOKUP,)}
    )
    credentials_asked: list[str] = field(default_factory=list)
    broken_secrets: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.queue = FakeQueue(self.raw)

    def credentials(self, account: Account) -> Mapping[str, str]:
        self.credentials_asked.append(account.id)
        if account.id in self.broken_secrets:
            raise LookupError(f"secret {account.secret_name} does not exist")
        return {"token": f"token-of-{account.id}"}

    def poll(self, *accounts: Account, **options: Any) -> list[PollOutcome]:
        poller = Poller(
            http=self.http,
            cursors=self.cursors,
            ledger=self.ledger,
            lookups=self.lookups,
            raw_store=self.raw,
            queue=self.queue,
            alerts=self.alerts,
            clock=FakeClock(),
        )
        return poll_all(
            poller,
            accounts,
            sources=lambda platform: self.streams.get(platform, ()),
            lookups=lambda platform: self.lookup_streams.get(platform, ()),
            credentials=self.credentials,
            pseudonymiser=PSEUDONYMISER,
            **options,
        )

    def urls(self) -> list[str]:
        return [request.url for request, _ in self.http.requests]


@pytest.fixture
def world() -> World:
    return World()


def summary(outcomes: list[PollOutcome]) -> list[tuple[str, str, str]]:
    return [(o.account_key, o.stream, o.status) for o in outcomes]


ONE = registry_account("one-youtube", "youtube", api_base=api_at("one"))
TWO = registry_account("two-youtube", "youtube", api_base=api_at("two"))
PAGE_ONE = page_body([{"id": "a", "fp": "1"}, {"id": "b", "fp": "1"}], None, "t1")
PAGE_TWO = page_body([{"id": "c", "fp": "1"}], None, "t1")


def test_a_registry_account_becomes_the_poll_account_its_streams_see() -> None:
    credentials = {"token": "t"}
    target = poll_account(ONE, credentials)
    credentials["token"] = "changed later"
    assert (target.account_key, target.platform, target.platform_account_id) == (
        "one-youtube",
        Platform.YOUTUBE,
        "pid-one-youtube",
    )
    assert target.api_base == api_at("one")
    assert target.credentials == {"token": "t"}  # a copy


def test_accounts_whose_platform_has_no_streams_are_skipped_and_their_secrets_never_read(
    world: World,
) -> None:
    world.http.on("/one/items", "", ok(PAGE_ONE))
    facebook = registry_account("seko-facebook", "facebook", secret_name="uppsikt/accounts/fb")
    x = registry_account("seko-x", "x", api_base=api_at("x"))

    outcomes = world.poll(facebook, ONE, x)

    assert {o.account_key for o in outcomes} == {"one-youtube"}
    assert world.credentials_asked == ["one-youtube"]
    assert all(url.startswith(api_at("one")) for url in world.urls())


def test_no_accounts_or_no_polled_platforms_poll_nothing(world: World) -> None:
    assert world.poll() == []
    world.streams, world.lookup_streams = {}, {}
    assert world.poll(ONE, TWO) == []
    assert world.http.requests == []
    assert world.credentials_asked == []


def test_every_stream_of_every_account_is_polled_in_registry_order(world: World) -> None:
    world.http.on("/one/items", "", ok(PAGE_ONE))
    world.http.on("/two/items", "", ok(PAGE_TWO))

    outcomes = world.poll(ONE, TWO)

    assert summary(outcomes) == [
        ("one-youtube", "test.items", "complete"),
        ("one-youtube", "test.more", "complete"),
        ("two-youtube", "test.items", "complete"),
        ("two-youtube", "test.more", "complete"),
    ]
    assert world.urls() == [api_at("one/items")] * 2 + [api_at("two/items")] * 2
    tokens = [dict(request.headers)["Authorization"] for request, _ in world.http.requests]
    assert tokens == ["Bearer token-of-one-youtube"] * 2 + ["Bearer token-of-two-youtube"] * 2
    assert set(world.cursors.rows) == {
        ("one-youtube", "test.items"),
        ("one-youtube", "test.more"),
        ("two-youtube", "test.items"),
        ("two-youtube", "test.more"),
    }
    assert world.queue.item_ids() == ["a", "b", "c"]  # the second stream's repeats: the ledger
    events = [m.event for m in world.queue.sent if isinstance(m, EventMessage)]
    assert [e.account_id for e in events] == ["pid-one-youtube"] * 2 + ["pid-two-youtube"]
    assert [o.already_seen for o in outcomes] == [0, 2, 0, 1]


def test_look_ups_are_polled_for_the_references_left_for_the_account(world: World) -> None:
    instagram = registry_account(
        "kommunal-instagram", "instagram", platform_account_id="1784", api_base=api_at("ig")
    )
    world.lookups.request(Platform.INSTAGRAM, "1784", "test.lookups", "m1")
    world.lookups.request(Platform.INSTAGRAM, "1784", "test.lookups", "m2")
    world.http.on("/ig/items/m1", "", ok(page_body([{"id": "m1", "fp": "1"}], None, None)))
    world.http.on("/ig/items/m2", "", ok(page_body([{"id": "m2", "fp": "1"}], None, None)))

    (outcome,) = world.poll(instagram)

    assert (outcome.account_key, outcome.stream, outcome.status) == (
        "kommunal-instagram",
        "test.lookups",
        "complete",
    )
    assert (outcome.pages, outcome.emitted) == (2, 2)
    assert world.queue.item_ids() == ["m1", "m2"]
    assert world.lookups.pending(Platform.INSTAGRAM, "1784", "test.lookups", 10) == []


def test_an_account_with_streams_and_look_ups_has_its_streams_polled_first(world: World) -> None:
    world.lookup_streams = {Platform.YOUTUBE: (ScriptedLookupSource(),)}
    world.http.on("/one/items", "", ok(PAGE_ONE))

    outcomes = world.poll(ONE)

    assert [o.stream for o in outcomes] == ["test.items", "test.more", "test.lookups"]
    assert outcomes[-1].pages == 0  # nothing was waiting to be looked up


def test_one_accounts_failure_does_not_stop_the_others(world: World) -> None:
    down = registry_account("down-youtube", "youtube", api_base=api_at("down"))
    revoked = registry_account("revoked-youtube", "youtube", api_base=api_at("revoked"))
    world.streams = {Platform.YOUTUBE: (ITEMS,)}
    world.http.on("/down/items", "", HttpResponse(503, {}, b"{}"))
    world.http.on("/revoked/items", "", HttpResponse(401, {}, b"{}"))
    world.http.on("/one/items", "", ok(PAGE_ONE))

    outcomes = world.poll(down, revoked, ONE)

    assert summary(outcomes) == [
        ("down-youtube", "test.items", "failed"),
        ("revoked-youtube", "test.items", "rejected"),
        ("one-youtube", "test.items", "complete"),
    ]
    assert world.queue.item_ids() == ["a", "b"]
    (subject, details) = world.alerts.sent[0]
    assert len(world.alerts.sent) == 1
    assert "revoked-youtube" in subject
    assert details["account"] == "revoked-youtube"


def test_a_misconfigured_account_is_reported_failed_and_the_next_is_still_polled(
    world: World,
) -> None:
    no_instance = registry_account("facket-mastodon", "mastodon")  # no api_base
    world.streams = {Platform.MASTODON: (MastodonNotifications(),), Platform.YOUTUBE: (ITEMS,)}
    world.http.on("/one/items", "", ok(PAGE_ONE))

    outcomes = world.poll(no_instance, ONE)

    assert summary(outcomes) == [
        ("facket-mastodon", "mastodon.notifications", "failed"),
        ("one-youtube", "test.items", "complete"),
    ]
    assert "api_base" in outcomes[0].detail
    assert [details["account"] for _, details in world.alerts.sent] == ["facket-mastodon"]
    assert world.urls() == [api_at("one/items")]


def test_the_deadline_reaches_every_stream(world: World) -> None:
    world.http.on("/one/items", "", ok(PAGE_ONE))

    outcomes = world.poll(ONE, deadline=lambda: 1.0)

    assert [(o.status, o.detail) for o in outcomes] == [
        ("partial", "stopped before the deadline"),
        ("partial", "stopped before the deadline"),
    ]
    assert world.http.requests == []


def test_an_account_whose_secret_cannot_be_read_does_not_stop_the_others(world: World) -> None:
    world.streams = {Platform.YOUTUBE: (ITEMS,)}
    world.broken_secrets = {"two-youtube"}
    world.http.on("/one/items", "", ok(PAGE_ONE))

    outcomes = world.poll(TWO, ONE)

    assert summary(outcomes) == [
        ("two-youtube", "test.items", "failed"),
        ("one-youtube", "test.items", "complete"),
    ]
    assert "secret" in outcomes[0].detail
    assert world.queue.item_ids() == ["a", "b"]
    assert [details["account"] for _, details in world.alerts.sent] == ["two-youtube"]
    assert all(url.startswith(api_at("one")) for url in world.urls())


# --- renew_leases --------------------------------------------------------------------------------

CHANNEL = "UCfackNordenDemoKanal001"
SEKO = registry_account("seko-youtube", "youtube", platform_account_id=CHANNEL)
OTHER = registry_account("other-youtube", "youtube", platform_account_id="UCotherChannel0000001")
FIVE_DAYS = 432000


@pytest.fixture(scope="module")
def server() -> Iterator[FakeApi]:
    with FakeApi() as api:
        yield api


@pytest.fixture
def hub(server: FakeApi) -> FakeApi:
    server.reset()
    server.route("POST", "/subscribe", Reply(202))
    return server


@dataclass
class Renewing:
    leases: dict[str, Lease] = field(default_factory=dict)
    secrets_asked: list[str] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)

    def secret(self, account: Account) -> str:
        self.secrets_asked.append(account.id)
        if account.id in self.broken:
            raise ServiceUnavailable("websub_secret is not set yet")
        return f"{WEBSUB_SECRET}-{account.id}"

    def renew(
        self,
        hub: FakeApi | FakeHttp,
        *accounts: Account,
        public_base_url: str | None = BASE,
    ) -> list[Renewal]:
        if isinstance(hub, FakeApi):
            http: UrllibHttp | FakeHttp = UrllibHttp()
            hub_url = hub.base_url + "/subscribe"
        else:
            http, hub_url = hub, "https://hub.example/subscribe"
        return renew_leases(
            http,
            accounts,
            leases=self.leases.get,
            secret=self.secret,
            public_base_url=public_base_url,
            hub_url=hub_url,
            now=NOW,
        )


def statuses(renewals: list[Renewal]) -> list[tuple[str, str]]:
    return [(r.account_key, r.status) for r in renewals]


def form(body: bytes) -> dict[str, list[str]]:
    return parse_qs(body.decode("ascii"), strict_parsing=True)


def test_a_channel_without_a_lease_is_subscribed_with_a_form_encoded_post(hub: FakeApi) -> None:
    renewing = Renewing()

    renewals = renewing.renew(hub, SEKO)

    assert renewals == [Renewal("seko-youtube", "renewed")]
    assert renewals[0].as_dict() == {"account": "seko-youtube", "status": "renewed", "detail": ""}
    (request,) = hub.requests
    assert (request.method, request.path) == ("POST", "/subscribe")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form(request.body) == {
        "hub.mode": ["subscribe"],
        "hub.topic": [websub.topic_for(CHANNEL)],
        "hub.callback": [f"{BASE}/webhooks/youtube/seko-youtube"],
        "hub.secret": [f"{WEBSUB_SECRET}-seko-youtube"],
        "hub.verify": ["async"],
    }


def test_a_public_base_url_with_a_trailing_slash_gives_the_same_callback(hub: FakeApi) -> None:
    Renewing().renew(hub, SEKO, public_base_url=BASE + "/")
    (request,) = hub.requests
    assert form(request.body)["hub.callback"] == [f"{BASE}/webhooks/youtube/seko-youtube"]


def test_a_fresh_lease_is_not_due_and_the_hub_is_not_asked(hub: FakeApi) -> None:
    renewing = Renewing(leases={"seko-youtube": Lease(NOW - timedelta(hours=1), FIVE_DAYS)})

    assert statuses(renewing.renew(hub, SEKO)) == [("seko-youtube", "not_due")]
    assert hub.requests == []
    assert renewing.secrets_asked == []


@pytest.mark.parametrize(
    "lease",
    [
        Lease(NOW - timedelta(days=4, hours=12), FIVE_DAYS),
        Lease(NOW - timedelta(days=30), FIVE_DAYS),
        Lease(NOW - timedelta(minutes=1), 0),
    ],
    ids=["at-90-percent", "long-expired", "zero-lease"],
)
def test_a_lease_that_is_due_is_renewed(hub: FakeApi, lease: Lease) -> None:
    renewing = Renewing(leases={"seko-youtube": lease})

    assert statuses(renewing.renew(hub, SEKO)) == [("seko-youtube", "renewed")]
    (request,) = hub.requests
    assert form(request.body)["hub.topic"] == [websub.topic_for(CHANNEL)]


@pytest.mark.parametrize("public_base_url", [None, ""])
def test_without_a_public_base_url_nothing_is_sent_and_the_reason_is_given(
    hub: FakeApi, public_base_url: str | None
) -> None:
    renewing = Renewing()

    (renewal,) = renewing.renew(hub, SEKO, public_base_url=public_base_url)

    assert (renewal.status, renewal.detail) == ("no_callback", "UPPSIKT_PUBLIC_BASE_URL is empty")
    assert hub.requests == []


@pytest.mark.parametrize(("status", "detail"), [(503, "HTTP 503"), (400, "HTTP 400")])
def test_a_hub_that_refuses_or_fails_is_reported_failed_without_the_secret(
    hub: FakeApi, status: int, detail: str
) -> None:
    hub.reset()
    hub.route("POST", "/subscribe", Reply.json({"error": "nope"}, status))

    (renewal,) = Renewing().renew(hub, SEKO)

    assert renewal.status == "failed"
    assert detail in renewal.detail
    assert "WebSub subscribe" in renewal.detail
    assert WEBSUB_SECRET not in renewal.detail
    assert len(hub.requests) == 1


def test_a_hub_that_cannot_be_reached_is_reported_failed() -> None:
    http = FakeHttp()
    http.on("/subscribe", "", Transient("connection failed: ConnectionRefusedError"))

    (renewal,) = Renewing().renew(http, SEKO)

    assert (renewal.status, renewal.detail) == (
        "failed",
        "connection failed: ConnectionRefusedError",
    )


def test_one_channels_failure_does_not_stop_the_next(hub: FakeApi) -> None:
    hub.reset()
    hub.route("POST", "/subscribe", Reply(500), Reply(202))

    renewals = Renewing().renew(hub, SEKO, OTHER)

    assert statuses(renewals) == [("seko-youtube", "failed"), ("other-youtube", "renewed")]
    topics = [form(r.body)["hub.topic"] for r in hub.requests]
    assert topics == [[websub.topic_for(CHANNEL)], [websub.topic_for("UCotherChannel0000001")]]


def test_accounts_on_other_platforms_are_ignored(hub: FakeApi) -> None:
    renewing = Renewing()
    accounts = (
        registry_account("seko-facebook", "facebook"),
        SEKO,
        registry_account("kommunal-mastodon", "mastodon", api_base="https://social.example"),
    )

    assert statuses(renewing.renew(hub, *accounts)) == [("seko-youtube", "renewed")]
    assert renewing.secrets_asked == ["seko-youtube"]
    assert len(hub.requests) == 1


def test_a_channel_whose_secret_cannot_be_read_does_not_stop_the_next(hub: FakeApi) -> None:
    renewing = Renewing(broken={"seko-youtube"})

    renewals = renewing.renew(hub, SEKO, OTHER)

    assert statuses(renewals) == [("seko-youtube", "failed"), ("other-youtube", "renewed")]
    assert "websub_secret is not set yet" in renewals[0].detail
    (request,) = hub.requests
    assert form(request.body)["hub.topic"] == [websub.topic_for("UCotherChannel0000001")]
