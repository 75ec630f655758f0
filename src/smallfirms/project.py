"""The dbt project's parameters, for the tooling that runs outside dbt (rejection table, report,
score validation): the vars are written once, in dbt_project.yml, and the experiment's windows
once, in the seed experiment_calendar; both are read from there. Also what the multi-world
commands share: a dbt build of a selection into a given warehouse, and the record of a run."""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import sys
import time
from datetime import date
from functools import cache
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
PROJECT_FILE = PROJECT_DIR / "dbt_project.yml"
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


def dbt_build_models(raw: Path, database: Path, work: Path, selectors: list[str]) -> None:
    """`dbt build` of the selected seeds and models (no tests: the figures) from `raw` into
    `database`, with its target and logs under `work`; the end of dbt's output if it fails."""
    env = {
        **os.environ,
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "RAW_DATA_DIR": str(raw.resolve()),
        "DUCKDB_PATH": str(database.resolve()),
    }
    cmd = [str(Path(sys.executable).parent / "dbt"), "build", "--select", *selectors]
    cmd += ["--target-path", str(work / "target"), "--log-path", str(work / "logs"), "--quiet"]
    cmd += ["--exclude-resource-type", "unit_test", "test"]
    done = subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"dbt build failed for {raw}:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def run_record(module: str, argv: list[str]) -> dict:
    """Who produced a results file: the command, the commit, the machine, the load and the date
    (the caller adds the load after the run)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=PROJECT_DIR, capture_output=True, text=True
    ).stdout.strip()
    return {
        "command": f"python -m {module} " + " ".join(argv),
        "commit": commit,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d"),
    }
