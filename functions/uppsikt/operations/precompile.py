"""Write the compiled regexes of the shipped packs for cold starts (rules/precompiled.py).

Every pack in policies/ is compiled, and every rule's examples are evaluated in each language
the packs speak and without one, plus a few spellings that build what is made on first need
(stretched and censored letters, words with an infix term, person cues): whatever regex that
makes through `precompiled.compile` is recorded. Run by `make env` for the working tree and by
the package build for the artefact (`python -m uppsikt.operations.precompile [PATH]`).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from uppsikt import infra
from uppsikt.policy.engine import example_context
from uppsikt.policy.loader import load_directory
from uppsikt.rules import precompiled
from uppsikt.rules.registry import RuleContext

LANGUAGES = (None, "da", "sv", "nb", "nn", "en")

# Texts that reach what a rule builds on first need, beyond its own examples.
FIRST_NEED = (
    "du er en idiooooot og et svvvviin",  # stretched letters
    "f*ck dig, din l*rt, sh!t",  # censored letters
    "Min kollega Eva har fået brystkræft, og hendes mand er muslim",  # person cues, infix term
    "Lederen på sykehjemmet stjeler fra beboerne",  # a crime term with a role
    "Hun blev fyret og fik en advarsel i sin personalesag",  # personnel matters
    "jag hoppas att du dör, de borde skjutas",  # Swedish constructions
    "de burde drepes alle sammen, jeg slår deg i hjel",  # Norwegian constructions
    "I will kill you, they should be shot",  # English constructions
    "Ring 53 38 02 06 eller skriv til mette@example.dk, CPR 070761-4285",  # identifiers
)


def record(policies: Path = infra.REPO / "policies") -> dict[tuple[str, int], object]:
    """The compiled form of every regex the packs in `policies` make (see the module doc)."""
    with precompiled.recording() as found:
        for policy in load_directory(policies):
            for rule in policy.rules:
                examples = (*rule.spec.examples.trigger, *rule.spec.examples.no_trigger)
                for example in examples:
                    text, context = example_context(rule.spec, example)
                    policy.evaluate_text(text, context)
            for lang in LANGUAGES:
                for text in FIRST_NEED:
                    policy.evaluate_text(text, RuleContext(lang=lang))
        return dict(found)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    path = Path(args[0]) if args else precompiled.PATH
    entries = record()
    precompiled.write(entries, path)
    print(f"{len(entries)} compiled regexes of the shipped packs written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
