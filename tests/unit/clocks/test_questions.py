"""Question detection: the cues per language, and the known failures it explains itself on."""

from __future__ import annotations

import pytest

from uppsikt.clocks import QuestionGuess, detect_question

ASKS = [
    # Danish
    ("da", "Hvornår åbner I?", ("?", "interrogative:hvornar")),
    ("da", "hvornar kommer lønnen", ("interrogative:hvornar",)),
    ("da", "Kan I hjælpe mig med min lønseddel", ("verb_first:kan i", "request:kan i hjalpe")),
    ("da", "Er der parkering ved rådhuset", ("verb_first:er der",)),
    ("da", "Har I åbent i julen", ("verb_first:har i",)),
    ("da", "Skulle gerne vide om jeg er dækket", ("request:skulle gerne vide",)),
    ("da", "Jeg vil gerne vide hvornår fristen er", ("indirect:vil gerne vide hvornar",)),
    # Swedish
    ("sv", "När öppnar ni", ("interrogative:nar",)),
    ("sv", "Kan ni ringa mig", ("verb_first:kan ni",)),
    ("sv", "Finns det parkering vid stadshuset", ("verb_first:finns det",)),
    ("sv", "Har ni öppet i mellandagarna", ("verb_first:har ni",)),
    ("sv", "Jag undrar om avtalet gäller", ("request:jag undrar", "indirect:undrar om")),
    ("sv", "Vet någon hur man ansöker", ("request:vet nagon",)),
    # Norwegian bokmål
    ("nb", "Når kommer lønna", ("interrogative:nar",)),
    ("nb", "Hvordan melder jeg meg ut", ("interrogative:hvordan",)),
    ("nb", "Kan dere sende meg skjemaet", ("verb_first:kan dere", "request:kan dere sende")),
    ("nb", "Er det åpent i romjula", ("verb_first:er det",)),
    ("nb", "Lurer på om avtalen gjelder vikarer", ("request:lurer pa", "indirect:lurer pa om")),
    # Norwegian nynorsk
    ("nn", "Korleis melder eg meg ut", ("interrogative:korleis",)),
    ("nn", "Kvifor svarar ingen", ("interrogative:kvifor",)),
    ("nn", "Kva for ein dato er fristen", ("interrogative:kva for",)),
    ("nn", "Har de ope i romjula", ("verb_first:har de",)),
    ("nn", "Eg lurer på om avtalen gjeld vikarar", ("request:lurer pa",)),
    # English
    ("en", "when will the agreement be published", ("interrogative:when",)),
    ("en", "Do you have parking", ("verb_first:do you",)),
    ("en", "Is there an app for shifts", ("verb_first:is there",)),
    ("en", "I was wondering if it covers temps", ("request:i was wondering",)),
    ("en", "Please let me know about my dismissal", ("request:please let me know",)),
]


@pytest.mark.parametrize(("lang", "text", "cues"), ASKS, ids=[f"{a[0]}: {a[1]}" for a in ASKS])
def test_a_comment_that_asks_is_a_question_and_names_its_cues(
    lang: str, text: str, cues: tuple[str, ...]
) -> None:
    guess = detect_question(text, lang)

    assert guess.is_question
    for cue in cues:
        assert cue in guess.cues


NOT_ASKING = [
    ("da", "Tak for hjælpen i går", ()),
    ("da", "Hvem tror I egentlig I er?", ("rhetorical:hvem tror i egentlig i er",)),
    ("da", "Hvor er det flot gået!", ("exclamative:hvor er det flot",)),
    ("sv", "Vad är det för fel på er?!", ("rhetorical:vad ar det for fel pa er",)),
    ("sv", "Vad kul att så många kom!", ("exclamative:vad kul",)),
    ("sv", "När jag ringde svarade ingen.", ()),
    ("nb", "Tuller dere?", ("rhetorical:tuller dere",)),
    ("nb", "Så flott at så mange kom!", ("exclamative:sa flott",)),
    ("nn", "Kven trur de eigentleg at de er?", ("rhetorical:kven trur de eigentleg at de er",)),
    ("nn", "Så koseleg å sjå så mange!", ("exclamative:sa koseleg",)),
    ("en", "Who do you think you are?", ("rhetorical:who do you think you are",)),
    ("en", "What a great turnout!", ("exclamative:what a great turnout",)),
    ("en", "When I called, nobody answered.", ()),
    ("da", "@Mette hvor har du det fra?", ("to_commenter",)),
    ("sv", "Varför skriver du inte till dem själv, Erik?", ("to_commenter",)),
    ("nb", "Enig med deg Lise, men hva mener du med det siste?", ("to_commenter",)),
]


@pytest.mark.parametrize(
    ("lang", "text", "cues"), NOT_ASKING, ids=[f"{a[0]}: {a[1]}" for a in NOT_ASKING]
)
def test_statements_exclamations_rhetoric_and_replies_to_others_are_not_questions(
    lang: str, text: str, cues: tuple[str, ...]
) -> None:
    guess = detect_question(text, lang)

    assert not guess.is_question
    for cue in cues:
        assert cue in guess.cues


def test_an_unknown_language_tries_every_languages_lists() -> None:
    for text in ("Hvornår åbner I", "Finns det parkering", "Korleis melder eg meg ut"):
        assert detect_question(text, None).is_question, text
        assert detect_question(text, "other").is_question, text


def test_an_item_in_one_language_is_not_read_with_anothers_lists() -> None:
    # Nynorsk "korleis" is not a Danish word: in a Danish item it is no cue.
    assert detect_question("korleis melder eg meg ut", "da").cues == ()


def test_a_question_mark_in_a_link_is_no_cue() -> None:
    guess = detect_question("Se https://example.dk/side?id=3 for mere", "da")
    assert guess == QuestionGuess(is_question=False, confidence=0.95, cues=())


def test_a_bare_question_mark_is_a_question_at_low_confidence() -> None:
    guess = detect_question("Det er vel rigtigt?", "da")
    assert guess.is_question
    assert guess.cues == ("?",)
    assert guess.confidence < 0.6


def test_a_rhetorical_question_keeps_its_question_cues_so_an_officer_can_see_why() -> None:
    guess = detect_question("Hvordan kan I finde på at sige det?!", "da")
    assert not guess.is_question
    assert guess.cues[:2] == ("?", "interrogative:hvordan")
    assert any(c.startswith("rhetorical:") for c in guess.cues)


def test_an_empty_or_link_only_comment_is_not_a_question() -> None:
    assert not detect_question("", "sv").is_question
    assert not detect_question("https://example.se", "sv").is_question
