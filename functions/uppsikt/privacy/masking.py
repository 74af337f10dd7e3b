"""Masked excerpts for notifications and logs: no raw personal data leaves the archive."""

from __future__ import annotations

import re
from collections.abc import Iterable

from uppsikt.model.verdict import Hit

_DIGITS = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+")
# A capitalised word that does not open a sentence is most likely a name: keep its initial only.
_NAME = re.compile(r"(?<=[^\s.!?:]\s)([A-ZÆØÅÄÖ])[a-zæøåäöéü]+")


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            if not chars[i].isspace() and chars[i] not in "-+":
                chars[i] = "*"
    return "".join(chars)


def masked_excerpt(text: str, hits: Iterable[Hit], *, width: int = 120) -> str:
    """A short excerpt around the first hit, with hits, digits, e-mails, handles and likely names
    masked. Meant for a notification that tells the officer *what kind* of problem to look at."""
    hits = list(hits)
    masked = mask_spans(text, [(h.start, h.end) for h in hits])
    masked = _URL.sub("[link]", masked)
    masked = _EMAIL.sub("[e-mail]", masked)
    masked = _HANDLE.sub("@[user]", masked)
    masked = _DIGITS.sub("#", masked)
    masked = _NAME.sub(lambda m: m.group(1) + ".", masked)
    masked = " ".join(masked.split())
    if len(masked) <= width:
        return masked
    anchor = min((h.start for h in hits), default=0)
    start = max(0, min(anchor - width // 3, len(masked) - width))
    excerpt = masked[start : start + width]
    return ("…" if start > 0 else "") + excerpt + ("…" if start + width < len(masked) else "")
