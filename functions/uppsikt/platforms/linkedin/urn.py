"""LinkedIn URNs, written one canonical way so that two spellings of one thing compare equal.

One delivery can spell the same comment two ways (platforms.md §4.4):
`generatedActivity` is `urn:li:comment:(activity:709…,709…)` while
`decoratedGeneratedActivity.comment.entity` is `urn:li:comment:(urn:li:activity:709…,709…)`.
The canonical form is the fully qualified one the REST API uses: every tuple component written as
`type:id` with a known LinkedIn entity type gains its `urn:li:` prefix, nested URNs are normalised
in turn, and surrounding whitespace and the case of the `urn:li:` scheme are dropped.

Components whose type is not a known entity (the named fields of compound keys such as
`eventType:ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS`) are left exactly as they are.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BeforeValidator, PlainValidator

SCHEME = "urn:li:"

# Entity types that may appear bare (`activity:123`) inside a compound URN's tuple.
ENTITY_TYPES = frozenset(
    {
        "activity",
        "article",
        "comment",
        "document",
        "group",
        "image",
        "member",
        "organization",
        "organizationBrand",
        "person",
        "share",
        "ugcPost",
        "video",
    }
)

_TYPE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_BARE = re.compile(r"(?P<type>[A-Za-z][A-Za-z0-9]*):(?P<id>[^:(),\s]+)")
_MAX_LENGTH = 1024
_MAX_DEPTH = 8


def is_urn(value: object) -> bool:
    return isinstance(value, str) and value.strip()[: len(SCHEME)].lower() == SCHEME


def normalise_urn(value: str) -> str:
    """The canonical spelling of a LinkedIn URN; `ValueError` if `value` is not one."""
    if not isinstance(value, str):
        raise ValueError("a URN must be a string")
    text = value.strip()
    if len(text) > _MAX_LENGTH:
        raise ValueError("URN is implausibly long")
    if not is_urn(text):
        raise ValueError("not a urn:li: URN")
    return _canonical(SCHEME + text[len(SCHEME) :], 0)


def entity_type(urn: str) -> str:
    """`comment` for `urn:li:comment:(…)`; the URN must already be canonical."""
    return urn[len(SCHEME) :].split(":", 1)[0]


def _canonical(urn: str, depth: int) -> str:
    if depth > _MAX_DEPTH:
        raise ValueError("URN is nested too deeply")
    kind, sep, ident = urn[len(SCHEME) :].partition(":")
    ident = ident.strip()
    if not sep or not _TYPE.fullmatch(kind) or not ident:
        raise ValueError("URN lacks an entity type or id")
    if not ident.startswith("("):
        if any(c in ident for c in "()") or any(c.isspace() for c in ident):
            raise ValueError("URN id has stray parentheses or whitespace")
        return f"{SCHEME}{kind}:{ident}"
    if not ident.endswith(")"):
        raise ValueError("URN tuple is not closed")
    parts = [_component(part, depth) for part in _split(ident[1:-1])]
    return f"{SCHEME}{kind}:({','.join(parts)})"


def _component(part: str, depth: int) -> str:
    part = part.strip()
    if not part:
        raise ValueError("URN tuple has an empty component")
    if is_urn(part):
        return _canonical(SCHEME + part[len(SCHEME) :], depth + 1)
    bare = _BARE.fullmatch(part)
    if bare is not None and bare["type"] in ENTITY_TYPES:
        return f"{SCHEME}{bare['type']}:{bare['id']}"
    if part.count("(") != part.count(")"):
        raise ValueError("URN tuple component has unbalanced parentheses")
    return part


def _split(inner: str) -> list[str]:
    """Split a tuple's inside at the commas that are not inside nested parentheses."""
    parts: list[str] = []
    depth = 0
    start = 0
    for index, char in enumerate(inner):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError("URN tuple has unbalanced parentheses")
        elif char == "," and depth == 0:
            parts.append(inner[start:index])
            start = index + 1
    if depth != 0:
        raise ValueError("URN tuple has unbalanced parentheses")
    parts.append(inner[start:])
    return parts


# --- as payload models declare them ---------------------------------------------------------------

# Ids must never carry a member: only content URNs become item, post or parent ids.
MEMBER_TYPES = frozenset({"person", "member"})


def _any_urn(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("not a LinkedIn URN")
    try:
        return normalise_urn(value)
    except ValueError:
        raise ValueError("not a LinkedIn URN") from None


def _content_urn(value: object) -> str:
    urn = _any_urn(value)
    if entity_type(urn) in MEMBER_TYPES:
        raise ValueError("a member, not content")
    return urn


def _empty_is_none(value: object) -> object:
    return None if value == "" else value


# A URN in its canonical spelling; `ContentUrn` also refuses a member's URN. In the optional
# forms, "" is no URN.
AnyUrn = Annotated[str, PlainValidator(_any_urn)]
ContentUrn = Annotated[str, PlainValidator(_content_urn)]
OptionalAnyUrn = Annotated[AnyUrn | None, BeforeValidator(_empty_is_none)]
OptionalContentUrn = Annotated[ContentUrn | None, BeforeValidator(_empty_is_none)]
