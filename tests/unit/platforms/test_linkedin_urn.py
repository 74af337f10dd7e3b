"""LinkedIn URNs written two ways in one payload (platforms.md §4.4) compare equal once
normalised."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uppsikt.platforms.linkedin.urn import entity_type, is_urn, normalise_urn

ACTIVITY = "7090000000000000001"
COMMENT = "7090000000000000002"
SHORT = f"urn:li:comment:(activity:{ACTIVITY},{COMMENT})"
LONG = f"urn:li:comment:(urn:li:activity:{ACTIVITY},{COMMENT})"


def test_the_two_spellings_of_one_comment_compare_equal() -> None:
    assert SHORT != LONG
    assert normalise_urn(SHORT) == normalise_urn(LONG) == LONG


def test_ugc_post_comments_are_qualified_too() -> None:
    short = "urn:li:comment:(ugcPost:6999,7000)"
    assert normalise_urn(short) == "urn:li:comment:(urn:li:ugcPost:6999,7000)"
    assert normalise_urn(normalise_urn(short)) == normalise_urn(short)


@pytest.mark.parametrize(
    "urn",
    [
        "urn:li:activity:7090000000000000001",
        "urn:li:share:7090000000000000009",
        "urn:li:ugcPost:7090000000000000010",
        "urn:li:organization:2414183",
        "urn:li:person:AbCdEf-123_x",
    ],
)
def test_simple_urns_are_already_canonical(urn: str) -> None:
    assert normalise_urn(urn) == urn


def test_whitespace_and_the_case_of_the_scheme_are_dropped() -> None:
    assert normalise_urn(f"  URN:LI:comment:( activity:{ACTIVITY} , {COMMENT} )\n") == LONG


def test_the_entity_types_case_is_kept() -> None:
    assert normalise_urn("urn:li:ugcPost:1") != normalise_urn("urn:li:ugcpost:1")


def test_nested_compound_urns_are_normalised_throughout() -> None:
    reply = f"urn:li:comment:({SHORT},7090000000000000003)"
    assert normalise_urn(reply) == f"urn:li:comment:({LONG},7090000000000000003)"


def test_named_fields_of_compound_keys_are_left_alone() -> None:
    subscription = (
        "urn:li:eventSubscription:(developerApplication:urn:li:developerApplication:1,"
        "user:urn:li:person:abc,entity:urn:li:organization:2,"
        "eventType:ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS)"
    )
    assert normalise_urn(subscription) == subscription


def test_entity_type_reads_the_type_of_a_canonical_urn() -> None:
    assert entity_type(LONG) == "comment"
    assert entity_type("urn:li:activity:1") == "activity"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "activity:1",
        "urn:fb:page:1",
        "urn:li:",
        "urn:li:activity",
        "urn:li:activity:",
        "urn:li::1",
        "urn:li:activity:1 2",
        "urn:li:activity:1)",
        "urn:li:comment:(activity:1,2",
        "urn:li:comment:(activity:1,2)x",
        "urn:li:comment:(activity:1,2)(3)",
        "urn:li:comment:(activity:1,,2)",
        "urn:li:comment:()",
        "urn:li:comment:(a,b))",
        "urn:li:" + "x" * 2000 + ":1",
    ],
)
def test_what_is_not_a_linkedin_urn_raises_value_error(value: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the contract is exactly ValueError
        normalise_urn(value)


@pytest.mark.parametrize("value", [None, 12, 1.5, ["urn:li:activity:1"], {"urn": 1}])
def test_non_strings_raise_value_error(value: object) -> None:
    assert not is_urn(value)
    with pytest.raises(ValueError, match="string"):
        normalise_urn(value)  # type: ignore[arg-type]


def test_excessive_nesting_is_refused() -> None:
    urn = "urn:li:activity:1"
    for _ in range(12):
        urn = f"urn:li:comment:({urn},1)"
    with pytest.raises(ValueError, match="deeply"):
        normalise_urn(urn)


_IDS = st.from_regex(r"[A-Za-z0-9_-]{1,20}", fullmatch=True)
_TYPES = st.sampled_from(["activity", "share", "ugcPost", "comment", "organization"])


@st.composite
def urns(draw: st.DrawFn, depth: int = 0) -> str:
    """A LinkedIn URN, its tuple components randomly written with or without `urn:li:`."""
    kind = draw(_TYPES)
    if depth >= 2 or not draw(st.booleans()):
        return f"urn:li:{kind}:{draw(_IDS)}"
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            parts.append(draw(urns(depth + 1)))
        else:
            part = f"{draw(_TYPES)}:{draw(_IDS)}"
            parts.append(part if draw(st.booleans()) else "urn:li:" + part)
    return f"urn:li:{kind}:({','.join(parts)})"


@given(urn=urns())
def test_normalising_is_idempotent(urn: str) -> None:
    once = normalise_urn(urn)
    assert normalise_urn(once) == once


@given(urn=urns())
def test_the_canonical_form_has_no_bare_entity_components(urn: str) -> None:
    once = normalise_urn(urn)
    for kind in ("activity", "share", "ugcPost", "comment", "organization"):
        assert f"({kind}:" not in once
        assert f",{kind}:" not in once


@given(value=st.text())
def test_arbitrary_text_either_normalises_or_raises_value_error(value: str) -> None:
    try:
        once = normalise_urn(value)
    except ValueError:
        return
    assert normalise_urn(once) == once


@given(value=st.from_regex(r"urn:li:[a-z]{1,8}:[(),a-z0-9:]{0,20}", fullmatch=True))
def test_urn_like_text_either_normalises_or_raises_value_error(value: str) -> None:
    try:
        once = normalise_urn(value)
    except ValueError:
        return
    assert normalise_urn(once) == once
