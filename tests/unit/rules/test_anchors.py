"""The anchor prefilter only skips rules that could not have hit: same hits, fewer scans."""

from __future__ import annotations

import csv
import random
import re
from dataclasses import replace

import pytest

from support.paths import REPO
from uppsikt.policy.engine import CompiledPolicy, compile_policy
from uppsikt.policy.loader import load_directory
from uppsikt.rules.anchors import (
    BOUNDARY,
    Anchored,
    AnchorScan,
    Loose,
    Needs,
    best_anchor,
    loosen,
    scan_text,
)
from uppsikt.rules.idtext import may_hold_identifier
from uppsikt.rules.lexicon import LexiconDetector, LexiconParams
from uppsikt.rules.registry import RuleContext
from uppsikt.rules.spam import SpamDetector, SpamParams
from uppsikt.rules.text import fold
from uppsikt.rules.threat_grammar import ThreatGrammarDetector

POLICIES = load_directory(REPO / "policies")

# Spellings the lexicon reads in other ways than its folded text, and gaps of every kind.
TRICKY = [
    "du er en i d i o t ok",
    "a i d i o t",
    "i.d.i.o.t",
    "du er en idiooooooot",
    "f*ck this, sh!t",
    "fuc*ing f*cking b*tches",
    "1d10t og sv1n",
    "d u m  s v i n",
    "he-she og he--she",
    "I’ll end you",
    "i'll end you!",
    "ut  med\tdem",
    "ud-med-dem alle sammen",
    "idiot_svin",
    "αidiot βsvin",
    "ID\u200bIOT og Idiot\u00ad",
    "Hold k*ft, din f*cking idiot",
    "Min kollega Eva har fået brystkræft",
    "Lederen på sykehjemmet stjeler fra beboerne",
    "Jeg slår jer alle ihjel",
    "De burde skydes allesammen",
    "dræb dig selv",
    "Sätt in pengarna på 5491-0000003 och ring 070-123 45 67",
    "",
    " ",
    "!!!***",
    "se www.example.dk, din idiooot",
    "*suk* du er en idiot",
    "**Vigtigt**: hold kæææft",
    "fuuuuck dig, svvvvin",
    "kæft, kææft, kæææft",
    "sh!!!t og id!!!ot",
    "s v i i i n",
]


def _example_texts() -> list[str]:
    texts = []
    for policy in POLICIES:
        for rule in policy.rules:
            for example in (*rule.spec.examples.trigger, *rule.spec.examples.no_trigger):
                texts.append(example if isinstance(example, str) else example.text)
    return texts


def _functional_cases() -> list[tuple[str, str]]:
    path = REPO / "bench" / "data" / "functional" / "cases.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["text"], row["lang"]) for row in rows]


def _every_rule(policy: CompiledPolicy) -> CompiledPolicy:
    return replace(policy, rules=tuple(replace(rule, bit=0) for rule in policy.rules))


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.id)
def test_every_pack_finds_the_same_hits_with_and_without_the_prefilter(
    policy: CompiledPolicy,
) -> None:
    reference = _every_rule(policy)
    items = [(t, None) for t in TRICKY + _example_texts()] + _functional_cases()
    differing = [
        (text, lang)
        for text, lang in items
        for context in (RuleContext(), RuleContext(lang=lang))
        if policy.evaluate_text(text, context).hits != reference.evaluate_text(text, context).hits
    ]
    assert differing == []


def test_a_rule_that_hits_an_anchored_text_has_an_anchor_in_it() -> None:
    # The property the engine relies on, rule by rule, on texts that hit.
    checked = 0
    for policy in POLICIES:
        for rule in policy.rules:
            detector = rule.detector
            if not rule.bit or not isinstance(detector, Anchored):
                continue
            for text in TRICKY + _example_texts():
                anchor_text = detector.anchor_text(text)
                if detector.find(text) and anchor_text is not None:
                    scanned, anchors = scan_text(anchor_text), detector.anchors
                    if type(anchor_text) is Loose:
                        scanned, anchors = loosen(scanned), tuple(map(loosen, anchors))
                    assert any(a in scanned for a in anchors), (rule.spec.id, text)
                    checked += 1
    assert checked > 100


def test_a_comment_without_anchors_runs_no_text_rule() -> None:
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    anchored = [r for r in policy.rules if r.bit]
    scan = AnchorScan([r.detector.anchors for r in anchored])  # type: ignore[attr-defined]
    assert len(anchored) >= 8
    assert scan.present(scan_text("tak for et godt møde i går")) == 0
    assert scan.present(scan_text("du er en idiot")) != 0


def test_scan_text_makes_every_gap_one_space_with_one_in_front() -> None:
    assert scan_text("ut - med__dem!!") == " ut med dem "


def test_scan_text_is_the_regex_substitution_it_stands_for_on_every_kind_of_gap() -> None:
    # Letters of three scripts, digits, ASCII gaps and non-ASCII gaps (NBSP, dashes, marks,
    # an emoji, a full-width digit), at the start, the end and in runs.
    alphabet = [*"ab zå\tä!_-.,'\n0", "\u00a0", "\u2013", "\u0301", "\U0001f600"]
    alphabet += ["\uff11", "\u00b2", "\u00ab", "\u03b1", "\u0436"]
    chance = random.Random(12)  # noqa: S311  (test data, not secrets)
    texts = ["", " ", "!!", "hej", " hej ", "_hej_", "hej\u00a0du", "ja\u2013nej"]
    texts += ["".join(chance.choices(alphabet, k=chance.randint(1, 12))) for _ in range(3000)]
    not_word = re.compile(r"[\W_]+")
    for text in texts:
        assert scan_text(text) == " " + not_word.sub(" ", text), repr(text)


def test_an_anchor_prefers_rare_words_and_whole_phrases_to_frequent_words() -> None:
    def pieces(term: str) -> list[str | None]:
        return [BOUNDARY, *(BOUNDARY if ch == " " else ch for ch in term)]

    assert best_anchor(pieces("ut med dem")) == " ut med dem"
    assert best_anchor([BOUNDARY, "d", "u", None, "i", "d", "i", "o", "t"]) == "idiot"
    assert best_anchor([BOUNDARY, "i", "d", None, "x"]) == " id"


def test_a_spelled_out_term_is_an_anchor_of_its_own() -> None:
    detector = LexiconDetector(LexiconParams(terms=("idiot",)))
    assert " i d i o t" in detector.anchors
    stretched = detector.anchor_text("du er en idiooot")  # read squeezed: runs as one letter
    assert type(stretched) is Loose
    assert stretched == "du er en idiooot"
    assert detector.anchor_text("f*ck") is None  # censored: a hit may be a reading of a star
    assert detector.anchor_text("sh!t") is None
    assert detector.anchor_text("*suk* f*") == "*suk* f*"  # stars at word edges censor nothing
    assert detector.anchor_text("1d10t") == "idiot"  # leetspeak undone, as the rule reads it
    assert detector.anchor_text("du er en i d i o t") == "du er en i d i o t"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tak for et godt møde", False),
        ("ring 53380206", True),
        ("mette@example.dk", True),
        ("mette\uff20example.dk", True),  # full-width at sign
        ("CPR ٢١١٠٦٢", True),  # Arabic-Indic digits
        ("CPR ２１１０６２", True),  # full-width digits
    ],
)
def test_identifier_rules_are_ruled_out_only_without_a_digit_or_an_at_sign(
    text: str, expected: bool
) -> None:
    assert may_hold_identifier(text) is expected


def test_a_rule_without_anchors_is_never_ruled_out() -> None:
    scan = AnchorScan([(" idiot",), ()])
    assert scan.present(scan_text("tak")) == 0b10
    assert scan.present(scan_text("din idiot")) == 0b11


def test_a_policy_made_from_some_of_another_s_rules_finds_the_same_hits() -> None:
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    some = replace(policy, rules=policy.rules[7:])  # from the threat lexicon on
    reference = _every_rule(some)
    for text in TRICKY:
        assert some.evaluate_text(text).hits == reference.evaluate_text(text).hits
    assert any(some.evaluate_text(text).hits for text in TRICKY)


def _stretch(text: str, chance: random.Random) -> str:
    """`text` with some letters typed one to five times."""
    return "".join(ch * chance.choice((1, 1, 1, 2, 3, 5)) if ch.isalpha() else ch for ch in text)


def test_stretched_letters_change_no_hit_with_the_loose_prefilter() -> None:
    # The lexicon rules' terms and the pack's examples, stretched at random: a Loose anchor
    # text must rule out only rules that could not hit.
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    reference = _every_rule(policy)
    chance = random.Random(7)  # noqa: S311  (test data, not secrets)
    terms = [
        term
        for rule in policy.rules
        if rule.spec.kind == "lexicon"
        for term in rule.spec.params["terms"]
    ]
    texts = [f"se www.x.dk {_stretch(t, chance)}!" for t in chance.sample(terms, 400)]
    texts += [_stretch(t, chance) for t in chance.sample(_example_texts(), 200)]
    lexicon = next(r.detector for r in policy.rules if isinstance(r.detector, LexiconDetector))
    loose = [t for t in texts if type(lexicon.anchor_text(t)) is Loose]
    assert len(loose) > 300  # the property is tried on stretched texts
    differing = [
        t for t in texts if policy.evaluate_text(t).hits != reference.evaluate_text(t).hits
    ]
    assert differing == []
    assert sum(bool(reference.evaluate_text(t).hits) for t in loose) > 100


def test_loose_scans_read_a_run_of_one_letter_as_that_letter() -> None:
    scan = AnchorScan([(" idiot", " kæft"), (" svin",), (" ass",)])
    assert loosen(" idiooooot www kææææft") == " idiot w kæft"
    assert scan.present_loose(scan_text("din idiooooot")) == 0b001
    assert scan.present_loose(scan_text("kææææft")) == 0b001
    assert scan.present_loose(scan_text("assssss")) == 0b100  # " ass" is " as" loosened
    assert scan.present_loose(scan_text("www.svin.dk")) == 0b010
    assert scan.present_loose(scan_text("tak for mødet")) == 0
    assert scan.present(scan_text("din idiooooot")) == 0  # a plain scan is literal


def test_the_engine_never_takes_a_loose_scan_from_a_plain_one() -> None:
    # A Loose text equals the plain text with the same characters; the engine must not reuse
    # a scan of one for the other (a phrase rule reads the folded text, a lexicon rule the
    # same characters as Loose when they are stretched).
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    text = "idiooooot"
    assert policy.evaluate_text(text).hits == _every_rule(policy).evaluate_text(text).hits
    assert policy.evaluate_text(text).hits


@pytest.mark.parametrize(
    ("text", "deny", "runs"),
    [
        ("Tjen penge hjemmefra nu", (), True),  # a scam phrase's anchor
        ("se a.dk, b.dk og c.dk", (), False),  # three links cannot reach max_links (4)
        ("se a.dk, b.dk, c.dk og d.dk", (), True),
        ("se a.dk", ("a.dk",), True),  # with a deny list any link counts
        ("hej. med dig", ("a.dk",), False),  # a full stop before a space starts no link
    ],
)
def test_the_spam_rule_runs_only_where_links_or_phrases_can_count(
    text: str, deny: tuple[str, ...], runs: bool
) -> None:
    detector = SpamDetector(SpamParams(deny_domains=deny))
    anchor_text = detector.anchor_text(text)
    if anchor_text is None:
        assert runs
    else:
        scanned = scan_text(anchor_text)
        assert any(a in scanned for a in detector.anchors) is runs
    if not runs:
        assert detector.find(text) == []


def test_two_spam_rules_with_their_own_params_read_their_own_anchor_texts() -> None:
    # The engine keys a spam rule's anchor text by rule, as its deny list decides it.
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    spam = next(r for r in policy.rules if r.spec.kind == "spam")
    strict_spec = spam.spec.model_copy(
        update={"id": "strict.spam", "params": {"deny_domains": ["a.dk"]}}
    )
    document = policy.document.model_copy(update={"rules": (spam.spec, strict_spec)})
    both = compile_policy(document)
    hits = both.evaluate_text("se a.dk")
    assert [h.rule for h in hits.hits] == ["strict.spam"]
    assert _every_rule(both).evaluate_text("se a.dk").hits == hits.hits


def test_a_rule_with_needs_is_present_only_with_every_group_of_an_option() -> None:
    needs = Needs(((("bør", "burde"), ("dræb",)), (("gid",), ("dø",))))
    scan = AnchorScan([(" idiot",), needs])
    assert scan.present(scan_text("de bør dræbes")) == 0b10
    assert scan.present(scan_text("gid du må dø, idiot")) == 0b11
    assert scan.present(scan_text("hun blev dræbt")) == 0  # a verb without a modal or wish
    assert scan.present(scan_text("jeg bør gå nu")) == 0
    assert scan.present_loose(scan_text("de bør dræææbes")) == 0b10


def test_a_needs_option_with_a_group_without_anchors_is_always_possible() -> None:
    scan = AnchorScan([Needs(((("bør",), ()),))])
    assert scan.present(scan_text("bør")) == 0b1
    assert scan.present(scan_text("tak")) == 0b0  # the anchored group is still needed
    assert AnchorScan([Needs(((),))]).present(scan_text("tak")) == 0b1
    # An option whose first group has no anchors is tried on its other groups.
    later = AnchorScan([Needs(((("",), ("bør",)), (("dræb",), ("skal",))))])
    assert later.present(scan_text("bør")) == 0b1
    assert later.present(scan_text("skal")) == 0b0


def _grammar_rules(policy: CompiledPolicy) -> list[ThreatGrammarDetector]:
    return [r.detector for r in policy.rules if isinstance(r.detector, ThreatGrammarDetector)]


def test_constructions_run_only_where_a_term_of_each_slot_is() -> None:
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    threat = next(r for r in policy.rules if r.spec.id == "baseline.threat-construction")
    scan = policy._anchor_scan()
    assert scan is not None

    def runs(text: str) -> bool:
        return bool(scan.present(scan_text(fold(text))) & threat.bit)

    assert runs("de bør dræbes")
    assert runs("jag hoppas att du dör")
    assert not runs("min far er død")  # a harm word alone
    assert not runs("han blev dræbt i krigen")


def test_random_slot_combinations_find_the_same_hits_with_and_without_the_prefilter() -> None:
    # Terms of every slot of every language of the pack's grammar rules, two to four at a
    # time with fillers between, so constructions match and almost match in every way.
    policy = next(p for p in POLICIES if p.id == "nordic-baseline")
    reference = _every_rule(policy)
    chance = random.Random(21)  # noqa: S311  (test data, not secrets)
    words: list[str] = []
    for detector in _grammar_rules(policy):
        for grammar in detector._params.languages.values():
            for terms in grammar.slots.values():
                words += [t.replace("^", "").replace("*", "er").replace("_", "alle") for t in terms]
    fillers = ["og", "du", "de", "nu", "alle", "sgu", ",", ".", "ikke", "hun", "skal"]
    texts = []
    for _ in range(1500):
        parts = []
        for _ in range(chance.randint(2, 4)):
            parts += [*chance.sample(fillers, chance.randint(0, 2)), chance.choice(words)]
        texts.append(" ".join(parts))
    hit = [t for t in texts if reference.evaluate_text(t).hits]
    assert len(hit) > 150  # the property is tried on texts that hit
    differing = [
        t for t in texts if policy.evaluate_text(t).hits != reference.evaluate_text(t).hits
    ]
    assert differing == []
