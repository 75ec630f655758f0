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


def postgres_env_is_set() -> bool:
    """True inside `make test-postgres` (or any shell pointed at a built Postgres warehouse)."""
    return os.environ.get("DBT_TARGET") == "postgres" and bool(os.environ.get("PGHOST"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Postgres tests need the server and warehouse of `make test-postgres`; `make test` skips them.
    if postgres_env_is_set():
        return
    skip = pytest.mark.skip(
        reason="needs DBT_TARGET=postgres and PG* variables (make test-postgres)"
    )
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)
