"""The `publisher` rule kind: official posts by someone who is not a designated admin."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.publisher import PublisherDetector, PublisherParams
from uppsikt.rules.registry import RuleContext, kind_spec


def detector(**params: Any) -> PublisherDetector:
    return PublisherDetector(PublisherParams.model_validate(params))


PUBLISHER = detector(designated_admins=("ps-7f3a", "ps-91c2"))
TEXT = "Innlegget om lønnsoppgjøret er ute nå."


def test_an_official_post_by_a_non_admin_is_reported_over_the_whole_text() -> None:
    [finding] = PUBLISHER.find(TEXT, RuleContext(official=True, author="ps-0000"))
    assert (finding.start, finding.end) == (0, len(TEXT))
    assert finding.label == "publisher not among designated admins"


def test_the_finding_never_carries_the_pseudonym() -> None:
    [finding] = PUBLISHER.find(TEXT, RuleContext(official=True, author="ps-0000"))
    assert "ps-0000" not in finding.label
    assert "ps-0000" not in finding.mask


def test_designated_admins_may_publish() -> None:
    assert not PUBLISHER.find(TEXT, RuleContext(official=True, author="ps-7f3a"))
    assert not PUBLISHER.find(TEXT, RuleContext(official=True, author=" ps-91c2 "))


def test_visitors_items_are_not_publications() -> None:
    assert not PUBLISHER.find(TEXT, RuleContext(official=False, author="ps-0000"))


def test_an_unknown_author_is_not_reported() -> None:
    assert not PUBLISHER.find(TEXT, RuleContext(official=True, author=None))
    assert not PUBLISHER.find(TEXT)


def test_an_empty_admin_list_means_not_configured_and_reports_nothing() -> None:
    assert not detector().find(TEXT, RuleContext(official=True, author="ps-0000"))


def test_pseudonyms_are_compared_exactly() -> None:
    assert PUBLISHER.find(TEXT, RuleContext(official=True, author="PS-7F3A"))


@pytest.mark.parametrize(
    "params",
    [{"colour": "red"}, {"designated_admins": ["  "]}, {"confidence": 1.2}],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PublisherParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("publisher")
    assert spec is not None
    assert spec.params_model is PublisherParams
    assert spec.vocabulary == "publisher"
