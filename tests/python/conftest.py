"""Shared fixtures: the warehouse that `make test` built from the small test world."""

import os
from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="session")
def warehouse() -> duckdb.DuckDBPyConnection:
    """Read-only connection to the test warehouse (DUCKDB_PATH, set by `make pytest`)."""
    path = Path(os.environ.get("DUCKDB_PATH", "data/test/warehouse.duckdb"))
    assert path.exists(), f"{path}: no warehouse; run `make test-build` first"
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()
