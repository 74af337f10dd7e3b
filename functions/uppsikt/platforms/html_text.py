"""Platform HTML as plain text, for evaluation: Mastodon's status `content` and YouTube's
`textDisplay`.

Mastodon sanitises status HTML (local and federated) down to a few tags: `p`, `br`, `a`, `span`
and, since 4.x, some formatting (`blockquote`, `pre`, `code`, lists, headings). The parser here
does not trust that: it is the standard library's tolerant `html.parser`, it never evaluates
anything, and it drops what a browser would not show as text (`script`, `style`, …).
Line structure is kept: `<br>` is a line break, paragraphs and other blocks are separated by a
blank line (list items and `div`s by one line break). Entities and character references are
unescaped. Whitespace inside text is collapsed as a browser does, except inside `<pre>`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from uppsikt.platforms.errors import Unmappable

# Elements whose content is never shown as text. None of them are void elements, so each start
# tag has a matching end tag (an unclosed one drops the rest of the content: never shown either).
_HIDDEN = frozenset(
    {"script", "style", "template", "noscript", "head", "title", "iframe", "object", "svg"}
)
# Block elements and the number of line breaks that separate them from the text around them.
_BLOCK_BREAKS = {
    "p": 2,
    "blockquote": 2,
    "pre": 2,
    "ul": 2,
    "ol": 2,
    "h1": 2,
    "h2": 2,
    "h3": 2,
    "h4": 2,
    "h5": 2,
    "h6": 2,
    "li": 1,
    "div": 1,
    "tr": 1,
    "dt": 1,
    "dd": 1,
    "hr": 2,
}
_SPACES = re.compile(r"[ \t\n\r\f]+")
_SPACE_BEFORE_NEWLINE = re.compile(r"[ \t]+\n")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._parts: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0
        self._pending_breaks = 0

    # --- events -----------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
            return
        if self._hidden_depth:
            return
        if tag == "br":
            self._flush_breaks()
            self._parts.append("\n")
        elif tag in _BLOCK_BREAKS:
            self._block_break(_BLOCK_BREAKS[tag])
            if tag == "pre":
                self._pre_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
            return
        if self._hidden_depth:
            return
        if tag in _BLOCK_BREAKS:
            self._block_break(_BLOCK_BREAKS[tag])
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self._hidden_depth or not data:
            return
        if self._pre_depth:
            self._flush_breaks()
            self._parts.append(data)
            return
        text = _SPACES.sub(" ", data)
        if self._pending_breaks or self._last_char() in ("", "\n", " "):
            text = text.lstrip(" ")
        if not text:
            return
        self._flush_breaks()
        self._parts.append(text)

    # --- line structure ---------------------------------------------------------------------

    def _block_break(self, breaks: int) -> None:
        if self._parts:  # no blank lines before the first text
            self._pending_breaks = max(self._pending_breaks, breaks)

    def _flush_breaks(self) -> None:
        if not self._pending_breaks:
            return
        trailing = self._trailing_newlines()
        self._parts.append("\n" * max(0, self._pending_breaks - trailing))
        self._pending_breaks = 0

    def _trailing_newlines(self) -> int:
        count = 0
        for part in reversed(self._parts):
            stripped = part.rstrip("\n")
            count += len(part) - len(stripped)
            if stripped:
                break
        return count

    def _last_char(self) -> str:
        for part in reversed(self._parts):
            if part:
                return part[-1]
        return ""

    def text(self) -> str:
        joined = _SPACE_BEFORE_NEWLINE.sub("\n", "".join(self._parts))
        return joined.strip()


def html_to_text(html: str) -> str:
    """The text a reader sees in `html`, with line breaks kept; raises `Unmappable` only for
    markup the standard parser refuses (which Mastodon's sanitiser never lets through)."""
    extractor = _TextExtractor()
    try:
        extractor.feed(html)
        extractor.close()
    except (AssertionError, ValueError) as exc:
        # `_markupbase` raises AssertionError on e.g. `<![bogus[`; never let that escape.
        raise Unmappable("content is HTML the parser cannot read") from exc
    return extractor.text()
