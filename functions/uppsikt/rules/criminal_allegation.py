"""Rule kind `criminal_allegation`: an identifiable person accused of a crime (GDPR Art. 10).

Regulation §5(a) R17: «Lederen på sykehjemmet stjeler fra beboerne.» → hide and review
(Art. 10 data, and possibly defamation: BrB 5 kap., DK strl. §§ 267–268).

A finding needs a crime term (a verb such as stjæler/stjäl/stjeler/steals, or a noun such as
tyv/bedrager/fraud) and, in the same sentence, a cue that points at an identifiable person
(`phrases.PersonCues`): a name, an @mention, a definite role noun ("lederen", "chefen",
"sjefen", "the manager", compounds such as "afdelingschefen" included), a possessive +
relation ("min chef", "our boss") or a third-person pronoun (han/hun/hon/ho/he/she).
"They" and first-person cues do not count: "they steal our wages" is usually aimed at the
employer, and "jeg blev bestjålet" is the writer's own experience.

Term lists are per language and favour precision: "tyv"/"tyven" but not "tyv*" (Danish
"tyve" is twenty), "steal"/"steals"/"stealing" but not "steal*" ("stealth"), "slog hende"
rather than "slog" ("slog op", "slog fast"). Negation is not read: "han stjal ikke" is still
reported for review, with the same confidence.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from uppsikt.rules.person_terms import PersonTermDetector
from uppsikt.rules.phrases import (
    check_terms,
    phrases,
    shared_matcher,
)
from uppsikt.rules.registry import Params, register

__all__ = ["CRIME_TERMS", "CriminalAllegationDetector", "CriminalAllegationParams"]

CRIME_TERMS: dict[str, tuple[str, ...]] = {
    "da": (
        "stjæler", "stjæle", "stjal", "stjålet", "tyv", "tyven", "tyveri*", "bedrag*",
        "svindl*", "svindel", "underslå*", "underslæb*", "underslog", "voldtog", "voldtager*",
        "voldtægt*", "slog hende", "slog ham", "slår hende", "slår ham", "slår sin*",
        "voldelig*", "kriminel*", "forbryder*", "pædofil*", "hvidvask*", "bestikkelse*",
        "bestukket", "korrupt*", "skattesnyd*", "snyder i skat", "snyder med skat*",
        "narkohandel*", "pusher", "røveri*", "røver", "røvede", "indbrud*", "dømt for",
        "sigtet for", "anholdt",
        "forfalsk*", "dokumentfalsk*", "misbrugte hende", "misbrugte ham", "krænk* seksuelt",
    ),
    "sv": (
        "stjäl", "stjäla", "stjälit", "stal", "stulit", "tjuv", "tjuven", "tjuvar*",
        "bedrag*", "bedrägeri*", "bedrar", "svindl*", "förskingr*", "våldtog", "våldtagit",
        "våldtäkt*", "misshandl*", "slog henne", "slog honom", "slår henne", "slår honom",
        "slår sin*", "kriminell*", "brottsling*", "pedofil*", "mutor", "mutade", "mutat",
        "korrupt*", "penningtvätt*", "skattefusk*", "fuskar med skatt*", "langar", "langare",
        "rånar*", "rånade", "rånare", "inbrott*", "snattar*", "snattade", "dömd för",
        "åtalad*", "gripen", "häktad", "förfalsk*", "sexuellt ofredande", "ofredar*",
    ),
    "nb": (
        "stjeler", "stjele", "stjal", "stjålet", "tyv", "tyven", "tyver", "tyvene", "tyveri*",
        "bedrag*", "bedrar", "svindl*", "svindel", "underslag*", "underslo", "underslått",
        "voldtok", "voldtatt", "voldtekt*", "mishandl*", "slo henne", "slo ham", "slår henne",
        "slår ham", "slår kona", "kriminell*", "forbryter*", "pedofil*", "hvitvask*",
        "bestikkelse*", "bestukket", "korrupt*", "skattesnyt*", "narkolanger*", "raner*",
        "innbrudd*", "dømt for", "siktet for", "pågrepet", "arrestert", "forfalsk*",
        "dokumentfalsk*", "seksuell trakassering",
    ),
    "nn": (
        "stel", "stal", "stole", "tjuv", "tjuven", "tjuvar", "bedrar", "svindl*",
        "underslag*", "valdtok", "valdteke", "valdtekt*", "mishandl*", "kriminell*",
        "korrupt*", "dømd for", "sikta for", "pågripen", "forfalsk*",
    ),
    "en": (
        "steal", "steals", "stealing", "stole", "stolen", "thief", "thieves", "theft",
        "fraud*", "fraudster*", "embezzl*", "swindl*", "scammer", "rapist", "raped", "rape",
        "assaulted", "beats his wife", "beats her", "hit her", "hit him", "criminal",
        "crook", "corrupt", "bribe*", "bribery", "money launder*", "paedophile*",
        "pedophile*", "convicted of", "charged with", "arrested", "molested", "molests",
        "forged", "harasses", "sexually harass*",
    ),
}  # fmt: skip

# Only when the item's language is known to be the list's: nynorsk "stel" (steals) is Swedish
# "stiff" and Danish "frame"; nynorsk and English "stole" (stole) is Danish/Norwegian "chairs".
_GATED: frozenset[str] = frozenset({"stel", "stole"})


class CriminalAllegationParams(Params):
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    extra_terms: tuple[str, ...] = ()  # more crime terms (phrases.py syntax), any language
    not_names: tuple[str, ...] = ()  # capitalised words that are not people (own org, places)

    @field_validator("extra_terms", "not_names")
    @classmethod
    def _terms_are_usable(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


@register("criminal_allegation", params=CriminalAllegationParams, vocabulary="criminal_allegation")
class CriminalAllegationDetector(PersonTermDetector):
    """Crime terms with a person cue in the same sentence; see the module docstring."""

    __slots__ = ()

    def __init__(self, params: CriminalAllegationParams) -> None:
        entries = phrases(params.extra_terms, "crime")
        for lang, terms in CRIME_TERMS.items():
            entries += phrases(terms, "crime", lang, gated=_GATED)
        super().__init__(
            shared_matcher(entries),
            label="criminal allegation against an identifiable person",
            not_names=params.not_names,
            min_confidence=params.min_confidence,
        )
