"""Kinds that read the context, not the text: posting cadence and image review."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from uppsikt.rules.image_review import ImageReviewDetector, ImageReviewParams
from uppsikt.rules.posting_cadence import PostingCadenceDetector, PostingCadenceParams
from uppsikt.rules.registry import RuleContext

CADENCE = PostingCadenceDetector(PostingCadenceParams(max_hours=24))
IMAGES = ImageReviewDetector(ImageReviewParams())


def test_a_facebook_channel_quiet_for_more_than_a_day_is_reported() -> None:
    (finding,) = CADENCE.find("", RuleContext(platform="facebook", hours_since_last_post=30))
    assert "30 h" in finding.label


@pytest.mark.parametrize(
    "context",
    [
        RuleContext(platform="facebook", hours_since_last_post=23.5),
        RuleContext(platform="x", hours_since_last_post=80),
        RuleContext(platform="facebook"),  # an ordinary item: no schedule context
    ],
    ids=["within-a-day", "other-platform", "no-schedule"],
)
def test_cadence_is_quiet_when_there_is_no_gap_to_report(context: RuleContext) -> None:
    assert CADENCE.find("", context) == ()


def test_an_official_post_with_a_photo_asks_for_review() -> None:
    (finding,) = IMAGES.find("Fra mødet i går", RuleContext(official=True, media=("photo",)))
    assert "photo" in finding.label


def test_visitors_photos_and_official_text_posts_need_no_image_review() -> None:
    assert IMAGES.find("x", RuleContext(official=False, media=("photo",))) == ()
    assert IMAGES.find("x", RuleContext(official=True, media=("link",))) == ()


def test_unknown_params_are_refused() -> None:
    with pytest.raises(ValidationError):
        PostingCadenceParams.model_validate({"max_hours": 24, "colour": "red"})
    with pytest.raises(ValidationError):
        PostingCadenceParams.model_validate({"max_hours": 0})
