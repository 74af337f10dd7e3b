"""Rule kind `spam`: denied link domains, scam phrases and link floods (R23 `spam_offtopic`).

Three checks, each with its own label:

- "spam: denied domain": a link whose host, or any parent domain of it, is in `deny_domains`
  ("scam.example" also denies "win.scam.example", never "notscam.example"). Hosts are
  compared case-insensitively and in their IDNA (punycode) form, so "bücher.example" and
  "xn--bcher-kva.example" are the same domain. The default deny list is empty: URL shorteners
  are not spam by themselves, and real scam domains change by the week, so each tenant keeps
  its own list.
- "spam: scam phrase": typical scam wording in Danish, Swedish, Norwegian and English ("tjen
  penge hjemmefra", "investera i krypto", "double your money", "DM me for...").
- "spam: too many links": at least `max_links` links in one text (links to `allow_domains`,
  e.g. the organisation's own site, are not counted).

Links are found with or without a scheme: "https://x.example/a", "www.x.example", and bare
"x.example/a" when the top-level domain is a common one (so "f.eks." and "bl.a." are never
links). Trailing punctuation and an unbalanced closing bracket are not part of a link; e-mail
addresses are not links. A domain is not personal data, so the mask shows it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import Field, field_validator

from uppsikt.rules.phrases import PhraseMatcher, check_terms, phrases, shared_matcher
from uppsikt.rules.registry import NO_CONTEXT, Finding, Params, RuleContext, register
from uppsikt.rules.text import normalise

__all__ = ["SCAM_PHRASES", "Link", "SpamDetector", "SpamParams", "find_links", "host_key"]

# Scam wording (phrases.py syntax). Kept specific: a single word such as "bitcoin" or "gratis"
# is ordinary talk under a pension post; the scam is the promise.
SCAM_PHRASES: dict[str, tuple[str, ...]] = {
    "da": (
        "klik her for at vinde", "klik på linket for at", "du har vundet", "gratis iphone*",
        "tjen* penge hjemmefra", "tjen* penge på nettet", "bliv rig*", "invest* i krypto*",
        "invest* i bitcoin*", "fordobl* dine penge", "garanteret afkast", "skriv til mig privat",
        "send mig en dm", "send en dm", "kontakt mig på whatsapp", "skriv på whatsapp",
    ),
    "sv": (
        "klicka här för att vinna", "klicka på länken för att", "du har vunnit",
        "gratis iphone*", "tjäna pengar hemifrån", "tjäna pengar på nätet", "bli rik*",
        "invest* i krypto*", "invest* i bitcoin*", "dubbla dina pengar", "garanterad avkastning",
        "skriv till mig privat", "skicka ett dm", "skicka dm", "kontakta mig på whatsapp",
    ),
    "nb": (
        "klikk her for å vinne", "klikk på lenken for å", "du har vunnet", "gratis iphone*",
        "tjen* penger hjemmefra", "tjen* penger på nett*", "bli rik*", "invest* i krypto*",
        "invest* i bitcoin*", "doble pengene dine", "garantert avkastning",
        "send meg en melding", "send meg en dm", "send en dm", "kontakt meg på whatsapp",
    ),
    "nn": (
        "klikk her for å vinne", "du har vunne", "ten pengar heimanfrå", "invest* i krypto*",
        "dobl* pengane dine", "send meg ei melding", "send ein dm",
    ),
    "en": (
        "double your money", "double your bitcoin*", "double your crypto*", "click here to win",
        "you have won", "you've won", "free iphone*", "earn money from home",
        "make money from home", "work from home and earn", "invest in crypto*",
        "invest in bitcoin*", "crypto investment*", "guaranteed return*", "guaranteed profit*",
        "dm me for", "dm me now", "message me on whatsapp", "contact me on whatsapp",
        "get rich quick", "claim your prize", "claim your reward",
    ),
}  # fmt: skip

# Top-level domains accepted for a bare "name.tld" link without scheme or "www.": common
# generic ones, the Nordic and nearby country codes, and the cheap ones scams favour.
COMMON_TLDS: frozenset[str] = frozenset(
    (
        "com", "net", "org", "info", "biz", "io", "co", "me", "ly", "gl", "gd", "to", "be",
        "xyz", "top", "club", "online", "site", "shop", "store", "app", "dev", "ai", "tk", "ml",
        "ga", "cf", "gq", "ru", "cn", "dk", "se", "no", "fi", "is", "de", "uk", "eu", "nl",
        "fr", "es", "it", "pl", "ee", "lv", "lt", "us", "ca", "au", "tv", "cc", "ws", "link",
        "click", "live", "win", "bid", "loan", "money", "vip", "pro", "cash", "icu", "buzz",
        "fun", "space", "website", "tech",
    )
)  # fmt: skip

_LINK = re.compile(
    r"(?<![\w@.\-/])"
    r"(?P<scheme>https?://)?"
    r"(?P<host>(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+(?P<tld>[^\W\d_]{2,63}))\.?"
    r"(?::\d{1,5})?"
    r"(?P<path>[/?#][^\s<>\"«»]*)?"
    r"(?![\w@])",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?'\"’”»"
_CLOSERS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True, slots=True)
class Link:
    start: int
    end: int
    host: str  # lowercase, IDNA form, no trailing dot


def host_key(host: str) -> str:
    """Lowercase, without "www." and a trailing dot, in IDNA (punycode) form when possible."""
    host = host.strip().lower().rstrip(".")
    host = host.removeprefix("www.")
    if not host.isascii():
        with contextlib.suppress(UnicodeError):  # not IDNA-encodable: compare as it is
            host = host.encode("idna").decode("ascii")
    return host


def _trim(text: str, start: int, end: int) -> int:
    """Drop trailing punctuation and unbalanced closing brackets from a link's end."""
    while end > start:
        last = text[end - 1]
        unbalanced = last in _CLOSERS and text.count(_CLOSERS[last], start, end) < text.count(
            last, start, end
        )
        if last not in _TRAILING and not unbalanced:
            break
        end -= 1
    return end


# Every link has a dot after a letter or digit and before the two letters that start its
# top-level domain; most comments have none (a sentence's full stop is followed by a space),
# so this cheap search, led by the dot, skips the link regex for them.
_MAYBE_LINK = re.compile(r"\.(?<=[^\W_]\.)(?=[^\W\d_]{2})")
_WHITESPACE = re.compile(r"\s")


def _maybe_links(text: str, count: int) -> bool:
    """Whether `text` has `count` dots that could each end a link's host (`_MAYBE_LINK`)."""
    pos = 0
    for _ in range(count):
        dot = _MAYBE_LINK.search(text, pos)
        if dot is None:
            return False
        pos = dot.end()
    return True


def find_links(text: str) -> list[Link]:
    """Every link in `text`, with or without scheme (see the module docstring)."""
    links: list[Link] = []
    done = 0
    # A link holds no whitespace and has such a dot, so the link regex (which tries every
    # position it is given) only needs to run over the whitespace-free stretches that do.
    while (dot := _MAYBE_LINK.search(text, done)) is not None:
        start = max(done, *(text.rfind(ch, 0, dot.start()) + 1 for ch in " \n\t"))
        space = _WHITESPACE.search(text, dot.end())
        done = space.start() if space is not None else len(text)
        for m in _LINK.finditer(text, start, done):
            host = m.group("host")
            bare = m.group("scheme") is None and not host.lower().startswith("www.")
            if bare and m.group("tld").lower() not in COMMON_TLDS:
                continue
            links.append(Link(m.start(), _trim(text, m.start(), m.end()), host_key(host)))
    return links


def _domain_in(host: str, domains: frozenset[str]) -> bool:
    """Whether `host` or any parent domain of it is in `domains`."""
    while True:
        if host in domains:
            return True
        _, dot, host = host.partition(".")
        if not dot:
            return False


def _check_domains(values: tuple[str, ...]) -> tuple[str, ...]:
    cleaned: list[str] = []
    for value in values:
        host = re.sub(r"^[a-z]+://", "", value.strip(), flags=re.IGNORECASE)
        host = re.split(r"[/?#:]", host, maxsplit=1)[0]
        key = host_key(host)
        if "." not in key or re.search(r"[\s@]", key):
            raise ValueError(f"{value!r} is not a domain")
        cleaned.append(key)
    return tuple(cleaned)


class SpamParams(Params):
    deny_domains: tuple[str, ...] = ()
    allow_domains: tuple[str, ...] = ()  # never denied, never counted towards max_links
    scam_phrases: bool = True  # the built-in SCAM_PHRASES
    extra_phrases: tuple[str, ...] = ()  # more scam wording (phrases.py syntax)
    max_links: int = Field(default=4, ge=1)  # this many links in one text is spam; 1 = any
    confidence_denied: float = Field(default=0.9, ge=0.0, le=1.0)
    confidence_phrase: float = Field(default=0.7, ge=0.0, le=1.0)
    confidence_links: float = Field(default=0.6, ge=0.0, le=1.0)

    @field_validator("deny_domains", "allow_domains")
    @classmethod
    def _domains(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return _check_domains(values)

    @field_validator("extra_phrases")
    @classmethod
    def _phrases(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


@register("spam", params=SpamParams, vocabulary="spam")
class SpamDetector:
    """Denied domains, scam phrases and link floods; see the module docstring."""

    __slots__ = ("_allow", "_deny", "_matcher", "_max_links", "_params")

    def __init__(self, params: SpamParams) -> None:
        self._params = params
        self._deny = frozenset(params.deny_domains)
        self._allow = frozenset(params.allow_domains)
        self._max_links = params.max_links
        entries = phrases(params.extra_phrases, "scam")
        if params.scam_phrases:
            for lang, terms in SCAM_PHRASES.items():
                entries += phrases(terms, "scam", lang)
        self._matcher: PhraseMatcher[str] = shared_matcher(entries)

    @property
    def anchors(self) -> tuple[str, ...]:
        return self._matcher.anchors

    # `anchor_text` reads the rule's deny list and link limit (policy/engine.py).
    ANCHOR_TEXT_PER_RULE = True

    def anchor_text(self, text: str) -> str | None:
        """Unless a link can count (any link with a deny list, else `max_links` of them), a hit
        can only be a scam phrase: a match of `_matcher` in the text with leetspeak undone
        (anchors.py). Each link has its own dot that could start a top-level domain."""
        needed = 1 if self._deny else self._max_links
        return None if _maybe_links(text, needed) else normalise(text).text

    def find(self, text: str, context: RuleContext = NO_CONTEXT) -> Sequence[Finding]:
        findings: list[Finding] = []
        counted: list[Link] = []
        for link in find_links(text):
            if _domain_in(link.host, self._allow):
                continue
            counted.append(link)
            if self._deny and _domain_in(link.host, self._deny):
                findings.append(
                    Finding(
                        link.start,
                        link.end,
                        self._params.confidence_denied,
                        "spam: denied domain",
                        link.host,
                    )
                )
        if len(counted) >= self._max_links:
            findings.append(
                Finding(
                    counted[0].start,
                    counted[-1].end,
                    self._params.confidence_links,
                    "spam: too many links",
                    f"{len(counted)} links",
                )
            )
        norm = normalise(text)  # leetspeak undone: "b1tc0in" is bitcoin
        for match in self._matcher.finditer(norm.text, context.lang):
            start, end = norm.original_span(match.start, match.end)
            findings.append(
                Finding(
                    start,
                    end,
                    self._params.confidence_phrase,
                    "spam: scam phrase",
                    norm.text[match.start : match.end],
                )
            )
        findings.sort(key=lambda f: (f.start, f.end))
        return findings
