"""The identifier rules pass over a comment with too few digits before reading it: the gate
changes no finding. Each rule is compared with itself with the gate turned off (its
`digit_count` made to say "plenty"), on numbers of every length around the gates, in every
spelling the identifier text reads, and on the Danish comments."""

from __future__ import annotations

import csv
import random
from collections.abc import Callable, Sequence

import pytest

from support.paths import REPO
from uppsikt.rules import contact_data, national_id
from uppsikt.rules.contact_data import ContactDataDetector, ContactDataParams
from uppsikt.rules.idtext import digit_count
from uppsikt.rules.national_id import NationalIdDetector, NationalIdParams
from uppsikt.rules.registry import Finding

DIGITS = {
    "ascii": "0123456789",
    "full-width": "".join(chr(0xFF10 + i) for i in range(10)),
    "arabic-indic": "".join(chr(0x660 + i) for i in range(10)),
}
SEPARATORS = ["", " ", "-", "\u2013", "\u2011", "\u00a0", "\u200b", "\u00ad", ".", "+", " - "]
WORDS = ["CPR", "personnummer", "fødselsnummer", "tlf", "ring", "mail", "kontonr", "hetu", "år"]


def _number(chance: random.Random, size: int) -> str:
    script = DIGITS[chance.choice(list(DIGITS))]
    digits = [chance.choice(script) for _ in range(size)]
    out = []
    for index, digit in enumerate(digits):
        if index and chance.random() < 0.35:
            out.append(chance.choice(SEPARATORS))
        out.append(digit)
    return "".join(out)


def _personnummer(chance: random.Random) -> str:
    """A valid Swedish personnummer YYMMDDNNNC (Luhn check digit)."""
    body = f"{chance.randint(30, 99):02d}{chance.randint(1, 12):02d}{chance.randint(1, 28):02d}"
    body += f"{chance.randint(0, 999):03d}"
    total = 0
    for index, digit in enumerate(body):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def _spelled(chance: random.Random, digits: str) -> str:
    """`digits` in one script, with a separator after the birth date now and then."""
    script = DIGITS[chance.choice(list(DIGITS))]
    out = [script[int(d)] for d in digits]
    if chance.random() < 0.7:
        out.insert(6, chance.choice(SEPARATORS))
    return "".join(out)


def _texts() -> list[str]:
    chance = random.Random(41)  # noqa: S311  (test data, not secrets)
    texts = []
    for _ in range(1500):  # valid numbers, and the same with digits left out (5 to 9 kept)
        number = _personnummer(chance)
        kept = number if chance.random() < 0.5 else number[: chance.randint(5, 9)]
        texts.append(f"{chance.choice(WORDS)} {_spelled(chance, kept)}")
    for _ in range(4000):
        size = chance.randint(3, 12)
        parts = [chance.choice(WORDS), _number(chance, size)]
        if chance.random() < 0.3:  # a HETU-shaped letter, an e-mail, or a second number
            parts.append(chance.choice(["A", "x@y.dk", "\uff20", _number(chance, 2)]))
        chance.shuffle(parts)
        texts.append(" ".join(parts))
    # Valid numbers written out, from the unit tests' own vectors.
    texts += ["070761-4285", "070761 4285", "19121212-1212", "131052-308T", "53 38 02 06"]
    texts += ["+45 53 38 02 06", "070-123 45 67", "mette@example.dk", "08-123 45 67"]
    return texts


def _dkhate() -> list[str]:
    path = REPO.parent / "shared" / "eval-data" / "dkhate" / "dkhate-full-3600.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [row["text"] for row in rows]


def _without_gate(
    monkeypatch: pytest.MonkeyPatch, find: Callable[[str], Sequence[Finding]], texts: list[str]
) -> list[str]:
    """The texts whose findings differ with the gate turned off."""
    gated = [find(t) for t in texts]
    for module in (national_id, contact_data):
        monkeypatch.setattr(module, "digit_count", lambda text: 10**6)
    return [t for t, found in zip(texts, gated, strict=True) if find(t) != found]


@pytest.mark.parametrize(
    "detector",
    [NationalIdDetector(NationalIdParams()), ContactDataDetector(ContactDataParams())],
    ids=["national_id", "contact_data"],
)
def test_the_digit_gate_changes_no_finding(
    detector: NationalIdDetector | ContactDataDetector, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = _texts() + _dkhate()
    found = sum(bool(detector.find(t)) for t in texts)
    gated = sum(
        1
        for t in texts
        if digit_count(t) < national_id.MIN_DIGITS
        and (isinstance(detector, NationalIdDetector) or "@" not in t)
    )
    assert found > 100  # numbers the rule reads, so the comparison means something
    assert gated > 1000  # and texts the gate passes over
    assert _without_gate(monkeypatch, detector.find, texts) == []


def test_digit_count_is_the_identifier_text_s_digits() -> None:
    from uppsikt.rules.idtext import identifier_text

    for text in _texts():
        plain = identifier_text(text).text
        assert digit_count(text) == sum(ch in "0123456789" for ch in plain), repr(text)


def test_the_gates_sit_at_the_shortest_number_each_rule_reads() -> None:
    nid = NationalIdDetector(NationalIdParams())
    phones = ContactDataDetector(ContactDataParams(require_context_for_phone=False))
    assert nid.find("hetu 131052-308T")  # nine digits: read
    assert national_id.MIN_DIGITS == 9
    assert phones.find("ring 70 10 20") == []  # six digits, not a number in these plans
    assert contact_data._MIN_DIGITS == 6
