"""Print what a build produced: row counts of the main tables and where the warehouse file is."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import duckdb

from smallfirms.formatting import percent_label
from smallfirms.project import project_vars
from smallfirms.world.calibration import print_table

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
    ("marts", "firm_period_outcomes"),
    ("marts", "eval_effects"),
    ("marts", "eval_satisfaction"),
    ("marts", "eval_service_funnel"),
    ("marts", "rejected_rows"),
)

# The effects a newcomer looks at first: (experiment, outcome, estimand, label).
HEADLINE_EFFECTS: tuple[tuple[str, str, str, str], ...] = (
    ("small_firms", "hires", "ITT", "small firms, hires per firm (ITT)"),
    ("small_firms", "hires", "TOT", "small firms, hires per contacted firm (TOT)"),
    ("small_firms", "satisfied", "ITT", "small firms, satisfied share (ITT)"),
    ("large_recruiters", "furthest_jobseeker_hires", "ITT", "large recruiters, furthest hires"),
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


def headline_effects(database: Path) -> list[str]:
    """One line per headline effect of `marts.eval_effects` (subgroup `all`); none if missing."""
    lines = []
    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'marts' and table_name = 'eval_effects'"
        ).fetchone()[0]
        if not found:
            return lines
        for experiment, outcome, estimand, label in HEADLINE_EFFECTS:
            row = con.execute(
                "select estimate, ci_low, ci_high, p_value, p_value_ri, is_suppressed "
                "from marts.eval_effects where experiment = ? and outcome = ? "
                "and subgroup = 'all' and estimand = ?",
                [experiment, outcome, estimand],
            ).fetchone()
            if row is None:
                continue
            estimate, low, high, p_value, p_ri, suppressed = row
            if suppressed:
                lines.append(f"  {label:<45} suppressed (publishing rule)")
                continue
            ri = "" if p_ri is None else f", RI p {p_ri:.3f}"
            lines.append(
                f"  {label:<45} {estimate:+.3f} [{low:+.3f}, {high:+.3f}], p {p_value:.3f}{ri}"
            )
    return lines


def print_world_calibration(raw_dir: Path) -> None:
    """The generated world's calibration table (target, tolerance, produced), when there is one:
    delivered extracts have no _world.json."""
    record = raw_dir / "_world.json"
    if not record.exists():
        return
    rows = json.loads(record.read_text(encoding="utf-8")).get("calibration", [])
    if rows:
        print(f"Synthetic world calibration ({record}; sources in the file):")
        print_table(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB warehouse file")
    parser.add_argument(
        "--published", type=Path, help="the published copy of the marts (BI reads it)"
    )
    parser.add_argument(
        "--raw-dir", type=Path, help="the raw folder: its _world.json calibration table is shown"
    )
    args = parser.parse_args(argv)
    if args.raw_dir is not None:
        print_world_calibration(args.raw_dir)
    if not args.database.exists():
        print(f"{args.database}: no warehouse here; run `make run` first")
        return 1
    print(f"Warehouse (build file): {args.database.resolve()}")
    for name, n in table_counts(args.database):
        shown = "missing" if n is None else f"{n:>12,}"
        print(f"  {name:<45} {shown}")
    effects = headline_effects(args.database)
    if effects:
        level = percent_label(project_vars()["confidence_level"])
        print(f"Effects (estimate [{level} CI], p-value; marts.eval_effects):")
        print("\n".join(effects))
    if args.published is not None:
        state = "" if args.published.exists() else " (not published yet: run `make publish`)"
        print(f"Published marts for BI and analysts: {args.published.resolve()}{state}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
