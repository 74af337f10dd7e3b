"""What language identification should not see: links, mentions, hashtags, emoji, entities,
control characters.

They carry no language (a URL, an @handle) or the wrong one (English hashtags on a Swedish
comment), and on a short comment they can outweigh the words. Stripping is linear-time regex
work; nothing here allocates per call beyond the result.
"""

from __future__ import annotations

import re

_URL = r"(?:https?://|www\.)\S+"
_MENTION = r"(?<!\w)@\w+(?:\.\w+)*"  # @name, @name.bsky.social
_HASHTAG = r"(?<!\w)#\w+"
_ENTITY = r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);"  # &amp; &#8220; from scraped or escaped text
# Emoji and pictographs, regional-indicator flags, dingbats, variation selectors, joiners and
# skin tones: the blocks where emoji live (re has no Extended_Pictographic class).
_EMOJI = (
    "["
    "\U0001f000-\U0001faff"  # mahjong .. symbols and pictographs extended-A, flags, skin tones
    "\u2300-\u23ff"  # technical (⌚ ⏰)
    "\u2600-\u27bf"  # miscellaneous symbols, dingbats
    "\u2b00-\u2bff"  # arrows, stars (⭐)
    "\ufe00-\ufe0f"  # variation selectors
    "\u200d"  # zero-width joiner
    "\u20e3"  # keycap
    "]"
)
# Control characters and lone surrogates: no language, and CLD2 refuses text that has them.
_CONTROL = "[\x00-\x1f\x7f-\x9f\ud800-\udfff]"
_NOISE = re.compile("|".join((_URL, _MENTION, _HASHTAG, _ENTITY, _EMOJI, _CONTROL)))
_SPACES = re.compile(r"\s+")


def strip_noise(text: str) -> str:
    """The text without links, mentions, hashtags, entities, emoji and controls, on one line."""
    return _SPACES.sub(" ", _NOISE.sub(" ", text)).strip()


def letter_count(text: str) -> int:
    """How many letters (any script) the text has: the measure of "too short to tell"."""
    return sum(1 for ch in text if ch.isalpha())
