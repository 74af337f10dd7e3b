"""Rule kinds register here with their parameter model; the policy compiler looks them up.

Adding a kind touches one file: define a params model and a detector class, decorate it with
`@register("kind")`, and import the module in `rules/kinds.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from pydantic import BaseModel, ConfigDict


class Params(BaseModel):
    """Base for every kind's typed parameters: unknown keys are an error, not silently ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True, slots=True)
class Finding:
    """One match of a detector in a text; the engine turns findings into explained hits."""

    start: int
    end: int
    confidence: float
    label: str  # what was found, e.g. "SE personnummer", "lexicon: term"; never the value itself
    mask: str  # the masked evidence, e.g. "******-**27"


@dataclass(frozen=True, slots=True)
class RuleContext:
    """What a detector may know about the item beyond its text. Most kinds only read the text;
    some (authorised publisher, relevance and tone of official posts, plain language for
    authorities) need who posted it and for whom."""

    platform: str | None = None
    object_kind: str | None = None
    official: bool = False  # posted by the organisation's own account
    author: str | None = None  # the author's pseudonym, never a raw platform id
    lang: str | None = None  # "da", "sv", "nb", "nn", "en" when known
    org_type: str = "union"  # "union" | "authority"
    jurisdiction: str | None = None  # "dk", "se", "no", "fi"
    media: tuple[str, ...] = ()  # kinds of attachments: "photo", "video", "link", …
    # For schedule-driven rules (posting cadence): set by the scheduled job, not by ingest.
    hours_since_last_post: float | None = None
    # For response clocks: business hours a visitor's question has waited (the clocks' tick).
    business_hours_unanswered: float | None = None
    # Pseudonyms of the organisation's designated admins on this platform, from the registry
    # (accounts/model.py); None when the item's organisation is not known.
    designated_admins: frozenset[str] | None = None
    # The pseudonym of the official account itself: an item whose author is the account says
    # that the organisation posted, not which person did.
    account_pseudonym: str | None = None


NO_CONTEXT = RuleContext()


class Detector(Protocol):
    """A compiled rule kind: built once per container, then called for every text."""

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]: ...


@dataclass(frozen=True, slots=True)
class KindSpec:
    name: str
    params_model: type[Params]
    vocabulary: str
    build: Callable[[Params], Detector]


_KINDS: dict[str, KindSpec] = {}

T = TypeVar("T")


def register(name: str, *, params: type[Params], vocabulary: str) -> Callable[[T], T]:
    """Class decorator: `@register("national_id", params=NationalIdParams, vocabulary=...)`.

    The decorated class is called with the validated params and must return a `Detector`.
    """

    def decorate(factory: T) -> T:
        if name in _KINDS:
            raise ValueError(f"rule kind {name!r} is registered twice")
        _KINDS[name] = KindSpec(name, params, vocabulary, factory)  # type: ignore[arg-type]
        return factory

    return decorate


def kind_spec(name: str) -> KindSpec | None:
    return _KINDS.get(name)


def known_kinds() -> tuple[str, ...]:
    return tuple(sorted(_KINDS))
