"""Print what a build produced: row counts of the main tables and where the warehouse file is."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

# (schema, table) pairs shown after `make run`, in the order a newcomer meets them.
MAIN_TABLES: tuple[tuple[str, str], ...] = (
    ("staging", "stg_pole_emploi__agencies"),
    ("staging", "stg_sirene__legal_units"),
    ("staging", "stg_sirene__establishments"),
    ("staging", "stg_dpae__hire_declarations"),
    ("staging", "stg_pole_emploi__jobseeker_spells"),
    ("staging", "stg_pole_emploi__job_offers"),
    ("staging", "stg_pole_emploi__counsellor_actions"),
    ("staging", "stg_pole_emploi__satisfaction_answers"),
    ("marts", "sector_hiring_rates"),
    ("marts", "prospect_targeting"),
    ("marts", "score_validation"),
    ("marts", "agency_pairs"),
    ("marts", "cohort_small_firms"),
    ("marts", "cohort_large_recruiters"),
    ("marts", "large_pilot_list_issues"),
    ("marts", "eval_balance"),
    ("marts", "rejected_rows"),
)


def table_counts(database: Path) -> list[tuple[str, int | None]]:
    """Row count of each main table that exists (None when the table is missing)."""
    counts: list[tuple[str, int | None]] = []
    with duckdb.connect(str(database), read_only=True) as con:
        existing = {
            (schema, name)
            for schema, name in con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }
        for schema, name in MAIN_TABLES:
            if (schema, name) in existing:
                (n,) = con.execute(f'select count(*) from "{schema}"."{name}"').fetchone()
                counts.append((f"{schema}.{name}", int(n)))
            else:
                counts.append((f"{schema}.{name}", None))
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument(
        "--published", type=Path, help="the published copy of the marts (BI reads it)"
    )
    args = parser.parse_args(argv)
    if not args.database.exists():
        print(f"{args.database}: no warehouse here; run `make run` first")
        return 1
    print(f"Warehouse (build file): {args.database.resolve()}")
    for name, n in table_counts(args.database):
        shown = "missing" if n is None else f"{n:>12,}"
        print(f"  {name:<45} {shown}")
    if args.published is not None:
        state = "" if args.published.exists() else " (not published yet: run `make publish`)"
        print(f"Published marts for BI and analysts: {args.published.resolve()}{state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
