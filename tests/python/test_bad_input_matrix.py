"""Bad-input matrix: known bad rows and bad files go through pre-flight and `dbt build`.

Row level: a world generated with ``--defects`` (scale 0.02, seed 11) records every planted row in
``_truth/defects.csv``; the build must pass and ``marts.rejected_rows`` must hold exactly the
planted rows that break a rule, each with the rule expected first, and nothing else.
File level: copies of one small clean world, each broken in one way.

Every dbt call has its own warehouse, target and log folders under pytest's tmp folder, and
builds the quarantine only: the staging models, marts.rejected_rows, everything upstream (seeds)
and every test whose parents are all among them (the rejected-share thresholds, the
reconciliation, the quarantine unit tests). Downstream models are not the matrix's business, and
building them too would double the run time.
"""

from __future__ import annotations

import csv
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from worlds import Run, dbt_build, generate, run
from worlds import query as _query

from smallfirms.defects import NOT_REJECTED, TRUTH_FILE

STAGING = {
    "agencies": "stg_pole_emploi__agencies",
    "communes": "stg_pole_emploi__communes",
    "legal_units": "stg_sirene__legal_units",
    "establishments": "stg_sirene__establishments",
    "hire_declarations": "stg_dpae__hire_declarations",
    "jobseeker_spells": "stg_pole_emploi__jobseeker_spells",
    "job_offers": "stg_pole_emploi__job_offers",
    "counsellor_actions": "stg_pole_emploi__counsellor_actions",
    "satisfaction_answers": "stg_pole_emploi__satisfaction_answers",
    "large_recruiter_enrolments": "stg_pole_emploi__large_recruiter_enrolments",
}
REJECTED_CLASSES = (
    "siret_luhn",
    "unknown_siret_in_hires",
    "unknown_commune",
    "not_in_set",
    "out_of_range",
    "date_order",
    "duplicate_id",
)
PER_CLASS = 5
QUARANTINE = ["--select", "+path:models/staging", "+rejected_rows"]
QUARANTINE += ["--indirect-selection", "cautious"]


@dataclass
class Built:
    raw: Path
    database: Path
    preflight: Run
    dbt: Run


def _generate(out: Path, scale: float, defects: bool) -> None:
    generate(out, str(scale), "11", *(["--defects"] if defects else []))


def _preflight(raw: Path) -> Run:
    return run([sys.executable, "-m", "smallfirms.preflight", str(raw)])


def _dbt_build(raw: Path, work: Path, quiet: bool = True, *extra: str) -> Run:
    """`dbt build` of the quarantine over the files in ``raw`` into ``work/warehouse.duckdb``."""
    args = [*QUARANTINE, *(["--quiet"] if quiet else []), *extra]
    return dbt_build(raw, work / "warehouse.duckdb", work, *args)


def _build(raw: Path, quiet: bool = True) -> Built:
    work = raw.parent
    return Built(raw, work / "warehouse.duckdb", _preflight(raw), _dbt_build(raw, work, quiet))


def _count(database: Path, relation: str) -> int:
    return _query(database, f"select count(*) from {relation}")[0][0]


def _error_lines(run: Run) -> list[str]:
    return [line for line in run.output.splitlines() if line.startswith("preflight error:")]


# --------------------------------------------------------------------------------------------
# row-level defects: one world, one build


@pytest.fixture(scope="module")
def defects(tmp_path_factory: pytest.TempPathFactory) -> Built:
    raw = tmp_path_factory.mktemp("defects") / "raw"
    _generate(raw, 0.02, defects=True)
    return _build(raw)


@pytest.fixture(scope="module")
def truth(defects: Built) -> list[dict[str, str]]:
    with (defects.raw / TRUTH_FILE).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def rejected(defects: Built) -> set[tuple]:
    """(source_table, raw_line, raw_key, rule, column_name) of every rejected row."""
    sql = "select source_table, raw_line, raw_key, rule, column_name from marts.rejected_rows"
    return set(_query(defects.database, sql))


def _rows(truth: list[dict[str, str]], defect_class: str | None = None) -> set[tuple]:
    return {
        (r["source_table"], int(r["raw_line"]), r["raw_key"], r["rule"], r["column_name"])
        for r in truth
        if r["rule"] not in NOT_REJECTED and defect_class in (None, r["defect_class"])
    }


def test_defect_world_passes_preflight_and_build(defects: Built):
    assert defects.preflight.returncode == 0, defects.preflight.output
    assert defects.dbt.returncode == 0, defects.dbt.output[-3000:]


def test_truth_has_every_class(truth: list[dict[str, str]]):
    counts: dict[str, int] = {}
    for row in truth:
        counts[row["defect_class"]] = counts.get(row["defect_class"], 0) + 1
    assert counts == {c: PER_CLASS for c in REJECTED_CLASSES} | {
        "duplicate_declaration": PER_CLASS,
        "bom": 1,
    }


@pytest.mark.parametrize("defect_class", REJECTED_CLASSES)
def test_each_class_is_rejected_exactly(
    defect_class: str, truth: list[dict[str, str]], rejected: set[tuple]
):
    """The planted rows are rejected with the rule expected, and no other row of that file is
    rejected for that rule (a cascade or a looser rule would show here)."""
    expected = {(t, line, rule, column) for t, line, _, rule, column in _rows(truth, defect_class)}
    lines = {(t, line) for t, line, _, _ in expected}
    rules = {(t, rule, column) for t, _, rule, column in expected}
    got = {
        (t, line, rule, column)
        for t, line, _, rule, column in rejected
        if (t, line) in lines or (t, rule, column) in rules
    }
    assert got == expected


def test_nothing_else_is_rejected(truth: list[dict[str, str]], rejected: set[tuple]):
    expected = _rows(truth)
    assert len(expected) == PER_CLASS * len(REJECTED_CLASSES)
    assert rejected - expected == set(), "rejected but not planted"
    assert expected - rejected == set(), "planted but not rejected (or another key or rule)"


def test_duplicate_declarations_are_staged(defects: Built, truth: list[dict[str, str]]):
    copies = [r for r in truth if r["defect_class"] == "duplicate_declaration"]
    assert {r["rule"] for r in copies} == {"merged_duplicate"}
    ids = [r["raw_key"] for r in copies]
    staged = _query(
        defects.database,
        "select c.declaration_id, count(o.declaration_id) "
        "from staging.stg_dpae__hire_declarations as c "
        "left join staging.stg_dpae__hire_declarations as o "
        "on o.siret = c.siret and o.person_id = c.person_id and o.hire_date = c.hire_date "
        "and o.nature_contrat = c.nature_contrat and o.declared_at < c.declared_at "
        "where c.declaration_id in (select unnest(?)) group by 1",
        [ids],
    )
    # each copy is staged, next to the earlier declaration of the same hire
    assert dict(staged) == {i: 1 for i in ids}
    lines = [int(r["raw_line"]) for r in copies]
    hit = _query(
        defects.database,
        "select raw_line from marts.rejected_rows "
        "where source_table = 'hire_declarations' and raw_line in (select unnest(?))",
        [lines],
    )
    assert hit == []


def test_bom_file_is_read_and_staged(defects: Built, truth: list[dict[str, str]]):
    (bom,) = [r for r in truth if r["defect_class"] == "bom"]
    table = bom["source_table"]
    path = defects.raw / f"{table}.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    columns = _query(
        defects.database,
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = ? order by ordinal_position",
        [table],
    )
    first = next(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert [c for (c,) in columns] == ["_raw_line", *first]
    n_rows = len(path.read_bytes().splitlines()) - 1
    assert _count(defects.database, f"staging.{STAGING[table]}") == n_rows
    assert _count(defects.database, f"raw.{table}") == n_rows
    assert (
        _query(
            defects.database,
            "select count(*) from marts.rejected_rows where source_table = ?",
            [table],
        )[0][0]
        == 0
    )


@pytest.mark.parametrize("table", sorted(STAGING))
def test_every_raw_row_is_staged_or_rejected(defects: Built, table: str):
    n_raw = _count(defects.database, f"raw.{table}")
    n_staged = _count(defects.database, f"staging.{STAGING[table]}")
    (n_rejected,) = _query(
        defects.database,
        "select count(*) from marts.rejected_rows where source_table = ?",
        [table],
    )[0]
    with (defects.raw / f"{table}.csv").open(encoding="utf-8-sig", newline="") as handle:
        n_file = sum(1 for _ in csv.reader(handle)) - 1
    assert n_raw == n_file
    assert n_raw == n_staged + n_rejected


# --------------------------------------------------------------------------------------------
# file-level defects: copies of one small clean world


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("clean") / "raw"
    _generate(raw, 0.01, defects=False)
    return raw


@pytest.fixture
def copy(clean: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(clean, raw)
    return raw


def _rewrite(path: Path, keep_row) -> list[list[str]]:
    """Rewrite the CSV ``path`` through ``keep_row(index, row) -> row or None`` (0 = header)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    out = [r for i, row in enumerate(rows) if (r := keep_row(i, row)) is not None]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(out)
    return out


def test_missing_column(copy: Path):
    path = copy / "establishments.csv"
    header = path.open(encoding="utf-8").readline().rstrip("\n").split(",")
    drop = header.index("code_naf")
    _rewrite(path, lambda i, row: row[:drop] + row[drop + 1 :])
    pre = _preflight(copy)
    assert pre.returncode == 1
    errors = _error_lines(pre)
    assert len(errors) == 1, pre.output
    assert str(path) in errors[0] and "code_naf" in errors[0]
    # the warehouse does not accept it either (stop at the first failure: only the code counts)
    assert _dbt_build(copy, copy.parent, True, "--fail-fast").returncode != 0


def test_empty_file(copy: Path):
    path = copy / "job_offers.csv"
    path.write_bytes(b"")
    pre = _preflight(copy)
    assert pre.returncode == 1
    errors = _error_lines(pre)
    assert len(errors) == 1, pre.output
    assert str(path) in errors[0] and "zero bytes" in errors[0]


def test_header_only_fact(copy: Path):
    _rewrite(copy / "counsellor_actions.csv", lambda i, row: row if i == 0 else None)
    built = _build(copy)
    assert built.preflight.returncode == 0, built.preflight.output
    assert built.dbt.returncode == 0, built.dbt.output[-3000:]
    assert _count(built.database, "raw.counsellor_actions") == 0
    assert _count(built.database, "staging.stg_pole_emploi__counsellor_actions") == 0


def test_too_many_rejections(copy: Path):
    path = copy / "satisfaction_answers.csv"
    n_rows = len(path.read_bytes().splitlines()) - 1
    every = 15  # one row in 15: 6.7 % of the file, above the 5 % failure threshold
    column = path.open(encoding="utf-8").readline().rstrip("\n").split(",").index("reponse")

    def corrupt(i: int, row: list[str]) -> list[str]:
        if i > 0 and i % every == 0:
            row[column] = "bof"
        return row

    _rewrite(path, corrupt)
    bad_lines = set(range(every, n_rows + 1, every))
    assert len(bad_lines) / n_rows > 0.05
    built = _build(copy, quiet=False)
    assert built.preflight.returncode == 0, built.preflight.output
    assert built.dbt.returncode != 0
    reports = re.findall(r"^(?:\S+\s+)?(rejected rows: .*)$", built.dbt.output, re.MULTILINE)
    assert [r for r in reports if "satisfaction_answers" in r and "not_in_set" in r], reports
    got = _query(
        built.database,
        "select raw_line, rule, column_name, bad_value from marts.rejected_rows "
        "where source_table = 'satisfaction_answers'",
    )
    assert set(got) == {(line, "not_in_set", "reponse", "bof") for line in bad_lines}
    assert _count(built.database, "marts.rejected_rows") == len(bad_lines)
