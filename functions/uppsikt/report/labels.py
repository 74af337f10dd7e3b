"""The report's words in Swedish, Danish, Norwegian bokmål and English."""

# ruff: noqa: E501 (one translation per line reads better than wrapped ones)

from __future__ import annotations

from typing import Literal

ReportLanguage = Literal["sv", "da", "nb", "en"]
LANGUAGES: tuple[ReportLanguage, ...] = ("sv", "da", "nb", "en")

LABELS: dict[str, dict[ReportLanguage, str]] = {
    "title": {
        "sv": "Tillsynsrapport",
        "da": "Tilsynsrapport",
        "nb": "Tilsynsrapport",
        "en": "Supervision report",
    },
    "law": {
        "sv": "Lagen (1998:112) om ansvar för elektroniska anslagstavlor, 4-7 §§",
        "da": "Tilsyn med kommentarer på organisationens officielle konti",
        "nb": "Tilsyn med kommentarer på organisasjonens offisielle kontoer",
        "en": "Supervision of comments on the organisation's official accounts (BBS Act 4-7)",
    },
    "organisation": {
        "sv": "Organisation",
        "da": "Organisation",
        "nb": "Organisasjon",
        "en": "Organisation",
    },
    "week": {"sv": "Vecka", "da": "Uge", "nb": "Uke", "en": "Week"},
    "period": {"sv": "Period", "da": "Periode", "nb": "Periode", "en": "Period"},
    "as_of": {
        "sv": "Aktivitet till och med",
        "da": "Aktivitet til og med",
        "nb": "Aktivitet til og med",
        "en": "Activity up to",
    },
    "time_zone": {"sv": "Tidszon", "da": "Tidszone", "nb": "Tidssone", "en": "Time zone"},
    "account": {"sv": "Konto", "da": "Konto", "nb": "Konto", "en": "Account"},
    "platform": {"sv": "Plattform", "da": "Platform", "nb": "Plattform", "en": "Platform"},
    "all_accounts": {
        "sv": "Alla konton",
        "da": "Alle konti",
        "nb": "Alle kontoer",
        "en": "All accounts",
    },
    "flags": {"sv": "Flaggade", "da": "Markerede", "nb": "Flagget", "en": "Flagged"},
    "reviewed": {"sv": "Granskade", "da": "Gennemgået", "nb": "Gjennomgått", "en": "Reviewed"},
    "coverage": {
        "sv": "Täckning (%)",
        "da": "Dækning (%)",
        "nb": "Dekning (%)",
        "en": "Coverage (%)",
    },
    "first_review_median": {
        "sv": "Till första granskning, median (min)",
        "da": "Til første gennemgang, median (min)",
        "nb": "Til første gjennomgang, median (min)",
        "en": "To first review, median (min)",
    },
    "first_review_p90": {
        "sv": "Till första granskning, p90 (min)",
        "da": "Til første gennemgang, p90 (min)",
        "nb": "Til første gjennomgang, p90 (min)",
        "en": "To first review, p90 (min)",
    },
    "removals": {"sv": "Borttagna", "da": "Fjernet", "nb": "Fjernet", "en": "Removed"},
    "removal_median": {
        "sv": "Avisering till borttagning, median (min)",
        "da": "Underretning til fjernelse, median (min)",
        "nb": "Varsel til fjerning, median (min)",
        "en": "Notification to removal, median (min)",
    },
    "removal_p90": {
        "sv": "Avisering till borttagning, p90 (min)",
        "da": "Underretning til fjernelse, p90 (min)",
        "nb": "Varsel til fjerning, p90 (min)",
        "en": "Notification to removal, p90 (min)",
    },
    "awaiting_removal": {
        "sv": "Väntar på borttagning",
        "da": "Afventer fjernelse",
        "nb": "Venter på fjerning",
        "en": "Awaiting removal",
    },
    "staff_threads": {
        "sv": "I trådar med personal",
        "da": "I tråde med personale",
        "nb": "I tråder med ansatte",
        "en": "In threads with staff",
    },
    "staff_threads_acted": {
        "sv": "Varav beslutade",
        "da": "Heraf afgjort",
        "nb": "Hvorav avgjort",
        "en": "Of which decided",
    },
    "staff_thread_median": {
        "sv": "Till beslut i trådar med personal, median (min)",
        "da": "Til afgørelse i tråde med personale, median (min)",
        "nb": "Til avgjørelse i tråder med ansatte, median (min)",
        "en": "To decision in threads with staff, median (min)",
    },
    "gaps": {
        "sv": "Luckor i granskningen",
        "da": "Huller i gennemgangen",
        "nb": "Hull i gjennomgangen",
        "en": "Gaps in review",
    },
    "gaps_intro": {
        "sv": "Perioder inom kontorstid utan någon granskning, minst",
        "da": "Perioder i arbejdstiden uden nogen gennemgang, mindst",
        "nb": "Perioder i arbeidstiden uten noen gjennomgang, minst",
        "en": "Periods in business hours without any review activity, at least",
    },
    "gap_count": {"sv": "Antal luckor", "da": "Antal huller", "nb": "Antall hull", "en": "Gaps"},
    "gap_hours": {
        "sv": "Luckor, timmar",
        "da": "Huller, timer",
        "nb": "Hull, timer",
        "en": "Gap hours",
    },
    "business_hours": {
        "sv": "Kontorstid, timmar",
        "da": "Arbejdstid, timer",
        "nb": "Arbeidstid, timer",
        "en": "Business hours",
    },
    "no_gaps": {"sv": "Inga luckor.", "da": "Ingen huller.", "nb": "Ingen hull.", "en": "No gaps."},
    "unreviewed": {
        "sv": "Aldrig granskade",
        "da": "Aldrig gennemgået",
        "nb": "Aldri gjennomgått",
        "en": "Never reviewed",
    },
    "checkpoint": {
        "sv": "Senaste revisionskontrollpunkt",
        "da": "Seneste revisionskontrolpunkt",
        "nb": "Siste revisjonskontrollpunkt",
        "en": "Latest audit checkpoint",
    },
    "checkpoint_hash": {
        "sv": "Kontrollpunktets hash",
        "da": "Kontrolpunktets hash",
        "nb": "Kontrollpunktets hash",
        "en": "Checkpoint hash",
    },
    "no_checkpoint": {
        "sv": "(inget kontrollpunkt än)",
        "da": "(intet kontrolpunkt endnu)",
        "nb": "(ingen kontrollpunkt ennå)",
        "en": "(no checkpoint yet)",
    },
    "approximations": {
        "sv": "Uppskattningar",
        "da": "Tilnærmelser",
        "nb": "Tilnærminger",
        "en": "Approximations",
    },
    "approx_notification": {
        "sv": "Avisering = när Uppsikt flaggade inlägget; anmälningar utanför Uppsikt finns inte i underlaget.",
        "da": "Underretning = når Uppsikt markerede indholdet; anmeldelser uden for Uppsikt er ikke i grundlaget.",
        "nb": "Varsel = når Uppsikt flagget innholdet; meldinger utenfor Uppsikt er ikke i grunnlaget.",
        "en": "Notification = when Uppsikt flagged the item; reports outside Uppsikt are not in the data.",
    },
    "approx_item_time": {
        "sv": "Där publiceringstiden saknas räknas tiden från flaggningen.",
        "da": "Hvor offentliggørelsestiden mangler, regnes fra markeringen.",
        "nb": "Der publiseringstiden mangler, regnes det fra flaggingen.",
        "en": "Where the publication time is missing, time runs from the flag.",
    },
    "approx_staff_threads": {
        "sv": "Trådar med personal: varje kommentar på kontots eget inlägg räknas.",
        "da": "Tråde med personale: hver kommentar på kontoens eget opslag tælles med.",
        "nb": "Tråder med ansatte: hver kommentar på kontoens eget innlegg telles med.",
        "en": "Threads with staff: every comment on the account's own post is counted.",
    },
    "generated": {"sv": "Skapad", "da": "Oprettet", "nb": "Opprettet", "en": "Generated"},
    "page": {"sv": "Sida", "da": "Side", "nb": "Side", "en": "Page"},
}


def label(key: str, language: ReportLanguage) -> str:
    return LABELS[key][language]
