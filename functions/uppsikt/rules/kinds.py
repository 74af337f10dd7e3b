"""Importing this module registers every rule kind the engine knows."""

from uppsikt.rules import lexicon, national_id

__all__ = ["lexicon", "national_id"]
