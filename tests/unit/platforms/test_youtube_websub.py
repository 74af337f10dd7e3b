"""WebSub verification of intent and lease renewal (platforms.md §3.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.platforms.errors import BadHandshake, NotSubscribed
from uppsikt.platforms.youtube.websub import lease_renewal_due, topic_for, verify_intent

TOPIC = "https://www.youtube.com/xml/feeds/videos.xml?channel_id=CHANNEL_ID"
OTHER = "https://www.youtube.com/xml/feeds/videos.xml?channel_id=SOMEONE_ELSE"
FIVE_DAYS = 432000


def query(**params: str) -> dict[str, str]:
    base = {
        "hub.mode": "subscribe",
        "hub.topic": TOPIC,
        "hub.challenge": "13918925046425366066",
        "hub.lease_seconds": str(FIVE_DAYS),
    }
    base.update({f"hub.{name}": value for name, value in params.items()})
    return {name: value for name, value in base.items() if value != "<absent>"}


def test_the_topic_for_a_channel_is_the_xml_path_the_sample_links_to_itself() -> None:
    assert topic_for("CHANNEL_ID") == TOPIC


def test_a_subscribe_for_our_topic_returns_the_challenge_and_the_lease() -> None:
    assert verify_intent(query(), expected_topics={TOPIC}) == ("13918925046425366066", FIVE_DAYS)


def test_a_subscribe_without_a_lease_returns_none_for_it() -> None:
    got = verify_intent(query(lease_seconds="<absent>"), expected_topics=[TOPIC])
    assert got == ("13918925046425366066", None)


def test_the_underscore_spelling_of_the_parameters_is_accepted() -> None:
    underscored = {name.replace("hub.", "hub_"): value for name, value in query().items()}
    assert verify_intent(underscored, expected_topics={TOPIC})[1] == FIVE_DAYS


def test_a_topic_we_did_not_subscribe_to_is_refused_for_a_404() -> None:
    with pytest.raises(NotSubscribed) as refused:
        verify_intent(query(topic=OTHER), expected_topics={TOPIC})
    assert refused.value.status == 404


def test_topics_are_compared_exactly() -> None:
    for variant in (TOPIC.replace("https", "http"), TOPIC + "&x=1", TOPIC.upper(), TOPIC + " "):
        with pytest.raises(NotSubscribed):
            verify_intent(query(topic=variant), expected_topics={TOPIC})


def test_an_unsubscribe_we_asked_for_is_confirmed_without_a_lease() -> None:
    got = verify_intent(
        query(mode="unsubscribe", lease_seconds="<absent>"),
        expected_topics=(),
        pending_unsubscribes={TOPIC},
    )
    assert got == ("13918925046425366066", None)


def test_an_unsubscribe_we_did_not_ask_for_is_refused_even_for_a_topic_we_hold() -> None:
    # Otherwise anyone could ask the hub to unsubscribe us and we would confirm it.
    with pytest.raises(NotSubscribed):
        verify_intent(query(mode="unsubscribe"), expected_topics={TOPIC})


def test_a_pending_unsubscribe_does_not_confirm_a_subscribe() -> None:
    with pytest.raises(NotSubscribed):
        verify_intent(query(), expected_topics=(), pending_unsubscribes={TOPIC})


@pytest.mark.parametrize("mode", ["<absent>", "", "denied", "Subscribe", "subscribe ", "publish"])
def test_a_mode_other_than_subscribe_or_unsubscribe_is_a_bad_handshake(mode: str) -> None:
    with pytest.raises(BadHandshake):
        verify_intent(query(mode=mode), expected_topics={TOPIC})


@pytest.mark.parametrize("challenge", ["<absent>", "", "a b", "tab\there", "x\n", "ä", "9" * 1025])
def test_a_missing_or_unprintable_challenge_is_a_bad_handshake(challenge: str) -> None:
    with pytest.raises(BadHandshake):
        verify_intent(query(challenge=challenge), expected_topics={TOPIC})


@pytest.mark.parametrize("challenge", ["abc-DEF_123", "a!@#$%^&*(-_=+)z", "9" * 1024, "~"])
def test_any_printable_ascii_challenge_is_echoed(challenge: str) -> None:
    assert verify_intent(query(challenge=challenge), expected_topics={TOPIC})[0] == challenge


def test_a_missing_topic_is_a_bad_handshake() -> None:
    with pytest.raises(BadHandshake, match="topic"):
        verify_intent(query(topic="<absent>"), expected_topics={TOPIC})


@pytest.mark.parametrize("lease", ["-1", "1.5", "abc", "1e6", "9" * 11, " 10"])
def test_a_malformed_lease_is_a_bad_handshake(lease: str) -> None:
    with pytest.raises(BadHandshake, match="lease"):
        verify_intent(query(lease_seconds=lease), expected_topics={TOPIC})


@pytest.mark.parametrize("no_query", [None, {}])
def test_no_query_at_all_is_a_bad_handshake(no_query: dict[str, str] | None) -> None:
    with pytest.raises(BadHandshake):
        verify_intent(no_query, expected_topics={TOPIC})


def test_a_bad_handshake_wins_over_an_unknown_topic() -> None:
    with pytest.raises(BadHandshake):
        verify_intent(query(topic=OTHER, challenge="<absent>"), expected_topics={TOPIC})


@given(params=st.dictionaries(st.text(), st.text()), topics=st.lists(st.text()))
def test_verify_intent_raises_only_the_two_handshake_errors(
    params: dict[str, str], topics: list[str]
) -> None:
    try:
        challenge, lease = verify_intent(params, expected_topics=topics)
    except (BadHandshake, NotSubscribed):
        return
    assert challenge
    assert lease is None or lease >= 0


# --- lease renewal -------------------------------------------------------------------------------

T0 = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lease_seconds", "due_after"),
    [
        (FIVE_DAYS, timedelta(days=4)),  # 80% and "a day before" coincide
        (864000, timedelta(days=8)),  # ten days: 80% is earlier than a day before
        (86400 * 3, timedelta(days=2)),  # three days: a day before is earlier than 80%
        (3600, timedelta(minutes=30)),  # shorter than the margin: half the lease
    ],
)
def test_renewal_falls_due_at_the_earlier_of_80_percent_and_a_day_before(
    lease_seconds: int, due_after: timedelta
) -> None:
    assert not lease_renewal_due(T0, lease_seconds, T0 + due_after - timedelta(seconds=1))
    assert lease_renewal_due(T0, lease_seconds, T0 + due_after)


def test_a_larger_margin_brings_renewal_forward() -> None:
    now = T0 + timedelta(days=3)
    assert not lease_renewal_due(T0, FIVE_DAYS, now)
    assert lease_renewal_due(T0, FIVE_DAYS, now, margin=timedelta(days=2))


def test_a_lease_of_zero_or_less_is_due_at_once() -> None:
    assert lease_renewal_due(T0, 0, T0)
    assert lease_renewal_due(T0, -5, T0)


def test_naive_times_and_a_negative_margin_are_refused() -> None:
    naive = datetime(2026, 11, 21, 12, 0)  # naive on purpose
    with pytest.raises(ValueError, match="timezone"):
        lease_renewal_due(naive, FIVE_DAYS, T0)
    with pytest.raises(ValueError, match="timezone"):
        lease_renewal_due(T0, FIVE_DAYS, naive)
    with pytest.raises(ValueError, match="margin"):
        lease_renewal_due(T0, FIVE_DAYS, T0, margin=timedelta(seconds=-1))


@given(
    lease_seconds=st.integers(1, 10 * 365 * 86400),
    elapsed=st.integers(0, 20 * 365 * 86400),
    margin_seconds=st.integers(0, 30 * 86400),
)
def test_renewal_is_due_before_expiry_and_never_in_the_first_half(
    lease_seconds: int, elapsed: int, margin_seconds: int
) -> None:
    margin = timedelta(seconds=margin_seconds)
    due = lease_renewal_due(T0, lease_seconds, T0 + timedelta(seconds=elapsed), margin)
    if elapsed >= lease_seconds * 0.8:
        assert due
    if elapsed < lease_seconds * 0.5:
        assert not due
    later = lease_renewal_due(T0, lease_seconds, T0 + timedelta(seconds=elapsed + 1), margin)
    assert later or not due  # once due, it stays due
