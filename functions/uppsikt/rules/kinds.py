"""Importing this module registers every rule kind the engine knows."""

from uppsikt.rules import image_review, lexicon, national_id, posting_cadence

__all__ = ["image_review", "lexicon", "national_id", "posting_cadence"]
