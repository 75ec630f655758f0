"""A Python model whose inputs, settings and code are unchanged is not re-run (smallfirms.memo).

A scale-0.02 world is built up to two cheap Python models (the large recruiters' propensities and
La Bonne Boîte's predictions). A second run keeps both tables and says so; one changed row of the
propensities' input makes that model compute again while the other is still kept; so do a changed
var (the trimming level, compiled into the model's code) and a table altered behind the memo's
back; and SMALLFIRMS_RECOMPUTE=1 forces both. A model fingerprints only the columns it reads: a
change to another column keeps it.
"""

from __future__ import annotations

import json
import os

import duckdb
import pytest
from worlds import dbt_build, generate, query

PROPENSITIES = "int_large_recruiter_propensities"
LBB = "int_establishment_lbb_predictions"
OPTIONS = ["--exclude-resource-type", "unit_test", "test"]


def _kept(output: str) -> set[str]:
    return {
        model
        for model in (PROPENSITIES, LBB)
        if f"{model}: inputs, settings and code unchanged" in output
    }


def _rows(database, model: str) -> list[tuple]:
    return sorted(query(database, f"select * from intermediate.{model}"), key=str)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("memo")
    raw, database = work / "raw", work / "warehouse.duckdb"
    generate(raw, "0.02", "42")
    built = dbt_build(raw, database, work, "--select", f"+{PROPENSITIES}", f"+{LBB}", *OPTIONS)
    assert built.returncode == 0, built.output[-3000:]
    assert _kept(built.output) == set()  # a fresh warehouse has no fingerprint: both compute
    return raw, database, work


def _run(world, *extra: str, env: dict[str, str] | None = None):
    raw, database, work = world
    if env:
        os.environ.update(env)
    try:
        done = dbt_build(raw, database, work, "--select", PROPENSITIES, LBB, *OPTIONS, *extra)
    finally:
        for name in env or {}:
            os.environ.pop(name)
    assert done.returncode == 0, done.output[-3000:]
    return done.output


def test_unchanged_inputs_keep_both_tables_and_say_so(world):
    database = world[1]
    before = {model: _rows(database, model) for model in (PROPENSITIES, LBB)}
    output = _run(world)
    assert _kept(output) == {PROPENSITIES, LBB}
    assert {model: _rows(database, model) for model in (PROPENSITIES, LBB)} == before
    log = (world[2] / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert f"{PROPENSITIES}: inputs, settings and code unchanged" in log


def test_one_changed_input_row_reruns_only_the_model_that_reads_it(world):
    database = world[1]
    assigned = "intermediate.int_large_recruiters_assigned"
    with duckdb.connect(str(database)) as con:
        # A view in the warehouse: frozen into a table of the same name, then one row changed.
        con.execute(f"create table intermediate.frozen as select * from {assigned}")
        con.execute(f"drop view {assigned}")
        con.execute("alter table intermediate.frozen rename to int_large_recruiters_assigned")
        con.execute(
            f"update {assigned} set lookback_hires = lookback_hires + 1"
            f" where siren = (select min(siren) from {assigned})"
        )
    assert _kept(_run(world)) == {LBB}
    assert _kept(_run(world)) == {PROPENSITIES, LBB}  # and the new fingerprint is kept


def test_a_changed_var_an_altered_table_or_the_switch_rerun_it(world):
    database = world[1]
    trim = json.dumps({"dr_propensity_trim": 0.99})
    assert PROPENSITIES not in _kept(_run(world, "--vars", trim))
    assert PROPENSITIES in _kept(_run(world, "--vars", trim))
    assert PROPENSITIES not in _kept(_run(world))  # back to the project's trim: computed again
    with duckdb.connect(str(database)) as con:
        con.execute(f"delete from intermediate.{PROPENSITIES} where rowid = 0")
    assert _kept(_run(world)) == {LBB}
    assert _kept(_run(world, env={"SMALLFIRMS_RECOMPUTE": "1"})) == set()


def test_a_change_the_model_does_not_read_keeps_it(world):
    """La Bonne Boîte's lines read the lags, the band and the département, and the outcome of the
    training anchor only: a new outcome for the scoring anchor (what every delivery refreshes) or a
    feature the lines do not use keeps them; one training outcome computes them again."""
    features = "intermediate.int_establishment_anchor_features"
    with duckdb.connect(str(world[1])) as con:
        con.execute(
            f"update {features} set next_half_year_hires_known = next_half_year_hires_known + 1,"
            f" offers_3_months = offers_3_months + 1 where anchor_name = 'scoring'"
        )
    assert LBB in _kept(_run(world))
    with duckdb.connect(str(world[1])) as con:
        con.execute(
            f"update {features} set next_half_year_hires_known = next_half_year_hires_known + 1"
            f" where anchor_name = 'training' and siret = (select min(siret) from {features}"
            " where anchor_name = 'training')"
        )
    assert LBB not in _kept(_run(world))
