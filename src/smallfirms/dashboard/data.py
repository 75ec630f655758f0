"""Read the published marts and format their figures; no Streamlit here, so tests can use it.

The dashboard reads only the published copy of the marts (PUBLISHED_PATH, written by
`smallfirms.publish`), never the build file: a connection held on the build file would make the
next `dbt build` fail on its lock. Each read opens a read-only connection and closes it, so a new
publication (an atomic rename) is seen at the next read.
"""

from __future__ import annotations

import math
import os
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import yaml

from smallfirms.formatting import MISSING, absent, percent_label
from smallfirms.formatting import p_value as p_value  # the views format with data.p_value
from smallfirms.project import calendar, project_vars

DEFAULT_PUBLISHED_PATH = Path("data/published/warehouse.duckdb")
SCHEMA = "marts"
SUPPRESSED = "suppressed"
UNBOUNDED = "unbounded"


class DashboardDataError(Exception):
    """The published file cannot be read; the message is the one line shown."""


def published_path() -> Path:
    """The published DuckDB file: PUBLISHED_PATH, or the default of `make publish`."""
    value = os.environ.get("PUBLISHED_PATH", "").strip()
    return Path(value) if value else DEFAULT_PUBLISHED_PATH


def check_published(path: Path) -> None:
    """Raise DashboardDataError with one line when path is not a published file."""
    if not path.is_file():
        raise DashboardDataError(
            f"{path}: no published warehouse here; run `make run` first "
            "(or set PUBLISHED_PATH to a file written by `make publish`)"
        )


def read_tables(path: Path, queries: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Run each named query on a read-only connection to path; one line on any failure."""
    check_published(path)
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            return {name: con.execute(sql).df() for name, sql in queries.items()}
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DashboardDataError(f"{path}: cannot read the published marts ({first_line})") from exc


def count(value: object) -> str:
    """A count of firms or answers: 1,637."""
    return MISSING if absent(value) else f"{int(value):,}"


def signed(value: object, digits: int = 3) -> str:
    """An effect or an SMD: +0.205, -0.012; an infinite interval bound is "unbounded"."""
    if absent(value):
        return MISSING
    number = float(value)
    if math.isinf(number):
        return UNBOUNDED
    return f"{number:+.{digits}f}"


def plain(value: object, digits: int = 3) -> str:
    """A statistic without sign: a standard error, a mean, an F statistic."""
    return MISSING if absent(value) else f"{float(value):,.{digits}f}"


def interval(low: object, high: object) -> str:
    """A confidence interval: [+0.109, +0.297]."""
    return f"[{signed(low)}, {signed(high)}]"


def percent(value: object) -> str:
    """A rate or a share: 66.0 %."""
    return MISSING if absent(value) else f"{100 * float(value):.1f} %"


def cell(value: object, is_suppressed: object, formatter=count) -> str:
    """A mart cell as shown: "suppressed" under the publishing rule (never 0), else formatted."""
    if is_suppressed is True or (not absent(is_suppressed) and bool(is_suppressed)):
        return SUPPRESSED
    return formatter(value)


def project_var(name: str) -> object:
    """A var of dbt_project.yml (e.g. the confidence level), or None when it cannot be read.

    Marts carry the figures; the few parameters no mart repeats are read where they are set."""
    try:
        return project_vars().get(name)
    except (OSError, yaml.YAMLError, KeyError, TypeError):
        return None


def window_start(name: str) -> date | None:
    """The first day of a window of the seed experiment_calendar, or None when it cannot be read."""
    try:
        return calendar()[name][0]
    except (OSError, KeyError, ValueError):
        return None


def interval_title() -> str:
    """The interval's column title: "95 % interval" from var confidence_level."""
    try:
        return f"{percent_label(project_var('confidence_level'))} interval"
    except (TypeError, ValueError):
        return "confidence interval"


def publishing_rule() -> str:
    """The publishing rule in words, from vars publish_min_firms and publish_max_firm_share."""
    min_firms, max_share = project_var("publish_min_firms"), project_var("publish_max_firm_share")
    try:
        return (
            f"a figure over fewer than {int(min_firms)} firms, or dominated by one firm (above "
            f"{percent_label(max_share)} of the total)"
        )
    except (TypeError, ValueError):
        return "a figure over too few firms, or dominated by one firm"
