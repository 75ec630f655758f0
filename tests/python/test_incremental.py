"""An incremental run of the hire-declaration fact equals a full refresh of the same data.

One scale-0.02 world (seed 42) is split into two deliveries of `hire_declarations.csv`:
- the first holds the rows declared before the cut day, except a few declared in the three days
  before it, held back to arrive late;
- the second, appended to the file, holds the late rows, the rows declared from the cut day on, a
  re-delivered declaration_id (a `duplicate_id`), a second declaration of an already loaded hire
  (merged by int_hires_deduplicated) and a row whose declaration date does not parse (`bad_type`).

The first delivery is built, the second appended and run incrementally; the final file is built
with --full-refresh into another warehouse; every table of staging, intermediate and marts that
depends on the hire declarations must match row for row. The same incremental run with a look-back
of 0 days must miss exactly the late rows, which shows the run really was incremental.
"""

from __future__ import annotations

import csv
import json
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
from worlds import dbt_build, generate, query

SCALE, SEED = "0.02", "42"
CUT_DAY = date(2018, 3, 1)
LATE_DAYS = 3
FILE = "hire_declarations.csv"
# Every model that depends on the hire declarations, with all they read (`@`); the statistics run
# with few replications (their results are compared, not judged).
SELECT = ["@base_dpae__hire_declarations"]
VARS = {"bootstrap_reps": 99, "design_bootstrap_reps": 19}
# Seeds and models: the data tests are `make test`'s business.
OPTIONS = ["--exclude-resource-type", "unit_test", "test"]
# Stamped with the run's start time, so never equal between two builds; and the size the history
# file had when each row was loaded, which grows from one delivery to the next.
RUN_STAMPED = {
    ("int_raw_rows_rejected", "detected_at"),
    ("rejected_rows", "detected_at"),
    ("base_dpae__hire_declarations", "delivery_bytes"),
    ("base_dpae__hire_declarations", "loaded_at"),
    ("stg_dpae__hire_declarations", "loaded_at"),
    ("int_hires_deduplicated", "loaded_at"),
}


def _build(
    raw: Path, database: Path, work: Path, *extra: str, select: list[str] = SELECT, **dbt_vars: int
) -> None:
    args = ["--select", *select, *OPTIONS, "--vars", json.dumps({**VARS, **dbt_vars}), *extra]
    done = dbt_build(raw, database, work, *args)
    assert done.returncode == 0, done.output[-3000:]


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _hire_key(row: dict[str, str]) -> tuple[str, ...]:
    return row["siret"], row["nir"], row["date_embauche"], row["nature_contrat"]


def _day(row: dict[str, str]) -> date:
    return date.fromisoformat(row["date_declaration"][:10])


def _split(rows: list[dict[str, str]]) -> tuple[list[dict], list[dict], dict[str, list[str]]]:
    """The two deliveries, and the declaration ids planted in the second, by kind."""
    # Late rows come from the days before the last one of the first delivery, so that even without
    # look-back they fall before its latest declaration.
    late_days = (CUT_DAY - timedelta(days=LATE_DAYS), CUT_DAY - timedelta(days=1))
    first, late, new = [], [], []
    for row in rows:
        day = _day(row)
        if day >= CUT_DAY:
            new.append(row)
        elif late_days[0] <= day < late_days[1] and len(late) < 5:
            late.append(row)
        else:
            first.append(row)
    assert len(late) == 5 and new, "the test world has no rows around the cut day"
    hire_keys = Counter(_hire_key(r) for r in rows)
    valid_cdi = [r for r in first if r["nature_contrat"] == "CDI" and hire_keys[_hire_key(r)] == 1]
    valid_cdi = valid_cdi[:2]
    stamp = f"{CUT_DAY.isoformat()} 10:00:00"
    reused_id = {**valid_cdi[0], "date_declaration": stamp}
    second_declaration = {
        **valid_cdi[1],
        "declaration_id": "DINC0000001",
        "date_declaration": stamp,
    }
    undated = {**valid_cdi[1], "declaration_id": "DINC0000002", "date_declaration": "01/03/2018"}
    second = late + new + [reused_id, second_declaration, undated]
    planted = {
        "late": [r["declaration_id"] for r in late],
        "reused_id": [reused_id["declaration_id"]],
        "second_declaration": [second_declaration["declaration_id"]],
        "undated": [undated["declaration_id"]],
    }
    return first, second, planted


def _tables(database: Path) -> list[tuple[str, str]]:
    sql = """
        select table_schema, table_name from information_schema.tables
        where table_schema in ('staging', 'intermediate', 'marts') order by 1, 2
    """
    return [(s, t) for s, t in query(database, sql)]


def _differences(left: Path, right: Path, schema: str, table: str) -> int:
    """Rows of one table that are not in the other (both ways, duplicates counted). Doubles are
    compared to 9 decimals and 12 significant digits: parallel sums may move their last bits (a
    z-score of 0 comes out as 1e-17 or -0)."""
    with duckdb.connect() as con:
        con.execute(f"attach '{left}' as l (read_only)")
        con.execute(f"attach '{right}' as r (read_only)")
        columns = con.execute(
            "select column_name, data_type from information_schema.columns"
            " where table_catalog = 'l' and table_schema = ? and table_name = ?"
            " order by ordinal_position",
            [schema, table],
        ).fetchall()
        exprs = [
            f"printf('%.12g', round(\"{c}\", 9) + 0.0)" if t in ("DOUBLE", "FLOAT") else f'"{c}"'
            for c, t in columns
            if (table, c) not in RUN_STAMPED
        ]
        select = ", ".join(exprs)
        l_rel, r_rel = f"l.{schema}.{table}", f"r.{schema}.{table}"
        sql = f"""
            select count(*) from (
                (select {select} from {l_rel} except all select {select} from {r_rel})
                union all
                (select {select} from {r_rel} except all select {select} from {l_rel})
            )
        """
        return con.execute(sql).fetchone()[0]


def _assert_same_tables(incremental: Path, refreshed: Path, tables: list[tuple[str, str]]) -> None:
    """Both warehouses hold the same tables, row for row."""
    assert _tables(incremental) == tables
    different = {
        f"{schema}.{table}": n
        for schema, table in tables
        if (n := _differences(incremental, refreshed, schema, table))
    }
    assert different == {}


def _warehouse(work: Path, name: str) -> Path:
    """A warehouse file in a folder of its own, with the name every test build gives its file (so
    that the builds share dbt's parse: worlds.dbt_build)."""
    (work / name).mkdir(exist_ok=True)
    return work / name / "warehouse.duckdb"


def _first_and_full_builds(first: Path, final: Path, work: Path) -> tuple[Path, Path]:
    """The first delivery built into one warehouse and, at the same time, the final files built
    with --full-refresh into another."""
    incremental, refreshed = _warehouse(work, "incremental"), _warehouse(work, "refreshed")
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(_build, first, incremental, work / "t_first"),
            pool.submit(_build, final, refreshed, work / "t_full", "--full-refresh"),
        ]
        for job in jobs:
            job.result()
    return incremental, refreshed


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("incremental")
    final = work / "raw_final"
    generate(final, SCALE, SEED)
    header, rows = _read(final / FILE)
    first, second, planted = _split(rows)
    _write(final / FILE, header, first + second)

    delivered = work / "raw_delivered"
    shutil.copytree(final, delivered)
    _write(delivered / FILE, header, first)

    incremental, refreshed = _first_and_full_builds(delivered, final, work)

    # The second delivery is appended; the same warehouse is copied for a run without look-back.
    shutil.copyfile(final / FILE, delivered / FILE)
    no_lookback = _warehouse(work, "no_lookback")
    shutil.copyfile(incremental, no_lookback)
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(_build, delivered, incremental, work / "t_inc"),
            pool.submit(
                _build,
                delivered,
                no_lookback,
                work / "t_inc0",
                select=["base_dpae__hire_declarations"],
                hire_declarations_lookback_days=0,
            ),
        ]
        for job in jobs:
            job.result()
    return {
        "incremental": incremental,
        "refreshed": refreshed,
        "no_lookback": no_lookback,
        "planted": planted,
        "raw_rows": len(first) + len(second),
    }


def test_every_table_depending_on_hires_matches_a_full_refresh(worlds: dict) -> None:
    tables = _tables(worlds["refreshed"])
    assert ("staging", "base_dpae__hire_declarations") in tables
    assert ("intermediate", "int_establishment_month_outcomes") in tables
    assert ("marts", "eval_effects") in tables
    _assert_same_tables(worlds["incremental"], worlds["refreshed"], tables)


def test_the_second_delivery_is_loaded_with_its_rules(worlds: dict) -> None:
    base = "staging.base_dpae__hire_declarations"
    db, planted = worlds["incremental"], worlds["planted"]
    assert query(db, f"select count(*) from {base}") == [(worlds["raw_rows"],)]
    rules = dict(
        query(
            db,
            f"select declaration_id, coalesce(rejection_rule, 'valid') from {base}"
            " where raw_line = (select max(raw_line) from staging.base_dpae__hire_declarations"
            " as b where b.declaration_id = base_dpae__hire_declarations.declaration_id)"
            " and declaration_id in (select unnest(?))",
            [sum(planted.values(), [])],
        )
    )
    assert all(rules[i] == "valid" for i in planted["late"] + planted["second_declaration"])
    assert rules[planted["reused_id"][0]] == "duplicate_id"
    assert rules[planted["undated"][0]] == "bad_type"
    (merged,) = planted["second_declaration"]
    hires = query(
        db,
        "select n_declarations from intermediate.int_hires_deduplicated as h"
        " inner join staging.stg_dpae__hire_declarations as s"
        " on h.siret = s.siret and h.person_id = s.person_id and h.hire_date = s.hire_date"
        " and h.nature_contrat = s.nature_contrat where s.declaration_id = ?",
        [merged],
    )
    assert hires == [(2,)]
    rejected = query(
        db,
        "select rule from marts.rejected_rows where source_table = 'hire_declarations'"
        " and raw_key = ?",
        [planted["reused_id"][0]],
    )
    assert rejected == [("duplicate_id",)]


def test_without_look_back_exactly_the_late_rows_are_missed(worlds: dict) -> None:
    sql = "select declaration_id from staging.base_dpae__hire_declarations"
    full = {r[0] for r in query(worlds["refreshed"], sql)}
    seen = {r[0] for r in query(worlds["no_lookback"], sql)}
    assert full - seen == set(worlds["planted"]["late"])


# --------------------------------------------------------------------------------------------
# Daily delivery files: hire_declarations.csv holds the history and hire_declarations/ one file
# per delivery day, named by its date (DuckDB).

DELIVERY_DAYS = (date(2018, 3, 1), date(2018, 3, 2), date(2018, 3, 5))
FOLDER = "hire_declarations"


def _deliveries(rows: list[dict[str, str]]) -> tuple[list[dict], list[list[dict]]]:
    """The history (declared before the first delivery day) and three delivery files, each holding
    the rows declared from its day to the next delivery day; the second also re-sends a declaration
    id of the history (a duplicate_id) and a row whose declaration date does not parse."""
    history = [r for r in rows if _day(r) < DELIVERY_DAYS[0]]
    files = []
    for k, day in enumerate(DELIVERY_DAYS):
        end = DELIVERY_DAYS[k + 1] if k + 1 < len(DELIVERY_DAYS) else date.max
        files.append([r for r in rows if day <= _day(r) < end])
    assert history and all(files), "the test world has no rows around the delivery days"
    cdi = next(r for r in history if r["nature_contrat"] == "CDI")
    files[1] += [
        {**cdi, "date_declaration": "2018-03-02 11:00:00"},
        {**cdi, "declaration_id": "DDEL0000001", "date_declaration": "02/03/2018"},
    ]
    return history, files


def _deliver(raw: Path, header: list[str], files: list[list[dict]], days=DELIVERY_DAYS) -> None:
    (raw / FOLDER).mkdir(exist_ok=True)
    for day, rows in zip(days, files, strict=False):
        _write(raw / FOLDER / f"{day.isoformat()}.csv", header, rows)


@pytest.fixture(scope="module")
def delivered(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("deliveries")
    final = work / "raw_final"
    generate(final, SCALE, SEED)
    header, rows = _read(final / FILE)
    history, files = _deliveries(rows)
    _write(final / FILE, header, history)
    daily = work / "raw_daily"
    shutil.copytree(final, daily)
    _deliver(final, header, files)
    _deliver(daily, header, files[:1])

    incremental, refreshed = _first_and_full_builds(daily, final, work)
    for k in (2, 3):  # the second and third deliveries: a daily run each, of what they reach
        _deliver(daily, header, files[:k])
        _build(daily, incremental, work / f"t_day{k}", select=["base_dpae__hire_declarations+"])
    return {
        "work": work,
        "daily": daily,
        "header": header,
        "files": files,
        "incremental": incremental,
        "refreshed": refreshed,
        "raw_rows": len(history) + sum(len(f) for f in files),
    }


def test_three_daily_deliveries_applied_incrementally_match_a_full_refresh(delivered) -> None:
    tables = _tables(delivered["refreshed"])
    _assert_same_tables(delivered["incremental"], delivered["refreshed"], tables)
    base = "staging.base_dpae__hire_declarations"
    counts = dict(
        query(delivered["incremental"], f"select delivery_file, count(*) from {base} group by 1")
    )
    expected = {
        f"{day.isoformat()}.csv": len(f)
        for day, f in zip(DELIVERY_DAYS, delivered["files"], strict=True)
    }
    assert {k: v for k, v in counts.items() if k != FILE} == expected
    assert sum(counts.values()) == delivered["raw_rows"]
    rules = dict(
        query(
            delivered["incremental"],
            f"select coalesce(rejection_rule, 'valid'), count(*) from {base}"
            " where delivery_file = '2018-03-02.csv' group by 1",
        )
    )
    assert rules.get("duplicate_id") == 1 and rules.get("bad_type") == 1


# A row-by-row test of the fact, read on its latest load (`where: __latest_load__`).
SLICED_TEST = "test.small_firm_recruitment.not_null_base_dpae__hire_declarations_raw_line"


def _sliced_test_failures(raw: Path, database: Path, work: Path) -> int:
    """The fact's data tests run alone on ``database``: the rows SLICED_TEST finds at fault."""
    done = dbt_build(
        raw, database, work, "--select", "base_dpae__hire_declarations", "--resource-type", "test"
    )
    results = work / "target" / "run_results.json"
    assert results.is_file(), done.output[-3000:]
    for result in json.loads(results.read_text(encoding="utf-8"))["results"]:
        if result["unique_id"].rsplit(".", 1)[0] == SLICED_TEST:
            return int(result["failures"])
    raise AssertionError(f"{SLICED_TEST} did not run:\n{done.output[-3000:]}")


def test_a_daily_run_tests_its_new_slice_and_a_full_build_every_row(delivered) -> None:
    base = "staging.base_dpae__hire_declarations"
    work = delivered["work"]
    daily, full = _warehouse(work, "slice_daily"), _warehouse(work, "slice_full")
    shutil.copyfile(delivered["incremental"], daily)
    shutil.copyfile(delivered["refreshed"], full)
    oldest = f"raw_line = (select min(raw_line) from {base})"  # a history row, loaded first
    newest = (  # a row of the last daily run
        f"raw_line = (select max(raw_line) from {base}"
        f" where loaded_at = (select max(loaded_at) from {base}))"
    )
    for database, rows in ((daily, (oldest, newest)), (full, (oldest,))):
        with duckdb.connect(str(database)) as con:
            for row in rows:
                con.execute(f"update {base} set raw_line = null where {row}")
    (stamps,) = query(daily, f"select count(distinct loaded_at) from {base}")[0]
    assert stamps == 3, "the first build and two daily runs should each have stamped their rows"
    # The daily warehouse: the history row's fault is outside the slice, the new row's inside it.
    assert _sliced_test_failures(delivered["daily"], daily, work / "t_slice_daily") == 1
    # A full build stamped every row alike: the same history row's fault is found.
    assert _sliced_test_failures(delivered["daily"], full, work / "t_slice_full") == 1


def _run_daily(delivered: dict, name: str):
    return dbt_build(
        delivered["daily"],
        delivered["incremental"],
        delivered["work"] / name,
        "--select",
        "base_dpae__hire_declarations",
        *OPTIONS,
    )


def test_a_delivery_is_never_loaded_twice(delivered) -> None:
    base = "staging.base_dpae__hire_declarations"
    before = query(delivered["incremental"], f"select count(*) from {base}")
    folder = delivered["daily"] / FOLDER
    second = folder / "2018-03-02.csv"
    # Re-sent unchanged: read no more, loaded no more.
    second.write_bytes(second.read_bytes())
    done = _run_daily(delivered, "t_same")
    assert done.returncode == 0, done.output[-3000:]
    assert query(delivered["incremental"], f"select count(*) from {base}") == before
    # and that run read nothing: every file it saw was loaded already
    assert query(delivered["incremental"], "select count(*) from raw.hire_declarations__new") == [
        (0,)
    ]
    # Re-sent with one more row: refused in one line that names the file, nothing loaded.
    original = second.read_bytes()
    with second.open("a", encoding="utf-8", newline="") as handle:
        handle.write(original.decode("utf-8").splitlines()[-1] + "\n")
    done = _run_daily(delivered, "t_resent")
    second.write_bytes(original)
    assert done.returncode != 0
    lines = [
        line for line in done.output.splitlines() if "2018-03-02.csv: file-level error" in line
    ]
    assert len(lines) == 1 and "re-sent" in lines[0] and "Traceback" not in done.output
    # A new file dated before a loaded delivery: refused too.
    early = folder / "2018-03-01b.csv"
    early.write_bytes(original)
    done = _run_daily(delivered, "t_badname")
    early.unlink()
    assert done.returncode != 0 and "named by its delivery date" in done.output
    late_comer = folder / "2018-02-28.csv"
    late_comer.write_bytes(original)
    done = _run_daily(delivered, "t_order")
    late_comer.unlink()
    assert (
        done.returncode != 0 and "2018-02-28.csv: file-level error, delivered after" in done.output
    )
    assert query(delivered["incremental"], f"select count(*) from {base}") == before
