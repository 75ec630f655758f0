"""The marts built on Spark equal the marts built on DuckDB from the same world.

Runs only under `make test-spark` (scripts/test-spark.sh), which builds both warehouses and sets
SPARK_WAREHOUSE_DIR and DUCKDB_PATH. Spark's tables are read from their Parquet files, so no Spark
session is needed here. Counts must be equal; floating-point values within 1e-9.
"""

import math
import os
from pathlib import Path

import duckdb
import pandas as pd
import pytest

SPARK_WAREHOUSE = os.environ.get("SPARK_WAREHOUSE_DIR")
if not SPARK_WAREHOUSE:
    pytest.skip("set by make test-spark only", allow_module_level=True)

# Marts built on the Python models (pyfixest, numpy): disabled on Spark (dbt_project.yml).
DUCKDB_ONLY_MARTS = {
    "eval_balance_joint_test",
    "eval_large_recruiter_overlap",
    "eval_design",
    "eval_effects",
    "eval_event_study",
    "score_calibration",
    "score_validation",
    "score_validation_summary",
}
# Set when the row is written, so it differs between any two builds.
BUILD_TIME_COLUMNS = {"detected_at"}
# Read from the shipped score, a Python model: NULL on Spark, and the call order falls back to the
# version-1 score there (prospect_targeting, README, other engines).
SHIPPED_SCORE_COLUMNS = {
    "expected_hires_next_6_months",
    "rank_in_agency",
    "is_on_call_list",
    "targeting_reason",
}
TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    path = Path(os.environ.get("DUCKDB_PATH", "data/spark/test/duckdb/warehouse.duckdb"))
    assert path.exists(), f"{path}: no DuckDB warehouse; run make test-spark"
    con = duckdb.connect()
    con.execute(f"attach '{path}' as duck (read_only)")
    yield con
    con.close()


def spark_tables(schema: str) -> set[str]:
    folder = Path(SPARK_WAREHOUSE) / f"{schema}.db"
    return {table.name for table in folder.iterdir() if table.is_dir()}


def read_spark(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pd.DataFrame:
    folder = Path(SPARK_WAREHOUSE) / f"{schema}.db" / table
    files = sorted(str(file) for file in folder.glob("*.parquet"))
    assert files, f"{folder}: no Parquet file"
    return con.execute("select * from read_parquet(?)", [files]).df()


def read_duckdb(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> pd.DataFrame:
    return con.execute(f'select * from duck."{schema}"."{table}"').df()


def duckdb_marts(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "select table_name from information_schema.tables"
        " where table_catalog = 'duck' and table_schema = 'marts'"
    ).fetchall()
    return {name for (name,) in rows}


def is_float(series: pd.Series) -> bool:
    return pd.api.types.is_float_dtype(series.dtype)


def normalised(frame: pd.DataFrame, float_columns: list[str]) -> pd.DataFrame:
    """Columns by name; rows in a canonical order: exact columns first, then rounded floats."""
    frame = frame[sorted(frame.columns)].copy()
    exact = [column for column in frame.columns if column not in float_columns]
    for column in exact:
        frame[column] = frame[column].map(lambda value: None if pd.isna(value) else str(value))
    order = frame[exact].fillna("\x00")
    for column in float_columns:
        frame[column] = frame[column].astype("float64")
        order[column] = frame[column].round(6).fillna(-math.inf)
    ranks = order.sort_values(list(order.columns), kind="stable").index
    return frame.loc[ranks].reset_index(drop=True)


def differences(duck: pd.DataFrame, spark: pd.DataFrame) -> list[str]:
    found = []
    if set(duck.columns) != set(spark.columns):
        return [f"columns differ: {sorted(set(duck.columns) ^ set(spark.columns))}"]
    if len(duck) != len(spark):
        return [f"row counts differ: DuckDB {len(duck)}, Spark {len(spark)}"]
    float_columns = [c for c in duck.columns if is_float(duck[c]) or is_float(spark[c])]
    duck, spark = normalised(duck, float_columns), normalised(spark, float_columns)
    for column in duck.columns:
        left, right = duck[column], spark[column]
        if column in float_columns:
            both_null = left.isna() & right.isna()
            close = (left - right).abs() <= TOLERANCE * right.abs().clip(lower=1.0)
            bad = ~(both_null | close.fillna(False))
        else:
            bad = ~((left == right) | (left.isna() & right.isna()))
        if bad.any():
            row = bad.idxmax()
            found.append(
                f"{column}: {int(bad.sum())} rows differ, e.g. DuckDB {left[row]!r} vs "
                f"Spark {right[row]!r}"
            )
    return found


def test_spark_builds_every_mart_but_the_python_ones(con):
    assert spark_tables("marts") == duckdb_marts(con) - DUCKDB_ONLY_MARTS
    # a new mart must join the comparison below
    assert set(COMPARED_MARTS) == duckdb_marts(con) - DUCKDB_ONLY_MARTS


COMPARED_MARTS = sorted(
    {
        "agency_pairs",
        "cohort_large_recruiters",
        "cohort_small_firms",
        "eval_balance",
        "eval_monthly_outcomes",
        "eval_satisfaction",
        "eval_satisfaction_bounds",
        "eval_service_funnel",
        "firm_month_outcomes",
        "firm_period_outcomes",
        "large_pilot_list_issues",
        "prospect_targeting",
        "rejected_rows",
        "sector_hiring_rates",
    }
)


@pytest.mark.parametrize("table", COMPARED_MARTS)
def test_mart_is_the_same_on_both_engines(con, table):
    skipped = list(
        BUILD_TIME_COLUMNS | (SHIPPED_SCORE_COLUMNS if table == "prospect_targeting" else set())
    )
    duck = read_duckdb(con, "marts", table).drop(columns=skipped, errors="ignore")
    spark = read_spark(con, "marts", table).drop(columns=skipped, errors="ignore")
    assert len(duck) > 0 or table == "rejected_rows", f"{table} is empty on DuckDB"
    assert differences(duck, spark) == []


def test_raw_lines_and_pseudonyms_are_the_same_on_both_engines(con):
    # Spark reads the declarations in parallel splits (make test-spark makes them small): the line
    # numbers must still be the file's, and the salted SHA-256 of the NIR the same hex text.
    columns = ["declaration_id", "raw_line", "person_id", "rejection_rule"]
    duck = read_duckdb(con, "staging", "base_dpae__hire_declarations")[columns]
    spark = read_spark(con, "staging", "base_dpae__hire_declarations")[columns]
    assert len(duck) > 100_000
    assert differences(duck, spark) == []
