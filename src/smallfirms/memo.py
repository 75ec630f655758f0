"""A Python model is not re-run when nothing it depends on has changed.

The estimation and prediction models cost seconds to minutes (bootstraps, gradient boosting) and a
daily delivery rarely changes what they read. Before computing, `memoised` takes a fingerprint of
everything the result depends on:

- the model's compiled code, which dbt writes to the file the model runs from: its body, its
  config values (the vars it reads) and the relations it references;
- the source of this package, which holds the statistics, and the versions of the numerical
  libraries;
- the content of every input relation, hashed in DuckDB (row count, XOR and sum of row hashes:
  independent of row order, one pass per input). A model passes the columns it reads, not whole
  tables, so that a change it cannot see does not make it compute again.

When the fingerprint equals the one stored at the last computation and the model's table still
holds what that computation wrote (its content hash is compared too), the table is kept: the model
returns it as it is, and one line in dbt's console and log says so. Otherwise it computes, and
stores the new fingerprint with the result's hash. Fingerprints live in
`dbt_meta.python_model_runs` (DuckDB only: the other engines run no Python model), which the
on-run-start hook creates. Setting SMALLFIRMS_RECOMPUTE=1 forces every Python model to compute.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping
from importlib import metadata
from pathlib import Path

import duckdb
import pandas as pd

STORE = "dbt_meta.python_model_runs"
LIBRARIES = ("duckdb", "numpy", "pandas", "scipy", "scikit-learn", "statsmodels", "drdid")
PACKAGE_DIR = Path(__file__).resolve().parent


def content_hash(relation: duckdb.DuckDBPyRelation) -> str:
    """Row count and order-free hashes of every row, in one pass."""
    ((count, xor, total),) = relation.query(
        "memo_input",
        "select count(*), coalesce(bit_xor(hash(memo_input)), 0),"
        " coalesce(sum(hash(memo_input) % 1000000007), 0) from memo_input",
    ).fetchall()
    return f"{count}:{xor}:{total}"


def _package_source() -> bytes:
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    return b"".join(p.relative_to(PACKAGE_DIR).as_posix().encode() + p.read_bytes() for p in files)


def fingerprint(model_file: str, inputs: Mapping[str, duckdb.DuckDBPyRelation]) -> str:
    digest = hashlib.sha256(Path(model_file).read_bytes())
    digest.update(_package_source())
    for library in LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=absent".encode())
    for name in sorted(inputs):
        digest.update(f"{name}={content_hash(inputs[name])}".encode())
    return digest.hexdigest()


def _stored(session: duckdb.DuckDBPyConnection, model: str) -> tuple[str, str] | None:
    found = session.execute(
        f"select fingerprint, output_hash from {STORE} where model = ?", [model]
    ).fetchall()
    return (found[0][0], found[0][1]) if found else None


def _table_hash(session: duckdb.DuckDBPyConnection, this) -> str | None:
    ((exists,),) = session.execute(
        "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
        [this.schema, this.identifier],
    ).fetchall()
    return content_hash(session.table(f'"{this.schema}"."{this.identifier}"')) if exists else None


def training_outcome(column: str) -> str:
    """`column` of the anchor features, on the training anchor only. A score learns the outcome of
    the training anchor and never reads the scoring anchor's, which every delivery refreshes: kept
    out of the model's input, it cannot move the fingerprint."""
    return f"case when anchor_name = 'training' then {column} end as {column}"


def say(message: str) -> None:
    """One line in dbt's console and log file (dbt runs Python models in its own process)."""
    from dbt_common.events.base_types import EventLevel
    from dbt_common.events.functions import fire_event
    from dbt_common.events.types import Note

    fire_event(Note(msg=message), level=EventLevel.INFO)


def memoised(
    dbt,
    session: duckdb.DuckDBPyConnection,
    model_file: str,
    inputs: Mapping[str, duckdb.DuckDBPyRelation],
    compute: Callable[[], pd.DataFrame],
) -> pd.DataFrame | duckdb.DuckDBPyRelation:
    """The model's table: kept if nothing it depends on changed, else `compute()`d."""
    this, model = dbt.this, dbt.this.identifier
    current = fingerprint(model_file, inputs)
    stored = None if os.environ.get("SMALLFIRMS_RECOMPUTE") == "1" else _stored(session, model)
    if stored is not None and stored[0] == current and _table_hash(session, this) == stored[1]:
        say(f"{model}: inputs, settings and code unchanged (fingerprint {current[:12]}); kept")
        return session.sql(f'select * from "{this.schema}"."{this.identifier}"')
    result = compute()
    output_hash = content_hash(session.from_df(result))
    session.execute(f"delete from {STORE} where model = ?", [model])
    session.execute(
        f"insert into {STORE} values (?, ?, ?, current_timestamp)", [model, current, output_hash]
    )
    return result
