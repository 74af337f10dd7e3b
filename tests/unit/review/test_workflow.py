from __future__ import annotations

import pytest

from uppsikt.model.records import FlagStatus as S
from uppsikt.review import workflow
from uppsikt.review.errors import IllegalTransition


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (S.OPEN, S.DISMISSED),
        (S.IN_REVIEW, S.CONFIRMED),
        (S.IN_REVIEW, S.ESCALATED),
        (S.ESCALATED, S.IN_REVIEW),
        (S.CONFIRMED, S.REMOVAL_REQUESTED),
        (S.REMOVAL_REQUESTED, S.REMOVAL_DONE),
        (S.DISMISSED, S.OPEN),
    ],
)
def test_the_documented_steps_are_allowed(current: S, to: S) -> None:
    workflow.check(current, to)


@pytest.mark.parametrize(
    ("current", "to"),
    [
        (S.OPEN, S.REMOVAL_DONE),
        (S.DISMISSED, S.CONFIRMED),
        (S.REMOVAL_DONE, S.OPEN),
        (S.OPEN, S.REMOVAL_REQUESTED),
        (S.OPEN, S.IN_REVIEW),  # only a claim puts a flag in review
        (S.CONFIRMED, S.CONFIRMED),
    ],
)
def test_other_steps_are_illegal_transitions(current: S, to: S) -> None:
    with pytest.raises(IllegalTransition) as raised:
        workflow.check(current, to)
    assert raised.value.code == "illegal_transition"
    assert raised.value.status == 409


def test_every_status_has_an_audit_action_and_only_removal_done_is_final() -> None:
    assert set(workflow.ACTION) == set(S)
    assert [s for s, nexts in workflow.ALLOWED.items() if not nexts] == [S.REMOVAL_DONE]
