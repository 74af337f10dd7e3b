"""Safe truncation for channel limits.

Limits are counted in the unit the channel counts: Slack in characters (counted here in UTF-16
code units, what JavaScript's `length` counts, which is never fewer than code points), Teams'
payload and SNS in UTF-8 bytes. A cut falls only between words: never inside a surrogate pair or
a combining sequence, and never inside a masked token ("******-****", "[e-mail]", "[name]"), which
cut in half would read as something else. A single word longer than the limit is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

ELLIPSIS = "…"
Unit = Literal["chars", "utf16", "utf8"]


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


MEASURES: dict[Unit, Callable[[str], int]] = {
    "chars": len,
    "utf16": utf16_length,
    "utf8": utf8_length,
}


def one_line(text: str) -> str:
    """Line breaks, tabs and other control characters become single spaces."""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def truncate(text: str, limit: int, *, unit: Unit = "utf16") -> str:
    """`text` if it fits in `limit`, else its longest run of whole words that fits with "…"."""
    measure = MEASURES[unit]
    if measure(text) <= limit:
        return text
    budget = limit - measure(ELLIPSIS)
    if budget <= 0:
        return ""
    # The longest prefix within budget, measured one code point at a time (linear), then back
    # to the last space inside it.
    used = fits = 0
    for index, ch in enumerate(text):
        used += measure(ch)
        if used > budget:
            break
        fits = index + 1
    space = text.rfind(" ", 0, fits + 1)
    head = text[:space].rstrip() if space > 0 else ""
    return head + ELLIPSIS if head else ELLIPSIS
