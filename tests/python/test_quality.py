"""GX suites: the raw contract on a small world, the marts invariants on a synthetic warehouse."""

import shutil
from pathlib import Path

import duckdb
import pytest

from smallfirms import quality
from smallfirms.generate import generate_world

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SCALE = 0.02


@pytest.fixture(scope="module")
def clean_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quality") / "raw"
    generate_world(SCALE, 42, folder, "csv", SEEDS_DIR, progress=False)
    return folder


@pytest.fixture(scope="module")
def corrupted_world(clean_world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean world with one nature_contrat turned into 'CDX' (first CDI declaration)."""
    folder = tmp_path_factory.mktemp("quality") / "raw"
    shutil.copytree(clean_world, folder)
    path = folder / "hire_declarations.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    row = next(i for i, line in enumerate(lines) if ",CDI," in line)
    lines[row] = lines[row].replace(",CDI,", ",CDX,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    return folder


def _run(capsys, *args: str) -> tuple[int, str]:
    code = quality.main(list(args))
    return code, capsys.readouterr().out


def _suite_lines(out: str, prefix: str) -> list[str]:
    return [line for line in out.splitlines() if line.startswith(f"quality {prefix}")]


# --- raw contract -----------------------------------------------------------------------------


def test_raw_suites_pass_on_a_clean_world(clean_world: Path, tmp_path: Path, capsys):
    docs = tmp_path / "docs"
    code, out = _run(capsys, "--raw-dir", str(clean_world), "--docs-dir", str(docs), "--strict-raw")
    assert code == 0, out
    lines = _suite_lines(out, "raw.")
    assert len(lines) == len(quality.contract.tables()) == 10
    assert all(" 0 failed" in line for line in lines), out
    assert all(line.endswith(f"docs {docs.resolve() / 'index.html'}") for line in lines)
    assert (docs / "index.html").is_file()


def test_raw_failure_is_reported_and_fails_only_when_strict(
    corrupted_world: Path, tmp_path: Path, capsys
):
    docs = str(tmp_path / "docs")
    code, out = _run(capsys, "--raw-dir", str(corrupted_world), "--docs-dir", docs)
    assert code == 0, out
    failed = [line for line in out.splitlines() if line.startswith("  failed")]
    assert len(failed) == 1, out
    assert "raw.hire_declarations: expect_column_values_to_be_in_set(nature_contrat)" in failed[0]
    assert "1 unexpected" in failed[0] and "'CDX'" in failed[0]
    assert "CDX" not in "".join(_suite_lines(out, "raw.agencies"))

    code, out = _run(capsys, "--raw-dir", str(corrupted_world), "--docs-dir", docs, "--strict-raw")
    assert code == 1, out


def test_sampling_is_deterministic_and_keeps_duplicate_keys_together(clean_world: Path):
    path, reader = quality.raw_file(clean_world, "hire_declarations")
    with duckdb.connect() as con:
        table = quality.contract.tables()["hire_declarations"]
        first, total = quality.read_raw(con, reader, table, 20_000)
        second, _ = quality.read_raw(con, reader, table, 20_000)
    assert total > 100_000
    assert 15_000 < len(first) < 25_000
    assert sorted(first["declaration_id"]) == sorted(second["declaration_id"])


# --- marts invariants -------------------------------------------------------------------------


def _warehouse(path: Path, **bad: object) -> Path:
    """A small warehouse with a schema marts; keyword arguments plant one defect each."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.satisfaction_by_agency as
            select * from (values
                ('54011', 0.40, 0.45, 0.50, 0.66, 0.10, 40, 12, false),
                ('54012', 0.30, 0.42, 0.55, 0.70, 0.20, 25, 5, null),
                ('54013', null, null, null, null, null, 2, null, true)
            ) t(code_agence, ci_low, estimate, ci_high, satisfied_rate, contacted_share,
                n_firms, n_hires, is_suppressed)
            """
        )
        con.execute(
            """
            create table marts.cohort_pilot as
            select * from (values ('11111111111111', true, true),
                                  ('22222222222222', false, true),
                                  ('33333333333333', false, false))
                t(siret, is_prospect, is_eligible)
            """
        )
        con.execute(
            """
            create table marts.rejected_rows as
            select * from (values ('job_offers', 'O1', 7, 'out_of_range', 'nb_postes', '0'))
                t(source_table, raw_key, raw_line, rule, column_name, bad_value)
            """
        )
        if "rate" in bad:
            con.execute(
                f"update marts.satisfaction_by_agency set satisfied_rate = {bad['rate']} "
                "where code_agence = '54012'"
            )
        if "ci_low" in bad:
            con.execute(
                f"update marts.satisfaction_by_agency set ci_low = {bad['ci_low']} "
                "where code_agence = '54011'"
            )
        if "suppressed_value" in bad:
            con.execute(
                f"update marts.satisfaction_by_agency set estimate = {bad['suppressed_value']} "
                "where is_suppressed"
            )
        if "prospect_not_eligible" in bad:
            con.execute("update marts.cohort_pilot set is_prospect = true where not is_eligible")
        if "empty_cohort" in bad:
            con.execute("delete from marts.cohort_pilot")
        if "source_table" in bad:
            con.execute(f"update marts.rejected_rows set source_table = '{bad['source_table']}'")
    return path


def test_marts_invariants_pass_on_good_tables(tmp_path: Path, capsys):
    database = _warehouse(tmp_path / "good.duckdb")
    docs = tmp_path / "docs"
    code, out = _run(capsys, "--database", str(database), "--docs-dir", str(docs))
    assert code == 0, out
    lines = {line.split(":")[0]: line for line in _suite_lines(out, "marts.")}
    assert set(lines) == {
        "quality marts.cohort_pilot",
        "quality marts.rejected_rows",
        "quality marts.satisfaction_by_agency",
    }
    # 2 bounded columns, 2 CI orderings, NULL in the 6 published value columns when suppressed.
    assert "10 expectations, 10 passed, 0 failed" in lines["quality marts.satisfaction_by_agency"]
    assert "2 expectations, 2 passed" in lines["quality marts.cohort_pilot"]
    assert (docs / "index.html").is_file()
    assert list((docs / "validations").rglob("*.html"))


def test_published_value_columns_keep_the_firm_count():
    columns = ["code_agence", "ci_low", "estimate", "ci_high", "satisfied_rate", "n_firms"]
    columns += ["n_hires", "is_suppressed", "contacted_share", "is_total", "n_units", "n_pilot"]
    assert quality.published_value_columns(columns) == [
        "ci_low",
        "estimate",
        "ci_high",
        "satisfied_rate",
        "n_hires",
        "contacted_share",
    ]


@pytest.mark.parametrize(
    ("defect", "expected"),
    [
        ({"rate": 1.2}, "expect_column_values_to_be_between(satisfied_rate)"),
        ({"ci_low": 0.47}, "expect_column_pair_values_a_to_be_greater_than_b(estimate,ci_low)"),
        (
            {"suppressed_value": 0.5},
            "expect_column_values_to_be_null(estimate) where is_suppressed == True",
        ),
        (
            {"prospect_not_eligible": True},
            "expect_column_values_to_be_in_set(is_eligible) where is_prospect == True",
        ),
        ({"empty_cohort": True}, "expect_table_row_count_to_be_between(table)"),
        ({"source_table": "offers"}, "expect_column_values_to_be_in_set(source_table)"),
    ],
    ids=[
        "rate_above_1",
        "ci_low_above_estimate",
        "suppressed_value_shown",
        "prospect_not_eligible",
        "empty_cohort",
        "unknown_source_table",
    ],
)
def test_marts_invariant_failures_exit_1(tmp_path: Path, capsys, defect: dict, expected: str):
    database = _warehouse(tmp_path / "bad.duckdb", **defect)
    code, out = _run(capsys, "--database", str(database), "--docs-dir", str(tmp_path / "docs"))
    assert code == 1, out
    failed = [line for line in out.splitlines() if line.startswith("  failed")]
    assert len(failed) == 1, out
    assert expected in failed[0]
