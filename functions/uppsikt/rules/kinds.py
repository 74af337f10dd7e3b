"""Importing this module registers every rule kind the engine knows."""

from uppsikt.rules import (
    confidential_personnel,
    contact_data,
    criminal_allegation,
    financial_id,
    image_review,
    lexicon,
    national_id,
    plain_language,
    posting_cadence,
    publisher,
    relevance,
    response_clock,
    spam,
    special_category,
    threat_grammar,
    tone,
)

__all__ = [
    "confidential_personnel",
    "contact_data",
    "criminal_allegation",
    "financial_id",
    "image_review",
    "lexicon",
    "national_id",
    "plain_language",
    "posting_cadence",
    "publisher",
    "relevance",
    "response_clock",
    "spam",
    "special_category",
    "threat_grammar",
    "tone",
]
