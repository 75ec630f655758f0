"""Load the raw files into schema `raw` of an engine without external-file sources (Postgres).

DuckDB reads the files of RAW_DATA_DIR in place (the `create_raw_relations` hook). Postgres cannot:
this loader fills `raw.<name>` for every source table before `dbt build`, with the same shape as
DuckDB's views: every column of the file as text, plus `_raw_line` (1 = the first data row), so the
staging models and their quarantine read the same rows on both engines.

    python -m smallfirms.load_raw --target postgres --raw-dir data/raw

Connection settings come from the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE),
as for dbt's postgres target. CSV files stream through `COPY ... FROM STDIN`; Parquet files are read
with DuckDB and streamed as CSV. A missing file, or both NAME.csv and NAME.parquet, is a file-level
error: one line, exit 1. Each table is replaced in one transaction, so a failed load leaves the
previous one in place.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from smallfirms import contract
from smallfirms.project import duckdb_file_literal

SCHEMA = "raw"
ROW_NUMBER_COLUMN = "_raw_line"


class LoadError(Exception):
    """A file or connection problem; the message is the one line shown to the user."""


@dataclass(frozen=True)
class RawFile:
    name: str
    path: Path

    @property
    def is_parquet(self) -> bool:
        return self.path.suffix == ".parquet"


def find_files(raw_dir: Path, names: list[str]) -> list[RawFile]:
    """The file of each table, with the same file-level errors as the DuckDB hook."""
    if not raw_dir.is_dir():
        raise LoadError(f"{raw_dir}: file-level error, the raw folder does not exist")
    files = []
    for name in names:
        found = [p for p in (raw_dir / f"{name}.csv", raw_dir / f"{name}.parquet") if p.exists()]
        if not found:
            raise LoadError(
                f"{raw_dir}/{name}.csv: file-level error, missing file "
                f"(no {name}.csv nor {name}.parquet)"
            )
        if len(found) > 1:
            raise LoadError(
                f"{raw_dir}/{name}: file-level error, both {name}.csv and {name}.parquet exist; "
                "keep one"
            )
        files.append(RawFile(name, found[0]))
    return files


def quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file (a UTF-8 byte-order mark is tolerated)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), None)
    if not header:
        raise LoadError(f"{path}: file-level error, no header row")
    return [cell.strip() for cell in header]


def parquet_as_csv(path: Path, out: Path, table: contract.Table) -> list[str]:
    """Writes the Parquet file as an all-text CSV, each column as the contract's text (as the
    DuckDB raw views do, macro duckdb__parquet_as_contract_text)."""
    import duckdb

    reader = f"read_parquet({duckdb_file_literal(path)})"
    with duckdb.connect() as con:
        described = con.execute(f"describe select * from {reader}").fetchall()
        fields = [parquet_field(name, kind, table) for name, kind, *_ in described]
        con.execute(
            f"copy (select {', '.join(fields)} from {reader}) "
            f"to '{str(out).replace(chr(39), chr(39) * 2)}' (format csv, header true)"
        )
    return csv_header(out)


def parquet_field(name: str, parquet_type: str, table: contract.Table) -> str:
    """One column of a Parquet file as text: a midnight timestamp in a date column as a date, a
    whole-second timestamp in a timestamp column without its fraction; anything else as is."""
    column = quote(name)
    kind = table.column(name).type if name in table.column_names else "text"
    field = f"cast({column} as varchar)"
    upper = parquet_type.upper()
    if upper.startswith("TIMESTAMP") and "TIME ZONE" not in upper and kind in contract.DATE_FORMATS:
        whole = (
            f"cast({column} as time) = time '00:00:00'"
            if kind == "date"
            else f"date_trunc('second', {column}) = {column}"
        )
        layout = contract.DATE_FORMATS[kind]
        field = f"case when {whole} then strftime({column}, '{layout}') else {field} end"
    return f"{field} as {column}"


def load_csv(cursor, schema: str, name: str, path: Path, columns: list[str]) -> int:
    """Replaces <schema>.<name> by the rows of the CSV file; returns the number of rows."""
    table = f"{quote(schema)}.{quote(name)}"
    column_list = ", ".join(quote(c) for c in columns)
    # The identity numbers rows in the order COPY reads them: DuckDB's row_number() over the file.
    cursor.execute(f"drop table if exists {table} cascade")
    cursor.execute(
        f"create table {table} ({quote(ROW_NUMBER_COLUMN)} bigint generated always as identity, "
        + ", ".join(f"{quote(c)} text" for c in columns)
        + ")"
    )
    # FORCE_NULL: a quoted empty field is NULL too, as DuckDB reads it (contract: empty = NULL).
    copy = (
        f"copy {table} ({column_list}) from stdin "
        f"(format csv, header true, delimiter ',', quote '\"', escape '\"', "
        f"force_null ({column_list}))"
    )
    with path.open("rb") as handle:
        if handle.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            handle.seek(0)
        cursor.copy_expert(copy, handle, size=1024 * 1024)
    rows = cursor.rowcount
    # Fresh statistics, so the planner does not guess the size of the tables the models read.
    cursor.execute(f"analyze {table}")
    return rows


def load(raw_dir: Path, connection, schema: str = SCHEMA) -> list[tuple[str, int]]:
    tables = contract.tables()
    files = find_files(raw_dir, list(tables))
    loaded = []
    with connection.cursor() as cursor:
        cursor.execute(f"create schema if not exists {quote(schema)}")
        connection.commit()
    for raw_file in files:
        with tempfile.TemporaryDirectory() as tmp:
            path = raw_file.path
            if raw_file.is_parquet:
                path = Path(tmp) / f"{raw_file.name}.csv"
                columns = parquet_as_csv(raw_file.path, path, tables[raw_file.name])
            else:
                columns = csv_header(path)
            with connection.cursor() as cursor:
                rows = load_csv(cursor, schema, raw_file.name, path, columns)
            connection.commit()
        loaded.append((raw_file.name, rows))
    return loaded


def connect():
    import psycopg2

    settings = {
        "host": os.environ.get("PGHOST", "127.0.0.1"),
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("PGUSER", "postgres"),
        "dbname": os.environ.get("PGDATABASE", "smallfirms"),
    }
    try:
        # The password, if any, is read by libpq from PGPASSWORD: it never passes through here.
        return psycopg2.connect(**settings)
    except psycopg2.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        where = f"{settings['user']}@{settings['host']}:{settings['port']}/{settings['dbname']}"
        raise LoadError(f"cannot connect to Postgres {where}: {first}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", choices=["postgres"], default="postgres")
    parser.add_argument("--raw-dir", type=Path, required=True, help="the raw folder")
    parser.add_argument(
        "--schema", default=SCHEMA, help="the schema to fill (default raw, what the sources read)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        # File errors first: nothing is loaded from a folder that would fail half-way.
        find_files(args.raw_dir, list(contract.tables()))
        connection = connect()
        try:
            loaded = load(args.raw_dir, connection, args.schema)
        finally:
            connection.close()
    except LoadError as exc:
        print(f"load_raw error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a database error: one line, the engine's own words
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"load_raw error: {first}", file=sys.stderr)
        return 1
    total = sum(rows for _, rows in loaded)
    elapsed = time.perf_counter() - started
    print(
        f"load_raw: {len(loaded)} tables, {total:,} rows from {args.raw_dir} into "
        f"{args.schema} ({args.target}) in {elapsed:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
