"""Restriction of processing (GDPR Art. 18): a restricted author's content is stored, unjudged."""

from __future__ import annotations

import dataclasses

from unit.evaluate.test_evaluator import CPR_TEXT, ORGANISATION, VISITOR, World, event, world
from uppsikt.evaluate.ports import Restrictions
from uppsikt.evaluate.service import Outcome


class RestrictedAuthors:
    def __init__(self, *restricted: tuple[str, str]) -> None:
        self.restricted_keys = set(restricted)
        self.asked: list[tuple[str, str]] = []

    def restricted(self, org_id: str, pseudonym: str) -> bool:
        self.asked.append((org_id, pseudonym))
        return (org_id, pseudonym) in self.restricted_keys


def restricted_world(*restricted: tuple[str, str]) -> tuple[World, RestrictedAuthors]:
    w, authors = world(), RestrictedAuthors(*restricted)
    port: Restrictions = authors
    w.evaluator = dataclasses.replace(w.evaluator, restrictions=port)
    return w, authors


def test_a_restricted_authors_comment_is_stored_but_never_flagged_or_notified() -> None:
    w, _ = restricted_world(("tenant-a", VISITOR.pseudonym))
    assert w.handle(event(CPR_TEXT)) is Outcome.RESTRICTED
    assert w.flags.flags == {}
    assert w.notifier.published == []
    assert w.archive.stored == []
    record = w.only_record
    assert record.verdict == "restricted"
    assert record.text == CPR_TEXT
    assert record.author_key == f"tenant-a#{VISITOR.pseudonym}"


def test_a_restriction_in_another_organisation_does_not_apply() -> None:
    w, authors = restricted_world(("tenant-b", VISITOR.pseudonym))
    assert w.handle(event(CPR_TEXT)) is Outcome.FLAGGED
    assert authors.asked == [("tenant-a", VISITOR.pseudonym)]
    assert w.only_flag.author_key == f"tenant-a#{VISITOR.pseudonym}"


def test_the_organisations_own_posts_are_never_restricted() -> None:
    w, authors = restricted_world(("tenant-a", ORGANISATION.pseudonym))
    w.handle(event("Vi holder møde i morgen.", author=ORGANISATION))
    assert authors.asked == []
