"""Facebook posts that are not (or no longer) public: a post moved to the trash is recorded as
hidden, an unpublished post is not evaluated as public content (decisions in the docstring of
`uppsikt.platforms.meta.normalise`). And no error or reason repeats a value from the change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from uppsikt.model.events import Action, Ignored, NormalisedEvent, ObjectKind, Platform, RawPointer
from uppsikt.platforms.errors import Unmappable
from uppsikt.platforms.meta.envelope import Change, Entry
from uppsikt.platforms.meta.normalise import Context, normalise
from uppsikt.privacy.pseudonym import Pseudonymiser

PAGE = "104729561234567"
POST = f"{PAGE}_901097836652708"
PERSONAL = "Mette Hansen 211062-5629"
CTX = Context(
    Platform.FACEBOOK,
    Entry(id=PAGE, time=1763712000),
    RawPointer(bucket="raw", key="key", entry_index=0, change_index=0),
    datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
    Pseudonymiser(b"unit-test-pseudonym-key-0123456789"),
)


def feed(**value: Any) -> Change:
    base: dict[str, Any] = {
        "item": "status",
        "post_id": POST,
        "created_time": 1763711000,
        "from": {"id": PAGE, "name": "Seko"},
    }
    return Change(field="feed", value={**base, **value})


def event(change: Change) -> NormalisedEvent:
    result = normalise(change, CTX)
    assert isinstance(result, NormalisedEvent)
    return result


@pytest.mark.parametrize(("item", "verb"), [("status", "edited"), ("post", "edit")])
def test_a_post_edit_without_a_message_is_a_post_moved_to_the_trash_recorded_as_hidden(
    item: str, verb: str
) -> None:
    trashed = event(feed(item=item, verb=verb))

    assert (trashed.object_kind, trashed.action) == (ObjectKind.POST, Action.HIDDEN)
    assert trashed.text is None
    assert trashed.item_id == POST


def test_a_post_edit_to_empty_text_is_still_an_edit() -> None:
    edited = event(feed(verb="edited", message=""))

    assert (edited.action, edited.text) == (Action.EDITED, "")


def test_a_post_edit_with_its_new_text_is_an_edit() -> None:
    edited = event(feed(verb="edited", message="Ny text", published=1))

    assert (edited.action, edited.text) == (Action.EDITED, "Ny text")


def test_a_comment_edit_without_a_message_stays_an_edit_because_comments_have_no_trash() -> None:
    change = feed(item="comment", verb="edited", comment_id=f"{POST}_1", parent_id=POST)

    assert event(change).action is Action.EDITED


@pytest.mark.parametrize("published", [0, False, "0"])
@pytest.mark.parametrize("verb", ["add", "edited"])
def test_an_unpublished_post_is_ignored_as_not_public_content(published: object, verb: str) -> None:
    result = normalise(feed(verb=verb, message=PERSONAL, published=published), CTX)

    assert isinstance(result, Ignored)
    assert result.reason == "an unpublished post is not public content"


def test_a_published_post_is_a_create() -> None:
    created = event(feed(verb="add", message="Hej", published=1))

    assert (created.object_kind, created.action) == (ObjectKind.POST, Action.CREATED)


@pytest.mark.parametrize("verb", ["hide", "remove"])
def test_moderation_of_an_unpublished_post_is_still_recorded(verb: str) -> None:
    result = event(feed(verb=verb, published=0))

    assert result.action in (Action.HIDDEN, Action.DELETED)


def test_an_unpublished_comment_flag_does_not_apply_to_comments() -> None:
    change = feed(item="comment", verb="add", comment_id=f"{POST}_2", parent_id=POST, published=0)

    assert event(change).action is Action.CREATED


# --- nothing from the payload in an error or a reason --------------------------------------------


def test_an_unknown_verb_is_unmappable_without_repeating_the_verb() -> None:
    with pytest.raises(Unmappable) as caught:
        normalise(feed(verb=PERSONAL), CTX)

    assert "verb" in str(caught.value)
    assert "Mette" not in str(caught.value)
    assert "211062" not in str(caught.value)


@pytest.mark.parametrize(
    "change",
    [
        Change(field=PERSONAL, value={}),
        feed(item=PERSONAL, verb="add"),
    ],
    ids=["unmonitored-field", "unmonitored-item"],
)
def test_ignored_reasons_do_not_repeat_the_field_or_item(change: Change) -> None:
    result = normalise(change, CTX)

    assert isinstance(result, Ignored)
    assert "Mette" not in result.reason
    assert "211062" not in result.reason


def test_an_instagram_field_we_do_not_monitor_is_ignored_without_repeating_it() -> None:
    ctx = Context(Platform.INSTAGRAM, CTX.entry, CTX.raw, CTX.received_at, CTX.pseudonymiser)

    result = normalise(Change(field=PERSONAL, value={}), ctx)

    assert isinstance(result, Ignored)
    assert "Mette" not in result.reason
