"""`PhraseMatcher` and the work the text kinds share across the rules of a pack."""

from __future__ import annotations

from support.paths import REPO
from uppsikt.policy.loader import load_file
from uppsikt.rules.phrases import Phrase, PhraseMatcher, phrases, shared_matcher
from uppsikt.rules.registry import RuleContext
from uppsikt.rules.text import fold


def spans(matcher: PhraseMatcher[str], text: str, lang: str | None = None) -> list[str]:
    folded = fold(text)
    return [folded[m.start : m.end] for m in matcher.finditer(folded, lang)]


INFIX = PhraseMatcher(phrases(["*cancer", "kræft*", "syg", "hr-møde"], "health"))


def test_terms_match_at_word_starts_only() -> None:
    assert spans(INFIX, "syg, usyg og sygdom") == ["syg"]
    assert spans(INFIX, "Hun har kræft, kræften er væk") == ["kräft", "kräften"]


def test_an_infix_term_matches_inside_a_word_and_reports_the_whole_word() -> None:
    assert spans(INFIX, "Hun har bröstcancer") == ["bröstcancer"]
    assert spans(INFIX, "cancer og 2cancer") == ["cancer", "2cancer"]


def test_a_letter_of_another_script_is_not_a_word_start_but_joins_an_infix_word() -> None:
    assert spans(INFIX, "\u03b1syg") == []
    assert spans(INFIX, "\u03b1cancer") == ["\u03b1cancer"]
    assert spans(INFIX, "\U0001f637syg") == ["syg"]  # an emoji is not a letter


def test_a_hyphen_in_a_term_may_be_left_out() -> None:
    assert spans(INFIX, "Efter HR-møde, HR møde og HRmøde") == ["hr-möde", "hr möde", "hrmöde"]


def test_gated_terms_only_match_in_their_language_and_results_depend_on_it() -> None:
    matcher = PhraseMatcher([Phrase("her", "pronoun", "en", gated=True)])
    assert spans(matcher, "her er den") == []
    assert spans(matcher, "her er den", "en") == ["her"]
    assert spans(matcher, "her er den") == []  # the remembered text is per language


def test_the_same_entries_give_one_shared_matcher() -> None:
    entries = phrases(["stjæler", "tyv"], "crime", "da")
    first = shared_matcher(entries)
    assert shared_matcher(list(entries)) is first
    assert spans(first, "Han er en tyv") == ["tyv"]


def test_a_pack_finds_the_same_after_other_texts_and_contexts() -> None:
    policy = load_file(REPO / "policies" / "nordic-baseline.yaml")
    texts = [
        "Jens fra lageret er også medlem, og han er sygemeldt med stress.",
        "Jag är själv medlem i Kommunal och har haft cancer.",
        "Du er en idiooooot, f*ck dig",
        "Ring til Kari på 70 10 20 30",
    ]
    contexts = [RuleContext(), RuleContext(official=True), RuleContext(lang="en")]
    first = {(t, c): policy.evaluate_text(t, c) for t in texts for c in contexts}
    for context in reversed(contexts):
        for text in reversed(texts):
            assert policy.evaluate_text(text, context) == first[(text, context)]
    # Rules for visitors only do not apply to the organisation's own posts.
    official = {hit.rule for t in texts for hit in first[(t, contexts[1])].hits}
    assert "baseline.harassment" not in official
    assert "baseline.harassment" in {hit.rule for hit in first[(texts[2], contexts[0])].hits}
