"""Which language an item is written in: da, sv, nb, nn, fi, en or other.

`detect_language` cleans the text (links, mentions, hashtags, emoji), asks Google's Compact
Language Detector 2 (pycld2), and falls back to the account's languages when the text is too
short or the detector is unsure (short comments, mixed languages). See `detect.py` for the rules
and docs/quality/language.md for the comparison that chose the detector.
"""

from uppsikt.language.clean import letter_count, strip_noise
from uppsikt.language.detect import (
    LANGS,
    Lang,
    LanguageGuess,
    Method,
    Variant,
    detect_language,
)
from uppsikt.language.errors import UnknownLanguage

__all__ = [
    "LANGS",
    "Lang",
    "LanguageGuess",
    "Method",
    "UnknownLanguage",
    "Variant",
    "detect_language",
    "letter_count",
    "strip_noise",
]
