"""Pre-flight check of the raw folder, before dbt runs: one line per file-level error, exit 1.

File-level errors (raw-data contract): a missing file, both NAME.csv and NAME.parquet, zero
bytes, no header, a missing column, a file that is not UTF-8 (a byte-order mark is tolerated), a
file that is not comma-delimited, an empty table that the contract says must not be empty
(the reference tables). Extra columns only warn. The tables, their columns and which must not
be empty are read from the contract (smallfirms.contract: the sources YAML, written once).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

from smallfirms import contract

BOM = codecs.BOM_UTF8
CHUNK = 16 * 1024 * 1024


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _check_utf8(path: Path) -> str | None:
    """None when the whole file decodes as UTF-8, else a description of the first bad byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return f"byte {offset + exc.start} is not UTF-8"
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "the file ends inside a UTF-8 character"
    return None


def _csv_header_and_first_row(path: Path) -> tuple[list[str] | None, bool]:
    with path.open("rb") as handle:
        head = handle.read(1024 * 1024)
    if head.startswith(BOM):
        head = head[len(BOM) :]
    text = head.decode("utf-8", errors="replace")
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    has_row = next(rows, None) is not None
    return header, has_row


def check_csv(table: contract.Table, path: Path, report: Report) -> None:
    if path.stat().st_size == 0:
        report.errors.append(f"{path}: file-level error, the file is empty (zero bytes)")
        return
    bad = _check_utf8(path)
    if bad:
        report.errors.append(f"{path}: file-level error, not UTF-8 ({bad})")
        return
    header, has_row = _csv_header_and_first_row(path)
    if not header or all(not cell.strip() for cell in header):
        report.errors.append(f"{path}: file-level error, no header row")
        return
    names = [cell.strip() for cell in header]
    if len(names) == 1 and len(table.columns) > 1:
        delimiter = next((d for d in (";", "\t", "|") if d in names[0]), None)
        found = "a tab" if delimiter == "\t" else f"'{delimiter}'"
        if delimiter:
            report.errors.append(
                f"{path}: file-level error, not comma-delimited (the header is split by {found})"
            )
            return
    _check_columns(table, path, names, has_row, report)


def check_parquet(table: contract.Table, path: Path, report: Report) -> None:
    import duckdb

    if path.stat().st_size == 0:
        report.errors.append(f"{path}: file-level error, the file is empty (zero bytes)")
        return
    try:
        with duckdb.connect() as con:
            names = [
                r[0]
                for r in con.execute(f"describe select * from read_parquet('{path}')").fetchall()
            ]
            (n,) = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        report.errors.append(f"{path}: file-level error, not a readable Parquet file ({first})")
        return
    _check_columns(table, path, names, n > 0, report)


def _check_columns(
    table: contract.Table, path: Path, names: list[str], has_row: bool, report: Report
) -> None:
    columns = table.column_names
    for column in columns:
        if column not in names:
            report.errors.append(f"{path}: file-level error, column {column} is missing")
    extra = [n for n in names if n not in columns]
    if extra:
        report.warnings.append(f"{path}: extra columns ignored: {', '.join(extra)}")
    if table.not_empty and not has_row:
        report.errors.append(f"{path}: file-level error, reference table {table.name} has no rows")


def check_folder(raw_dir: Path, tables: dict[str, contract.Table] | None = None) -> Report:
    """File-level errors of the raw folder against the contract (the project's by default)."""
    tables = contract.tables() if tables is None else tables
    report = Report()
    if not raw_dir.is_dir():
        report.errors.append(f"{raw_dir}: file-level error, the raw folder does not exist")
        return report
    for name, table in tables.items():
        csv_path, parquet_path = raw_dir / f"{name}.csv", raw_dir / f"{name}.parquet"
        if csv_path.exists() and parquet_path.exists():
            report.errors.append(
                f"{csv_path}: file-level error, both {csv_path.name} and {parquet_path.name} exist"
            )
        elif csv_path.exists():
            check_csv(table, csv_path, report)
        elif parquet_path.exists():
            check_parquet(table, parquet_path, report)
        else:
            report.errors.append(
                f"{csv_path}: file-level error, missing file (nor {parquet_path.name})"
            )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="the raw folder (RAW_DATA_DIR)")
    args = parser.parse_args(argv)
    report = check_folder(args.raw_dir)
    for warning in report.warnings:
        print(f"preflight warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"preflight error: {error}", file=sys.stderr)
    if report.errors:
        return 1
    n_files = len(contract.tables())
    print(f"preflight: the {n_files} raw files of {args.raw_dir} have the contract's layout")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
