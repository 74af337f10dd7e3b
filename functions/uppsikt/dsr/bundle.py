"""The access bundle (Art. 15): the JSON and a readable summary in the organisation's language.

The summary speaks the first of the organisation's `languages` Uppsikt has words for (sv, da, nb;
nn reads bokmål's), else English. It says what is held, why, for how long, and what the person
may do; the JSON holds the data itself.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

# The words of the summary, per language. Placeholders: the counts and dates of the bundle.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "What {org} holds about you (request {request_id})",
        "intro": "Processed {generated} for your {platform} account, as a data-subject access "
        "request under GDPR Art. 15.",
        "items": "Comments and posts of yours we keep a working copy of: {n}",
        "flags": "Flags raised on your content (breaches of our policy or of law): {n}",
        "evidence": "Archived copies of flagged content (evidence): {n}",
        "raw": "Deliveries from {platform} still in our short-term store (14 days): {n}",
        "held": "Moderation events recorded about your content (edits, hides, deletions): {n}",
        "restricted": "Processing of your data is restricted (Art. 18): {yes}",
        "requests": "Your earlier requests to us: {n}",
        "kinds": "Kinds of finding: {kinds}",
        "retention": "Each thing carries its retention period; the dates are in the JSON file "
        "(expires_at).",
        "rights": "You may ask us to correct, erase or restrict this data, and complain to the "
        "data protection authority.",
        "nothing": "We hold nothing about you.",
        "yes": "yes",
        "no": "no",
    },
    "sv": {
        "title": "Vad {org} har om dig (begäran {request_id})",
        "intro": "Sammanställt {generated} för ditt konto på {platform}, som en begäran om "
        "registerutdrag enligt GDPR artikel 15.",
        "items": "Kommentarer och inlägg av dig som vi har en arbetskopia av: {n}",
        "flags": "Flaggningar av ditt innehåll (brott mot vår policy eller mot lag): {n}",
        "evidence": "Arkiverade kopior av flaggat innehåll (bevis): {n}",
        "raw": "Leveranser från {platform} som finns kvar i vårt korttidslager (14 dagar): {n}",
        "held": "Registrerade modereringshändelser för ditt innehåll (ändringar, döljningar, "
        "raderingar): {n}",
        "restricted": "Behandlingen av dina uppgifter är begränsad (artikel 18): {yes}",
        "requests": "Dina tidigare begäranden till oss: {n}",
        "kinds": "Typer av fynd: {kinds}",
        "retention": "Allt har en lagringstid; datumen står i JSON-filen (expires_at).",
        "rights": "Du kan begära rättelse, radering eller begränsning och klaga hos "
        "Integritetsskyddsmyndigheten.",
        "nothing": "Vi har inga uppgifter om dig.",
        "yes": "ja",
        "no": "nej",
    },
    "da": {
        "title": "Hvad {org} har om dig (anmodning {request_id})",
        "intro": "Udarbejdet {generated} for din konto på {platform} som en anmodning om indsigt "
        "efter GDPR artikel 15.",
        "items": "Kommentarer og opslag fra dig, som vi har en arbejdskopi af: {n}",
        "flags": "Markeringer af dit indhold (brud på vores politik eller på loven): {n}",
        "evidence": "Arkiverede kopier af markeret indhold (bevis): {n}",
        "raw": "Leverancer fra {platform}, der stadig ligger i vores korttidslager (14 dage): {n}",
        "held": "Registrerede moderationshændelser for dit indhold (rettelser, skjulninger, "
        "sletninger): {n}",
        "restricted": "Behandlingen af dine oplysninger er begrænset (artikel 18): {yes}",
        "requests": "Dine tidligere anmodninger til os: {n}",
        "kinds": "Typer af fund: {kinds}",
        "retention": "Alt har en opbevaringsperiode; datoerne står i JSON-filen (expires_at).",
        "rights": "Du kan bede om berigtigelse, sletning eller begrænsning og klage til "
        "Datatilsynet.",
        "nothing": "Vi har ingen oplysninger om dig.",
        "yes": "ja",
        "no": "nej",
    },
    "nb": {
        "title": "Hva {org} har om deg (forespørsel {request_id})",
        "intro": "Satt sammen {generated} for kontoen din på {platform}, som en begjæring om "
        "innsyn etter GDPR artikkel 15.",
        "items": "Kommentarer og innlegg fra deg som vi har en arbeidskopi av: {n}",
        "flags": "Flagginger av innholdet ditt (brudd på våre retningslinjer eller på loven): {n}",
        "evidence": "Arkiverte kopier av flagget innhold (bevis): {n}",
        "raw": "Leveranser fra {platform} som fortsatt ligger i korttidslageret vårt (14 dager): "
        "{n}",
        "held": "Registrerte modereringshendelser for innholdet ditt (endringer, skjulinger, "
        "slettinger): {n}",
        "restricted": "Behandlingen av opplysningene dine er begrenset (artikkel 18): {yes}",
        "requests": "Dine tidligere forespørsler til oss: {n}",
        "kinds": "Typer funn: {kinds}",
        "retention": "Alt har en lagringstid; datoene står i JSON-filen (expires_at).",
        "rights": "Du kan be om retting, sletting eller begrensning og klage til Datatilsynet.",
        "nothing": "Vi har ingen opplysninger om deg.",
        "yes": "ja",
        "no": "nei",
    },
}
TEXTS["nn"] = TEXTS["nb"]


def language_for(languages: tuple[str, ...] | list[str]) -> str:
    return next((lang for lang in languages if lang in TEXTS), "en")


def summary(bundle: dict[str, Any], lang: str) -> str:
    words = TEXTS[lang]
    counts = bundle["counts"]
    values = {
        "org": bundle["organisation"]["name"],
        "request_id": bundle["request_id"],
        "generated": bundle["generated_at"][:10],
        "platform": bundle["platform"],
    }
    lines = [words["title"].format(**values), "", words["intro"].format(**values), ""]
    if not any(counts.values()):
        lines.append(words["nothing"])
    else:
        for name in ("items", "held", "flags", "evidence", "raw", "requests"):
            lines.append("- " + words[name].format(n=counts[name], **values))
        yes = words["yes"] if counts["restricted"] else words["no"]
        lines.append("- " + words["restricted"].format(yes=yes))
        kinds = Counter(k for f in bundle["flags"] for k in f.get("kinds", []))
        if kinds:
            listed = ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items()))
            lines.append("- " + words["kinds"].format(kinds=listed))
    lines += ["", words["retention"], words["rights"]]
    return "\n".join(lines) + "\n"


def write(bundle: dict[str, Any], lang: str, out: Path) -> tuple[Path, Path]:
    """`<request id>.json` and `<request id>.<lang>.txt` in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    data = out / f"{bundle['request_id']}.json"
    text = out / f"{bundle['request_id']}.{lang}.txt"
    data.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    text.write_text(summary(bundle, lang), encoding="utf-8")
    return data, text
