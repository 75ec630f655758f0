"""The semantic layer gives the marts' figures: `mf query` for the key metrics against the built
test warehouse, each compared with the same figure computed in SQL from the marts, by a route of
its own where there is one (hires from the period panel, not the monthly one the metric sums; the
contacted share from the service funnel; satisfied rates from the mart's own column).

mf reads the semantic manifest from <project>/target/ (a path it does not let one change): the test
parses a scratch copy of the project, so it checks the YAML as it is now and never touches the
project's own target/."""

import csv
import json
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest
from worlds import DBT, PROJECT_DIR, TEST_WAREHOUSE, run

MF = Path(sys.executable).parent / "mf"
# What dbt parses (files, then folders): the project without target/, data/ or .venv/.
PROJECT_FILES = ("dbt_project.yml", "profiles.yml")
PROJECT_FOLDERS = ("models", "macros", "seeds", "analyses", "tests")


@pytest.fixture(scope="module")
def mf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment mf runs in: a scratch copy of the project with a fresh semantic manifest,
    and a copy of the warehouse.

    dbt-duckdb opens its file for writing, which the session's read-only connection (conftest)
    blocks; the copy keeps the file's name, the catalog the manifest's relations are named in."""
    source = TEST_WAREHOUSE
    assert source.exists(), f"{source}: no warehouse; run `make test-build` first"
    work = tmp_path_factory.mktemp("semantic")
    project = work / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        shutil.copyfile(PROJECT_DIR / name, project / name)
    for name in PROJECT_FOLDERS:
        shutil.copytree(PROJECT_DIR / name, project / name)
    database = work / source.name
    shutil.copyfile(source, database)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, database.with_name(database.name + ".wal"))
    env = {
        **os.environ,
        "DBT_PROJECT_DIR": str(project),
        "DBT_PROFILES_DIR": str(project),
        "DBT_TARGET": "duckdb",
        "DUCKDB_PATH": str(database),
    }
    done = run([str(DBT), "parse", "--quiet"], env)
    assert done.returncode == 0, done.output[-3000:]
    return env


def test_every_semantic_model_element_and_metric_is_described(mf_env):
    manifest = json.loads((Path(mf_env["DBT_PROJECT_DIR"]) / "target/manifest.json").read_text())
    models = manifest["semantic_models"].values()
    metrics = manifest["metrics"].values()
    assert models and metrics, "no semantic model or no metric in the manifest"
    items = [(f"semantic model {m['name']}", m["description"]) for m in models]
    items += [
        (f"{m['name']}.{element['name']}", element["description"])
        for m in models
        for kind in ("entities", "dimensions", "measures")
        for element in m[kind]
    ]
    items += [(f"metric {m['name']}", m["description"]) for m in metrics]
    bare = sorted(name for name, text in items if not (text or "").strip() or "{{" in text)
    assert not bare, f"undescribed (or with an unrendered doc()): {bare}"


def mf_query(env: dict[str, str], tmp_path: Path, *args: str) -> list[dict[str, str]]:
    """The rows of `mf query ARGS`, read from the CSV file mf writes."""
    out = tmp_path / "result.csv"
    done = run([str(MF), "query", *args, "--csv", str(out), "--quiet"], env)
    assert done.returncode == 0 and out.exists(), done.output[-3000:]
    with out.open(newline="") as handle:
        return list(csv.DictReader(handle))


def number(value: str) -> float | None:
    return float(value) if value not in ("", "None") else None


def test_the_time_spine_covers_the_data_window_day_by_day(warehouse: duckdb.DuckDBPyConnection):
    spine = warehouse.execute(
        "select count(*), count(distinct date_day), min(date_day), max(date_day)"
        " from semantic.time_spine_daily"
    ).fetchone()
    start, end = warehouse.execute(
        "select start_date, end_date from seeds.experiment_calendar where window_name = 'data'"
    ).fetchone()
    days = (end - start).days + 1
    assert spine == (days, days, start, end)


def test_hires_by_experiment_cohort_and_period_match_the_period_panel(mf_env, tmp_path, warehouse):
    rows = mf_query(
        mf_env,
        tmp_path,
        "--metrics",
        "hires,durable_hires",
        "--group-by",
        "unit_month__experiment,unit_month__cohort,unit_month__period",
        "--where",
        "{{ Dimension('unit_month__period') }} is not null",
    )
    semantic = {
        (r["unit_month__experiment"], r["unit_month__cohort"], r["unit_month__period"]): (
            number(r["hires"]),
            number(r["durable_hires"]),
        )
        for r in rows
    }
    expected = {
        (experiment, cohort, period): (float(hires), float(durable))
        for experiment, cohort, period, hires, durable in warehouse.execute(
            """
            select experiment, cohort, period, sum(hires), sum(durable_hires)
            from marts.firm_period_outcomes
            group by experiment, cohort, period
            """
        ).fetchall()
    }
    assert len(expected) == 8  # 2 experiments × 2 cohorts × 2 periods
    assert semantic == expected


def test_targeting_counts_and_hiring_rate_per_agency_match_the_targeting_mart(
    mf_env, tmp_path, warehouse
):
    rows = mf_query(
        mf_env,
        tmp_path,
        "--metrics",
        "eligible_firms,prospects,priority_prospects,hiring_rate",
        "--group-by",
        "establishment__code_agence",
    )
    semantic = {
        r["establishment__code_agence"]: (
            number(r["eligible_firms"]),
            number(r["prospects"]),
            number(r["priority_prospects"]),
            number(r["hiring_rate"]),
        )
        for r in rows
    }
    expected = {
        agency: (float(eligible), float(prospects), float(priority), rate)
        for agency, eligible, prospects, priority, rate in warehouse.execute(
            """
            select
                code_agence,
                count(*),
                count(*) filter (where is_prospect),
                count(*) filter (where is_priority_prospect),
                sum(lookback_hires) / sum(headcount_estimate)
            from marts.prospect_targeting
            group by code_agence
            """
        ).fetchall()
    }
    assert expected, "no eligible firm in the warehouse"
    assert semantic.keys() == expected.keys()
    for agency, (eligible, prospects, priority, rate) in expected.items():
        assert semantic[agency][:3] == (eligible, prospects, priority), agency
        assert semantic[agency][3] == pytest.approx(rate, rel=1e-9), agency


def test_contacted_share_per_pilot_agency_matches_the_service_funnel(mf_env, tmp_path, warehouse):
    rows = mf_query(
        mf_env,
        tmp_path,
        "--metrics",
        "contacted_share",
        "--group-by",
        "small_firm__code_agence",
        "--where",
        "{{ Dimension('small_firm__cohort') }} = 'pilot'",
    )
    semantic = {r["small_firm__code_agence"]: number(r["contacted_share"]) for r in rows}
    funnel = dict(
        warehouse.execute(
            """
            select code_agence, share_of_prospects
            from marts.eval_service_funnel
            where stage = 'contacted' and not is_total and not is_suppressed
            """
        ).fetchall()
    )
    assert funnel, "every agency's contacted stage is suppressed: nothing to compare"
    assert set(funnel) <= set(semantic)
    assert {agency: semantic[agency] for agency in funnel} == pytest.approx(funnel, rel=1e-9)


def test_satisfied_rate_by_population_and_window_matches_the_satisfaction_mart(
    mf_env, tmp_path, warehouse
):
    rows = mf_query(
        mf_env,
        tmp_path,
        "--metrics",
        "satisfied_rate",
        "--group-by",
        "satisfaction_cell__population,satisfaction_cell__survey_window",
    )
    semantic = {
        (r["satisfaction_cell__population"], r["satisfaction_cell__survey_window"]): number(
            r["satisfied_rate"]
        )
        for r in rows
    }
    expected = dict(
        ((population, window), rate)
        for population, window, rate in warehouse.execute(
            "select population, survey_window, satisfied_rate from marts.eval_satisfaction"
        ).fetchall()
    )
    assert semantic.keys() == expected.keys()
    # A suppressed cell stays hidden (NULL) in the metric too.
    hidden = {cell for cell, rate in expected.items() if rate is None}
    assert {cell for cell, rate in semantic.items() if rate is None} == hidden
    shown = {cell: rate for cell, rate in expected.items() if rate is not None}
    assert {cell: semantic[cell] for cell in shown} == pytest.approx(shown, rel=1e-9)
