"""The Parquet export of a publication (`smallfirms.publish --parquet-dir`, `make export-parquet`):
one file per published table with the same rows, tables no longer published removed."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from worlds import TEST_PUBLISHED, stamp_receipt

from smallfirms import publish as pub


def _build(path: Path, tables: dict[str, int]) -> None:
    """A build file: marts tables of n rows, a view, and a staging table that is not published."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        for name in ("orders", "customers", "notes"):
            con.execute(f"drop table if exists marts.{name}")
        for name, rows in tables.items():
            con.execute(
                f"create table marts.{name} as select i as id, 'row ' || i as label, "
                f"case when i % 3 = 0 then null else i / 7 end as share from range({rows}) t(i)"
            )
        con.execute(
            "create or replace view marts.orders_count as select count(*) as n from marts.orders"
        )
        con.execute("create or replace table staging.not_published as select 1 as x")


def _run(tmp_path: Path, parquet: Path) -> int:
    results = tmp_path / "run_results.json"
    results.write_text(
        json.dumps(
            {
                "metadata": {"invocation_id": "inv-parquet"},
                "results": [{"unique_id": "model.p.a", "status": "success"}],
            }
        )
    )
    stamp_receipt(tmp_path / "build.duckdb", results)
    return pub.main(
        [
            "--database",
            str(tmp_path / "build.duckdb"),
            "--out",
            str(tmp_path / "published" / "warehouse.duckdb"),
            "--run-results",
            str(results),
            "--parquet-dir",
            str(parquet),
        ]
    )


def _rows(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple]:
    return sorted(con.execute(f"select * from {relation}").fetchall(), key=repr)


def test_each_published_table_becomes_a_parquet_file_with_the_same_rows(tmp_path, capsys):
    _build(tmp_path / "build.duckdb", {"orders": 250, "customers": 40})
    parquet = tmp_path / "parquet"
    assert _run(tmp_path, parquet) == 0
    assert "3 Parquet files" in capsys.readouterr().out
    assert sorted(p.name for p in (parquet / "marts").iterdir()) == [
        "customers.parquet",
        "orders.parquet",
        "orders_count.parquet",  # the view, as published: a table
    ]
    published = tmp_path / "published" / "warehouse.duckdb"
    with duckdb.connect(str(published), read_only=True) as con:
        for name in ("orders", "customers", "orders_count"):
            file = parquet / "marts" / f"{name}.parquet"
            assert _rows(con, f"read_parquet('{file}')") == _rows(con, f"marts.{name}")
            # same column names and types
            assert (
                con.execute(f"describe select * from read_parquet('{file}')").fetchall()
                == con.execute(f"describe marts.{name}").fetchall()
            )


def test_a_table_no_longer_published_leaves_no_parquet_file(tmp_path):
    build = tmp_path / "build.duckdb"
    _build(build, {"orders": 10, "customers": 5, "notes": 3})
    parquet = tmp_path / "parquet"
    assert _run(tmp_path, parquet) == 0
    assert (parquet / "marts" / "notes.parquet").is_file()
    _build(build, {"orders": 12, "customers": 5})
    assert _run(tmp_path, parquet) == 0
    # the dropped table's file is gone, no temporary file is left, the others are the new ones
    assert sorted(p.name for p in (parquet / "marts").iterdir()) == [
        "customers.parquet",
        "orders.parquet",
        "orders_count.parquet",
    ]
    with duckdb.connect() as con:
        count = f"select count(*) from read_parquet('{parquet / 'marts' / 'orders.parquet'}')"
        assert con.execute(count).fetchone() == (12,)


def test_the_test_publication_exports_every_mart(tmp_path):
    published = TEST_PUBLISHED
    if not published.is_file():
        pytest.skip(f"{published}: no published test warehouse; run `make test-build`")
    written = pub.export_parquet(published, tmp_path)
    with duckdb.connect(str(published), read_only=True) as con:
        counts = dict(
            con.execute(
                "select table_name, estimated_size from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        )
        assert sorted(p.stem for p in written) == sorted(counts)
        for path in written:
            (rows,) = con.execute(f"select count(*) from read_parquet('{path}')").fetchone()
            (expected,) = con.execute(f'select count(*) from marts."{path.stem}"').fetchone()
            assert rows == expected, path.stem
