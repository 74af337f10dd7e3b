"""Masked excerpts for notifications and logs: no raw personal data leaves the archive."""

from __future__ import annotations

import re
from collections.abc import Iterable

from uppsikt.model.verdict import Hit

_DIGITS = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = ".!?:…\n"


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            if not chars[i].isspace() and chars[i] not in "-+":
                chars[i] = "*"
    return "".join(chars)


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END


def _mask_names(text: str) -> str:
    """A capitalised word that does not open a sentence is most likely a name (Nordic languages
    capitalise little else): keep its initial only. Unicode-aware, so Jón and Þórsson count."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        titlecase = len(word) > 1 and word[0].isupper() and not word.isupper()
        if titlecase and not _opens_sentence(text, match.start()):
            return word[0] + "."
        return word

    return _WORD.sub(replace, text)


def masked_excerpt(text: str, hits: Iterable[Hit], *, width: int = 120) -> str:
    """A short excerpt around the first hit, with hits, digits, e-mails, handles, links and
    likely names masked. It tells the officer *what kind* of problem to look at, never who."""
    hits = list(hits)
    # Choose the window in the original text, so it always contains the first hit.
    anchor = min((h.start for h in hits), default=0)
    start = max(0, min(anchor - width // 3, len(text) - width))
    end = min(len(text), start + width)
    window = mask_spans(text[start:end], [(h.start - start, h.end - start) for h in hits])
    window = _URL.sub("[link]", window)
    window = _EMAIL.sub("[e-mail]", window)
    window = _HANDLE.sub("@[user]", window)
    window = _DIGITS.sub("#", window)
    window = _mask_names(window)
    # Placeholders such as "[e-mail]" can be longer than what they replace: cut again.
    excerpt = " ".join(window.split())[:width]
    return ("…" if start > 0 else "") + excerpt + ("…" if end < len(text) else "")
