"""The raw loader for Postgres (`python -m smallfirms.load_raw`).

File-level errors and connection errors are one line, without a server. With the server of
`make test-postgres`, the tables it loads hold what DuckDB's raw views read from the same files:
same columns, same text, same `_raw_line`, on a folder with the contract's edge cases (byte-order
mark, CRLF line ends, quoted commas and line breaks, quoted empty fields, a Parquet file).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from worlds import TEST_RAW_DIR

from smallfirms import contract

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOADER = [sys.executable, "-m", "smallfirms.load_raw", "--target", "postgres"]
CHECK_SCHEMA = "loader_check"


def run_loader(raw_dir: Path, env: dict[str, str] | None = None, *extra: str):
    return subprocess.run(
        [*LOADER, "--raw-dir", str(raw_dir), *extra],
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )


def copy_world(tmp_path: Path) -> Path:
    raw = TEST_RAW_DIR
    assert raw.is_dir(), f"{raw}: no test world; run make test-world first"
    out = tmp_path / "raw"
    out.mkdir()
    for name in contract.tables():
        shutil.copy(raw / f"{name}.csv", out / f"{name}.csv")
    return out


def assert_one_line_error(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    for word in words:
        assert word in lines[0], lines[0]


def test_missing_file_is_one_line(tmp_path: Path) -> None:
    raw = copy_world(tmp_path)
    (raw / "communes.csv").unlink()
    done = run_loader(raw)
    assert_one_line_error(done, "communes.csv", "missing file")


def test_csv_and_parquet_of_one_table_is_one_line(tmp_path: Path) -> None:
    raw = copy_world(tmp_path)
    (raw / "agencies.parquet").write_bytes(b"PAR1")
    done = run_loader(raw)
    assert_one_line_error(done, "agencies.csv", "agencies.parquet", "both")


def test_unreachable_server_is_one_line(tmp_path: Path) -> None:
    raw = copy_world(tmp_path)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    done = run_loader(raw, {"PGHOST": "127.0.0.1", "PGPORT": port, "PGCONNECT_TIMEOUT": "3"})
    assert_one_line_error(done, "cannot connect to Postgres", f"127.0.0.1:{port}")


def duckdb_raw_rows(path: Path) -> tuple[list[str], list[tuple]]:
    """What DuckDB's raw view (macros/raw/create_raw_relations.sql) reads from one file."""
    if path.suffix == ".parquet":
        reader = f"read_parquet('{path}')"
    else:
        reader = (
            f"read_csv('{path}', header = true, all_varchar = true, delim = ',', "
            "quote = '\"', escape = '\"')"
        )
    sql = f"select row_number() over () as _raw_line, columns(*)::varchar from {reader}"
    with duckdb.connect() as con:
        result = con.execute(f"select * from ({sql}) order by _raw_line")
        columns = [d[0] for d in result.description]
        return columns, result.fetchall()


@pytest.mark.postgres
def test_loaded_tables_hold_what_duckdb_reads(tmp_path: Path) -> None:
    import psycopg2

    raw = copy_world(tmp_path)
    # agencies: a byte-order mark and CRLF line ends.
    agencies = (raw / "agencies.csv").read_text(encoding="utf-8")
    (raw / "agencies.csv").write_bytes(b"\xef\xbb\xbf" + agencies.replace("\n", "\r\n").encode())
    # communes: a quoted name with a comma and a line break, a quoted empty name (NULL).
    lines = (raw / "communes.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    name_at = header.index("nom_commune")
    first, second = lines[1].split(","), lines[2].split(",")
    first[name_at] = '"Saint-Jean, sur\nla rive ""haute"""'
    second[name_at] = '""'
    lines[1], lines[2] = ",".join(first), ",".join(second)
    (raw / "communes.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    # legal_units: Parquet with typed columns (dates become DATE), as a delivery may be.
    with duckdb.connect() as con:
        con.execute(
            f"copy (select * from read_csv('{raw / 'legal_units.csv'}', header = true)) "
            f"to '{raw / 'legal_units.parquet'}' (format parquet)"
        )
    (raw / "legal_units.csv").unlink()

    done = run_loader(raw, None, "--schema", CHECK_SCHEMA)
    assert done.returncode == 0, done.stderr
    connection = psycopg2.connect()
    try:
        with connection.cursor() as cursor:
            for name in contract.tables():
                path = next(raw.glob(f"{name}.*"))
                columns, expected = duckdb_raw_rows(path)
                cursor.execute(f'select * from {CHECK_SCHEMA}."{name}" order by _raw_line')
                loaded_columns = [d[0] for d in cursor.description]
                assert loaded_columns == columns, name
                loaded = cursor.fetchall()
                assert len(loaded) == len(expected), name
                assert loaded == expected, f"{name}: the loaded rows differ from DuckDB's"
            cursor.execute(
                f"select nom_commune from {CHECK_SCHEMA}.communes where _raw_line <= 2 "
                "order by _raw_line"
            )
            assert cursor.fetchall() == [('Saint-Jean, sur\nla rive "haute"',), (None,)]
    finally:
        connection.rollback()
        with connection.cursor() as cursor:
            cursor.execute(f"drop schema if exists {CHECK_SCHEMA} cascade")
        connection.commit()
        connection.close()
