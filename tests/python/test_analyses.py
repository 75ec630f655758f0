"""Every analysis in analyses/ compiles and, run against the built warehouse, returns rows with the
columns an analyst expects."""

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from worlds import DBT, PROJECT_DIR, run

EXPECTED = {
    "rejected_rows_by_file_and_rule": None,  # empty on a clean world
    "top_prospects_of_an_agency": {"rank_in_agency", "siret", "targeting_reason"},
    "sector_hiring_rates_of_a_region": {"naf_division", "sector_hiring_rate", "is_suppressed"},
    "balance_of_a_cohort": {"covariate", "smd", "joint_p_value"},
    "monthly_hires_pilot_vs_control": {
        "month_start",
        "pilot_hires_per_firm",
        "control_hires_per_firm",
        "difference",
    },
    "satisfaction_by_region_and_territory": {"subgroup", "estimand", "estimate", "pilot_rate_all"},
    "service_funnel_by_agency": {"code_agence", "prospects", "contacted", "hired"},
    "score_lift_by_decile": {"decile", "decile_hires_share", "lift"},
    "large_recruiters_furthest_hires": {"cohort", "period", "furthest_hires_per_firm"},
}


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A copy of the test warehouse (dbt opens its file for writing) and the compiled analyses."""
    source = Path(os.environ.get("DUCKDB_PATH", "data/test/warehouse.duckdb"))
    assert source.is_file(), f"{source}: no warehouse; run `make test-build` first"
    work = tmp_path_factory.mktemp("analyses")
    database = work / source.name  # same file stem: the compiled SQL names the catalog by it
    shutil.copy(source, database)
    env = {
        **os.environ,
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DUCKDB_PATH": str(database),
    }
    target = work / "target"
    done = run(
        [str(DBT), "compile", "--select", "resource_type:analysis", "--target-path", str(target)]
        + ["--log-path", str(work / "logs")],
        env,
    )
    assert done.returncode == 0, done.output[-3000:]
    sql = {path.stem: path.read_text() for path in target.rglob("analyses/*.sql")}
    return database, sql


def test_every_analysis_has_a_header_and_an_expectation():
    files = sorted((PROJECT_DIR / "analyses").glob("*.sql"))
    assert len(files) >= 9
    for path in files:
        assert path.read_text().startswith("-- "), f"{path.name}: no header comment"
        assert path.stem in EXPECTED, f"{path.name}: add its expected columns to this test"


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_analysis_runs_and_returns_its_columns(compiled, name):
    database, sql = compiled
    assert name in sql, f"{name} did not compile"
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(sql[name])
        columns = {column[0] for column in cursor.description}
        rows = cursor.fetchall()
    expected = EXPECTED[name]
    if expected is None:
        return
    assert rows, f"{name}: no rows"
    assert expected <= columns, f"{name}: missing {sorted(expected - columns)}"
