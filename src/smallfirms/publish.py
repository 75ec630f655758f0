"""Publish the marts of a successful build into a separate DuckDB file that BI tools read.

Readers never open the build file: one open connection there makes the next `dbt build` fail
with "Could not set lock on file". This command copies every table and view of the given
schemas (views become tables) into a new file written next to the destination, then swaps it in
with `os.replace`. A reader that holds the old published file open keeps reading the old content,
a new connection sees the new one, never a mix. It refuses to publish when the dbt run results
are missing or show an `error` or `fail`, and unless the build receipt that `smallfirms build`
writes after a clean build (`<database>.build.json`) names the invocation of those run results
and the warehouse file is still the one that build left (same size and modification time, no
write-ahead log it did not leave): a build killed half-way, or a later build that touched the
file, blocks publishing. The previous publication is then left untouched.

With `--parquet-dir`, the new publication is also written as one Parquet file per table
(`<dir>/<schema>/<table>.parquet`) for tools that read Parquet rather than DuckDB files or whose
DuckDB driver is too old for this file's storage format. Each file is swapped in atomically; the
set of files is not (a reader listing the folder during an export can see files of two
publications), and the files of tables no longer published are removed.

    python -m smallfirms.publish --database data/warehouse.duckdb \
        --out data/published/warehouse.duckdb [--run-results target/run_results.json] \
        [--receipt data/warehouse.duckdb.build.json] [--schemas marts] \
        [--parquet-dir data/published/parquet]
"""

from __future__ import annotations

import argparse
import json
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from smallfirms.build import BLOCKING_STATUSES, file_state, receipt_path

METADATA_NAME = "_publication.json"
# Catalog alias of the new file inside the publishing connection.
TARGET_ALIAS = "__publication"


class PublishRefused(Exception):
    """The build is not fit to publish; the message is the one line shown to the user."""


@dataclass(frozen=True)
class PublishedTable:
    schema: str
    name: str
    source_kind: str  # "table" or "view" in the build file; always a table once published
    rows: int


@dataclass(frozen=True)
class Publication:
    destination: Path
    source: Path
    published_at: str
    tables: list[PublishedTable] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(t.rows for t in self.tables)


def quote(identifier: str) -> str:
    """A DuckDB identifier, double-quoted."""
    return '"' + identifier.replace('"', '""') + '"'


def quote_literal(path: Path) -> str:
    """A file path as a SQL string literal."""
    return "'" + str(path).replace("'", "''") + "'"


def check_run_results(path: Path) -> dict:
    """The parsed run results, or PublishRefused when they are missing or show a failure."""
    if not path.is_file():
        raise PublishRefused(
            f"{path}: no dbt run results; build with `make build` (smallfirms build) first"
        )
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        statuses = [(r["unique_id"], str(r["status"]).lower()) for r in results["results"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishRefused(f"{path}: unreadable dbt run results ({exc})") from exc
    if not statuses:
        raise PublishRefused(f"{path}: the dbt run results list no node; nothing was built")
    failed = [unique_id for unique_id, status in statuses if status in BLOCKING_STATUSES]
    if failed:
        shown = ", ".join(failed[:3]) + (", …" if len(failed) > 3 else "")
        raise PublishRefused(
            f"{path}: {len(failed)} node(s) in error or failed ({shown}); nothing published"
        )
    return results


def check_receipt(database: Path, results: dict, receipt: Path | None = None) -> dict:
    """The build receipt, or PublishRefused unless it is the receipt of the build whose run results
    these are and the warehouse file is still as that build left it."""
    receipt = receipt_path(database) if receipt is None else receipt
    if not receipt.is_file():
        raise PublishRefused(
            f"{database}: no receipt of a clean build ({receipt.name}); "
            "build with `make build` (smallfirms build) before publishing"
        )
    try:
        document = json.loads(receipt.read_text(encoding="utf-8"))
        invocation_id, files = document["invocation_id"], document["files"]
        built = Path(document["database"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise PublishRefused(f"{receipt}: unreadable build receipt ({exc})") from exc
    run_invocation = (results.get("metadata") or {}).get("invocation_id")
    if not invocation_id or invocation_id != run_invocation:
        raise PublishRefused(
            f"{receipt}: the run results are of another dbt invocation ({run_invocation}) "
            f"than the clean build ({invocation_id}); nothing published"
        )
    if built != database.resolve():
        raise PublishRefused(f"{receipt}: the receipt of {built}, not of {database}")
    if file_state(database) != files:
        raise PublishRefused(
            f"{database}: changed since the clean build of {document.get('finished_at')} "
            "(another build ran or was interrupted); nothing published"
        )
    return document


def source_relations(
    con: duckdb.DuckDBPyConnection, catalog: str, schemas: Sequence[str]
) -> list[tuple[str, str, str]]:
    """(schema, name, kind) of every table and view of the schemas in the attached catalog."""
    placeholders = ", ".join("?" for _ in schemas)
    return con.execute(
        f"""
        select schema_name, table_name, 'table' from duckdb_tables()
        where database_name = ? and schema_name in ({placeholders}) and not temporary
        union all
        select schema_name, view_name, 'view' from duckdb_views()
        where database_name = ? and schema_name in ({placeholders})
            and not internal and not temporary
        order by 1, 2
        """,
        [catalog, *schemas, catalog, *schemas],
    ).fetchall()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_quietly(*paths: Path) -> None:
    for path in paths:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def write_atomically(path: Path, text: str) -> None:
    """Write text to a unique temporary file in path's folder, then rename it onto path."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        _remove_quietly(tmp)


def copy_schemas(database: Path, target: Path, schemas: Sequence[str]) -> list[PublishedTable]:
    """Copy the tables and views of the schemas of database into the new file target."""
    # The source keeps its own catalog name when it can, so views that name it still resolve.
    source_alias = database.stem
    if source_alias.lower() in {"memory", "system", "temp", TARGET_ALIAS}:
        source_alias = "build_source"
    tables: list[PublishedTable] = []
    with duckdb.connect() as con:
        con.execute(f"attach {quote_literal(database)} as {quote(source_alias)} (read_only)")
        con.execute(f"attach {quote_literal(target)} as {TARGET_ALIAS}")
        relations = source_relations(con, source_alias, schemas)
        if not relations:
            raise PublishRefused(
                f"{database}: no table or view in schema(s) {', '.join(schemas)}; nothing published"
            )
        for schema in sorted({schema for schema, _, _ in relations}):
            con.execute(f"create schema if not exists {TARGET_ALIAS}.{quote(schema)}")
        for schema, name, kind in relations:
            src = f"{quote(source_alias)}.{quote(schema)}.{quote(name)}"
            dst = f"{TARGET_ALIAS}.{quote(schema)}.{quote(name)}"
            con.execute(f"create table {dst} as select * from {src}")
            (rows,) = con.execute(f"select count(*) from {dst}").fetchone()
            tables.append(PublishedTable(schema, name, kind, int(rows)))
        con.execute(f"checkpoint {TARGET_ALIAS}")
        con.execute(f"detach {TARGET_ALIAS}")
        con.execute(f"detach {quote(source_alias)}")
    return tables


def publish(
    database: Path,
    out: Path,
    run_results: Path,
    schemas: Sequence[str] = ("marts",),
    receipt: Path | None = None,
) -> Publication:
    """Check the run results and the build receipt, copy the schemas to a new file, swap it onto
    out atomically."""
    results = check_run_results(run_results)
    if not database.is_file():
        raise PublishRefused(f"{database}: no build file here; nothing published")
    check_receipt(database, results, receipt)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    tmp_wal = tmp.with_name(tmp.name + ".wal")
    try:
        tables = copy_schemas(database, tmp, schemas)
        # A build that started between the receipt check and the copy: not this build's content.
        check_receipt(database, results, receipt)
        _fsync(tmp)
        # A stale write-ahead log of the old file would be replayed onto the new one.
        _remove_quietly(out.with_name(out.name + ".wal"))
        os.replace(tmp, out)
    finally:
        _remove_quietly(tmp, tmp_wal)
    try:
        _fsync(out.parent)
    except OSError:  # some platforms cannot fsync a directory; the rename is done anyway
        pass
    publication = Publication(
        destination=out.resolve(),
        source=database.resolve(),
        published_at=datetime.now(UTC).isoformat(timespec="seconds"),
        tables=tables,
    )
    write_atomically(out.with_name(METADATA_NAME), metadata_json(publication, run_results, results))
    return publication


def export_parquet(
    published: Path, out_dir: Path, schemas: Sequence[str] = ("marts",)
) -> list[Path]:
    """One Parquet file per table of the schemas of the published file, each swapped in."""
    written: list[Path] = []
    with duckdb.connect(str(published), read_only=True) as con:
        catalog = con.execute("select current_database()").fetchone()[0]
        relations = source_relations(con, catalog, schemas)
        for schema in sorted({schema for schema, _, _ in relations}):
            folder = out_dir / schema
            folder.mkdir(parents=True, exist_ok=True)
            names = [name for relation_schema, name, _ in relations if relation_schema == schema]
            for name in names:
                path = folder / f"{name}.parquet"
                tmp = folder / f".{name}.{uuid.uuid4().hex}.tmp"
                try:
                    con.execute(
                        f"copy (select * from {quote(schema)}.{quote(name)}) "
                        f"to {quote_literal(tmp)} (format parquet)"
                    )
                    _fsync(tmp)
                    os.replace(tmp, path)
                finally:
                    _remove_quietly(tmp)
                written.append(path)
            # A table that is no longer published must not linger as a Parquet file.
            for stale in folder.glob("*.parquet"):
                if stale.stem not in names:
                    _remove_quietly(stale)
    return written


def metadata_json(publication: Publication, run_results: Path, results: dict) -> str:
    """The content of _publication.json."""
    meta = results.get("metadata") or {}
    document = {
        "published_at": publication.published_at,
        "destination": str(publication.destination),
        "source_build_file": str(publication.source),
        "run_results": {
            "path": str(run_results.resolve()),
            "generated_at": meta.get("generated_at"),
            "invocation_id": meta.get("invocation_id"),
        },
        "tables": [
            {
                "schema": t.schema,
                "name": t.name,
                "source_kind": t.source_kind,
                "rows": t.rows,
            }
            for t in publication.tables
        ],
        "total_rows": publication.total_rows,
    }
    return json.dumps(document, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Publish the marts of a successful build into a file BI tools can read."
    )
    parser.add_argument("--database", type=Path, required=True, help="the build file dbt wrote")
    parser.add_argument("--out", type=Path, required=True, help="the published DuckDB file")
    parser.add_argument(
        "--run-results",
        type=Path,
        default=Path("target/run_results.json"),
        help="dbt's run_results.json of the build (default: target/run_results.json)",
    )
    parser.add_argument(
        "--receipt",
        type=Path,
        help="the build receipt of smallfirms build (default: <database>.build.json)",
    )
    parser.add_argument(
        "--schemas",
        nargs="+",
        default=["marts"],
        help="schemas to publish (default: marts)",
    )
    parser.add_argument(
        "--parquet-dir",
        type=Path,
        help="also write each published table as <dir>/<schema>/<table>.parquet",
    )
    args = parser.parse_args(argv)
    try:
        publication = publish(args.database, args.out, args.run_results, args.schemas, args.receipt)
    except PublishRefused as exc:
        print(f"publish refused: {exc}")
        return 1
    except duckdb.Error as exc:
        first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"publish failed, previous publication kept: {first_line}")
        return 1
    parquet: list[Path] = []
    if args.parquet_dir:
        try:
            parquet = export_parquet(args.out, args.parquet_dir, args.schemas)
        except (duckdb.Error, OSError) as exc:
            first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            print(f"published to {args.out}, but the Parquet export failed: {first_line}")
            return 1
    print(
        f"Published {len(publication.tables)} tables ({publication.total_rows:,} rows) "
        f"of schema(s) {', '.join(args.schemas)} from {publication.source} "
        f"to {publication.destination}"
        + (f"; {len(parquet)} Parquet files in {args.parquet_dir}" if args.parquet_dir else "")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
