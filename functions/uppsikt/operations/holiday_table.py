"""Write, or check, the holiday table a cold start reads (uppsikt/clocks/closed_days.json).

The table holds the `holidays` library's answers, per counted country and category, for the
years a clock or a report asks about in practice (`YEARS`); other years still ask the library
(`clocks.business_time.closed_days`). Run it after upgrading the library or changing the
counted categories; `tests/unit/clocks/test_holiday_table.py` fails until then.

    python -m uppsikt.operations.holiday_table           # write
    python -m uppsikt.operations.holiday_table --check   # exit 1 if the file differs
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from uppsikt.clocks.business_time import HOLIDAY_TABLE, holiday_table

# A report reaches back a few years and a response clock a few weeks ahead; the rest of the
# century costs an import, once per cold start, and nothing else.
YEARS = range(2020, 2041)


def rendered() -> str:
    """The file's text: one line per country and year, so a library change reads as a diff."""
    table = holiday_table(YEARS)
    lines = ["{", f'  "categories": {json.dumps(table["categories"])},', '  "days": {']
    countries = list(table["days"].items())
    for i, (country, years) in enumerate(countries):
        lines.append(f"    {json.dumps(country)}: {{")
        rows = [f"      {json.dumps(y)}: {json.dumps(days)}" for y, days in years.items()]
        lines.append(",\n".join(rows))
        lines.append("    }" + ("," if i < len(countries) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="compare; write nothing")
    args = parser.parse_args(argv)
    text = rendered()
    if args.check:
        current = HOLIDAY_TABLE.read_text(encoding="utf-8") if HOLIDAY_TABLE.exists() else ""
        if current != text:
            print(f"{HOLIDAY_TABLE.name} differs from the library: run this without --check")
            return 1
        return 0
    HOLIDAY_TABLE.write_text(text, encoding="utf-8")
    print(f"wrote {HOLIDAY_TABLE} ({len(text.encode())} bytes, years {YEARS[0]}-{YEARS[-1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
