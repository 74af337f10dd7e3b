"""The `publisher` rule kind: official posts by someone who is not a designated admin. The admins
come from the registry through the rule context, never from the policy file."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.publisher import PublisherDetector, PublisherParams
from uppsikt.rules.registry import RuleContext, kind_spec

PUBLISHER = PublisherDetector(PublisherParams())
ADMINS = frozenset({"ps-7f3a", "ps-91c2"})
TEXT = "Innlegget om lønnsoppgjøret er ute nå."


def official(author: str | None, admins: frozenset[str] | None = ADMINS) -> RuleContext:
    return RuleContext(official=True, author=author, designated_admins=admins)


def test_an_official_post_by_a_non_admin_is_reported_over_the_whole_text() -> None:
    [finding] = PUBLISHER.find(TEXT, official("ps-0000"))
    assert (finding.start, finding.end) == (0, len(TEXT))
    assert finding.label == "publisher not among designated admins"


def test_the_finding_never_carries_the_pseudonym() -> None:
    [finding] = PUBLISHER.find(TEXT, official("ps-0000"))
    assert "ps-0000" not in finding.label
    assert "ps-0000" not in finding.mask


def test_designated_admins_may_publish() -> None:
    assert not PUBLISHER.find(TEXT, official("ps-7f3a"))
    assert not PUBLISHER.find(TEXT, official(" ps-91c2 "))


def test_visitors_items_are_not_publications() -> None:
    context = RuleContext(official=False, author="ps-0000", designated_admins=ADMINS)
    assert not PUBLISHER.find(TEXT, context)


def test_an_unknown_author_is_not_reported() -> None:
    assert not PUBLISHER.find(TEXT, official(None))
    assert not PUBLISHER.find(TEXT)


def test_an_organisation_without_admins_on_the_platform_is_not_configured_there() -> None:
    assert not PUBLISHER.find(TEXT, official("ps-0000", frozenset()))
    assert not PUBLISHER.find(TEXT, official("ps-0000", None))


def test_pseudonyms_are_compared_exactly() -> None:
    assert PUBLISHER.find(TEXT, official("PS-7F3A"))


@pytest.mark.parametrize(
    "params",
    [{"colour": "red"}, {"designated_admins": ["ps-7f3a"]}, {"confidence": 1.2}],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    # Admins in a policy file are refused: they belong to the registry.
    with pytest.raises(ValidationError):
        PublisherParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("publisher")
    assert spec is not None
    assert spec.params_model is PublisherParams
    assert spec.vocabulary == "publisher"


def test_a_post_authored_by_the_account_itself_does_not_say_who_posted_and_is_not_reported() -> (
    None
):
    context = RuleContext(
        official=True, author="ps-page", designated_admins=ADMINS, account_pseudonym="ps-page"
    )
    assert not PUBLISHER.find(TEXT, context)
    person = RuleContext(
        official=True, author="ps-0000", designated_admins=ADMINS, account_pseudonym="ps-page"
    )
    assert PUBLISHER.find(TEXT, person)
