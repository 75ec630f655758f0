"""Two `dbt build`s of the same raw files into the same warehouse file give the same content.

The first build is `make test-build`'s (DUCKDB_PATH, from RAW_DATA_DIR): a copy of its file is built
again from the same raw files, and the copy must hold what the original holds.

Only the build time (`detected_at` and `loaded_at` columns) may differ. The content hash of a
table ignores row order: the md5 of each row's text, sorted, concatenated and hashed again.
Floating-point columns are compared at 12 significant digits: DuckDB's parallel aggregates of
doubles (e.g. the Spearman correlation of `score_validation_summary`) differ between runs in the
last bits, which is not a change of content.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import worlds

SCHEMAS = ("staging", "marts")
BUILD_TIME_COLUMNS = {"detected_at", "loaded_at"}
FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def dbt_build(raw: Path, database: Path, work: Path) -> None:
    target = work / "target"
    output = worlds.dbt_build(raw, database, work, "--quiet").output[-3000:]
    run_results = target / "run_results.json"
    assert run_results.is_file(), f"dbt build did not run:\n{output}"
    # Idempotency can only be judged when every model was built: a failing test skips the models
    # downstream of it, and then this test names the failure that stopped the build.
    results = json.loads(run_results.read_text(encoding="utf-8"))["results"]
    not_built = [
        r["unique_id"]
        for r in results
        if r["unique_id"].startswith(("model.", "seed.", "snapshot."))
        and r["status"] in ("error", "skipped")
    ]
    failures = [r["unique_id"] for r in results if r["status"] in ("error", "fail")]
    assert not_built == [], (
        f"dbt build left {len(not_built)} models unbuilt (e.g. {not_built[:3]}) "
        f"because of {failures}:\n{output}"
    )


def column_text(name: str, data_type: str) -> str:
    """The column as hashed: floating-point values at 12 significant digits."""
    quoted = f'"{name}"'
    if data_type in FLOAT_TYPES:
        return f"printf('%.12g', {quoted}) as {quoted}"
    return quoted


def content_hashes(database: Path) -> dict[str, tuple[int, str]]:
    """Row count and order-independent content hash of every table and view of SCHEMAS."""
    hashes: dict[str, tuple[int, str]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            f"""
            select
                table_schema,
                table_name,
                list((column_name, data_type) order by ordinal_position)
            from information_schema.columns
            where table_schema in ({", ".join("?" for _ in SCHEMAS)})
            group by all
            order by all
            """,
            list(SCHEMAS),
        ).fetchall()
        for schema, name, names in columns:
            kept = ", ".join(
                column_text(c, kind) for c, kind in names if c.lower() not in BUILD_TIME_COLUMNS
            )
            rows, digest = con.execute(
                f"""
                select count(*), md5(coalesce(string_agg(row_hash, '' order by row_hash), ''))
                from (
                    select md5(cast(r as varchar)) as row_hash
                    from (select {kept} from "{schema}"."{name}") as r
                )
                """
            ).fetchone()
            hashes[f"{schema}.{name}"] = (int(rows), digest)
    return hashes


def test_two_builds_give_the_same_content(tmp_path):
    built, raw = worlds.TEST_WAREHOUSE, worlds.TEST_RAW_DIR
    assert built.is_file() and raw.is_dir(), "no test warehouse: run `make test-build` first"
    database = tmp_path / "warehouse.duckdb"
    shutil.copyfile(built, database)

    first = content_hashes(database)
    dbt_build(raw, database, tmp_path / "second")
    second = content_hashes(database)

    assert any(rows for rows, _ in first.values()), "no table with rows: nothing was built"
    assert any(name.startswith("marts.") for name in first)
    assert first.keys() == second.keys()
    changed = [name for name in first if first[name] != second[name]]
    assert changed == [], f"content differs between two builds: {changed}"
