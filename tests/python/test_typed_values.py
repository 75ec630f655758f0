"""Values that are text but not their contract type, or outside its range, are quarantined.

Generated from the contract: in a copy of one small clean world, one row per typed column of every
table gets a value that is no value of its type (2017-02-30, 99999999999999999999999, "maybe"),
and another row a value of its type far outside any plausible range (0017-01-01, the range's bound
plus one). The build must pass, each planted row be rejected at its column, and every raw row be
staged or rejected. A NIR shifted into other columns is rejected masked, and no bad value or raw
key in rejected_rows holds a NIR. Parquet files written by pandas with ordinary types (int64,
timestamps, booleans) are read as their CSV twins.
"""

from __future__ import annotations

import csv
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from worlds import dbt_build, generate
from worlds import query as _query

from smallfirms import contract
from smallfirms.build import NIR_PATTERN, is_text_artifact

QUARANTINE = ["--select", "+path:models/staging", "+rejected_rows"]
QUARANTINE += ["--indirect-selection", "cautious", "--quiet"]
# Two planted rows are a tenth of the small world's 20 enrolments: above the share that fails a
# build, which is not what this test is about (test_bad_input_matrix tests the shares).
SHARES = "{rejected_share_by_source: {large_recruiter_enrolments: {error: 0.5}}}"

NOT_A_VALUE = {
    "date": "2017-02-30",
    "timestamp": "2017-02-30 10:00:00",
    "integer": "99999999999999999999999",
    "boolean": "maybe",
}
# Recognisable fixture NIRs (a valid key; 2A: Corsica), planted in columns that are not `nir`.
SHIFTED_NIRS = {
    ("hire_declarations", "siret"): "185072A12345653",
    ("job_offers", "code_rome"): "2850799123456 78",
}


@dataclass(frozen=True)
class Planted:
    table: str
    raw_line: int
    column: str
    rules: frozenset[str]


def _far_value(column: contract.Column) -> str:
    """A value of the column's type outside its range rule, or outside the date span."""
    if column.type == "integer":
        (high,) = [r.checks["range"][1] for r in column.rules if "range" in r.checks]
        return str(int(high) + 1)
    return "0017-01-01" if column.type == "date" else "0017-01-01 00:00:00"


def _far_rules(column: contract.Column) -> frozenset[str]:
    """The rules a far value may break first: a range or window rule, else the date span."""
    windowed = ("range", "within_window", "not_after_window", "not_before")
    return frozenset(
        {"date_order"} | {r.rule for r in column.rules if any(c in r.checks for c in windowed)}
    )


def _references(table: contract.Table) -> list[tuple[str, str, str]]:
    """(column, referenced table, referenced column) of the table's `references` checks."""
    return [
        (column.name, rule.checks["references"]["table"], rule.checks["references"]["column"])
        for column in table.columns
        for rule in column.rules
        if "references" in rule.checks
    ]


def _in_reference_order(tables: dict[str, contract.Table]) -> list[contract.Table]:
    """Referenced tables before the tables that reference them."""
    ordered: list[contract.Table] = []
    while len(ordered) < len(tables):
        for table in tables.values():
            done = {t.name for t in ordered}
            if table.name not in done and all(
                ref in done or ref == table.name for _, ref, _ in _references(table)
            ):
                ordered.append(table)
    return ordered


def _plant(raw: Path) -> list[Planted]:
    """Breaks rows of the CSV files of ``raw`` in place; returns what was planted. A planted row
    references no row broken in another table, so that its own column is what rejects it."""
    planted: list[Planted] = []
    broken: dict[tuple[str, str], set[str]] = {}  # (table, column) -> values in broken rows
    for table in _in_reference_order(contract.tables()):
        path = raw / f"{table.name}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        header, used = rows[0], set()
        references = [
            (header.index(column), broken.get((ref, ref_column), set()))
            for column, ref, ref_column in _references(table)
        ]

        def free_row(column, rows=rows, header=header, used=used, refs=references, t=table.name):
            """The first unused data row with a value in ``column`` and intact references."""
            index = header.index(column)
            line = next(
                i
                for i in range(1, len(rows))
                if i not in used
                and rows[i][index]
                and not any(rows[i][at] in values for at, values in refs)
            )
            used.add(line)
            for at, name in enumerate(header):
                broken.setdefault((t, name), set()).add(rows[line][at])
            return line

        for column in table.columns:
            if column.type == "text":
                continue
            line = free_row(column.name)
            rows[line][header.index(column.name)] = NOT_A_VALUE[column.type]
            planted.append(Planted(table.name, line, column.name, frozenset({"bad_type"})))
            if column.type != "boolean":
                line = free_row(column.name)
                rows[line][header.index(column.name)] = _far_value(column)
                planted.append(Planted(table.name, line, column.name, _far_rules(column)))
        for (name, column), nir in SHIFTED_NIRS.items():
            if name == table.name:
                line = free_row(column)
                rows[line][header.index(column)] = nir
                rules = frozenset(r.rule for r in table.column(column).rules)
                planted.append(Planted(table.name, line, column, rules))
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)
    return planted


# Texts that look like code or are very long: staged verbatim (legal_units.denomination has no
# rule), never run, never stopping the build. The last rows of the file, which no plant uses.
ODD_TEXTS = [
    "'); drop table raw.communes; --",
    "{{ exceptions.raise_compiler_error('jinja ran') }} {% do run_query('drop schema raw') %}",
    "A" * 1_000_000,
]


# The 1 MB text is over the csv module's default field limit (128 KiB), not DuckDB's.
csv.field_size_limit(2_000_000)


def _plant_odd_texts(raw: Path) -> dict[str, str]:
    """Odd texts as the denominations of the last legal units; returns {siren: text}. The columns
    of communes.csv are then written in reverse order (the header names them)."""
    path = raw / "legal_units.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    siren, name = rows[0].index("siren"), rows[0].index("denomination")
    planted = {}
    for row, text in zip(rows[-len(ODD_TEXTS) :], ODD_TEXTS, strict=True):
        row[name] = text
        planted[row[siren]] = text
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    path = raw / "communes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row[::-1] for row in csv.reader(handle)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return planted


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("typed-clean") / "raw"
    generate(raw, "0.01", "11")
    return raw


@pytest.fixture(scope="module")
def planted(clean: Path, tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("typed")
    raw = work / "raw"
    shutil.copytree(clean, raw)
    planted = _plant(raw)
    odd = _plant_odd_texts(raw)
    database = work / "warehouse.duckdb"
    built = dbt_build(raw, database, work, *QUARANTINE, "--vars", SHARES)
    return raw, database, built, planted, odd


def test_the_plan_covers_every_typed_column(planted):
    _, _, _, rows, _ = planted
    typed = {
        (t.name, c.name) for t in contract.tables().values() for c in t.columns if c.type != "text"
    }
    assert typed <= {(p.table, p.column) for p in rows}
    assert len(rows) >= 2 * len(typed) - 3  # booleans get no far value


def test_typed_values_are_quarantined_not_fatal(planted):
    _, database, built, rows, _ = planted
    assert built.returncode == 0, built.output[-3000:]
    found = {
        (table, line): (rule, column)
        for table, line, rule, column in _query(
            database, "select source_table, raw_line, rule, column_name from marts.rejected_rows"
        )
    }
    for p in rows:
        assert (p.table, p.raw_line) in found, p
        rule, column = found[(p.table, p.raw_line)]
        assert column == p.column and rule in p.rules, (p, rule, column)


def test_every_raw_row_is_staged_or_rejected(planted):
    raw, database, _, _, _ = planted
    for table in contract.tables().values():
        with (raw / f"{table.name}.csv").open(encoding="utf-8", newline="") as handle:
            n_raw = sum(1 for _ in csv.reader(handle)) - 1
        staged = f"stg_{table.source}__{table.name}"
        (n_staged,) = _query(database, f"select count(*) from staging.{staged}")[0]
        (n_rejected,) = _query(
            database,
            "select count(*) from marts.rejected_rows where source_table = ?",
            [table.name],
        )[0]
        assert n_raw == n_staged + n_rejected, table.name


def test_no_nir_in_rejected_rows(planted):
    _, database, _, rows, _ = planted
    values = _query(database, "select raw_key, bad_value from marts.rejected_rows")
    token = re.compile(contract.NIR_TOKEN)
    leaked = [v for pair in values for v in pair if v and token.fullmatch(v.replace(" ", ""))]
    assert leaked == []
    shifted = {(p.table, p.raw_line) for p in rows if (p.table, p.column) in SHIFTED_NIRS}
    masked = _query(
        database,
        "select source_table, raw_line from marts.rejected_rows where bad_value = '<masked>'",
    )
    assert shifted <= set(masked)


def test_no_nir_of_the_world_in_output_logs_or_target(planted):
    raw, _, built, _, _ = planted
    nirs = {nir.replace(" ", "") for nir in SHIFTED_NIRS.values()}
    for name in ("jobseeker_spells", "hire_declarations"):
        frame = pd.read_csv(raw / f"{name}.csv", dtype=str, usecols=["nir"])
        nirs |= set(frame["nir"].dropna())
    texts = [built.output]
    for folder in (raw.parent / "logs", raw.parent / "target"):
        files = [f for f in folder.rglob("*") if f.is_file() and is_text_artifact(f)]
        texts += [f.read_text(errors="replace") for f in files]
    found = {m.group(0).replace(" ", "") for text in texts for m in NIR_PATTERN.finditer(text)}
    assert found & nirs == set()


def test_odd_texts_are_staged_verbatim(planted):
    _, database, built, _, odd = planted
    assert built.returncode == 0, built.output[-3000:]
    sql = "select siren, denomination from staging.stg_sirene__legal_units where siren in (?, ?, ?)"
    assert dict(_query(database, sql, list(odd))) == odd
    assert _query(database, "select count(*) from staging.stg_pole_emploi__communes")[0][0] > 0


def test_pandas_parquet_reads_as_its_csv(clean: Path, tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(clean, raw)
    tables = contract.tables()
    expected: dict[str, int] = {}
    for name in ("job_offers", "jobseeker_spells", "hire_declarations"):
        path = raw / f"{name}.csv"
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        expected[name] = len(frame)
        for column in tables[name].columns:
            values = frame[column.name]
            if column.type in ("date", "timestamp"):
                layout = contract.DATE_FORMATS[column.type]
                frame[column.name] = pd.to_datetime(values, format=layout)
            elif column.type == "integer" and values.notna().all():
                frame[column.name] = values.astype("int64")
            elif column.type == "boolean" and values.notna().all():
                frame[column.name] = values == "true"
        frame.to_parquet(raw / f"{name}.parquet")
        path.unlink()
    database = tmp_path / "warehouse.duckdb"
    built = dbt_build(raw, database, tmp_path, *QUARANTINE)
    assert built.returncode == 0, built.output[-3000:]
    rejected = "select count(*) from marts.rejected_rows where source_table = ?"
    for name, n_rows in expected.items():
        assert _query(database, rejected, [name])[0][0] == 0, name
        staged = f"staging.stg_{tables[name].source}__{name}"
        assert _query(database, f"select count(*) from {staged}")[0][0] == n_rows, name
