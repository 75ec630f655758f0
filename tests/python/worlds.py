"""Helpers shared by the tests that generate a world and build it with dbt in a folder of theirs."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).parent / "dbt"
# What `make test-build` built and from what (`make pytest` sets both variables).
TEST_WAREHOUSE = Path(os.environ.get("DUCKDB_PATH", PROJECT_DIR / "data/test/warehouse.duckdb"))
TEST_RAW_DIR = Path(os.environ.get("RAW_DATA_DIR", PROJECT_DIR / "data/test/raw"))
# and the copy it published, what BI reads (`make pytest` sets PUBLISHED_PATH)
TEST_PUBLISHED = Path(
    os.environ.get("PUBLISHED_PATH", PROJECT_DIR / "data/test/published/warehouse.duckdb")
)


@dataclass
class Run:
    returncode: int
    output: str  # stdout and stderr together


def run(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    done = subprocess.run(
        cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    return Run(done.returncode, done.stdout + done.stderr)


def generate(out: Path, scale: str, seed: str, *extra: str) -> None:
    """A synthetic world in ``out``; fails the test when the generator fails."""
    cmd = [sys.executable, "-m", "smallfirms.generate", "--scale", scale, "--seed", seed]
    done = run(cmd + ["--out", str(out), *extra])
    assert done.returncode == 0, done.output


def _duckdb_env(**settings: str) -> dict[str, str]:
    """The environment of a dbt command on this project's DuckDB target, with ``settings`` added."""
    project = {"DBT_PROJECT_DIR": str(PROJECT_DIR), "DBT_PROFILES_DIR": str(PROJECT_DIR)}
    return {**os.environ, **project, "DBT_TARGET": "duckdb", **settings}


# dbt parses the whole project again (8-9 s of CPU, a fifth of a small build) when the profile's
# connection differs from the one its saved parse was made with, and the DuckDB file's path is part
# of it. So dbt runs in the warehouse's folder and is given the bare file name, and a build starts
# from the parse that an earlier build of the session saved for the same file name and --vars: dbt
# compares that parse's file hashes with the project's and re-parses whatever differs. conftest sets
# the folder; None keeps every build to its own parse.
PARSE_CACHE: Path | None = None


def _cached_parse(database: Path, args: tuple[str, ...]) -> Path | None:
    if PARSE_CACHE is None:
        return None
    dbt_vars = args[args.index("--vars") + 1] if "--vars" in args else ""
    key = hashlib.sha256(f"{database.name}\0{dbt_vars}".encode()).hexdigest()[:16]
    return PARSE_CACHE / f"{key}.msgpack"


def dbt_build(raw: Path, database: Path, work: Path, *args: str) -> Run:
    """`dbt build` of the files of ``raw`` into ``database``, with target and logs under ``work``
    (never the project's own target/, which a developer may be using)."""
    database = database.resolve()
    env = _duckdb_env(RAW_DATA_DIR=str(raw.resolve()), DUCKDB_PATH=database.name)
    target = (work / "target").resolve()
    saved, cached = target / "partial_parse.msgpack", _cached_parse(database, args)
    if cached is not None and cached.is_file() and not saved.exists():
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(cached, saved)
    logs = work.resolve() / "logs"
    cmd = [str(DBT), "build", "--target-path", str(target), "--log-path", str(logs), *args]
    done = subprocess.run(
        cmd, cwd=database.parent, env=env, capture_output=True, text=True, check=False
    )
    if cached is not None and saved.is_file() and not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        # a file of its own, renamed: another build (another worker, or a thread of this test)
        # finds the cached parse whole or absent
        handle, partial = tempfile.mkstemp(dir=cached.parent)
        os.close(handle)
        shutil.copyfile(saved, partial)
        os.replace(partial, cached)
    return Run(done.returncode, done.stdout + done.stderr)


def parse_manifest(work: Path) -> dict:
    """The manifest of a fresh `dbt parse` on DuckDB, with target and logs under ``work``."""
    # Parsing opens no database; this keeps any path the profile reads away from real ones.
    env = _duckdb_env(DUCKDB_PATH=str(work / "parse.duckdb"))
    target = work / "target"
    done = run(
        [str(DBT), "parse", "--target-path", str(target), "--log-path", str(work / "logs")], env
    )
    assert done.returncode == 0, done.output[-3000:]
    return json.loads((target / "manifest.json").read_text())


def query(database: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def stamp_receipt(database: Path, run_results: Path) -> Path:
    """The receipt `smallfirms build` leaves after a clean build, for tests that make their build
    file with duckdb directly: it names the invocation of run_results and the file as it is now."""
    from smallfirms.build import file_state, receipt_path

    meta = json.loads(run_results.read_text(encoding="utf-8")).get("metadata") or {}
    document = {
        "build_id": "test",
        "invocation_id": meta.get("invocation_id"),
        "database": str(database.resolve()),
        "run_results": str(run_results.resolve()),
        "finished_at": "2017-03-01T00:00:00+00:00",
        "files": file_state(database),
    }
    path = receipt_path(database)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def dying_or_gone(pid: int) -> bool:
    """True when the process no longer runs on: gone, a zombie, or SIGKILL pending (Linux /proc)."""
    try:
        status = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
        )
    except (OSError, ValueError):
        return True
    pending = int(status["SigPnd"], 16) | int(status["ShdPnd"], 16)
    return status["State"].split()[0] in ("Z", "X") or bool(pending & (1 << (signal.SIGKILL - 1)))
