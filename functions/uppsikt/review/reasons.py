"""Reason templates for decisions, in the console's four languages. A decision needs a reason:
a template, free text, or both (the text then adds to the template)."""

from __future__ import annotations

from uppsikt.review.errors import UnknownTemplate
from uppsikt.review.model import Language

TEMPLATES: dict[str, dict[str, str]] = {
    "personal_data": {
        "en": "Contains personal data that must not be published",
        "sv": "Innehåller personuppgifter som inte får publiceras",
        "da": "Indeholder personoplysninger, der ikke må offentliggøres",
        "nb": "Inneholder personopplysninger som ikke skal publiseres",
    },
    "harassment": {
        "en": "Harassment or threat against a person",
        "sv": "Trakasserier eller hot mot en person",
        "da": "Chikane eller trussel mod en person",
        "nb": "Trakassering eller trussel mot en person",
    },
    "illegal_content": {
        "en": "Content that is illegal to keep available",
        "sv": "Innehåll som är olagligt att hålla tillgängligt",
        "da": "Indhold, som det er ulovligt at holde tilgængeligt",
        "nb": "Innhold som det er ulovlig å holde tilgjengelig",
    },
    "against_policy": {
        "en": "Breaks the organisation's social media policy",
        "sv": "Bryter mot organisationens policy för sociala medier",
        "da": "Er i strid med organisationens politik for sociale medier",
        "nb": "Bryter med organisasjonens retningslinjer for sosiale medier",
    },
    "no_violation": {
        "en": "No violation: the match is harmless in context",
        "sv": "Ingen överträdelse: träffen är harmlös i sitt sammanhang",
        "da": "Ingen overtrædelse: fundet er harmløst i sin sammenhæng",
        "nb": "Ingen overtredelse: treffet er harmløst i sammenhengen",
    },
    "needs_legal_review": {
        "en": "Needs legal assessment before a decision",
        "sv": "Kräver juridisk bedömning före beslut",
        "da": "Kræver juridisk vurdering før en afgørelse",
        "nb": "Krever juridisk vurdering før en avgjørelse",
    },
    "removed_on_platform": {
        "en": "Removed on the platform",
        "sv": "Borttaget på plattformen",
        "da": "Fjernet på platformen",
        "nb": "Fjernet på plattformen",
    },
}


def listing(language: Language) -> list[dict[str, str]]:
    return [{"id": key, "text": texts[language.value]} for key, texts in TEMPLATES.items()]


def check_template(template: str | None) -> None:
    if template is not None and template not in TEMPLATES:
        raise UnknownTemplate("the reason template is not known")
