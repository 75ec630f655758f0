"""Pre-flight check of the raw folder, before dbt runs: one line per file-level error, exit 1.

File-level errors (raw-data contract): a missing file, both NAME.csv and NAME.parquet, anything
but a regular file, a file that cannot be read, zero bytes, no header, a missing column, a column
named twice (or twice but for case), a file that is not UTF-8 (a byte-order mark is tolerated), a
file that is not comma-delimited, an empty table that the contract says must not be empty (the
reference tables). Extra columns only warn. The tables, their columns and which must not be
empty are read from the contract (smallfirms.contract: the sources YAML, written once).

A CSV file is read whole, streamed, with the contract's dialect: every record has the header's
number of fields; a field holding a quote, comma or line break is quoted and its quotes are
doubled (an unclosed quote or a stray quote is an error); line ends are `\n` or `\r\n`, the
header's for the whole file (CR-only or mixed line ends are errors; line breaks inside quoted
fields are data); no NUL byte; no record longer than DuckDB's CSV line limit (MAX_RECORD_BYTES).
Empty lines are skipped, as DuckDB does. Such an error is reported as
``<file>: line <n>: <what is wrong>`` (physical line, 1 = the header), never with the line's
content: a line may hold a NIR. A Parquet file's column types must cast without loss to the
contract's (PARQUET_TYPES).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from smallfirms import contract

BOM = codecs.BOM_UTF8
CHUNK = 16 * 1024 * 1024
# A block that fails the fast check is checked again in pieces of this size, line by line only
# where a piece fails too (quoted fields, empty lines, or the error itself).
PIECE = 256 * 1024
# DuckDB's read_csv refuses a record longer than this (its max_line_size default, in bytes, line
# end included; measured on DuckDB 2.0, see tests/python/test_hostile_files.py).
MAX_RECORD_BYTES = 2_000_000
# The bytes that make a CSV file's structure: what is left once every other byte is deleted.
_STRUCTURE = b',\n\r"\x00'
_OTHER_BYTES = bytes(b for b in range(256) if b not in _STRUCTURE)
_ENDINGS = {b"\n": r"\n", b"\r\n": r"\r\n"}
# A header name printed in a message: a name, never what could be a value (a NIR is digits).
_SHOWN_NAME = re.compile(r"[^\W\d][\w .-]{0,63}")


@dataclass
class Report:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class FileProblem(Exception):
    """A problem with one file; the message is what follows ``<file>: `` on its line."""


def _duplicate(names: list[str]) -> str | None:
    """The first column named twice, or twice but for case, as a message; None if none is.
    A name that could be a value (not a word) is not shown, its place only."""
    seen: dict[str, tuple[int, str]] = {}
    for position, name in enumerate(names, 1):
        if not name:
            continue
        if name.casefold() in seen:
            first, other = seen[name.casefold()]
            places = f"(fields {first} and {position})"
            shown = _SHOWN_NAME.fullmatch(name) and _SHOWN_NAME.fullmatch(other)
            if other == name:
                column = f"column {name}" if shown else "a column (name not shown)"
                return f"file-level error, {column} is named twice {places}"
            columns = f"columns {other} and {name}" if shown else "two columns (names not shown)"
            return f"file-level error, {columns} differ only in case {places}"
        seen[name.casefold()] = (position, name)
    return None


def _lines_within(data: bytes, start: int, end: int, limit: int) -> bool:
    """True when no line of ``data[start:end]`` (line end included) is over ``limit`` bytes."""
    while end - start > limit:
        line_end = data.rfind(b"\n", start, start + limit)
        if line_end < 0:
            return False
        start = line_end + 1
    return True


def _pieces(data: bytes, size: int) -> Iterator[bytes]:
    """``data`` (whole lines) cut into whole lines of about ``size`` bytes."""
    start = 0
    while start < len(data):
        end = data.find(b"\n", min(start + size, len(data) - 1))
        end = len(data) - 1 if end < 0 else end
        yield data[start : end + 1]
        start = end + 1


class CsvScanner:
    """The structure of one CSV file, fed its bytes (byte-order mark removed) as whole lines in
    file order, then ``finish``-ed with what follows the last line end. Raises FileProblem at the
    first problem; ``on_header(names)`` is called once the header is read."""

    def __init__(self, on_header=None) -> None:
        self.on_header = on_header
        self.line = 1  # physical line number of the next line
        self.in_quotes = False
        self.quote_line = 0  # where the quoted field being read was opened
        self.fields = 0  # fields ended so far in the current record
        self.record_line = 1
        self.record_bytes = 0
        self.header_lines: list[bytes] | None = []
        self.header: list[str] | None = None
        self.ending: bytes | None = None  # the header's line end, b"\n" or b"\r\n"
        self.has_rows = False  # a data record was read (the header excluded)
        self._records: re.Pattern[bytes] | None = None

    def feed(self, data: bytes, start: int = 0, end: int | None = None) -> None:
        """The whole lines ``data[start:end]``."""
        end = len(data) if end is None else end
        if start == end or self._fast(data, start, end):
            return
        if start or end != len(data):
            data = data[start:end]
        for piece in _pieces(data, PIECE) if len(data) > PIECE else [data]:
            if not (self._fast(piece, 0, len(piece)) or self._quoted(piece)):
                lines = piece.split(b"\n")
                for line in lines[:-1]:
                    self._line(line, True)

    def finish(self, rest: bytes) -> None:
        if rest:
            self._line(rest, False)
        if self.in_quotes:
            raise self._problem(
                self.quote_line, "unbalanced quote: the quoted field opened here is never closed"
            )
        if self.header is None:
            raise FileProblem("file-level error, no header row")

    def _problem(self, line: int, what: str) -> FileProblem:
        return FileProblem(f"line {line}: {what}")

    def _fast(self, data: bytes, start: int, end: int) -> bool:
        """Whole lines without quotes, each with the header's commas and line end: checked at the
        speed of bytes.translate (what is left of the lines once all but the structure's bytes
        are deleted must repeat the header's), without a Python loop over lines."""
        if self.in_quotes or self.header is None or self.ending is None:
            return False
        pattern = b"," * (len(self.header) - 1) + self.ending
        structure = data.translate(None, _OTHER_BYTES)
        # the structure of data[start:end], without slicing data (a chunk of the file)
        low = len(data[:start].translate(None, _OTHER_BYTES)) if start else 0
        high = len(structure) - (
            len(data[end:].translate(None, _OTHER_BYTES)) if end < len(data) else 0
        )
        n_lines, remainder = divmod(high - low, len(pattern))
        if remainder or structure.count(pattern, low, high) != n_lines:
            return False
        if not _lines_within(data, start, end, MAX_RECORD_BYTES):
            return False
        self.line += n_lines
        self.has_rows = self.has_rows or n_lines > 0
        return True

    def _quoted(self, data: bytes) -> bool:
        """Whole records with quoted fields (no empty line, no record cut): one regular
        expression, possessive so that it never backtracks, matches them all or fails."""
        if self.in_quotes or self.header is None or self.ending is None:
            return False
        if len(data) > MAX_RECORD_BYTES:  # a record of data could then be over the limit
            return False
        if self._records is None:
            field = rb'(?:"(?:[^"\x00]++|"")*+"|[^",\r\n\x00]*+)'
            record = field + (rb"," + field) * (len(self.header) - 1) + re.escape(self.ending)
            self._records = re.compile(rb"(?:" + record + rb")++")
        if not self._records.fullmatch(data):
            return False
        self.line += data.count(b"\n")
        self.has_rows = True
        return True

    def _line(self, line: bytes, ended: bool) -> None:
        """One physical line, without its ``\\n`` (``ended``: one followed)."""
        number = self.line
        self.line += 1
        if b"\x00" in line:
            raise self._problem(number, "a NUL byte")
        if not self.in_quotes:
            if line == b"" or (line == b"\r" and ended):
                if self.header is None:
                    raise FileProblem("file-level error, no header row")
                self._check_ending(number, line + b"\n")
                return
            self.record_line, self.record_bytes, self.fields = number, 0, 0
        self.record_bytes += len(line) + ended
        if self.header_lines is not None:
            self.header_lines.append(line + b"\n" * ended)
        if not self._parse(line, number, ended):
            if self.record_bytes > MAX_RECORD_BYTES:
                raise self._problem(
                    self.quote_line,
                    "unbalanced quote: the quoted field opened here is not closed within "
                    f"{MAX_RECORD_BYTES:,} bytes (or a record is over DuckDB's CSV line limit)",
                )
            return
        self.fields += 1
        if ended:
            self._check_ending(number, b"\r\n" if line.endswith(b"\r") else b"\n")
        if self.record_bytes > MAX_RECORD_BYTES:
            raise self._problem(
                self.record_line,
                f"longer than {MAX_RECORD_BYTES:,} bytes (DuckDB's CSV line limit)",
            )
        if self.header is None:
            self._read_header()
        elif self.fields != len(self.header):
            raise self._problem(
                self.record_line,
                f"{self.fields} fields where the header has {len(self.header)}",
            )
        else:
            self.has_rows = True

    def _parse(self, line: bytes, number: int, ended: bool) -> bool:
        """Advance the record through ``line``; True when the record ends with it."""
        i, end = 0, len(line)
        while True:
            if self.in_quotes:
                close = line.find(b'"', i)
                if close < 0:
                    return False  # a line break inside a quoted field
                if line[close + 1 : close + 2] == b'"':
                    i = close + 2  # a doubled quote
                    continue
                self.in_quotes = False
                i = close + 1
                if i == end or (ended and i == end - 1 and line[i] == 13):
                    return True
                if line[i] == 44:
                    self.fields += 1
                    i += 1
                    continue
                opened = "" if self.quote_line == number else f", opened on line {self.quote_line}"
                raise self._problem(
                    number,
                    f"unbalanced quote: text follows the closing quote of field "
                    f"{self.fields + 1}{opened}",
                )
            if i < end and line[i] == 34:
                self.in_quotes, self.quote_line = True, number
                i += 1
                continue
            comma = line.find(b",", i)
            stop = end if comma < 0 else comma
            if line.find(b'"', i, stop) >= 0:
                raise self._problem(
                    number,
                    f"unbalanced quote: a quote inside unquoted field {self.fields + 1} "
                    "(a field holding a quote must be quoted, its quotes doubled)",
                )
            cr = line.find(b"\r", i, stop)
            if cr >= 0 and not (comma < 0 and ended and cr == end - 1):
                raise self._problem(
                    number,
                    r"a carriage return without a line feed (CR-only line ends are not allowed: "
                    r"line ends are \n or \r\n)",
                )
            if comma < 0:
                return True
            self.fields += 1
            i = comma + 1

    def _check_ending(self, number: int, ending: bytes) -> None:
        if self.ending is None:
            self.ending = ending
        elif ending != self.ending:
            raise self._problem(
                number,
                f"ends with {_ENDINGS[ending]} where the header ends with "
                f"{_ENDINGS[self.ending]} (mixed line ends: one kind per file)",
            )

    def _read_header(self) -> None:
        text = b"".join(self.header_lines or []).decode("utf-8", errors="replace")
        self.header_lines = None
        self.header = next(csv.reader(io.StringIO(text, newline="")), [])
        if self.on_header is not None:
            self.on_header(self.header)


def scan_csv(path: Path, on_header=None) -> CsvScanner:
    """Stream ``path`` through a CsvScanner (UTF-8 checked on the way); raises FileProblem."""
    scanner = CsvScanner(on_header)
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, rest = 0, b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            # ASCII is UTF-8: the decoder is only needed for other bytes, or a character cut in two
            if not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as exc:
                    raise FileProblem(
                        f"file-level error, not UTF-8 (byte {offset + exc.start} is not UTF-8)"
                    ) from None
            offset += len(chunk)
            if offset == len(chunk) and chunk.startswith(BOM):
                chunk = chunk[len(BOM) :]
            first = chunk.find(b"\n")
            if first < 0:
                rest += chunk
            else:
                last = chunk.rfind(b"\n")
                scanner.feed(rest + chunk[: first + 1])  # the line cut by the previous chunk
                scanner.feed(chunk, first + 1, last + 1)
                rest = chunk[last + 1 :]
            if len(rest) > MAX_RECORD_BYTES:
                scanner.finish(rest)  # a line over the limit: raises
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise FileProblem(
                "file-level error, not UTF-8 (the file ends inside a UTF-8 character)"
            ) from None
    scanner.finish(rest)
    return scanner


def _regular_file(path: Path) -> None:
    if path.is_dir():
        raise FileProblem("file-level error, a directory, not a file")
    if not path.is_file():
        raise FileProblem("file-level error, not a regular file")
    if path.stat().st_size == 0:
        raise FileProblem("file-level error, the file is empty (zero bytes)")


def check_csv(table: contract.Table, path: Path, report: Report) -> None:
    _regular_file(path)

    def on_header(header: list[str]) -> None:
        if not header or all(not cell.strip() for cell in header):
            raise FileProblem("file-level error, no header row")
        names = [cell.strip() for cell in header]
        if len(names) == 1 and len(table.columns) > 1:
            delimiter = next((d for d in (";", "\t", "|") if d in names[0]), None)
            found = "a tab" if delimiter == "\t" else f"'{delimiter}'"
            if delimiter:
                raise FileProblem(
                    f"file-level error, not comma-delimited (the header is split by {found})"
                )
        _check_names(table, path, names, report)

    scanner = scan_csv(path, on_header)
    _check_not_empty(table, path, scanner.has_rows, report)


# Parquet types (pyarrow's) that cast without loss to each contract type, besides text (string,
# large_string, string_view, dictionary of those) and the null type, accepted for every type.
# "values" types are accepted when their values cast without loss: whole floats (NULLs aside), or
# timestamps at midnight.
PARQUET_TYPES = {
    "text": "string",
    "integer": "int8 … int64, uint8 … uint64, decimal(n, 0); float when every value is whole",
    "date": "date32, date64; timestamp without time zone when every value is at midnight",
    "timestamp": "timestamp without time zone (any unit), date32, date64",
    "boolean": "bool",
}


def _parquet_fit(kind: str, arrow_type) -> str:
    """'yes', 'no', or 'whole' / 'midnight' (yes if the values are)."""
    import pyarrow as pa

    t = arrow_type.value_type if pa.types.is_dictionary(arrow_type) else arrow_type
    if pa.types.is_null(t) or pa.types.is_string(t) or pa.types.is_large_string(t):
        return "yes"
    if hasattr(pa.types, "is_string_view") and pa.types.is_string_view(t):
        return "yes"
    naive_timestamp = pa.types.is_timestamp(t) and t.tz is None
    if kind == "integer":
        if pa.types.is_integer(t) or (pa.types.is_decimal(t) and t.scale == 0):
            return "yes"
        return "whole" if pa.types.is_floating(t) else "no"
    if kind == "date":
        return "yes" if pa.types.is_date(t) else "midnight" if naive_timestamp else "no"
    if kind == "timestamp":
        return "yes" if naive_timestamp or pa.types.is_date(t) else "no"
    if kind == "boolean":
        return "yes" if pa.types.is_boolean(t) else "no"
    return "no"


def _parquet_values_fit(parquet, name: str, fit: str, arrow_type) -> bool:
    import pyarrow as pa
    import pyarrow.compute as pc

    for batch in parquet.iter_batches(columns=[name], batch_size=1 << 20):
        values = batch.column(0)
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        if fit == "whole":
            ok = pc.and_(pc.is_finite(values), pc.equal(pc.floor(values), values))
        else:
            per_day = {"s": 86_400, "ms": 86_400_000, "us": 86_400_000_000}
            day = per_day.get(arrow_type.unit, 86_400_000_000_000)
            ticks = pc.cast(values, pa.int64())
            ok = pc.equal(pc.subtract(ticks, pc.multiply(pc.divide(ticks, day), day)), 0)
        if pc.all(ok).as_py() is False:
            return False
    return True


def check_parquet(table: contract.Table, path: Path, report: Report) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    _regular_file(path)
    with path.open("rb") as handle:
        try:
            parquet = pq.ParquetFile(handle)
            schema = parquet.schema_arrow
            n_rows = parquet.metadata.num_rows
        except (pa.ArrowException, ValueError) as exc:
            first = (str(exc).splitlines() or [type(exc).__name__])[0]
            raise FileProblem(f"file-level error, not a readable Parquet file ({first})") from None
        names = list(schema.names)
        before = len(report.errors)
        _check_names(table, path, names, report)
        if len(report.errors) > before:
            return
        for column in table.columns:
            arrow_type = schema.field(column.name).type
            fit = _parquet_fit(column.type, arrow_type)
            if fit == "yes":
                continue
            if fit != "no" and _parquet_values_fit(parquet, column.name, fit, arrow_type):
                continue
            which = {"whole": " with values that are not whole numbers"}
            which["midnight"] = " with times other than midnight"
            report.errors.append(
                f"{path}: file-level error, column {column.name} has Parquet type "
                f"{arrow_type}{which.get(fit, '')}, which does not cast without loss to the "
                f"contract's type {column.type}"
            )
    _check_not_empty(table, path, n_rows > 0, report)


def _check_names(table: contract.Table, path: Path, names: list[str], report: Report) -> None:
    """Duplicate, missing and extra columns; stops the file's check (FileProblem) on an error."""
    duplicate = _duplicate(names)
    if duplicate:
        raise FileProblem(duplicate)
    columns = table.column_names
    missing = [column for column in columns if column not in names]
    for column in missing:
        report.errors.append(f"{path}: file-level error, column {column} is missing")
    extra = [(n, i) for i, n in enumerate(names, 1) if n not in columns]
    if extra:
        shown = [n for n, _ in extra if _SHOWN_NAME.fullmatch(n)]
        hidden = len(extra) - len(shown)
        if hidden:
            shown.append(f"{hidden} more whose names are not shown")
        report.warnings.append(f"{path}: extra columns ignored: {', '.join(shown)}")
    if missing:
        raise FileProblem("")  # already reported, one line per column


def _check_not_empty(table: contract.Table, path: Path, has_row: bool, report: Report) -> None:
    if table.not_empty and not has_row:
        report.errors.append(f"{path}: file-level error, reference table {table.name} has no rows")


def check_file(table: contract.Table, path: Path, report: Report) -> None:
    """The file's errors into ``report``: one line each, never a traceback nor a field's value."""
    check = check_parquet if path.suffix == ".parquet" else check_csv
    try:
        check(table, path, report)
    except FileProblem as exc:
        if str(exc):
            report.errors.append(f"{path}: {exc}")
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        report.errors.append(f"{path}: file-level error, cannot be read ({reason})")
    except Exception as exc:  # noqa: BLE001 - the message could hold a value: its type only
        report.errors.append(
            f"{path}: file-level error, could not be checked ({type(exc).__name__})"
        )


DELIVERY_NAME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[.]csv")


def check_deliveries(table: contract.Table, raw_dir: Path, report: Report) -> int:
    """The delivery files of a table delivered as a folder (NAME/YYYY-MM-DD.csv), each checked as
    the table's file; returns how many there are."""
    folder = raw_dir / table.name
    if not table.has_delivery_folder or not folder.is_dir():
        return 0
    files = sorted(path for path in folder.iterdir() if not path.name.startswith("."))
    for path in files:
        if not DELIVERY_NAME.fullmatch(path.name):
            report.errors.append(
                f"{path}: file-level error, a delivery file is named by its delivery date,"
                " YYYY-MM-DD.csv"
            )
        else:
            check_file(table, path, report)
    return len(files)


def check_folder(raw_dir: Path, tables: dict[str, contract.Table] | None = None) -> Report:
    """File-level errors of the raw folder against the contract (the project's by default)."""
    tables = contract.tables() if tables is None else tables
    report = Report()
    if not raw_dir.is_dir():
        report.errors.append(f"{raw_dir}: file-level error, the raw folder does not exist")
        return report
    for name, table in tables.items():
        csv_path, parquet_path = raw_dir / f"{name}.csv", raw_dir / f"{name}.parquet"
        deliveries = check_deliveries(table, raw_dir, report)
        if deliveries and not csv_path.exists() and not parquet_path.exists():
            continue  # delivered as files of its folder only: no history file
        if csv_path.exists() and parquet_path.exists():
            report.errors.append(
                f"{csv_path}: file-level error, both {csv_path.name} and {parquet_path.name} exist"
            )
        elif csv_path.exists():
            check_file(table, csv_path, report)
        elif parquet_path.exists():
            check_file(table, parquet_path, report)
        else:
            report.errors.append(
                f"{csv_path}: file-level error, missing file (nor {parquet_path.name})"
            )
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw_dir", type=Path, help="the raw folder (RAW_DATA_DIR)")
    args = parser.parse_args(argv)
    try:
        report = check_folder(args.raw_dir)
    except OSError as exc:  # the folder itself (a file's own errors are caught per file)
        reason = exc.strerror or type(exc).__name__
        report = Report(errors=[f"{args.raw_dir}: file-level error, cannot be read ({reason})"])
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
