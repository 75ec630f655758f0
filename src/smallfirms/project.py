"""The dbt project's parameters, for the tooling that runs outside dbt (rejection table, report,
score validation): the vars are written once, in dbt_project.yml, and the experiment's windows
once, in the seed experiment_calendar; both are read from there."""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from pathlib import Path

import yaml

PROJECT_FILE = Path(__file__).resolve().parents[2] / "dbt_project.yml"
CALENDAR_FILE = PROJECT_FILE.parent / "seeds" / "experiment_calendar.csv"


@cache
def project_vars() -> dict[str, object]:
    """The `vars` block of dbt_project.yml (plain values: none of them is templated)."""
    return dict(yaml.safe_load(PROJECT_FILE.read_text(encoding="utf-8"))["vars"])


@cache
def calendar() -> dict[str, tuple[date, date]]:
    """The windows of the seed experiment_calendar: name -> (first day, last day)."""
    with CALENDAR_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            row["window_name"]: (
                date.fromisoformat(row["start_date"]),
                date.fromisoformat(row["end_date"]),
            )
            for row in csv.DictReader(handle)
        }


def duckdb_file_literal(path: Path) -> str:
    """A file path as a SQL string literal DuckDB's readers (read_csv, read_parquet, glob) match
    literally: they read a path as a pattern, so [, * and ? become one-character classes (as the
    macro duckdb_literal_path does), and a quote is doubled."""
    text = str(path).replace("[", "[[]").replace("*", "[*]").replace("?", "[?]")
    return "'" + text.replace("'", "''") + "'"
