"""The evaluation report: self-contained, numbers from the marts, suppressed cells shown as such,
byte-identical across runs, one clear line on a bad database."""

import re
import sys
from pathlib import Path

import duckdb
import pytest
from worlds import TEST_PUBLISHED, TEST_WAREHOUSE, run

from smallfirms import report


def _published() -> Path:
    """The published test warehouse (`make test` sets PUBLISHED_PATH), else the build file."""
    candidates = [
        TEST_PUBLISHED,
        TEST_WAREHOUSE,
    ]
    for path in candidates:
        if path.is_file():
            with duckdb.connect(str(path), read_only=True) as con:
                found = con.execute(
                    "select count(*) from information_schema.tables "
                    "where table_schema = 'marts' and table_name = 'eval_effects'"
                ).fetchone()[0]
            if found:
                return path
    pytest.skip(
        f"no warehouse with marts.eval_effects in {' or '.join(map(str, candidates))}: "
        "run `make test-build` (or set PUBLISHED_PATH)"
    )


def _report(database: Path, out: Path) -> str:
    cmd = [sys.executable, "-m", "smallfirms.report", "--database", str(database)]
    done = run(cmd + ["--out", str(out)])
    assert done.returncode == 0, done.output
    return out.read_text(encoding="utf-8")


def test_report_of_the_test_warehouse_is_self_contained_and_quotes_the_marts(tmp_path):
    database = _published()
    page = _report(database, tmp_path / "report.html")
    # self-contained: no script, no stylesheet link, no URL at all (SVG namespaces dropped)
    assert "<script" not in page and "<link" not in page
    assert "http://" not in page and "https://" not in page
    assert page.count("<svg") == page.count("</svg>") == 9  # one per chart
    assert "is not in this warehouse" not in page
    with duckdb.connect(str(database), read_only=True) as con:
        estimate, low, high, n_pilot = con.execute(
            "select estimate, ci_low, ci_high, n_pilot from marts.eval_effects where experiment = "
            "'small_firms' and outcome = 'hires' and subgroup = 'all' and estimand = 'ITT'"
        ).fetchone()
        (rate,) = con.execute(
            "select satisfied_rate from marts.eval_satisfaction "
            "where population = 'all_firms' and survey_window = 'evaluation_survey'"
        ).fetchone()
    row = re.search(r"<tr><td>small_firms</td><td>hires</td><td>all</td><td>ITT</td>.*?</tr>", page)
    assert row, "no table row for the small-firm hires ITT"
    assert f">{report.fmt(estimate)}<" in row.group(0)
    assert f">{report.fmt_ci(low, high)}<" in row.group(0)
    assert f">{report.fmt(n_pilot)}<" in row.group(0)
    assert report.share(rate) in page


def test_two_runs_give_the_same_bytes(tmp_path):
    database = _published()
    first = _report(database, tmp_path / "first.html")
    second = _report(database, tmp_path / "second.html")
    assert first.encode() == second.encode()


def test_suppressed_cells_read_suppressed_never_zero(tmp_path):
    database = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.eval_effects as select * from (values
                ('small_firms', 'hires', 'all', 'ITT', 0.25, 0.05, 0.15, 0.35, 0.001, 0.01, 512,
                 'wild', 100, 100, 18, null, false),
                ('small_firms', 'hires', 'all', 'TOT', 0.5, 0.1, 0.2, 'inf'::double, 0.001, 0.01,
                 512, 'wild', 100, 100, 18, 0.5, false),
                ('small_firms', 'hires', 'region:27', 'ITT', null, null, null, null, null, null, 8,
                 'wild', 2, 40, 6, null, true),
                ('small_firms', 'hires', 'region:44', 'ITT', 0.31, 0.2, -0.2, 0.8, 0.0456, 0.25,
                 8, 'wild', 40, 40, 6, null, false)
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
        # the first layout of eval_balance, without is_suppressed
        con.execute(
            """
            create table marts.eval_balance as select * from (values
                ('small_firms', 'lookback_hires', 1, 100, 100, 1.0, 0.9, 2.0, 0.05, false)
            ) as t(experiment, covariate, covariate_order, n_pilot, n_control, mean_pilot,
                   mean_control, sd_pooled, smd, is_imbalanced)
            """
        )
    page = report.render(database)
    cells = re.findall(r'<td class="[^"]*suppressed[^"]*">([^<]*)</td>', page)
    assert cells and set(cells) == {report.SUPPRESSED}
    # the suppressed region row: its seven figures suppressed (estimate, interval, p, family p,
    # both RI p-values, SE), and no "+0.000" anywhere
    region_row = re.search(
        r"<tr><td>small_firms</td><td>hires</td><td>region:27</td>.*?</tr>", page
    )
    assert region_row and region_row.group(0).count(f">{report.SUPPRESSED}<") == 7
    assert "+0.000" not in page
    # an older layout without is_descriptive: a region's p-values are shown as they were
    assert "0.046" in page
    satisfaction_row = re.search(r"<tr><td>pilot</td><td>evaluation_survey</td>.*?</tr>", page)
    assert satisfaction_row and satisfaction_row.group(0).count(f">{report.SUPPRESSED}<") == 2
    # in the charts too: the forest plot by subgroup and the satisfaction bars say it in words
    svg_words = re.findall(r"<text[^>]*>([^<]*)</text>", page)
    assert svg_words.count(report.SUPPRESSED) == 2
    # an infinite bound is "unbounded", in the table and beside the forest plot
    assert f"[{report.fmt(0.2)}, {report.UNBOUNDED}]" in page
    assert page.count(report.UNBOUNDED) >= 2
    # missing marts are skipped with a note, the rest is drawn (2 forests, satisfaction, balance)
    assert "marts.eval_service_funnel is not in this warehouse" in page
    assert "marts.eval_balance_joint_test is not in this warehouse" in page
    assert page.count("<svg") == 4


def test_descriptive_subgroups_show_no_confirmatory_p_value(tmp_path):
    """A regional subgroup (3 treated clusters) is descriptive: its estimate and interval are
    shown, its p-values are not."""
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.eval_effects as select * from (values
                ('small_firms', 'hires', 'all', 'ITT', 0.25, 0.05, 0.15, 0.35, 0.0011, 0.0117,
                 0.0039, 0.0313, true, null, false, 512, 'wild', 100, 100, 18, null, false),
                ('small_firms', 'hires', 'region:44', 'ITT', 0.31, 0.2, -0.2, 0.8, 0.0456, 0.25,
                 0.25, null, false, null, true, 8, 'wild', 40, 40, 6, null, false)
            ) as t(experiment, outcome, subgroup, estimand, estimate, std_error, ci_low, ci_high,
                   p_value, p_value_ri, ri_min_p_value, p_value_ri_block, is_primary,
                   p_value_family, is_descriptive, n_ri_assignments, inference, n_pilot,
                   n_control, n_clusters, first_stage, is_suppressed)
            """
        )
    page = report.render(database)
    region_row = re.search(
        r"<tr><td>small_firms</td><td>hires</td><td>region:44</td>.*?</tr>", page
    )
    assert region_row and region_row.group(0).count(f">{report.DESCRIPTIVE}<") == 4
    assert "0.046" not in region_row.group(0) and "0.250" not in region_row.group(0)
    overall = re.search(r"<tr><td>small_firms</td><td>hires</td><td>all</td>.*?</tr>", page)
    assert overall and "0.001 (primary)" in overall.group(0)
    assert "0.012 (≥ 0.004)" in overall.group(0)


@pytest.mark.parametrize("content", [None, b"this is not a duckdb file\n" * 100])
def test_a_missing_or_bad_database_is_one_line(tmp_path, content):
    database = tmp_path / "bad.duckdb"
    if content is not None:
        database.write_bytes(content)
    cmd = [sys.executable, "-m", "smallfirms.report", "--database", str(database)]
    done = run(cmd + ["--out", str(tmp_path / "r.html")])
    assert done.returncode == 1
    assert done.output.startswith(f"report: cannot open {database}: ")
    assert len(done.output.strip().splitlines()) == 1, done.output
    assert not (tmp_path / "r.html").exists()
