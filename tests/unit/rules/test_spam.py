"""The `spam` rule kind: denied link domains, scam phrases and link floods."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from uppsikt.rules.registry import kind_spec
from uppsikt.rules.spam import SCAM_PHRASES, SpamDetector, SpamParams, find_links, host_key


def detector(**params: Any) -> SpamDetector:
    return SpamDetector(SpamParams.model_validate(params))


DENY = detector(deny_domains=("https://www.Scam.example/landing", "bücher.example"))
DEFAULT = detector()


def found(det: SpamDetector, text: str) -> list[tuple[str, str, str]]:
    return [(text[f.start : f.end], f.label, f.mask) for f in det.find(text)]


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("Læs mere på https://win.scam.example/abc.", "https://win.scam.example/abc"),
        ("Se (www.scam.example/a).", "www.scam.example/a"),
        ("Gå til www.SCAM.EXAMPLE nu", "www.SCAM.EXAMPLE"),
        ("Klik http://scam.example:8080/x?y=1, hurtigt!", "http://scam.example:8080/x?y=1"),
    ],
)
def test_links_to_a_denied_domain_or_its_subdomains_are_spam(text: str, link: str) -> None:
    [(span, label, mask)] = found(DENY, text)
    assert span == link
    assert label == "spam: denied domain"
    assert mask.endswith("scam.example")


def test_bare_domains_need_a_known_top_level_domain_to_count_as_links() -> None:
    deny = detector(deny_domains=("scam.dk",))
    assert found(deny, "Se scam.dk/tilbud i dag") == [
        ("scam.dk/tilbud", "spam: denied domain", "scam.dk")
    ]
    assert not deny.find("scam.dkx er ikke et domæne")


def test_denied_domains_match_whole_labels_only() -> None:
    assert not DENY.find("notscam.example er en helt anden side")
    assert not DENY.find("https://scam.example.org/ er heller ikke")


def test_email_addresses_are_not_links() -> None:
    assert not DENY.find("Skriv til info@scam.example")


def test_internationalised_domains_compare_in_punycode() -> None:
    assert found(DENY, "Køb på https://BÜCHER.example i dag")[0][2] == "xn--bcher-kva.example"
    assert found(DENY, "https://xn--bcher-kva.example/ok")[0][1] == "spam: denied domain"


def test_url_shorteners_are_not_spam_by_default() -> None:
    assert not DEFAULT.find("Læs hele overenskomsten her: bit.ly/3abcD")


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("Tjen penge hjemmefra, skriv til mig privat", "Tjen penge hjemmefra"),  # Danish
        ("Klik her for at vinde en gratis iPhone!", "Klik her for at vinde"),  # Danish
        ("Investera i krypto nu, garanterad avkastning", "Investera i krypto"),  # Swedish
        ("Tjene penger hjemmefra? Send meg en melding", "Tjene penger hjemmefra"),  # bokmål
        ("Du kan doble pengane dine, send meg ei melding", "send meg ei melding"),  # nynorsk
        ("Double your money: DM me for details", "Double your money"),  # English
        ("B1tc0in? Invest in crypt0 today", "Invest in crypt0"),  # leetspeak undone
    ],
)
def test_scam_phrases_are_found_in_every_language(text: str, phrase: str) -> None:
    spans = [span for span, label, _ in found(DEFAULT, text) if label == "spam: scam phrase"]
    assert phrase in spans


@pytest.mark.parametrize(
    "text",
    [
        "Hvordan påvirker bitcoin min pension?",
        "Vi har investeret i nye lokaler.",
        "Grattis till alla som vann lotteriet på medlemsmötet!",
        "Send en mail til a-kassen.",
        "f.eks. bl.a. kl.15 osv. i.e. e.g.",
    ],
)
def test_ordinary_comments_are_not_spam(text: str) -> None:
    assert not DEFAULT.find(text)


def test_too_many_links_is_one_finding_over_all_of_them() -> None:
    text = "Se a.com, b.com, c.com og d.com"
    [(span, label, mask)] = found(DEFAULT, text)
    assert span == "a.com, b.com, c.com og d.com"
    assert label == "spam: too many links"
    assert mask == "4 links"
    assert not DEFAULT.find("Se a.com, b.com og c.com")


def test_links_to_allowed_domains_are_never_denied_or_counted() -> None:
    det = detector(
        deny_domains=("x.example", "y.example", "union.example"),
        allow_domains=("union.example",),
        max_links=2,
    )
    assert not det.find("https://union.example/a https://www.union.example/b")
    assert sorted(f.label for f in det.find("https://x.example https://y.example")) == [
        "spam: denied domain",
        "spam: denied domain",
        "spam: too many links",
    ]


def test_links_are_parsed_robustly() -> None:
    text = "See https://a.example/path_(x)), and www.b.example. Also c.com/x?y=1!"
    assert [text[link.start : link.end] for link in find_links(text)] == [
        "https://a.example/path_(x)",
        "www.b.example",
        "c.com/x?y=1",
    ]
    assert [link.host for link in find_links(text)] == ["a.example", "b.example", "c.com"]


def test_host_keys_are_lowercase_without_www_and_trailing_dot() -> None:
    assert host_key("WWW.Example.COM.") == "example.com"


def test_extra_phrases_and_switching_off_the_built_in_ones() -> None:
    det = detector(scam_phrases=False, extra_phrases=("gratis gavekort*",))
    assert [f.label for f in det.find("Få gratis gavekort nu")] == ["spam: scam phrase"]
    assert not det.find("Tjen penge hjemmefra")


def test_every_language_has_scam_phrases() -> None:
    assert set(SCAM_PHRASES) == {"da", "sv", "nb", "nn", "en"}


@pytest.mark.parametrize(
    "params",
    [
        {"colour": "red"},
        {"deny_domains": ["not a domain"]},
        {"deny_domains": ["localhost"]},
        {"max_links": 0},
        {"extra_phrases": ["*"]},
    ],
)
def test_unknown_or_invalid_params_are_refused(params: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        SpamParams.model_validate(params)


def test_the_kind_is_registered_with_its_params_and_vocabulary() -> None:
    spec = kind_spec("spam")
    assert spec is not None
    assert spec.params_model is SpamParams
    assert spec.vocabulary == "spam"
