"""The shipped word lists in policies/lexicons/: well formed, compilable, and sane on sentences.

Each `{category}-{lang}.txt` becomes one prefix-mode `lexicon` rule per language with
`allow-{lang}.txt` as its allow list (bench/quality_text.py builds them the same way). The
sentences below are written for these tests; none comes from an evaluation set.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from support.paths import REPO
from uppsikt.rules.lexicon import LexiconDetector, LexiconParams
from uppsikt.rules.text import normalise

LEXICONS = REPO / "policies" / "lexicons"
LANGUAGES = ("da", "sv", "nb", "en")
REPORT_AS = {"insults": "harassment", "hate": "hate", "threats": "threat", "profanity": "tone"}
CATEGORIES = tuple(REPORT_AS)
TERM_FILES = [LEXICONS / f"{cat}-{lang}.txt" for lang in LANGUAGES for cat in CATEGORIES]
ALLOW_FILES = [LEXICONS / f"allow-{lang}.txt" for lang in LANGUAGES]
# The special-category rules' markers (generic use, negation, clause breaks): one file each.
SPECIAL_FILES = [
    LEXICONS / f"special-{name}.txt"
    for name in ("clause-breaks", "generic-terms", "generic-before", "generic-after", "negations")
]
ALL_FILES = TERM_FILES + ALLOW_FILES + SPECIAL_FILES


def entries(path: Path) -> list[str]:
    """Entries of a list file: one per line, `#` starts a comment, blank lines ignored."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            found.append(entry)
    return found


def key(entry: str) -> str:
    """What the matcher compares: normalised text with whitespace collapsed."""
    return " ".join(normalise(entry).text.split())


@cache
def rule(language: str, category: str, *, with_allow: bool = True) -> LexiconDetector:
    allow = entries(LEXICONS / f"allow-{language}.txt") if with_allow else []
    params = LexiconParams.model_validate(
        {
            "terms": entries(LEXICONS / f"{category}-{language}.txt"),
            "match": "prefix",
            "allow": allow,
            "report_as": REPORT_AS[category],
        }
    )
    return LexiconDetector(params)


def fired(language: str, text: str, *, with_allow: bool = True) -> set[str]:
    """Categories of `language` whose rule finds something in `text`."""
    return {cat for cat in CATEGORIES if rule(language, cat, with_allow=with_allow).find(text)}


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


# --- the files themselves ---------------------------------------------------------------------


def test_every_language_has_every_list() -> None:
    missing = [p.name for p in ALL_FILES if not p.is_file()]
    assert missing == []


def test_no_unexpected_files_sit_in_the_folder() -> None:
    assert sorted(p.name for p in LEXICONS.iterdir()) == sorted(p.name for p in ALL_FILES)


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_file_opens_with_a_comment_naming_its_purpose_and_its_authors(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = text.split("\n\n", 1)[0]
    assert header.startswith(f"# {path.name}: ")
    assert "Uppsikt team" in header


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_file_is_utf8_with_one_lower_case_entry_per_line(path: Path) -> None:
    raw = path.read_bytes()
    raw.decode("utf-8")  # strict: raises on anything else
    assert not raw.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    assert b"\r" not in raw, "LF line endings"
    for entry in entries(path):
        assert entry == entry.lower(), entry
        assert re.fullmatch(r"\S+(?: \S+)*", entry), f"stray whitespace in {entry!r}"
        assert re.search(r"[^\W\d_]", entry), f"{entry!r} has no letters"
        assert key(entry), f"{entry!r} is blank once normalised"


@pytest.mark.parametrize("path", ALL_FILES, ids=ids(ALL_FILES))
def test_file_has_entries_and_no_duplicates_after_normalisation(path: Path) -> None:
    keys = [key(e) for e in entries(path)]
    assert len(keys) >= 10
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    assert duplicates == []


@pytest.mark.parametrize("path", TERM_FILES, ids=ids(TERM_FILES))
def test_every_term_compiles_and_finds_itself_despite_the_allow_list(path: Path) -> None:
    language = path.stem.rsplit("-", 1)[1]
    allow = entries(LEXICONS / f"allow-{language}.txt")
    whole = rule(language, path.stem.rsplit("-", 1)[0])  # the file as one rule compiles
    for term in entries(path):
        alone = LexiconDetector(LexiconParams(terms=(term,), allow=tuple(allow)))
        assert alone.find(term), f"{term!r} is dead: its own allow list hides it"
        assert whole.find(term), term


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_allow_list_entry_is_matched_by_the_rules_of_its_language(language: str) -> None:
    for word in entries(LEXICONS / f"allow-{language}.txt"):
        assert fired(language, word) == set(), word
        assert fired(language, f"Her står {word} midt i en sætning.") == set(), word


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_allow_list_entry_is_needed(language: str) -> None:
    """An entry no rule of its language would match without the allow list is stale."""
    stale = [
        word
        for word in entries(LEXICONS / f"allow-{language}.txt")
        if not fired(language, word, with_allow=False)
    ]
    assert stale == []


# --- hand-written sentences -------------------------------------------------------------------

SHOULD_FIRE = [
    # Danish
    ("da", "Du er en klaphat og en idiot", {"insults"}),
    ("da", "Hold din kæft, din møgkælling!", {"insults", "profanity"}),
    ("da", "Sikke nogle IDIOTER I er", {"insults"}),
    ("da", "din 1d10t", {"insults"}),
    ("da", "Jeg slår dig ihjel hvis du kommer igen", {"threats"}),
    ("da", "Vi ved hvor du bor.", {"threats"}),
    ("da", "Du skal dø", {"threats"}),
    ("da", "De er kakerlakker allesammen og burde udryddes", {"hate"}),
    ("da", "Det er fandme noget lort", {"profanity"}),
    ("da", "Kraftedeme, fuck det", {"profanity"}),
    # Swedish
    ("sv", "Vi vet var du bor. Akta dig.", {"threats"}),
    ("sv", "Jag ska döda dig", {"threats"}),
    ("sv", "Håll käften, din hora", {"insults"}),
    ("sv", "Vilka idioter som styr förbundet", {"insults"}),
    ("sv", "Svartskallar ska ut", {"hate"}),
    ("sv", "Fy fan vad dåligt", {"profanity"}),
    # Norwegian, bokmål and nynorsk
    ("nb", "Du er så dum at det burde vært forbudt.", {"insults"}),
    ("nb", "Jeg vet hvor du bor", {"threats"}),
    ("nb", "Drittsekker, alle sammen", {"insults", "profanity"}),
    ("nb", "Eg skal drepe deg", {"threats"}),
    ("nb", "Vi veit kvar du bur", {"threats"}),
    ("nb", "De er parasitter og bør utryddes", {"hate"}),
    ("nb", "Faen, for en dritt kamp", {"profanity"}),
    # English
    ("en", "I will kill you", {"threats"}),
    ("en", "We know where you live", {"threats"}),
    ("en", "You deserve to die", {"threats"}),
    ("en", "You absolute m0r0n", {"insults"}),
    ("en", "What an asshole", {"insults"}),
    ("en", "Go back to your country", {"hate"}),
    ("en", "Honestly, those people are vermin", {"hate"}),
    ("en", "This is bullshit", {"profanity"}),
]

STAYS_QUIET = [
    # Danish: words that start with a listed term, and idioms near threat phrases
    ("da", "Tak for et godt møde i går, vi ses på fredag."),
    ("da", "Vores analyse viser at svinekødet er blevet billigere"),
    ("da", "Projektet skal skydes i gang efter nytår"),
    ("da", "Maleriet skal hænges op i kantinen"),
    ("da", "Du skal dømme selv, når du har læst rapporten"),
    ("da", "Programmet er idiotsikkert"),
    ("da", "En pikant sauce med piskefløde og pistacienødder"),
    ("da", "Han kommer fra Mongoliet"),
    ("da", "Jeg fandt nøglen under måtten"),
    ("da", "Det var skidt vejr, men en god tur"),
    # Swedish
    ("sv", "Min slutsats är att slutet blev bra."),
    ("sv", "Akta dig för halkan på trappan"),
    ("sv", "Vi såg en horrorfilm och åt svinkött"),
    ("sv", "Fantastiskt att ni fanns där"),
    ("sv", "Manualen är idiotsäker"),
    # Norwegian
    ("nb", "Vi plukket sopp i skogen"),
    ("nb", "Han var tapper i krigen"),
    ("nb", "Pass deg for glatta i dag"),
    ("nb", "Toskansk mat er godt"),
    ("nb", "Hun er en flink pike"),
    # English, including the Scunthorpe problem
    ("en", "Scunthorpe United won the cup"),
    ("en", "The assessment of the cockpit was thorough"),
    ("en", "A careful analyse of the data"),
    ("en", "Shiitake and button mushrooms"),
    ("en", "Charles Dickens wrote novels"),
    ("en", "Pakistan won the cricket match"),
    ("en", "She added spice to the curry"),
    ("en", "The flame retardant coating"),
    ("en", "The storm should die down tonight"),
    ("en", "I'll shoot you an email tomorrow"),
    ("en", "You are dead right about that"),
]


@pytest.mark.parametrize(("language", "text", "expected"), SHOULD_FIRE)
def test_abusive_sentences_fire_the_expected_categories(
    language: str, text: str, expected: set[str]
) -> None:
    assert fired(language, text) == expected


@pytest.mark.parametrize(("language", "text"), STAYS_QUIET)
def test_innocent_sentences_fire_nothing_in_their_own_language(language: str, text: str) -> None:
    assert fired(language, text) == set()


# Everyday Nordic and English text that the rules of the *other* languages must leave alone too:
# one policy may run every language's rules on every comment.
EVERYDAY = [
    "Fagforeningen forhandler overenskomsten for faglærte",  # "fag"
    "Facket och fackförbundet har möte i morgon",
    "Fagforbundet krever bedre lønn",
    "Vi dykker ned i tallene og kikker på budgettet",  # "dyke", "kike"
    "Arsenal vandt i går",  # "arse"
    "Min slutsats är klar och vi slutar i tid",  # "slut"
    "Vi måste pussa fönstren",
    "Hun er en flink pike og gikk på skitur",  # Danish "pik", Swedish "skit"
    "Det er en horrorfilm fra Mongoliet",
    "The fitted kitchen and the fittest runners",  # Norwegian "fitte"
    "Huset har svinn och sving, men är svindyrt",
    "Kys og kram fra os alle",
    "Takk for svaret, det var til stor hjelp",
    "Tack för ett bra medlemsmöte",
]


@pytest.mark.parametrize("text", EVERYDAY)
def test_everyday_text_fires_no_rule_of_any_language(text: str) -> None:
    assert {lang: fired(lang, text) for lang in LANGUAGES} == {lang: set() for lang in LANGUAGES}
