"""Shared fixtures: the warehouse that `make test` built from the small test world."""

import os
import sys

import duckdb
import pytest
import worlds
from worlds import TEST_WAREHOUSE

# A pytest-xdist worker runs from `python -c`: its __main__ has neither a file nor a spec, which
# pyspark.sql.connect (imported by great_expectations) takes for a doctest run without grpc, and it
# then calls sys.exit(0) on import. A file name for __main__ tells it otherwise.
_main = sys.modules["__main__"]
if os.environ.get("PYTEST_XDIST_WORKER") and not hasattr(_main, "__file__"):
    _main.__file__ = "pytest-xdist-worker"


@pytest.fixture(scope="session", autouse=True)
def shared_dbt_parse(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The folder where the builds of this run leave their parse for the next (worlds.dbt_build):
    under an xdist worker's temporary folder, the run's folder, shared by both workers."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    worlds.PARSE_CACHE = shared / "dbt-parse"


@pytest.fixture(scope="session")
def warehouse() -> duckdb.DuckDBPyConnection:
    """Read-only connection to the test warehouse (DUCKDB_PATH, set by `make pytest`)."""
    path = TEST_WAREHOUSE
    assert path.exists(), f"{path}: no warehouse; run `make test-build` first"
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def postgres_env_is_set() -> bool:
    """True inside `make test-postgres` (or any shell pointed at a built Postgres warehouse)."""
    return os.environ.get("DBT_TARGET") == "postgres" and bool(os.environ.get("PGHOST"))


# The files whose fixtures build worlds with dbt, longest first (`pytest --durations`, 2-core
# machine, December 2026: from about 300 s down to 40 s). Run first, they keep `make pytest`'s
# workers (one file each at a time) from ending on a long file while the other worker idles.
LONGEST_FIRST = (
    "test_incremental.py",
    "test_effects_recovery.py",
    "test_python_model_memo.py",
    "test_bench.py",
    "test_bad_input_matrix.py",
    "test_build_guard.py",
    "test_cohorts.py",
    "test_build_idempotent.py",
    "test_contract.py",
    "test_rejection.py",
    "test_quality.py",
    "test_typed_values.py",
)


def _rank(item: pytest.Item) -> int:
    name = item.path.name
    return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_rank)  # stable: the order within a file, and of the other files, is kept
    # Postgres tests need the server and warehouse of `make test-postgres`; `make test` skips them.
    if postgres_env_is_set():
        return
    skip = pytest.mark.skip(
        reason="needs DBT_TARGET=postgres and PG* variables (make test-postgres)"
    )
    for item in items:
        if item.get_closest_marker("postgres") is not None:
            item.add_marker(skip)
