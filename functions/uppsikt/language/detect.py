"""Detect an item's language, and fall back to the account's languages when the text cannot tell.

The detector is Google's Compact Language Detector 2 (CLD2) through `pycld2`: a C++ library
whose tables are compiled in (no model file, nothing downloaded), which tells bokmål (`no`) from
nynorsk (`nn`) and says when its answer is unreliable. It is imported on the first call, not at
import (Lambda cold start). docs/quality/language.md compares it with fastText, py3langid,
lingua, langdetect and simplemma, and shows how the thresholds below were set.

The decision, in order:

1. Links, mentions, hashtags, entities and emoji are stripped (`clean.strip_noise`).
2. Fewer than `MIN_LETTERS` letters left: *too short*; the account's first language, or `other`
   for an account without languages.
3. CLD2 names up to three languages with the share of the text each covers, and whether it is
   sure. The first language, if CLD2 is sure and it covers at least `MIN_SHARE` of the text, is
   *detected*; a language outside da, sv, nb, nn, fi, en is `other`.
4. Otherwise (CLD2 unsure, or a mix where no language dominates) it is the *fallback*: the
   account's language that covers most of the text, else its first; with no account languages,
   `other`, *undetermined*.

Norwegian: CLD2 says `nn` for nynorsk (*detected*). Its `no` is plain "Norwegian", trained mostly
on bokmål, and it also says `no` for some nynorsk, so the written standard is the first of nb/nn
in the account's languages (*fallback*), else nb (*default*), because bokmål is what most
Norwegians write. `variant` records which.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, cast, get_args

from uppsikt.language.clean import letter_count, strip_noise
from uppsikt.language.errors import UnknownLanguage

Lang = Literal["da", "sv", "nb", "nn", "fi", "en", "other"]
LANGS: tuple[Lang, ...] = get_args(Lang)
Method = Literal["detected", "fallback", "too_short", "undetermined"]
Variant = Literal["detected", "fallback", "default"]

# Calibrated on the calibration part of bench/data/language_id, DKHate's OffensEval training
# split and every 10th Davidson tweet, never on the reported test part:
# `python bench/language_id.py --calibrate` (docs/quality/language.md). 5 and 10 letters
# score the best and the same there; 10 is the larger (one or two words tell little).
MIN_LETTERS = 10
# Set by argument, not calibrated: a language that covers less than this share of a text does
# not make it that language's. Short mixes get one language from CLD2 anyway, so the threshold
# only acts on longer texts in two languages, which the calibration part does not have.
MIN_SHARE = 0.6

_OURS: frozenset[str] = frozenset({"da", "sv", "fi", "en"})
_UNKNOWN = "un"  # CLD2's "Unknown"

# (is_reliable, {code: share of the text}) for a text; set on the first call.
_Detector = Callable[[str], tuple[bool, dict[str, float]]]
_detector: _Detector | None = None
_detector_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language of one item and how it was decided."""

    lang: Lang
    method: Method
    share: float  # of the text CLD2 gave to `lang` (0.0 when it was not asked or did not say)
    variant: Variant | None = None  # nb/nn only: detected by CLD2, from the account, or nb

    @property
    def known(self) -> bool:
        """Whether language-gated terms may rely on `lang` (it is a language we have terms for)."""
        return self.lang != "other"


def _load() -> _Detector:
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                import pycld2  # C++ with compiled-in tables: ~2 ms to import, nothing to read

                def detect(text: str) -> tuple[bool, dict[str, float]]:
                    try:
                        reliable, _, details = pycld2.detect(text)
                    except (pycld2.error, UnicodeError):  # what strip_noise leaves it cannot read
                        return False, {}
                    shares: dict[str, float] = {}
                    for _, code, percent, _ in details:
                        if code != _UNKNOWN:
                            shares[code] = shares.get(code, 0.0) + percent / 100
                    return reliable, shares

                _detector = detect
    return _detector


def _accounts(fallback: Sequence[str]) -> tuple[Lang, ...]:
    langs: list[Lang] = []
    for code in fallback:
        if code not in LANGS or code == "other":
            raise UnknownLanguage("fallback languages: a code is not one of da, sv, nb, nn, fi, en")
        lang = cast(Lang, code)
        if lang not in langs:
            langs.append(lang)
    return tuple(langs)


def _code(lang: Lang) -> str:
    return "no" if lang == "nb" else lang  # CLD2's code for bokmål is plain Norwegian


def _norwegian(accounts: tuple[Lang, ...]) -> tuple[Lang, Variant]:
    for lang in accounts:
        if lang in ("nb", "nn"):
            return lang, "fallback"
    return "nb", "default"


def _fall_back(
    accounts: tuple[Lang, ...], method: Method, shares: dict[str, float]
) -> LanguageGuess:
    if not accounts:
        return LanguageGuess("other", "undetermined" if method == "fallback" else method, 0.0)
    # The account's language that covers most of the text; none named (all 0): the first listed.
    best = max(accounts, key=lambda lang: (shares.get(_code(lang), 0.0), -accounts.index(lang)))
    variant: Variant | None = "fallback" if best in ("nb", "nn") else None
    return LanguageGuess(best, method, shares.get(_code(best), 0.0), variant)


def detect_language(text: str, fallback: Sequence[str] = ()) -> LanguageGuess:
    """The language of `text`; `fallback` lists the account's languages, most used first.

    Raises `UnknownLanguage` if `fallback` names a code outside da, sv, nb, nn, fi, en."""
    accounts = _accounts(fallback)
    cleaned = strip_noise(text)
    if letter_count(cleaned) < MIN_LETTERS:
        return _fall_back(accounts, "too_short", {})
    reliable, shares = _load()(cleaned)
    top = max(shares, key=lambda code: shares[code], default=_UNKNOWN)
    share = shares.get(top, 0.0)
    if not reliable or top == _UNKNOWN or share < MIN_SHARE:
        return _fall_back(accounts, "fallback", shares)
    if top == "nn":
        return LanguageGuess("nn", "detected", share, "detected")
    if top == "no":
        lang, variant = _norwegian(accounts)
        return LanguageGuess(lang, "detected", share, variant)
    return LanguageGuess(cast(Lang, top) if top in _OURS else "other", "detected", share)
