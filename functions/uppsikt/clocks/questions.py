"""Does a visitor's comment ask the organisation something? An explained guess.

A question mark alone over-fires (irony, anger, questions to other commenters) and misses (people
leave it out), so the guess adds up cues, each named in the result:

- `?`: a question mark (outside links);
- `interrogative:<word>`: hvornår, när, når, kva, how ... at the start of a clause, unless the
  word is followed by a subject, as in "når jeg ringer, ..." (a subordinate clause), or by an
  adjective, as in "vad kul!" (an exclamation);
- `verb_first:<verb subject>`: a yes/no question, "Kan I", "Finns det", "Har dere", "Do you";
- `request:<phrase>` and `indirect:<phrase>`: "kan I hjælpe", "jag undrar", "lurer på",
  "I was wondering", "vil gerne vide hvornår", "undrar om";

and takes away for the cues of a question that wants no answer from the organisation:

- `rhetorical:<phrase>`: "hvem tror I egentlig I er", "vad är det för fel på er", "?!";
- `exclamative:<word>`: "hvor er det flot", "så flott";
- `to_commenter`: a comment that opens with an @mention or a name and a comma and says "du".

Rhetorical and ironic questions are the known failure (docs/quality/questions.md): the result
carries its cues so that an officer's "not a question" can override it and the record shows why.

The word lists are module constants, not files under `policies/lexicons`: they are regex
fragments bound to this scoring (optional words, what may follow), not terms an organisation
edits, and constants cost no file reading at cold start. Each language's patterns are compiled
once, on its first use.
Letters are folded so that "hvornar", "nar", "kvifor" and "naer" match like the written forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Final, Literal

QuestionLang = Literal["da", "sv", "nb", "nn", "en"]
QUESTION_LANGS: Final[tuple[QuestionLang, ...]] = ("da", "sv", "nb", "nn", "en")

THRESHOLD: Final = 0.5
_WEIGHTS: Final = {
    "?": 0.55,
    "interrogative": 0.5,
    "verb_first": 0.5,
    "request": 0.6,
    "indirect": 0.6,
    "rhetorical": -0.9,
    "exclamative": -0.5,
    "to_commenter": -0.7,
}


@dataclass(frozen=True, slots=True)
class QuestionGuess:
    """The guess, how sure it is (0.5-0.95), and the cues that decided it, in order found."""

    is_question: bool
    confidence: float
    cues: tuple[str, ...]


# What may stand before a clause's first word: greetings, names after a greeting, conjunctions.
_GREETING: Final = (
    r"(?:hej|hejsa|hejhej|hallo|hallå|hei|heisann|hi|hello|hey|dear|kære|kaere|kjære|kjaere"
    r"|bästa|basta|god ?morgen|god ?dag|godmorgen|goddag|tjena|tja|morn|mvh)"
)
# Not "så"/"so": "så flott!" is an exclamation and "så kan I jo ..." a statement.
_CONJ: Final = r"(?:og|men|och|eller|and|but|or|også|ellers|annars)"

# Per language: interrogatives; words after them that make a subordinate clause (a subject);
# exclamatives; verbs and subjects for verb-first questions; request, indirect and rhetorical
# phrases (regex fragments on folded text; `\b` is added around them).
_SUBJECTS: Final[dict[QuestionLang, str]] = {
    "da": r"jeg|du|han|hun|vi|man|de|den|det|der|i|nogen|jeres|min|mit|mine|ens|lonnen",
    "sv": r"jag|du|han|hon|vi|man|de|dom|den|det|ni|nagon|nagot|era|er|min|mitt|mina",
    "nb": r"jeg|du|han|hun|vi|man|de|den|det|dere|noen|noe|min|mitt|mine|deres",
    "nn": r"eg|du|han|ho|vi|ein|dei|de|den|det|dykk|nokon|noko|min|mitt|mine|dykkar",
    "en": r"i|you|he|she|we|they|it|there|anyone|anybody|someone|somebody|my|this|that|the|your",
}
_INTERROGATIVES: Final[dict[QuestionLang, str]] = {
    "da": r"hvornar|hvordan|hvorfor|hvad|hvem|hvor|hvilken|hvilket|hvilke|hvormange",
    "sv": r"nar|hur|varfor|vad|vem|vilken|vilket|vilka|var(?= (?:finns|ligger|hittar|kan|far|ar"
    r"|ska|anmaler|skickar|vander|hamnar|blev|tog))",
    "nb": r"nar|hvordan|hvorfor|hva|hvem|hvor|hvilken|hvilket|hvilke",
    "nn": r"nar|korleis|kvifor|kva for|kva|kven|kvar|kor|kva slags|kvifor",
    "en": r"when|how|why|what|who|whom|where|which|whose",
}
# Subordinating uses of the interrogatives: "når jeg ringer, ...", "when I called, ...".
_SUBORDINATE: Final[dict[QuestionLang, str]] = {
    "da": r"hvor(?:dan)? (?:jeg|vi|man)",
    "sv": r"nar (?:jag|vi|man|du|de|dom|han|hon)|vad (?:jag|vi|ni)",
    "nb": r"nar (?:jeg|vi|man|du|de|han|hun)",
    "nn": r"nar (?:eg|vi|ein|du|dei|han|ho)",
    "en": r"(?:when|what|how) (?:i|we|they|he|she)|which (?:is|was|means)",
}
_EXCLAMATIVES: Final[dict[QuestionLang, str]] = {
    "da": r"(?:hvor|sikke|sa) (?:er det |var det )?(?:en |et )?(?:flot\w*|godt|dejlig\w*|fedt|skont"
    r"|sodt|trist|synd|sjovt|fint|smukt|herligt|skon|dag|ærgerligt|aergerligt|spændende"
    r"|spaendende|kedeligt|rart)",
    "sv": r"(?:vad|vilken|vilket|sa) (?:(?:ar|var) det )?(?:en |ett )?(?:kul|bra|fint?|roligt"
    r"|harlig\w*|synd|trakigt|trist|snyggt|vackert|gott|skont|gulligt|dag|harligt|spannande|dumt)",
    "nb": r"(?:sa|for en|for et|hvor) (?:(?:er|var) det )?(?:flott|fint|bra|kjekt|trist|synd|goy"
    r"|herlig|deilig|godt|koselig|hyggelig|dag|spennende|leit)",
    "nn": r"(?:sa|for ein|for eit|kor) (?:(?:er|var) det )?(?:flott|fint|bra|kjekt|trist|synd|goy"
    r"|herleg|deileg|godt|koseleg|hyggeleg|dag|spanande|leitt|hoyre)",
    "en": r"(?:what a|what an|how|so) (?:\w+ )?(?:great|nice|lovely|sad|cool|wonderful|beautiful"
    r"|day|turnout|shame|brilliant|awful)|how (?:nice|sad|lovely|great|awful|cool)",
}
_VERB_FIRST: Final[dict[QuestionLang, str]] = {
    "da": r"(?:kan|kunne|vil|ville|skal|skulle|ma|har|er|bliver|far|gor|findes|ved|tager|sender"
    r"|abner|gaelder|gælder|holder|kommer|betaler|giver|tilbyder|daekker|dækker)",
    "sv": r"(?:kan|kunde|ska|skall|skulle|far|har|ar|blir|finns|galler|vet|tar|gar|behover"
    r"|maste|vill|kommer|betalar|erbjuder|oppnar)",
    "nb": r"(?:kan|kunne|skal|skulle|far|har|er|blir|finnes|gjelder|vet|tar|gar|ma|trenger"
    r"|vil|kommer|betaler|tilbyr|dekker|apner)",
    "nn": r"(?:kan|kunne|skal|skulle|far|har|er|blir|finst|gjeld|veit|tek|gar|ma|treng|vil"
    r"|kjem|betaler|tilbyr|dekkjer|opnar)",
    "en": r"(?:can|could|will|would|is|are|do|does|did|have|has|should|may|am|was|were|shall)",
}
_REQUESTS: Final[dict[QuestionLang, str]] = {
    "da": r"kan i (?:ikke )?(?:(?:lige|evt|venligst) )?(?:hjaelpe|hjælpe|ringe|sende|skrive|svare"
    r"|oplyse|fortaelle|fortælle|bekraefte)|skulle gerne vide|gad vide|nogen der ved"
    r"|hvem kan jeg (?:kontakte|ringe)|haber (?:i kan|pa (?:et )?svar)|svar (?:mig )?gerne"
    r"|vend (?:gerne )?tilbage|(?:send|oplys|svar|ring) (?:mig )?venligst|venligst (?:send|oplys"
    r"|svar|ring)|vil i (?:ringe|sende|skrive|svare|kontakte)|mangler at vide|har brug for at vide",
    "sv": r"jag undrar|vet (?:nagon|ni)|nagon som vet|kan ni (?:hjalpa|ringa|skicka|svara|beratta"
    r"|kontakta)|vill gärna veta|vill garna veta|hor av er|aterkom|tacksam for (?:ett )?svar"
    r"|svara garna|(?:ring|skicka|mejla|maila) (?:mig )?garna|behover veta|skulle vilja veta",
    "nb": r"lurer pa|noen som vet|kan dere (?:hjelpe|ringe|sende|svare|fortelle|kontakte)"
    r"|vil gjerne vite|onsker a vite|gi (?:meg )?beskjed|takknemlig for (?:et )?svar|hører gjerne"
    r"|horer gjerne|(?:ring|send|svar) (?:meg )?gjerne|trenger a vite",
    "nn": r"lurer pa|nokon som veit|kan de (?:hjelpe|ringje|ringe|sende|svare|fortelje|kontakte)"
    r"|vil gjerne vite|ynskjer a vite|onskjer a vite|gje (?:meg )?beskjed|takksam for (?:eit )?svar"
    r"|(?:ring|send|svar) (?:meg )?gjerne|treng a vite|hoyrer gjerne",
    "en": r"i was wondering|i am wondering|i'm wondering|wondering (?:if|whether|when|how|why|what)"
    r"|please (?:let me know|advise|call|send|tell|reply|get back|confirm|contact)"
    r"|let me know|could you (?:tell|let|send|confirm)|can you (?:tell|let|send|confirm|help)"
    r"|(?:does )?any(?:one|body) know|grateful for (?:an? )?(?:answer|reply)|get back to me"
    r"|i (?:would|'d) like to know|need to know|any (?:update|news) on",
}
# "Indirect" questions: a verb of wanting-to-know followed by om/if or an interrogative.
_INDIRECT: Final[dict[QuestionLang, str]] = {
    "da": r"(?:vil|ville) (?:gerne )?(?:vide|hore|sporge)|undrer mig over|sporge om|gad vide"
    r"|vil gerne hore",
    "sv": r"undrar|(?:vill|ville|skulle vilja) (?:garna )?(?:veta|fraga)|fraga om|behover veta",
    "nb": r"lurer pa|(?:vil|ville) (?:gjerne )?(?:vite|hore|sporre)|onsker a vite|sporre om"
    r"|trenger a vite",
    "nn": r"lurer pa|(?:vil|ville) (?:gjerne )?(?:vite|hoyre|sporje)|ynskjer a vite|sporje om"
    r"|treng a vite",
    "en": r"wonder(?:ing)?|(?:would|'d) like to know|want to know|need to know|ask(?:ing)? (?:if"
    r"|whether)",
}
_INDIRECT_TAIL: Final[dict[QuestionLang, str]] = {
    "da": r"om|hvornar|hvordan|hvorfor|hvad|hvem|hvor|hvilken|hvilket|hvilke",
    "sv": r"om|nar|hur|varfor|vad|vem|var|vilken|vilket|vilka",
    "nb": r"om|nar|hvordan|hvorfor|hva|hvem|hvor|hvilken|hvilket|hvilke",
    "nn": r"om|nar|korleis|kvifor|kva|kven|kvar|kor",
    "en": r"if|whether|when|how|why|what|who|where|which",
}
_RHETORICAL: Final[dict[QuestionLang, str]] = {
    "da": r"hvem tror i (?:egentlig )?(?:at )?i er|hvad (?:fanden|helvede|pokker|satan|fa+en)"
    r"|hvordan kan i (?:finde pa|tillade|vaere|være|sove|se jer selv)|hvad bilder i jer ind"
    r"|er i (?:helt )?(?:seriose|seriøse|gale|vanvittige|vaek|væk|rigtig kloge)"
    r"|hvor svaert kan det vaere|hvor svært kan det være|hvad er der galt med jer"
    r"|hvad tror i selv|gider i ikke"
    # Added for the response clocks (docs/clocks.md): how long must we endure, who even asked,
    # and the indignant echo ("Og det skal vi betale for?").
    r"|hvor (?:lang tid|længe|laenge) skal vi (?:finde os i|acceptere|tolerere|holde ud)"
    r"|hvem (?:har )?(?:egentlig|overhovedet) (?:bedt|spurgt)|^og (?:det|dette)\b[^.!?]*\?",
    "sv": r"vad ar det for fel pa er|vem tror ni (?:egentligen )?(?:att )?ni ar"
    r"|hur svart kan det vara|skamtar ni|ar ni (?:helt )?(?:seriosa|galna|inte kloka|dumma)"
    r"|vad i (?:helvete|hela friden|allsin dar)|hur kan ni (?:tillata|sova|se er sjalva)"
    r"|vad haller ni pa med|vad fan"
    r"|hur lange ska vi (?:acceptera|finna oss i|tala|sta ut med)"
    r"|vem har (?:egentligen|overhuvudtaget) (?:bett|fragat)"
    r"|^och (?:for )?(?:det|detta)\b[^.!?]*\?",
    "nb": r"hvem tror dere (?:egentlig )?(?:at )?dere er|hva er (?:det )?galt med dere"
    r"|hvor vanskelig kan det vaere|tuller dere|er dere (?:helt )?(?:seriose|gale|dumme)"
    r"|hva i (?:helvete|all verden)|hvordan kan dere (?:tillate|sove|se dere)|hva faen"
    r"|hvor lenge skal vi (?:finne oss i|akseptere|tolerere|holde ut)"
    r"|hvem har (?:egentlig|i det hele tatt) (?:bedt|spurt)|^og (?:det|dette)\b[^.!?]*\?",
    "nn": r"kven trur de (?:eigentleg )?(?:at )?de er|kva er (?:det )?gale med dykk"
    r"|kor vanskeleg kan det vere|tullar de|er de (?:heilt )?(?:seriose|gale|dumme)"
    r"|kva i (?:helvete|all verda)|korleis kan de (?:tillate|sove)|kva faen"
    r"|kor lenge skal vi (?:finne oss i|akseptere|tole|halde ut)"
    r"|kven har (?:eigentleg|i det heile) (?:bede|spurt)|^og (?:det|dette)\b[^.!?]*\?",
    "en": r"who do you (?:even )?think you are|what(?:'s| is) wrong with you|how hard can it be"
    r"|are you (?:kidding|joking|serious|insane|mad|for real)|what the (?:hell|fuck|heck)"
    r"|how dare you|seriously\?|really\?|you've got to be kidding"
    r"|how long (?:are we supposed to|do we have to|must we|should we) (?:put up with|accept"
    r"|tolerate|stand)|who (?:actually|even|ever) asked|^and (?:we|this|that)\b[^.!?]*\?",
}

# Letter folding: diacritics and their ASCII spellings map to one form, so that lists are
# written once. (ø and ö fold to o, æ and ä to a, å to a, "aa" to a, "oe"/"ae" to o/a.)
_FOLD: Final = str.maketrans({"å": "a", "ä": "a", "æ": "a", "ø": "o", "ö": "o", "é": "e", "ò": "o"})
_DIGRAPH: Final = re.compile(r"aa|ae|oe")
_DIGRAPH_MAP: Final = {"aa": "a", "ae": "a", "oe": "o"}
_LINK: Final = re.compile(r"https?://\S+|www\.\S+")
_SPACE: Final = re.compile(r"\s+")
_CLAUSE_END: Final = re.compile(r"[.!?;:\n…]+|\s[-–]\s")
# A comment that names its addressee first or last ("@Mette ...", "Lars, ...", "..., Peter?").
_NAME_OPENING: Final = re.compile(r"^\s*(?:@\w+|[A-ZÆØÅÄÖ][a-zæøåäöé]+,)")
_NAME_CLOSING: Final = re.compile(r",\s*[A-ZÆØÅÄÖ][a-zæøåäöé]+\s*[?!.]*\s*$")
_YOU_NAME: Final = re.compile(r"\b(?:du|dig|deg|dej|you)\s+[A-ZÆØÅÄÖ][a-zæøåäöé]+\b")
_SINGULAR_YOU: Final = re.compile(r"\b(?:du|dig|deg|dej)\b")
_ENGLISH_YOU: Final = re.compile(r"\byou\b")
_NORDIC: Final = frozenset({"da", "sv", "nb", "nn"})
_RHETORICAL_MARKS: Final = re.compile(r"\?+!+|!+\?+")


def _fold(text: str) -> str:
    folded = text.lower().translate(_FOLD)
    return _DIGRAPH.sub(lambda m: _DIGRAPH_MAP[m.group()], folded)


# Matched on folded text, so folded like it ("så" is "sa", "kære" is "kare").
_GREETING_WORD: Final = re.compile(rf"\s*{_fold(_GREETING)}\b")
_LEAD: Final = re.compile(rf"^(?:{_fold(_GREETING)}\b[ ,!]*(?:\w+[ ,!]+)?|{_fold(_CONJ)}\s+)")


@dataclass(frozen=True, slots=True)
class _Patterns:
    interrogative: re.Pattern[str]
    verb_first: re.Pattern[str]
    request: re.Pattern[str]
    indirect: re.Pattern[str]
    rhetorical: re.Pattern[str]
    exclamative: re.Pattern[str]
    inverted: re.Pattern[str]


def _compile(lang: QuestionLang) -> _Patterns:
    f = _fold  # the lists are folded like the text
    subjects = f(_SUBJECTS[lang])
    return _Patterns(
        # At a clause's start, not followed by a subject (subordinate clause).
        interrogative=re.compile(rf"^(?!{f(_SUBORDINATE[lang])}\b)({f(_INTERROGATIVES[lang])})\b"),
        verb_first=re.compile(rf"^({f(_VERB_FIRST[lang])} (?:{subjects}))\b"),
        request=re.compile(rf"\b({f(_REQUESTS[lang])})\b"),
        indirect=re.compile(
            rf"\b((?:{f(_INDIRECT[lang])}),? (?:(?:\w+ ){{0,2}})?(?:{f(_INDIRECT_TAIL[lang])}))\b"
        ),
        rhetorical=re.compile(rf"(?:^|\b)({f(_RHETORICAL[lang])})"),
        exclamative=re.compile(rf"^({f(_EXCLAMATIVES[lang])})\b"),
        # An interrogative, a verb, then its subject (question word order) anywhere in a
        # comment without punctuation: "..., hvem skal jeg kontakte", "who should I contact".
        inverted=re.compile(
            rf"\b((?:{f(_INTERROGATIVES[lang])}) {f(_VERB_FIRST[lang])} (?:{subjects}))\b"
        ),
    )


# Compiled on a language's first use and kept (about 3 ms per language on a busy machine), so
# that importing the package costs nothing at cold start and no call compiles twice.
_patterns: Final = cache(_compile)
# The item's language first, then English (mixed in often); unknown languages try all.
_LANG_ORDER: Final[dict[str, tuple[QuestionLang, ...]]] = {
    lang: (lang, "en") if lang != "en" else ("en",) for lang in QUESTION_LANGS
}


def _clauses(folded: str) -> list[str]:
    out = []
    for raw in _CLAUSE_END.split(folded):
        clause = raw.strip(" ,\"'()*-–")
        # A short opening before a comma ("hej lars," "hi all,") is not the clause itself.
        head, sep, rest = clause.partition(",")
        if sep and len(head.split()) <= 3 and rest.strip():
            out.append(head.strip())
            clause = rest.strip()
        clause = _LEAD.sub("", clause, count=1).strip() if _LEAD.match(clause) else clause
        if clause:
            out.append(clause)
    return out


def _addresses_a_person(text: str, folded: str, lang: str | None) -> bool:
    # A person is named (opening @mention or "Name,", "..., Name?", "med dig Hanne") and spoken
    # to as one ("du", or English "you", which is also plural: so only with a name beside it).
    opening = _NAME_OPENING.match(text)
    named = (
        (opening is not None and not _GREETING_WORD.match(_fold(opening.group())))
        or _NAME_CLOSING.search(text) is not None
        or _YOU_NAME.search(text) is not None
    )
    return named and (
        _SINGULAR_YOU.search(folded) is not None
        or (lang not in _NORDIC and _ENGLISH_YOU.search(folded) is not None)
    )


def detect_question(text: str, lang: str | None) -> QuestionGuess:
    """Guess whether `text` asks the organisation something.

    `lang` is the item's language (da, sv, nb, nn, en); other or None tries every language's
    lists, as does any language for English phrases mixed into a comment."""
    without_links = _LINK.sub(" ", text)
    folded = _SPACE.sub(" ", _fold(without_links)).strip()
    if not folded:
        return QuestionGuess(False, 0.95, ())
    langs = _LANG_ORDER.get(lang or "", QUESTION_LANGS)
    cues: list[str] = []
    score = 0.0

    def add(kind: str, detail: str | None = None) -> None:
        nonlocal score
        cue = f"{kind}:{detail}" if detail else kind
        if cue not in cues:
            cues.append(cue)
            score += _WEIGHTS[kind]

    if "?" in without_links:
        add("?")
    clauses = _clauses(folded)
    found: set[str] = set()  # one cue of each kind is enough, whichever language found it
    for code in langs:
        p = _patterns(code)
        for clause in clauses:
            if (m := p.exclamative.match(clause)) and "exclamative" not in found:
                found.add("exclamative")
                add("exclamative", m.group(1))
            elif (m := p.interrogative.match(clause)) and "interrogative" not in found:
                found.add("interrogative")
                add("interrogative", m.group(1))
            if (m := p.verb_first.match(clause)) and "verb_first" not in found:
                found.add("verb_first")
                add("verb_first", m.group(1))
        if "interrogative" not in found and (m := p.inverted.search(folded)):
            found.add("interrogative")
            add("interrogative", m.group(1))
        for kind in ("request", "indirect", "rhetorical"):
            if kind not in found and (m := getattr(p, kind).search(folded)):
                found.add(kind)
                add(kind, m.group(1))
    if _RHETORICAL_MARKS.search(without_links) and "rhetorical" not in found:
        add("rhetorical", "?!")
    if _addresses_a_person(without_links, folded, lang):
        add("to_commenter")
    is_question = score >= THRESHOLD
    confidence = round(min(0.95, 0.5 + abs(score - THRESHOLD)), 2)
    return QuestionGuess(is_question, confidence, tuple(cues))
