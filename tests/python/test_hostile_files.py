"""Hostile raw files: the pre-flight check stops on each with one line naming file and line (or
column), exit 1, no traceback, and none of the file's NIRs in its output.

Copies of one small clean world, in a folder whose name holds a space, a quote, brackets and
non-ASCII characters; each test breaks one file one way and runs `python -m smallfirms.preflight`
in a subprocess. dbt is not run here (the bad-input matrix does), except DuckDB itself, to pin the
line limit the pre-flight check enforces.
"""

from __future__ import annotations

import csv
import gzip
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from worlds import PROJECT_DIR, generate

from smallfirms import contract, preflight

ODD_NAME = "raw d'été [1] ü"
LINE = 100  # the line broken in hire_declarations.csv (1 = the header)
LIMIT = preflight.MAX_RECORD_BYTES


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("clean") / "raw"
    generate(raw, "0.02", "11")
    return raw


@pytest.fixture(scope="module")
def nirs(clean: Path) -> set[str]:
    """Every NIR of the world, to check that none is ever printed."""
    found: set[str] = set()
    for name in ("hire_declarations", "jobseeker_spells"):
        with (clean / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            found |= {row["nir"] for row in csv.DictReader(handle)}
    assert len(found) > 1000
    return found


@pytest.fixture
def raw(clean: Path, tmp_path: Path) -> Path:
    """A copy of the clean world (links to its files: a test replaces the file it breaks)."""
    folder = tmp_path / ODD_NAME
    folder.mkdir()
    for path in clean.glob("*.csv"):
        (folder / path.name).symlink_to(path)
    return folder


def _preflight(folder: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")}
    cmd = [sys.executable, "-m", "smallfirms.preflight", str(folder)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)


def _nirs_in(text: str, nirs: set[str]) -> set[str]:
    return {text[i : i + 15] for i in range(len(text) - 14)} & nirs


def _assert_one_error(folder: Path, expected: str, nirs: set[str]) -> None:
    done = _preflight(folder)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    errors = [line for line in output.splitlines() if line.startswith("preflight error:")]
    assert errors == [f"preflight error: {expected}"], output
    assert "Traceback" not in output
    assert _nirs_in(output, nirs) == set()


def _replace(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.unlink()
    path.write_bytes(data)
    return path


def _break_line(folder: Path, name: str, line: int, change: Callable[[bytes], bytes]) -> Path:
    """Replace physical line ``line`` (1 = header) of ``name``, line end excluded."""
    lines = (folder / name).read_bytes().split(b"\n")
    lines[line - 1] = change(lines[line - 1])
    return _replace(folder, name, b"\n".join(lines))


def _field(line: bytes, index: int, value: bytes) -> bytes:
    fields = line.split(b",")
    fields[index] = value
    return b",".join(fields)


HIRES = "hire_declarations.csv"
NATURE = 4  # field index of nature_contrat in hire_declarations

# (id, change of line LINE of hire_declarations.csv, what the error says after "line N: ")
LINE_CASES = [
    (
        "unclosed_quote",
        lambda line: _field(line, 1, b'"' + line.split(b",")[1]),
        f"unbalanced quote: the quoted field opened here is not closed within {LIMIT:,} bytes "
        "(or a record is over DuckDB's CSV line limit)",
    ),
    (
        "stray_quote",
        lambda line: _field(line, NATURE, b'C"DD'),
        "unbalanced quote: a quote inside unquoted field 5 (a field holding a quote must be "
        "quoted, its quotes doubled)",
    ),
    (
        "text_after_closing_quote",
        lambda line: _field(line, NATURE, b'"CD"D'),
        "unbalanced quote: text follows the closing quote of field 5",
    ),
    ("extra_field", lambda line: line + b",x", "8 fields where the header has 7"),
    ("missing_field", lambda line: line.rsplit(b",", 1)[0], "6 fields where the header has 7"),
    (
        "crlf_in_lf_file",
        lambda line: line + b"\r",
        r"ends with \r\n where the header ends with \n (mixed line ends: one kind per file)",
    ),
    ("nul_byte", lambda line: _field(line, NATURE, b"CD\x00D"), "a NUL byte"),
    (
        "field_over_duckdb_line_limit",
        lambda line: _field(line, 0, b"D" * (3 * 1024 * 1024)),
        f"longer than {LIMIT:,} bytes (DuckDB's CSV line limit)",
    ),
]


@pytest.mark.parametrize(
    ("change", "what"), [c[1:] for c in LINE_CASES], ids=[c[0] for c in LINE_CASES]
)
def test_broken_line(raw: Path, nirs: set[str], change, what: str):
    path = _break_line(raw, HIRES, LINE, change)
    _assert_one_error(raw, f"{path}: line {LINE}: {what}", nirs)


def test_unclosed_quote_in_a_small_file(raw: Path, nirs: set[str]):
    path = _break_line(raw, "agencies.csv", 3, lambda line: _field(line, 1, b'"Agence'))
    expected = "unbalanced quote: the quoted field opened here is never closed"
    _assert_one_error(raw, f"{path}: line 3: {expected}", nirs)


def test_quoted_field_closed_lines_later_by_a_stray_quote(raw: Path, nirs: set[str]):
    lines = (raw / HIRES).read_bytes().split(b"\n")
    lines[LINE - 1] = _field(lines[LINE - 1], 1, b'"' + lines[LINE - 1].split(b",")[1])
    lines[LINE + 2] = _field(lines[LINE + 2], NATURE, b'C"DD')
    path = _replace(raw, HIRES, b"\n".join(lines))
    expected = "unbalanced quote: text follows the closing quote of field 2, opened on line 100"
    _assert_one_error(raw, f"{path}: line {LINE + 3}: {expected}", nirs)


def test_lf_line_in_crlf_file(raw: Path, nirs: set[str]):
    lines = (raw / HIRES).read_bytes().rstrip(b"\n").split(b"\n")
    crlf = [line + (b"\n" if i == LINE - 1 else b"\r\n") for i, line in enumerate(lines)]
    path = _replace(raw, HIRES, b"".join(crlf))
    expected = r"ends with \n where the header ends with \r\n (mixed line ends: one kind per file)"
    _assert_one_error(raw, f"{path}: line {LINE}: {expected}", nirs)


def test_cr_only_line_ends(raw: Path, nirs: set[str]):
    path = _replace(raw, HIRES, (raw / HIRES).read_bytes().replace(b"\n", b"\r"))
    expected = (
        r"a carriage return without a line feed (CR-only line ends are not allowed: "
        r"line ends are \n or \r\n)"
    )
    _assert_one_error(raw, f"{path}: line 1: {expected}", nirs)


def test_directory_named_like_a_file(raw: Path, nirs: set[str]):
    path = raw / "communes.csv"
    path.unlink()
    path.mkdir()
    _assert_one_error(raw, f"{path}: file-level error, a directory, not a file", nirs)


def test_directory_named_like_a_parquet_file(raw: Path, nirs: set[str]):
    (raw / "communes.csv").unlink()
    path = raw / "communes.parquet"
    path.mkdir()
    _assert_one_error(raw, f"{path}: file-level error, a directory, not a file", nirs)


def test_unreadable_file(raw: Path, nirs: set[str], monkeypatch: pytest.MonkeyPatch):
    path = _replace(raw, "communes.csv", (raw / "communes.csv").read_bytes())
    if os.geteuid() != 0:
        path.chmod(0)
        expected = f"{path}: file-level error, cannot be read (Permission denied)"
        _assert_one_error(raw, expected, nirs)
        return
    # root reads every file: make opening it fail as it would for anyone else
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    report = preflight.check_folder(raw)
    assert report.errors == [f"{path}: file-level error, cannot be read (Permission denied)"]


def _rewrite_csv(folder: Path, name: str, header: list[str], extra: str | None) -> Path:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    path = folder / name
    path.unlink()
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(row + ([extra] if extra is not None else []) for row in rows)
    return path


def test_duplicate_column_differing_in_case(raw: Path, nirs: set[str]):
    header = [*contract.tables()["establishments"].column_names, "SIRET"]
    path = _rewrite_csv(raw, "establishments.csv", header, "x")
    expected = "file-level error, columns siret and SIRET differ only in case (fields 1 and 8)"
    _assert_one_error(raw, f"{path}: {expected}", nirs)


def test_duplicate_column(raw: Path, nirs: set[str]):
    header = [*contract.tables()["establishments"].column_names, "siret"]
    path = _rewrite_csv(raw, "establishments.csv", header, "x")
    expected = "file-level error, column siret is named twice (fields 1 and 8)"
    _assert_one_error(raw, f"{path}: {expected}", nirs)


def test_duplicate_value_as_header_is_not_shown(raw: Path, nirs: set[str]):
    """A data row in place of the header, its NIR twice: the name is not shown, its place is."""
    lines = (raw / HIRES).read_bytes().split(b"\n")
    fields = lines[1].split(b",")
    fields[0] = fields[2]
    path = _replace(raw, HIRES, b"\n".join([b",".join(fields), *lines[1:]]))
    expected = "file-level error, a column (name not shown) is named twice (fields 1 and 3)"
    _assert_one_error(raw, f"{path}: {expected}", nirs)


def test_data_row_as_header_prints_no_value(raw: Path, nirs: set[str]):
    """A file without its header: the first row's values (a NIR) are not shown as names."""
    lines = (raw / HIRES).read_bytes().split(b"\n")
    path = _replace(raw, HIRES, b"\n".join(lines[1:]))
    done = _preflight(raw)
    output = done.stdout + done.stderr
    assert done.returncode == 1
    assert f"preflight error: {path}: file-level error, column nir is missing" in output
    assert _nirs_in(output, nirs) == set()


# --- accepted ---------------------------------------------------------------------------------


def _assert_passes(folder: Path) -> None:
    done = _preflight(folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "preflight error" not in done.stderr


def test_clean_world_passes(raw: Path):
    _assert_passes(raw)


def test_crlf_file_passes(raw: Path):
    data = (raw / HIRES).read_bytes().replace(b"\n", b"\r\n")
    _replace(raw, HIRES, data)
    _assert_passes(raw)


def test_byte_order_mark_passes(raw: Path):
    _replace(raw, HIRES, b"\xef\xbb\xbf" + (raw / HIRES).read_bytes())
    _assert_passes(raw)


def test_quoted_fields_pass(raw: Path):
    """Quoted fields holding a comma, a doubled quote and a line break are data."""
    name = b'"Dupont, ""Fils""\r\net Cie"'
    path = _break_line(raw, "legal_units.csv", 5, lambda line: _field(line, 1, name))
    _assert_passes(raw)
    with duckdb.connect() as con:
        (value,) = con.execute(
            "select denomination from read_csv(?, header = true, all_varchar = true, "
            "delim = ',', quote = '\"', escape = '\"') where denomination like 'Dupont%'",
            [str(path)],
        ).fetchone()
    assert value == 'Dupont, "Fils"\r\net Cie'


def _quote_all(folder: Path, name: str, line_end: str = "\n") -> Path:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    path = folder / name
    path.unlink()
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, quoting=csv.QUOTE_ALL, lineterminator=line_end).writerows(rows)
    return path


@pytest.mark.parametrize("line_end", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_field_quoted_passes(raw: Path, line_end: str):
    _quote_all(raw, HIRES, line_end)
    _assert_passes(raw)


def test_error_deep_in_a_quoted_file(raw: Path, nirs: set[str]):
    path = _quote_all(raw, HIRES)
    _break_line(raw, HIRES, 50_000, lambda line: line + b',"x"')
    _assert_one_error(raw, f"{path}: line 50000: 8 fields where the header has 7", nirs)


def test_trailing_empty_line_passes(raw: Path):
    _replace(raw, HIRES, (raw / HIRES).read_bytes() + b"\n")
    _assert_passes(raw)


def _typed_frame(folder: Path, name: str) -> pd.DataFrame:
    """The table with pandas' types for the contract's (int64, datetime64[ns], bool)."""
    frame = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
    frame = frame.replace("", None)
    for column in contract.tables()[name].columns:
        values = frame[column.name]
        if column.type == "integer":
            frame[column.name] = values.astype("int64")
        elif column.type in ("date", "timestamp"):
            frame[column.name] = pd.to_datetime(values)
        elif column.type == "boolean":
            frame[column.name] = values == "true"
    return frame


def _to_parquet(folder: Path, name: str, table: pa.Table | pd.DataFrame) -> Path:
    (folder / f"{name}.csv").unlink()
    path = folder / f"{name}.parquet"
    if isinstance(table, pd.DataFrame):
        table.to_parquet(path, index=False)
    else:
        pq.write_table(table, path)
    return path


def test_pandas_parquet_passes(raw: Path):
    for name in ("jobseeker_spells", "job_offers", "hire_declarations"):
        _to_parquet(raw, name, _typed_frame(raw, name))
    schema = pq.read_schema(raw / "jobseeker_spells.parquet")
    assert str(schema.field("annee_naissance").type) == "int64"
    assert str(schema.field("is_rsa").type) == "bool"
    assert str(schema.field("date_inscription").type).startswith("timestamp")
    assert str(pq.read_schema(raw / "hire_declarations.parquet").field("date_declaration").type)
    _assert_passes(raw)


def test_arrow_types_that_cast_without_loss_pass(raw: Path, offers: pa.Table):
    table = offers
    frame = table.to_pandas()
    cast = {
        "nb_postes": pa.int32(),
        "date_publication": pa.date32(),
        "date_cloture": pa.timestamp("us"),
    }
    for column, arrow_type in cast.items():
        index = table.schema.get_field_index(column)
        table = table.set_column(index, column, pa.array(frame[column]).cast(arrow_type))
    # an integer column with NULLs, as pandas writes it: float64, every value whole
    index = table.schema.get_field_index("nb_postes")
    whole = pa.array([None, *frame["nb_postes"][1:].astype("float64")], type=pa.float64())
    table = table.set_column(index, "nb_postes", whole)
    _to_parquet(raw, "job_offers", table)
    _assert_passes(raw)


@pytest.fixture(scope="module")
def offers(clean: Path) -> pa.Table:
    """job_offers of the clean world, with pandas' types (read once)."""
    return pa.Table.from_pandas(_typed_frame(clean, "job_offers"), preserve_index=False)


PARQUET_CASES = [
    (
        "float_with_fractions",
        "nb_postes",
        lambda n: pa.array([1.5] + [2.0] * (n - 1)),
        "double with values that are not whole numbers",
        "integer",
    ),
    ("int_for_date", "date_publication", lambda n: pa.array([20150101] * n), "int64", "date"),
    (
        "timestamp_with_time_for_date",
        "date_publication",
        lambda n: pa.array([pd.Timestamp("2015-01-01 10:30")] * n, type=pa.timestamp("us")),
        "timestamp[us] with times other than midnight",
        "date",
    ),
    ("binary", "code_rome", lambda n: pa.array([b"A1234"] * n), "binary", "text"),
    (
        "struct",
        "code_rome",
        lambda n: pa.array([{"code": "A1234"}] * n),
        "struct<code: string>",
        "text",
    ),
    ("list", "nature_contrat", lambda n: pa.array([["CDI"]] * n), "list<element: string>", "text"),
]


@pytest.mark.parametrize(
    ("column", "values", "found", "kind"),
    [c[1:] for c in PARQUET_CASES],
    ids=[c[0] for c in PARQUET_CASES],
)
def test_parquet_type_that_does_not_cast(
    raw: Path, nirs: set[str], offers: pa.Table, column, values, found, kind
):
    index = offers.schema.get_field_index(column)
    table = offers.set_column(index, column, values(offers.num_rows))
    path = _to_parquet(raw, "job_offers", table)
    expected = (
        f"{path}: file-level error, column {column} has Parquet type {found}, which does not "
        f"cast without loss to the contract's type {kind}"
    )
    _assert_one_error(raw, expected, nirs)


def test_not_a_parquet_file(raw: Path, nirs: set[str]):
    (raw / "communes.csv").unlink()
    path = raw / "communes.parquet"
    path.write_bytes(b"not parquet at all")
    done = _preflight(raw)
    errors = [line for line in done.stderr.splitlines() if line.startswith("preflight error:")]
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert len(errors) == 1
    assert errors[0].startswith(
        f"preflight error: {path}: file-level error, not a readable Parquet"
    )


# --- the limit is DuckDB's ----------------------------------------------------------------------


@pytest.mark.parametrize("extra", [0, 1])
def test_line_limit_is_duckdbs(tmp_path: Path, extra: int):
    """The way dbt reads a CSV file (create_raw_relations) takes a record of exactly the
    pre-flight limit (line end included) and refuses one byte more."""
    path = tmp_path / "limit.csv"
    field = b"x" * (LIMIT - len(b"1,,3\n") + extra)
    path.write_bytes(b"a,b,c\n1," + field + b",3\n4,5,6\n")
    sql = (
        "select count(*) from read_csv(?, header = true, all_varchar = true, delim = ',', "
        "quote = '\"', escape = '\"')"
    )
    with duckdb.connect() as con:
        if extra:
            with pytest.raises(duckdb.Error):
                con.execute(sql, [str(path)]).fetchone()
        else:
            assert con.execute(sql, [str(path)]).fetchone() == (2,)
    report = preflight.Report()
    table = contract.Table("limit", "test", None, False, ())
    preflight.check_file(table, path, report)
    if extra:
        assert report.errors == [
            f"{path}: line 2: longer than {LIMIT:,} bytes (DuckDB's CSV line limit)"
        ]
    else:
        assert report.errors == []


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda data: data.decode("utf-8").encode("utf-16"), id="utf16"),
        pytest.param(lambda data: data.decode("utf-8").encode("latin-1", "replace"), id="latin1"),
        pytest.param(gzip.compress, id="gzip_named_csv"),
    ],
)
def test_file_not_in_utf8(raw: Path, nirs: set[str], encode: Callable[[bytes], bytes]):
    data = (raw / "communes.csv").read_bytes().replace(b"\n", " é\n".encode(), 1)
    path = _replace(raw, "communes.csv", encode(data))
    done = _preflight(raw)
    output = done.stdout + done.stderr
    errors = [line for line in output.splitlines() if line.startswith("preflight error:")]
    assert done.returncode == 1 and len(errors) == 1, output
    assert errors[0].startswith(f"preflight error: {path}: file-level error, not UTF-8 ("), output
    assert "Traceback" not in output and _nirs_in(output, nirs) == set()


def test_reordered_columns_pass(raw: Path):
    path = raw / HIRES
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [row[::-1] for row in csv.reader(handle)]
    path.unlink()
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    done = _preflight(raw)
    assert done.returncode == 0, done.stdout + done.stderr
