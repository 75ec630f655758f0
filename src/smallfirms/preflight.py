"""Pre-flight check of the raw folder, before dbt runs: one line per file-level error, exit 1.

File-level errors (raw-data contract): a missing file, both NAME.csv and NAME.parquet, zero
bytes, no header, a missing column, a file that is not UTF-8 (a byte-order mark is tolerated), a
file that is not comma-delimited, an empty reference table. Extra columns only warn. The expected
tables and columns are read from the sources YAML, the one place they are written.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

PROJECT_DIR = Path(__file__).resolve().parents[2]
SOURCES_GLOB = "models/staging/*/_*__sources.yml"
REFERENCE_TABLES = ("agencies", "communes", "legal_units", "establishments")
LOADER_COLUMNS = {"_raw_line"}
BOM = codecs.BOM_UTF8
CHUNK = 16 * 1024 * 1024


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def contract_tables(project_dir: Path = PROJECT_DIR) -> dict[str, list[str]]:
    """Table name -> contract columns, from the dbt sources YAML files."""
    tables: dict[str, list[str]] = {}
    for path in sorted(project_dir.glob(SOURCES_GLOB)):
        for source in yaml.safe_load(path.read_text(encoding="utf-8"))["sources"]:
            for table in source["tables"]:
                columns = [c["name"] for c in table.get("columns", [])]
                tables[table["name"]] = [c for c in columns if c not in LOADER_COLUMNS]
    return tables


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


def check_csv(name: str, path: Path, columns: list[str], report: Report) -> None:
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
    if len(names) == 1 and len(columns) > 1:
        delimiter = next((d for d in (";", "\t", "|") if d in names[0]), None)
        found = "a tab" if delimiter == "\t" else f"'{delimiter}'"
        if delimiter:
            report.errors.append(
                f"{path}: file-level error, not comma-delimited (the header is split by {found})"
            )
            return
    _check_columns(name, path, names, columns, has_row, report)


def check_parquet(name: str, path: Path, columns: list[str], report: Report) -> None:
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
    _check_columns(name, path, names, columns, n > 0, report)


def _check_columns(
    name: str, path: Path, names: list[str], columns: list[str], has_row: bool, report: Report
) -> None:
    for column in columns:
        if column not in names:
            report.errors.append(f"{path}: file-level error, column {column} is missing")
    extra = [n for n in names if n not in columns]
    if extra:
        report.warnings.append(f"{path}: extra columns ignored: {', '.join(extra)}")
    if name in REFERENCE_TABLES and not has_row:
        report.errors.append(f"{path}: file-level error, reference table {name} has no rows")


def check_folder(raw_dir: Path, tables: dict[str, list[str]]) -> Report:
    report = Report()
    if not raw_dir.is_dir():
        report.errors.append(f"{raw_dir}: file-level error, the raw folder does not exist")
        return report
    for name, columns in tables.items():
        csv_path, parquet_path = raw_dir / f"{name}.csv", raw_dir / f"{name}.parquet"
        if csv_path.exists() and parquet_path.exists():
            report.errors.append(
                f"{csv_path}: file-level error, both {csv_path.name} and {parquet_path.name} exist"
            )
        elif csv_path.exists():
            check_csv(name, csv_path, columns, report)
        elif parquet_path.exists():
            check_parquet(name, parquet_path, columns, report)
        else:
            report.errors.append(
                f"{csv_path}: file-level error, missing file (nor {parquet_path.name})"
            )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="the raw folder (RAW_DATA_DIR)")
    args = parser.parse_args(argv)
    report = check_folder(args.raw_dir, contract_tables())
    for warning in report.warnings:
        print(f"preflight warning: {warning}", file=sys.stderr)
    for error in report.errors:
        print(f"preflight error: {error}", file=sys.stderr)
    if report.errors:
        return 1
    n_files = len(contract_tables())
    print(f"preflight: the {n_files} raw files of {args.raw_dir} have the contract's layout")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
