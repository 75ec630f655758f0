"""Safe publishing for BI: a separate file, swapped in atomically, only after a clean build.

Self-contained: each test builds a small "build file" with duckdb directly (no dbt). Readers run
in subprocesses because DuckDB's file locks are per process (and a process reuses its own open
database instance for a path), so only another process shows what a BI tool would see.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from worlds import stamp_receipt

from smallfirms import publish as pub

# A reader in its own process. With a path argument it opens one read-only connection and keeps it:
# each "read" line on stdin prints the state it sees. With "--poll STOPFILE" it opens a new
# connection per read until STOPFILE exists, then prints every state seen (or the errors).
READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

def state(con):
    con.execute("begin transaction")
    a = con.execute("select min(version), max(version), count(*) from marts.orders").fetchone()
    b = con.execute("select min(version), max(version), count(*) from marts.customers").fetchone()
    con.execute("commit")
    return [list(a), list(b)]

path = sys.argv[1]
if len(sys.argv) > 2 and sys.argv[2] == "--poll":
    stop, seen, errors = Path(sys.argv[3]), [], []
    print("ready", flush=True)
    while True:
        last = stop.exists()  # one more read after the stop file: it sees the last publication
        try:
            with duckdb.connect(path, read_only=True) as con:
                seen.append(state(con))
        except Exception as exc:
            errors.append(str(exc).splitlines()[0])
        if last:
            break
        time.sleep(0.001)
    print(json.dumps({"seen": seen, "errors": errors}), flush=True)
else:
    con = duckdb.connect(path, read_only=True)
    print("ready", flush=True)
    for line in sys.stdin:
        if line.strip() == "read":
            print(json.dumps(state(con)), flush=True)
    con.close()
"""


class Reader:
    """A process holding one read-only connection open on a DuckDB file."""

    def __init__(self, path: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", READER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        ready = self.proc.stdout.readline().strip()
        assert ready == "ready", self.proc.stderr.read()

    def read(self) -> list:
        self.proc.stdin.write("read\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, self.proc.stderr.read()
        return json.loads(line)

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def make_build(path: Path, version: int, orders: int, customers: int) -> None:
    """A build file whose marts all carry the same version; a reader must never see two."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        con.execute(
            "create or replace table marts.orders as "
            f"select {version} as version, i as order_id, 'o' || i as label "
            f"from range({orders}) t(i)"
        )
        con.execute(
            "create or replace table marts.customers as "
            f"select {version} as version, i as customer_id from range({customers}) t(i)"
        )
        con.execute(
            "create or replace view marts.orders_per_version as "
            "select version, count(*) as n from marts.orders group by version"
        )
        con.execute("create or replace table staging.not_published as select 1 as x")


def expected_state(version: int, orders: int, customers: int) -> list:
    return [[version, version, orders], [version, version, customers]]


def write_run_results(path: Path, statuses: list[str]) -> Path:
    results = [
        {"unique_id": f"model.project.node_{i}", "status": status}
        for i, status in enumerate(statuses)
    ]
    meta = {"generated_at": "2017-03-01T00:00:00Z", "invocation_id": f"inv-{path.stem}"}
    document = {"metadata": meta, "results": results}
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def paths(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "build").mkdir()
    return {
        "build": tmp_path / "build" / "warehouse.duckdb",
        "out": tmp_path / "published" / "warehouse.duckdb",
        "ok": write_run_results(tmp_path / "ok.json", ["success", "pass", "warn", "skipped"]),
    }


def publish_now(paths: dict[str, Path]) -> pub.Publication:
    """publish() right after a clean build of the file as it is now (its receipt written)."""
    stamp_receipt(paths["build"], paths["ok"])
    return pub.publish(paths["build"], paths["out"], paths["ok"])


def run_cli(paths: dict[str, Path], run_results: Path, stamp: bool = True) -> int:
    """`smallfirms publish`; with stamp, after writing the receipt of a clean build of the file as
    it is now, for these run results."""
    if stamp and paths["build"].is_file() and run_results.is_file():
        stamp_receipt(paths["build"], run_results)
    return pub.main(
        [
            "--database",
            str(paths["build"]),
            "--out",
            str(paths["out"]),
            "--run-results",
            str(run_results),
        ]
    )


def test_publish_copies_every_table_and_view_of_the_schemas(paths, capsys):
    make_build(paths["build"], version=1, orders=500, customers=70)
    assert run_cli(paths, paths["ok"]) == 0
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "3 tables" in line and str(paths["out"]) in line

    with duckdb.connect(str(paths["out"]), read_only=True) as con:
        published = con.execute(
            "select table_schema, table_name, table_type from information_schema.tables "
            "order by all"
        ).fetchall()
        contents = {
            name: sorted(con.execute(f"select * from marts.{name}").fetchall())
            for _, name, _ in published
        }
    assert published == [
        ("marts", "customers", "BASE TABLE"),
        ("marts", "orders", "BASE TABLE"),
        ("marts", "orders_per_version", "BASE TABLE"),  # the view, materialised
    ]
    with duckdb.connect(str(paths["build"]), read_only=True) as con:
        for name, rows in contents.items():
            assert sorted(con.execute(f"select * from marts.{name}").fetchall()) == rows
    assert len(contents["orders"]) == 500 and contents["orders_per_version"] == [(1, 500)]

    meta = json.loads((paths["out"].parent / "_publication.json").read_text(encoding="utf-8"))
    assert meta["source_build_file"] == str(paths["build"].resolve())
    assert {t["name"]: t["rows"] for t in meta["tables"]} == {
        "customers": 70,
        "orders": 500,
        "orders_per_version": 1,
    }
    assert meta["published_at"]
    # Nothing but the file and its metadata: no temporary file or write-ahead log left behind.
    assert sorted(p.name for p in paths["out"].parent.iterdir()) == [
        "_publication.json",
        "warehouse.duckdb",
    ]


def test_open_reader_keeps_old_content_and_new_reader_sees_new_one(paths):
    make_build(paths["build"], version=1, orders=300, customers=30)
    publish_now(paths)
    reader = Reader(paths["out"])
    try:
        assert reader.read() == expected_state(1, 300, 30)
        make_build(paths["build"], version=2, orders=450, customers=45)
        publish_now(paths)
        assert reader.read() == expected_state(1, 300, 30)
    finally:
        reader.close()
    with duckdb.connect(str(paths["out"]), read_only=True) as con:
        orders = con.execute("select min(version), max(version), count(*) from marts.orders")
        assert list(orders.fetchone()) == [2, 2, 450]


def test_new_readers_never_see_a_mix_during_republications(paths, tmp_path):
    make_build(paths["build"], version=1, orders=2000, customers=200)
    publish_now(paths)
    stop = tmp_path / "stop"
    poller = subprocess.Popen(
        [sys.executable, "-c", READER, str(paths["out"]), "--poll", str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert poller.stdout.readline().strip() == "ready"
        for version in range(2, 7):
            make_build(paths["build"], version, orders=2000 * version, customers=200 * version)
            publish_now(paths)
            time.sleep(0.05)
    finally:
        stop.touch()
        out, err = poller.communicate(timeout=60)
    report = json.loads(out)
    assert report["errors"] == []
    assert report["seen"], err
    consistent = {
        version: expected_state(version, 2000 * version, 200 * version) for version in range(1, 7)
    }
    versions = []
    for state in report["seen"]:
        version = state[0][0]
        assert state == consistent[version], f"a reader saw a mix: {state}"
        versions.append(version)
    assert versions == sorted(versions) and versions[-1] == 6
    print(f"{len(versions)} reads saw versions {sorted(set(versions))}")


def test_reader_of_the_published_file_does_not_lock_the_build_file(paths):
    make_build(paths["build"], version=1, orders=10, customers=1)
    publish_now(paths)
    reader = Reader(paths["out"])
    try:
        # What dbt does next: open the build file read-write and (re)create a table.
        with duckdb.connect(str(paths["build"])) as con:
            con.execute("create or replace table marts.orders as select 9 as version")
        assert reader.read()[0] == [1, 1, 10]
    finally:
        reader.close()


def test_reader_of_the_build_file_would_lock_it(paths):
    # The control of the test above: a reader on the build file itself blocks the next build.
    make_build(paths["build"], version=1, orders=10, customers=1)
    reader = Reader(paths["build"])
    try:
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(paths["build"]))
    finally:
        reader.close()


@pytest.mark.parametrize("bad_status", ["error", "fail"])
def test_failed_build_is_refused_and_previous_publication_kept(paths, tmp_path, bad_status, capsys):
    make_build(paths["build"], version=1, orders=100, customers=10)
    assert run_cli(paths, paths["ok"]) == 0
    meta = paths["out"].parent / "_publication.json"
    before = (sha256(paths["out"]), sha256(meta), paths["out"].stat().st_mtime_ns)
    capsys.readouterr()

    make_build(paths["build"], version=2, orders=200, customers=20)
    failed = write_run_results(tmp_path / "failed.json", ["success", bad_status, "skipped"])
    assert run_cli(paths, failed) == 1
    message = capsys.readouterr().out
    assert message.count("\n") == 1 and "refused" in message and "node_1" in message
    assert (sha256(paths["out"]), sha256(meta), paths["out"].stat().st_mtime_ns) == before
    assert sorted(p.name for p in paths["out"].parent.iterdir()) == [
        "_publication.json",
        "warehouse.duckdb",
    ]


def test_failure_during_the_copy_keeps_previous_publication(paths, capsys):
    make_build(paths["build"], version=1, orders=100, customers=10)
    publish_now(paths)
    before = sha256(paths["out"])
    make_build(paths["build"], version=2, orders=200, customers=20)
    with duckdb.connect(str(paths["build"])) as con:
        # Copied last (relations go by name): it fails after the other tables were written.
        con.execute("create view marts.zz_broken as select error('broken view') as x")
    assert run_cli(paths, paths["ok"]) == 1
    assert "previous publication kept" in capsys.readouterr().out
    assert sha256(paths["out"]) == before
    assert sorted(p.name for p in paths["out"].parent.iterdir()) == [
        "_publication.json",
        "warehouse.duckdb",
    ]


def test_missing_run_results_are_refused(paths, tmp_path, capsys):
    make_build(paths["build"], version=1, orders=10, customers=1)
    assert run_cli(paths, tmp_path / "target" / "run_results.json") == 1
    assert "no dbt run results" in capsys.readouterr().out
    assert not paths["out"].exists()


def test_unreadable_or_empty_run_results_are_refused(paths, tmp_path):
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{not json", encoding="utf-8")
    with pytest.raises(pub.PublishRefused, match="unreadable"):
        pub.check_run_results(garbled)
    with pytest.raises(pub.PublishRefused, match="no node"):
        pub.check_run_results(write_run_results(tmp_path / "empty.json", []))


def test_command_line_exit_code(paths, tmp_path):
    make_build(paths["build"], version=1, orders=10, customers=1)
    failed = write_run_results(tmp_path / "failed.json", ["fail"])
    args = ["--database", str(paths["build"]), "--out", str(paths["out"])]
    refused = subprocess.run(
        [sys.executable, "-m", "smallfirms.publish", *args, "--run-results", str(failed)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1 and refused.stdout.startswith("publish refused:")
    stamp_receipt(paths["build"], paths["ok"])
    done = subprocess.run(
        [sys.executable, "-m", "smallfirms.publish", *args, "--run-results", str(paths["ok"])],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("Published 3 tables (12 rows)")


def _published_once(paths, capsys) -> tuple[str, str]:
    make_build(paths["build"], version=1, orders=100, customers=10)
    assert run_cli(paths, paths["ok"]) == 0
    capsys.readouterr()
    return sha256(paths["out"]), sha256(paths["out"].parent / "_publication.json")


def _refused_line(paths, capsys, run_results: Path, stamp: bool = False) -> str:
    assert run_cli(paths, run_results, stamp=stamp) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("publish refused:"), out
    return out


def test_no_receipt_is_refused(paths, capsys):
    before = _published_once(paths, capsys)
    receipt = paths["build"].with_name(paths["build"].name + ".build.json")
    receipt.unlink()  # what `smallfirms build` does first: a build killed later leaves none
    assert "no receipt of a clean build" in _refused_line(paths, capsys, paths["ok"])
    assert (sha256(paths["out"]), sha256(paths["out"].parent / "_publication.json")) == before


def test_receipt_of_another_invocation_is_refused(paths, tmp_path, capsys):
    before = _published_once(paths, capsys)
    # Clean run results, but not those of the build that wrote the receipt.
    other = write_run_results(tmp_path / "other.json", ["success"])
    assert "another dbt invocation" in _refused_line(paths, capsys, other)
    assert (sha256(paths["out"]), sha256(paths["out"].parent / "_publication.json")) == before


def test_build_file_changed_after_the_receipt_is_refused(paths, capsys):
    before = _published_once(paths, capsys)
    # A later build (killed, or run without the wrapper) rewrote the file: the receipt is stale.
    make_build(paths["build"], version=2, orders=300, customers=30)
    assert "changed since the clean build" in _refused_line(paths, capsys, paths["ok"])
    assert (sha256(paths["out"]), sha256(paths["out"].parent / "_publication.json")) == before
