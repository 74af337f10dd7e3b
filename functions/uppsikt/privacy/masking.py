"""Masked excerpts for notifications and logs: no raw personal data leaves the archive."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from uppsikt.model.verdict import Hit

_DIGITS = re.compile(r"\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_SENTENCE_END = ".!?:…\n"


def mask_spans(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            if not chars[i].isspace() and chars[i] not in "-+":
                chars[i] = "*"
    return "".join(chars)


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t")
    return not before or before[-1] in _SENTENCE_END


def _mask_names(text: str) -> str:
    """A capitalised word that does not open a sentence is most likely a name (Nordic languages
    capitalise little else): keep its initial only. Unicode-aware, so Jón and Þórsson count."""

    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        titlecase = len(word) > 1 and word[0].isupper() and not word.isupper()
        if titlecase and not _opens_sentence(text, match.start()):
            return word[0] + "."
        return word

    return _WORD.sub(replace, text)


# Words that open a sentence capitalised without being a name: the function words, greetings and
# question words a comment starts with, in da, sv, nb, nn and en. Data, not logic: a word
# missing here is hidden as a name (the safe side), never shown.
_OPENERS_BY_LANG = {
    "en": """a about after again all also an and any are as at be because before but by can could
        did do does dear for from good got had has have he hello her here hey hi his how however
        i if in is it its just let many maybe me more most much my no not now of ok okay on one
        only or our please she should since so some still thank thanks that the their them then
        there these they this those to today too very was we well were what when where which who
        why will with would yes yesterday you your""",
    "da": """af al alle alt andre at bare begge da de dem den denne der deres det dette din dit du
        efter eller en endnu er et for fordi fra få god goddag hej hele her hvad hvem hvis hvor
        hvordan hvorfor hvornår i igen ikke ja jeg kan kunne lige man med meget men mig min mit
        mange måske nej nogen noget nu når og også om os på sig skal som så tak til tja vi vil
        vores""",
    "sv": """alla allt andra annars att av bara de dem den denna det detta dessa din du efter
        eftersom ett får för hade har hej hela hon hur här i idag igen inte ja jag kan kanske man
        med men mig min mitt många nej ni nu när någon något och också om på sedan ska skulle som
        så tack till varför vad var vem vi vilken vill vår våra än är även""",
    "nb": """alle andre bare begge da de dem den denne der deres det dette din du eller en er et
        etter fordi fra god hadde hallo har hei hele her hva hvem hvis hvor hvordan hvorfor i idag
        igjen ikke ja jeg kan kanskje man med men meg min mitt mange nei noen noe nå når og også
        om oss på seg skal som så takk til vi vil vår våre""",
    "nn": """alle andre berre dei deira dykk eg ein eit eller er etter fordi frå god hadde har hei
        her i igjen ikkje ja kan kanskje korleis kva kvifor kven kvar med men meg mi mitt mange
        nei nokon noko no når og òg om oss på seg skal som så takk til vi vil vår våre""",
}
_OPENERS = frozenset(word for words in _OPENERS_BY_LANG.values() for word in words.split())
# Capitalised anywhere, never a name: English "I" and its contractions, the Danish "I" (you).
_NOT_NAMES = frozenset({"i", "i'm", "i've", "i'll", "i'd", "i’m", "i’ve", "i’ll", "i’d"})
_INITIAL = re.compile(r"(?<![^\W\d_])[^\W\d_]\.")  # a lone letter and a full stop: "K."
NAME = "[name]"
_NAME_RUN = re.compile(re.escape(NAME) + r"(?:\s+" + re.escape(NAME) + ")+")


def _hide_names(text: str) -> str:
    """Every capitalised word that could be a person's name, and every initial, becomes
    `[name]`: given name and initial alike ("Signe K. här" → "[name] här"). Only a capitalised
    word that opens a sentence and is a common opener ("Hej", "Hvornår", "When") stays. Stricter
    than `_mask_names`, for text that leaves the archive for chat and e-mail."""

    def initial(match: re.Match[str]) -> str:
        return NAME if match.group(0)[0].isupper() else match.group(0)

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if not token[0].isupper() or (token.isupper() and len(token) > 1):
            return token  # lower case, or an acronym such as CPR or BBS
        lowered = token.lower()
        if lowered in _NOT_NAMES:
            return token
        if lowered in _OPENERS and _opens_sentence(text, match.start()):
            return token
        return NAME

    text = _WORD.sub(word, _INITIAL.sub(initial, text))
    return _NAME_RUN.sub(NAME, text)


def cut_at_word(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a space so no word or placeholder is cut in half; a
    single word longer than the limit is dropped rather than shown in part."""
    if len(text) <= limit:
        return text
    head = text[: limit + 1]
    space = head.rfind(" ")
    return head[:space].rstrip() if space > 0 else ""


def masked_excerpt(
    text: str,
    hits: Iterable[Hit],
    *,
    width: int = 120,
    names: Literal["initial", "hide"] = "initial",
) -> str:
    """A short excerpt around the first hit, with hits, digits, e-mails, handles, links and
    likely names masked. It tells the officer *what kind* of problem to look at, never who.

    `names="initial"` keeps a name's initial ("Lars Jensen" → "L. J."), for the archive's own
    views; `names="hide"` hides names and initials alike (`[name]`) and cuts only between words,
    for notifications that leave the archive."""
    hits = list(hits)
    # Choose the window in the original text, so it always contains the first hit.
    anchor = min((h.start for h in hits), default=0)
    start = max(0, min(anchor - width // 3, len(text) - width))
    end = min(len(text), start + width)
    window = mask_spans(text[start:end], [(h.start - start, h.end - start) for h in hits])
    window = _URL.sub("[link]", window)
    window = _EMAIL.sub("[e-mail]", window)
    window = _HANDLE.sub("@[user]", window)
    window = _DIGITS.sub("#", window)
    if names == "hide":
        excerpt = cut_at_word(" ".join(_hide_names(window).split()), width)
    else:
        window = _mask_names(window)
        # Placeholders such as "[e-mail]" can be longer than what they replace: cut again.
        excerpt = " ".join(window.split())[:width]
    return ("…" if start > 0 else "") + excerpt + ("…" if end < len(text) else "")


def _keep_initial(match: re.Match[str]) -> str:
    word = match.group(0)
    return word[0] + "*" * (len(word) - 1)


def masked_in_place(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """The whole text with hits, digits, e-mails, handles, links and likely names masked
    character for character, so offsets into the original (hit spans, for highlighting) still
    point at the same places. Names keep their initial ("Lars" → "L***")."""
    masked = mask_spans(text, spans)
    for pattern in (_URL, _EMAIL, _HANDLE):
        masked = mask_spans(masked, [m.span() for m in pattern.finditer(masked)])
    masked = _DIGITS.sub("#", masked)

    def name(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if not word[0].isupper() or (word.isupper() and len(word) > 1) or lowered in _NOT_NAMES:
            return word
        if lowered in _OPENERS and _opens_sentence(masked, match.start()):
            return word
        return _keep_initial(match)

    return _WORD.sub(name, masked)
