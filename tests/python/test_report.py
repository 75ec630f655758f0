"""The evaluation report: self-contained, numbers from the marts, suppressed cells shown as such,
byte-identical across runs, one clear line on a bad database."""

import os
import re
import sys
from pathlib import Path

import duckdb
import pytest
from worlds import run

from smallfirms import report


def _published() -> Path:
    for name in ("PUBLISHED_PATH", "DUCKDB_PATH"):
        path = Path(os.environ.get(name, ""))
        if path.is_file():
            with duckdb.connect(str(path), read_only=True) as con:
                found = con.execute(
                    "select count(*) from information_schema.tables "
                    "where table_schema = 'marts' and table_name = 'eval_effects'"
                ).fetchone()[0]
            if found:
                return path
    pytest.fail("no built warehouse with marts.eval_effects (PUBLISHED_PATH, DUCKDB_PATH)")


def test_report_of_the_test_warehouse_is_self_contained_and_quotes_the_marts(tmp_path):
    database = _published()
    out = tmp_path / "report.html"
    done = run(
        [sys.executable, "-m", "smallfirms.report", "--database", str(database), "--out", str(out)]
    )
    assert done.returncode == 0, done.output
    page = out.read_text()
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"(src|href)=[\"']https?://", page)
    assert page.count("<svg") == 9  # one per chart
    with duckdb.connect(str(database), read_only=True) as con:
        estimate, low, high = con.execute(
            "select estimate, ci_low, ci_high from marts.eval_effects where experiment = "
            "'small_firms' and outcome = 'hires' and subgroup = 'all' and estimand = 'ITT'"
        ).fetchone()
    assert f"[{report.fmt(low)}, {report.fmt(high)}]" in page
    assert report.fmt(estimate) in page
    again = tmp_path / "again.html"
    run(
        [
            sys.executable,
            "-m",
            "smallfirms.report",
            "--database",
            str(database),
            "--out",
            str(again),
        ]
    )
    assert again.read_bytes() == out.read_bytes()


def test_suppressed_cells_read_suppressed_never_zero(tmp_path):
    database = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.eval_effects as select * from (values
                ('small_firms', 'hires', 'all', 'ITT', 0.25, 0.05, 0.15, 0.35, 0.001, 0.01, 512,
                 'wild', 100, 100, 18, null, false),
                ('small_firms', 'hires', 'region:27', 'ITT', null, null, null, null, null, null, 8,
                 'wild', 2, 40, 6, null, true)
            ) as t(experiment, outcome, subgroup, estimand, estimate, std_error, ci_low, ci_high,
                   p_value, p_value_ri, n_ri_assignments, inference, n_pilot, n_control,
                   n_clusters, first_stage, is_suppressed)
            """
        )
        con.execute(
            """
            create table marts.eval_satisfaction as select * from (values
                ('pilot', 'evaluation_survey', 2, null, null, null, 0.66, 0.71, true),
                ('control', 'evaluation_survey', 30, 30, 20, 0.6667, 0.66, 0.71, false)
            ) as t(population, survey_window, n_firms, n_answers, n_satisfied, satisfied_rate,
                   reference_rate_small_firms, reference_rate_all_firms, is_suppressed)
            """
        )
    page = report.render(database)
    cells = re.findall(r'<td class="[^"]*suppressed[^"]*">([^<]*)</td>', page)
    assert cells and set(cells) == {report.SUPPRESSED}
    # the suppressed region row: five suppressed figures, and no "+0.000" anywhere
    region_row = re.search(
        r"<tr><td>small_firms</td><td>hires</td><td>region:27</td>.*?</tr>", page
    )
    assert region_row and region_row.group(0).count(f">{report.SUPPRESSED}<") == 5
    assert "+0.000" not in page
    satisfaction_row = re.search(r"<tr><td>pilot</td><td>evaluation_survey</td>.*?</tr>", page)
    assert satisfaction_row and satisfaction_row.group(0).count(f">{report.SUPPRESSED}<") == 2
    assert "marts.eval_funnel" not in page and "is not in this warehouse" in page


def test_a_missing_database_is_one_line(tmp_path):
    done = run(
        [
            sys.executable,
            "-m",
            "smallfirms.report",
            "--database",
            str(tmp_path / "none.duckdb"),
            "--out",
            str(tmp_path / "r.html"),
        ]
    )
    assert done.returncode == 1
    assert done.output.strip().startswith("report: cannot open")
    assert "Traceback" not in done.output
