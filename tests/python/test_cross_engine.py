"""The same world gives the same marts on DuckDB and on Postgres.

Inside `make test-postgres`: the Postgres warehouse is the one the script built; the DuckDB one is
built here from the same raw folder (the marts enabled on both engines and what they read). Every
mart is compared row by row after sorting: same columns, same row count, integers, texts, booleans
and dates equal, floats within 1e-9 (absolute, or relative for values above 1).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import duckdb
import pytest
from worlds import dbt_build

pytestmark = pytest.mark.postgres

# When the build ran, not what it found: differs between any two builds, on any engine.
RUN_TIME_COLUMNS = {("rejected_rows", "detected_at")}
# Read from the shipped score, a Python model: NULL on Postgres, where the call order falls back to
# the version-1 score (prospect_targeting, README, other engines).
SHIPPED_SCORE_COLUMNS = {
    ("prospect_targeting", column)
    for column in (
        "expected_hires_next_6_months",
        "rank_in_agency",
        "is_on_call_list",
        "targeting_reason",
    )
}
TOLERANCE = 1e-9
MARTS_DIR = Path(__file__).resolve().parents[2] / "models" / "marts"
# Built on the Python models (estimation, LBB-style line, joint test): DuckDB only (docs/engines).
DUCKDB_ONLY_MARTS = {
    "eval_effects",
    "eval_event_study",
    "eval_design",
    "eval_balance_joint_test",
    "eval_large_recruiter_overlap",
    "score_calibration",
    "score_validation",
    "score_validation_summary",
}


def postgres_rows(sql: str) -> tuple[list[str], list[tuple]]:
    import psycopg2

    connection = psycopg2.connect()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        connection.close()


def postgres_marts() -> list[str]:
    _, rows = postgres_rows(
        "select table_name from information_schema.tables where table_schema = 'marts' "
        "order by table_name"
    )
    return [name for (name,) in rows]


@pytest.fixture(scope="module")
def duckdb_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = Path(os.environ["RAW_DATA_DIR"])
    work = tmp_path_factory.mktemp("cross_engine")
    database = work / "warehouse.duckdb"
    selection = [f"+{mart}" for mart in postgres_marts()]
    done = dbt_build(
        raw,
        database,
        work,
        "--select",
        *selection,
        "--exclude",
        "resource_type:test",
        "resource_type:unit_test",
    )
    assert done.returncode == 0, done.output[-3000:]
    return database


def is_float(value: object) -> bool:
    return isinstance(value, float)


def sort_key(row: tuple) -> tuple:
    """Exact columns first (the mart's key is among them), then the floats, rounded."""
    exact = tuple((v is None, "" if v is None else v) for v in row if not is_float(v))
    floats = tuple((v is None, 0.0 if v is None else round(v, 6)) for v in row if is_float(v))
    return exact + floats


def same_value(left: object, right: object) -> bool:
    if is_float(left) or is_float(right):
        if left is None or right is None:
            return left is None and right is None
        left, right = float(left), float(right)
        if math.isnan(left) or math.isnan(right):
            return math.isnan(left) and math.isnan(right)
        if math.isinf(left) or math.isinf(right):
            return left == right
        return abs(left - right) <= TOLERANCE * max(1.0, abs(left), abs(right))
    return left == right


def compare_mart(name: str, database: Path) -> list[str]:
    """The differences between the two engines' copies of one mart, as readable lines."""
    with duckdb.connect(str(database), read_only=True) as con:
        result = con.execute(f"select * from marts.{name}")
        duck_columns = [d[0] for d in result.description]
        duck = result.fetchall()
    pg_columns, pg = postgres_rows(f"select * from marts.{name}")
    if duck_columns != pg_columns:
        return [f"{name}: columns differ: duckdb {duck_columns}, postgres {pg_columns}"]
    if len(duck) != len(pg):
        return [f"{name}: {len(duck)} rows on duckdb, {len(pg)} on postgres"]
    kept = [
        i
        for i, c in enumerate(duck_columns)
        if (name, c) not in RUN_TIME_COLUMNS | SHIPPED_SCORE_COLUMNS
    ]
    duck = sorted((tuple(r[i] for i in kept) for r in duck), key=sort_key)
    pg = sorted((tuple(r[i] for i in kept) for r in pg), key=sort_key)
    differences = []
    for duck_row, pg_row in zip(duck, pg, strict=True):
        for position, (left, right) in enumerate(zip(duck_row, pg_row, strict=True)):
            if not same_value(left, right):
                column = duck_columns[kept[position]]
                differences.append(
                    f"{name}.{column}: duckdb {left!r}, postgres {right!r} (row {duck_row})"
                )
    return differences


def test_every_mart_but_the_python_ones_is_on_postgres() -> None:
    every_mart = {path.stem for path in MARTS_DIR.rglob("*.sql")}
    assert set(postgres_marts()) == every_mart - DUCKDB_ONLY_MARTS


@pytest.mark.parametrize(
    "mart",
    postgres_marts()
    if os.environ.get("DBT_TARGET") == "postgres" and os.environ.get("PGHOST")
    else [],
)
def test_mart_is_the_same_on_both_engines(duckdb_warehouse: Path, mart: str) -> None:
    differences = compare_mart(mart, duckdb_warehouse)
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:20])


def test_pseudonyms_are_the_same_on_both_engines(duckdb_warehouse: Path) -> None:
    # The salted SHA-256 of the NIR is spelled differently per engine (pseudonymise macro); a person
    # must get the same person_id everywhere, or joins across engines' extracts would break.
    sql = (
        "select declaration_id, person_id from staging.stg_dpae__hire_declarations "
        "order by declaration_id limit 2000"
    )
    with duckdb.connect(str(duckdb_warehouse), read_only=True) as con:
        on_duckdb = con.execute(sql).fetchall()
    _, on_postgres = postgres_rows(sql)
    assert len(on_duckdb) == 2000
    assert on_postgres == on_duckdb
