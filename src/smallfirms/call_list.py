"""Export the call list of one agency (or all) to CSV, for the counsellors who call.

The list at capacity: each agency's first `calls_per_agency` prospects (dbt var) in call order,
by expected hires over the next six months, with the priority flag and the reason on every row
(`--all-prospects`: every prospect, in the same order). Reads marts.prospect_targeting; firm-level
data for the service's staff only, never to publish.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import duckdb

# Output column -> SQL expression on marts.prospect_targeting.
COLUMNS = {
    "code_agence": "code_agence",
    "rank_in_agency": "rank_in_agency",
    "siret": "siret",
    "naf_code": "naf_code",
    "tranche_effectifs": "tranche_effectifs",
    "is_priority_prospect": "cast(is_priority_prospect as varchar)",
    "lookback_hires": "lookback_hires",
    "expected_hires_next_6_months": "round(expected_hires_next_6_months, 1)",
    "targeting_reason": "targeting_reason",
}


def export_call_list(
    database: Path, out: Path, agency: str | None = None, all_prospects: bool = False
) -> int:
    """Write the call list of `agency` (every agency when None) in call order: the list at
    capacity, or every prospect with `all_prospects`; return the count."""
    where = ("is_prospect" if all_prospects else "is_on_call_list") + (
        " and code_agence = ?" if agency else ""
    )
    params = [agency] if agency else []
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            f"select {', '.join(f'{sql} as {name}' for name, sql in COLUMNS.items())} "
            f"from marts.prospect_targeting where {where} "
            "order by code_agence, rank_in_agency",
            params,
        ).fetchall()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument("--agency", help="code_agence, e.g. 54011 (default: every agency)")
    parser.add_argument("--out", type=Path, required=True, help="the CSV file to write")
    parser.add_argument(
        "--all-prospects", action="store_true", help="every prospect, not only the list at capacity"
    )
    args = parser.parse_args(argv)
    n = export_call_list(args.database, args.out, args.agency, args.all_prospects)
    if n == 0:
        print(
            f"no prospect for agency {args.agency}: nothing written to {args.out}", file=sys.stderr
        )
        return 1
    print(f"{args.out}: {n:,} prospects" + (f" of agency {args.agency}" if args.agency else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
