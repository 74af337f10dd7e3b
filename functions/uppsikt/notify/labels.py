"""What a notice says, per officer language: data, one row per language.

A language missing here falls back to English (`labels_for`). Kinds and rule ids stay codes:
they are the policy's vocabulary, the same in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

OfficerLang = Literal["da", "sv", "nb", "nn", "en"]
OFFICER_LANGS: tuple[OfficerLang, ...] = get_args(OfficerLang)


@dataclass(frozen=True)
class Labels:
    flag: str  # "{severity} flag" in the title
    severity: str
    kinds: str
    rules: str
    platform: str
    account: str
    organisation: str
    policy_version: str
    excerpt: str
    no_excerpt: str
    open: str  # the button
    advisory: str
    mandatory: str
    legal: str


LABELS: dict[OfficerLang, Labels] = {
    "da": Labels(
        flag="flag",
        severity="Alvor",
        kinds="Typer",
        rules="Regler",
        platform="Platform",
        account="Konto",
        organisation="Organisation",
        policy_version="Politikversion",
        excerpt="Uddrag (maskeret)",
        no_excerpt="Intet uddrag: se konsollen.",
        open="Åbn i konsollen",
        advisory="Vejledende",
        mandatory="Påkrævet",
        legal="Lovkrav",
    ),
    "sv": Labels(
        flag="flagga",
        severity="Allvar",
        kinds="Typer",
        rules="Regler",
        platform="Plattform",
        account="Konto",
        organisation="Organisation",
        policy_version="Policyversion",
        excerpt="Utdrag (maskerat)",
        no_excerpt="Inget utdrag: se konsolen.",
        open="Öppna i konsolen",
        advisory="Rådgivande",
        mandatory="Obligatorisk",
        legal="Lagkrav",
    ),
    "nb": Labels(
        flag="flagg",
        severity="Alvorlighet",
        kinds="Typer",
        rules="Regler",
        platform="Plattform",
        account="Konto",
        organisation="Organisasjon",
        policy_version="Retningslinjeversjon",
        excerpt="Utdrag (maskert)",
        no_excerpt="Ikke noe utdrag: se konsollen.",
        open="Åpne i konsollen",
        advisory="Veiledende",
        mandatory="Påkrevd",
        legal="Lovkrav",
    ),
    "nn": Labels(
        flag="flagg",
        severity="Alvor",
        kinds="Typar",
        rules="Reglar",
        platform="Plattform",
        account="Konto",
        organisation="Organisasjon",
        policy_version="Retningslinjeversjon",
        excerpt="Utdrag (maskert)",
        no_excerpt="Ikkje noko utdrag: sjå konsollen.",
        open="Opne i konsollen",
        advisory="Rettleiande",
        mandatory="Påkravd",
        legal="Lovkrav",
    ),
    "en": Labels(
        flag="flag",
        severity="Severity",
        kinds="Kinds",
        rules="Rules",
        platform="Platform",
        account="Account",
        organisation="Organisation",
        policy_version="Policy version",
        excerpt="Excerpt (masked)",
        no_excerpt="No excerpt: see the console.",
        open="Open in console",
        advisory="Advisory",
        mandatory="Mandatory",
        legal="Legal",
    ),
}


def officer_lang(lang: str | None) -> OfficerLang:
    """The officer's language if we write it, else English."""
    return next((code for code in OFFICER_LANGS if code == lang), "en")


def labels_for(lang: str | None) -> Labels:
    return LABELS[officer_lang(lang)]
