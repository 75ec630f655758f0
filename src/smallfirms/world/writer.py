"""One writer for every table: arrays in, a CSV or Parquet file out, formatted by DuckDB.

A table is written from its schema (:mod:`smallfirms.world.schema`) and a mapping column name ->
:class:`Field`. Codes travel as integer indices and are decoded with a list literal, which is much
faster than letting DuckDB convert Arrow dictionaries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from smallfirms.world.schema import Col

# DuckDB's default date and timestamp text is the contract's (YYYY-MM-DD, YYYY-MM-DD HH:MM:SS for
# whole seconds); naming the formats explicitly sends every value through strftime, 10 % slower.
CSV_OPTIONS = "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"'"


@dataclass
class Field:
    values: Any  # numpy array, pyarrow array or list
    null: np.ndarray | None = None  # True where the value is NULL
    codes: list[str] | None = None  # for kind "code": the strings the indices stand for


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _arrow(col: Col, f: Field) -> pa.Array:
    if col.kind == "date":
        return pa.array(np.asarray(f.values).astype(np.int32), mask=f.null).view(pa.date32())
    if col.kind == "timestamp":
        return pa.array(np.asarray(f.values).astype("datetime64[s]"), mask=f.null)
    if col.kind in ("code", "digits", "int", "id"):
        return pa.array(np.asarray(f.values).astype(np.int64), mask=f.null)
    if isinstance(f.values, pa.Array | pa.ChunkedArray):
        return f.values
    return pa.array(f.values, mask=f.null)


def _select(col: Col, f: Field, name: str) -> str:
    q = f'"{name}"'
    if col.kind == "id":
        return f"'{col.prefix}' || lpad(CAST({q} AS VARCHAR), {col.width}, '0')"
    if col.kind == "digits":
        return f"lpad(CAST({q} AS VARCHAR), {col.width}, '0')"
    if col.kind == "code":
        return f"{sql_list(f.codes or [])}[{q} + 1]"
    return q


def write_table(
    con, schema: tuple[Col, ...], fields: dict[str, Field], path: Path, fmt: str
) -> int:
    """Write one table; returns its number of rows."""
    arrays, selects = {}, []
    for i, col in enumerate(schema):
        if col.kind == "id" and col.name not in fields:  # numbered by the writer
            selects.append(f"{_select(col, Field(None), 'row_number')} AS {col.name}")
            continue
        name = f"c{i}"
        arrays[name] = _arrow(col, fields[col.name])
        selects.append(f"{_select(col, fields[col.name], name)} AS {col.name}")
    n = len(next(iter(arrays.values())))
    arrays["row_number"] = pa.array(np.arange(1, n + 1, dtype=np.int64))
    table = pa.table(arrays)
    con.register("src", table)
    options = CSV_OPTIONS if fmt == "csv" else "FORMAT parquet"
    target = str(path).replace("'", "''")  # any folder name: a quote in it is doubled
    con.execute(f"COPY (SELECT {', '.join(selects)} FROM src) TO '{target}' ({options})")
    con.unregister("src")
    return table.num_rows
