"""Rule kind `confidential_personnel`: staff matters about an identifiable person.

Regulation §5(a) R18: «Kari fikk skriftlig advarsel etter møtet med HR i går.» Personnel
information does not belong on social media (and for authorities it is often subject to
secrecy: OSL, forvaltningsloven).

A finding needs a personnel term (warnings, dismissal, disciplinary steps, HR meetings, pay
negotiations, sick-leave follow-up) and, in the same sentence, a cue that points at an
identifiable person other than the writer (`phrases.PersonCues`): a name, an @mention, a
definite role noun, a possessive + relation ("min kollega") or a third-person pronoun. A
writer's own case ("jeg fik en advarsel") is not reported; neither is general talk ("regler
for advarsler").

Term lists favour precision: "afskedig*" rather than "afsked*" (Danish "afsked" is also a
farewell), "fik en advarsel" rather than "advarsel" (also a weather warning), "fick sparken"
rather than "sparkad" (kicked), "fyret fra" rather than "fyret" (a lighthouse).
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

__all__ = ["PERSONNEL_TERMS", "ConfidentialPersonnelDetector", "ConfidentialPersonnelParams"]

PERSONNEL_TERMS: dict[str, tuple[str, ...]] = {
    "da": (
        "skriftlig advarsel", "skriftlige advarsel", "mundtlig advarsel", "fik en advarsel",
        "fik advarsel", "fået en advarsel", "fået advarsel", "tildelt en advarsel", "afskedig*",
        "bortvist", "bortvisning*", "opsagt", "opsigelse*", "fyret fra", "blev fyret",
        "er fyret", "tjenstlig samtale", "tjenstlige samtale*", "disciplinær*",
        "tjenestemandssag*", "partshøring*", "hr-møde*", "møde med hr", "møde hos hr",
        "personalesag*", "sygefraværssamtale*", "omsorgssamtale*", "lønforhandling*",
        "lønsamtale*", "fratrædelse*", "fritstillet", "suspenderet", "degraderet",
        "forflyttet", "sygemeld*", "sygefravær*",
    ),
    "sv": (
        "skriftlig varning", "muntlig varning", "fick en varning", "fick varning",
        "fått en varning", "fått varning", "uppsagd", "uppsägning*", "avskedad*",
        "avskedande*", "avskedats", "fick sparken", "fått sparken", "blev sparkad",
        "omplacerad*", "disciplinär*",
        "disciplinåtgärd*", "personalärende*", "hr-möte*", "möte med hr",
        "rehabiliteringsmöte*", "lönesamtal*", "löneförhandling*", "avstängd", "arbetsbefriad",
        "skriftlig erinran", "sjukskriv*", "sjukfrånvaro*",
    ),
    "nb": (
        "skriftlig advarsel", "muntlig advarsel", "fikk en advarsel", "fikk advarsel",
        "fått en advarsel", "fått advarsel", "oppsagt", "oppsigelse*", "avskjedig*",
        "fikk sparken", "fått sparken", "ble sparket", "tjenstlig samtale", "disiplinær*",
        "personalsak*", "hr-møte*", "møte med hr", "møtet med hr", "lønnsforhandling*",
        "lønnssamtale*", "suspendert", "omplassert", "fritatt fra tjenesten",
        "oppfølgingssamtale*", "sykefraværsoppfølging*", "sykmeld*", "sykemeld*",
        "sykefravær*",
    ),
    "nn": (
        "skriftleg åtvaring", "fekk ei åtvaring", "fekk åtvaring", "fått ei åtvaring",
        "oppsagd", "oppseiing*", "sagt opp", "fekk sparken",
        "disiplinær*", "personalsak*", "hr-møte*", "møte med hr", "lønsforhandling*",
        "lønssamtale*", "suspendert", "sjukmeld*", "sjukefråvær*",
    ),
    "en": (
        "written warning", "verbal warning", "final warning", "disciplinary", "dismissed",
        "got fired", "was fired", "been fired", "got sacked", "was sacked", "suspended",
        "grievance*", "hr meeting", "meeting with hr", "performance review", "improvement plan",
        "salary negotiation*", "pay negotiation*", "sick leave", "on sick leave",
    ),
}  # fmt: skip


class ConfidentialPersonnelParams(Params):
    min_confidence: float = Field(default=0.5, ge=0.0, le=1.0)
    extra_terms: tuple[str, ...] = ()  # more personnel terms (phrases.py syntax), any language
    not_names: tuple[str, ...] = ()  # capitalised words that are not people (own org, places)

    @field_validator("extra_terms", "not_names")
    @classmethod
    def _terms_are_usable(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return check_terms(values)


@register(
    "confidential_personnel",
    params=ConfidentialPersonnelParams,
    vocabulary="confidential_personnel",
)
class ConfidentialPersonnelDetector(PersonTermDetector):
    """Personnel terms with a person cue in the same sentence; see the module docstring."""

    __slots__ = ()

    def __init__(self, params: ConfidentialPersonnelParams) -> None:
        entries = phrases(params.extra_terms, "personnel")
        for lang, terms in PERSONNEL_TERMS.items():
            entries += phrases(terms, "personnel", lang)
        super().__init__(
            shared_matcher(entries),
            label="confidential personnel matter about an identifiable person",
            not_names=params.not_names,
            min_confidence=params.min_confidence,
        )
