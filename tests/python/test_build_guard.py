"""The build wrapper (`smallfirms build`, `make build`) and the publishing guard.

- A build killed with SIGKILL half-way leaves no receipt: publishing is refused in one line and the
  previous publication stays byte for byte; the next build succeeds and publishing works again.
- Paths with spaces, quotes, brackets and non-ASCII letters work for the raw folder, the warehouse
  and the published file; a decoy folder that the unescaped glob pattern would match is not read.
- A reader error inside a model is reported in one line, and no NIR-shaped value lands in the
  terminal, logs/ or target/.

Each build has its own warehouse, target and log folders under pytest's tmp folder, and builds the
quarantine only (the selection of test_bad_input_matrix.py: seeds, staging, the incremental
declaration fact, marts.rejected_rows and their tests), which is enough to publish a mart.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from worlds import PROJECT_DIR, dying_or_gone, generate, query

from smallfirms.build import NIR_PATTERN, DbtRun, failure_line, is_text_artifact, receipt_path

QUARANTINE = ["--select", "+path:models/staging", "+rejected_rows"]
QUARANTINE += ["--indirect-selection", "cautious"]
SCALE, SEED = "0.02", "11"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_cmd(raw: Path, database: Path, work: Path, *dbt_args: str, skip_preflight=False):
    cmd = [sys.executable, "-m", "smallfirms.build", "--raw-dir", str(raw)]
    cmd += ["--database", str(database), "--target-path", str(work / "target")]
    cmd += ["--log-path", str(work / "logs"), *(["--skip-preflight"] if skip_preflight else [])]
    return cmd + ["--", *dbt_args]


def run(cmd: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")}
    return subprocess.run(cmd, cwd=PROJECT_DIR, env=env, capture_output=True, text=True)


def publish_cmd(database: Path, out: Path, run_results: Path) -> list[str]:
    return [
        sys.executable,
        "-m",
        "smallfirms.publish",
        "--database",
        str(database),
        "--out",
        str(out),
        "--run-results",
        str(run_results),
    ]


def one_line(done: subprocess.CompletedProcess, prefix: str) -> str:
    lines = done.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(prefix), done.stdout + done.stderr
    return lines[0]


def built(done: subprocess.CompletedProcess) -> None:
    """A clean build: the pre-flight's line, then one line from the wrapper."""
    lines = done.stdout.splitlines()
    assert done.returncode == 0 and lines[-1].startswith("build ok:"), done.stdout + done.stderr
    assert [line for line in lines if not line.startswith("preflight:")] == lines[-1:]


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("world") / "raw"
    generate(raw, SCALE, SEED)
    return raw


# --------------------------------------------------------------------------------------------
# (1) a build killed half-way never reaches BI; the next build succeeds


def test_killed_build_blocks_publishing_and_the_next_build_succeeds(world: Path, tmp_path: Path):
    work, database = tmp_path / "work", tmp_path / "build" / "warehouse.duckdb"
    out = tmp_path / "published" / "warehouse.duckdb"
    run_results = work / "target" / "run_results.json"
    cmd = build_cmd(world, database, work, *QUARANTINE)

    built(run(cmd))
    assert receipt_path(database).is_file()
    # A clean build writes the unit tests' synthetic NIRs into dbt.log and target/: redacted too.
    for path in [*(work / "logs").rglob("*"), *(work / "target").rglob("*")]:
        if is_text_artifact(path) and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            assert NIR_PATTERN.search(text) is None, path
    stale = tmp_path / "stale_run_results.json"
    shutil.copy(run_results, stale)  # what target/ held before the killed build
    published = run(publish_cmd(database, out, run_results))
    assert published.returncode == 0, published.stdout + published.stderr
    meta = out.parent / "_publication.json"
    before = (sha256(out), sha256(meta))

    # The next build, killed once the incremental declaration fact has been written.
    log = work / "logs" / "dbt.log"
    offset = log.stat().st_size
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR / "src")}
    proc = subprocess.Popen(
        cmd, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    dbt: list[int] = []
    try:
        while proc.poll() is None:
            with log.open(encoding="utf-8", errors="replace") as handle:
                handle.seek(offset)
                if "OK created sql incremental model staging.base_dpae__hire_declarations" in (
                    handle.read()
                ):
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the build ended before it could be killed"
        dbt = children(proc.pid)
        assert dbt, "no dbt process under the wrapper"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        # dbt dies with the wrapper: an orphan would hold the warehouse's lock (the next build
        # fails) and write its run results later.
        assert all(dying_or_gone(pid) for pid in dbt)
    finally:
        if proc.poll() is None:
            proc.kill()
        for pid in dbt:  # the test's own dbt, should it have outlived the wrapper
            if not dying_or_gone(pid):
                os.kill(pid, signal.SIGKILL)
    assert database.is_file() and not receipt_path(database).exists()

    # Refused with the stale (clean) run results, and with whatever target/ holds now.
    for results in (stale, run_results):
        refused = run(publish_cmd(database, out, results))
        assert refused.returncode == 1
        one_line(refused, "publish refused:")
        assert (sha256(out), sha256(meta)) == before

    built(run(cmd))
    published = run(publish_cmd(database, out, run_results))
    assert published.returncode == 0, published.stdout + published.stderr
    invocation = json.loads(run_results.read_text(encoding="utf-8"))["metadata"]["invocation_id"]
    assert json.loads(meta.read_text(encoding="utf-8"))["run_results"]["invocation_id"] == (
        invocation
    )


# --------------------------------------------------------------------------------------------
# (2) any path


def test_paths_with_spaces_quotes_brackets_and_accents(world: Path, tmp_path: Path):
    odd = tmp_path / 'it\'s [a] "dir" é'
    raw, database = odd / "raw [1]", odd / "wh [x] 'é'" / "warehouse.duckdb"
    out = odd / "pub lished" / "warehouse [v1].duckdb"
    shutil.copytree(world, raw)
    # A decoy that the unescaped glob pattern matches ([a] is the letter a, [1] the digit 1): a
    # larger world. (DuckDB reads the path literally only when the pattern matches nothing.)
    decoy = tmp_path / 'it\'s a "dir" é' / "raw 1"
    generate(decoy, "0.03", "3")
    rows = sum(1 for _ in (raw / "establishments.csv").open(encoding="utf-8")) - 1
    assert rows != sum(1 for _ in (decoy / "establishments.csv").open(encoding="utf-8")) - 1

    work = odd / "work"
    built(run(build_cmd(raw, database, work, *QUARANTINE)))
    assert query(database, "select count(*) from raw.establishments") == [(rows,)]
    published = run(publish_cmd(database, out, work / "target" / "run_results.json"))
    assert published.returncode == 0, published.stdout + published.stderr
    assert query(out, "select count(*) from marts.rejected_rows")[0][0] >= 0


def test_makefile_passes_paths_by_environment(tmp_path: Path):
    """The recipes quote the paths as "$VAR": `make world` writes into an odd folder name."""
    raw = tmp_path / 'it\'s [a] "dir" é' / "raw"
    done = subprocess.run(
        ["make", "-o", ".venv/.installed", "--no-print-directory", "world", "WORLD_SCALE=0.002"],
        cwd=PROJECT_DIR,
        env={**os.environ, "RAW_DATA_DIR": str(raw), "PYTHONPATH": str(PROJECT_DIR / "src")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (raw / "agencies.csv").is_file()


# --------------------------------------------------------------------------------------------
# (3) an error inside a model: one line, no NIR anywhere


def test_reader_error_is_one_line_and_no_nir_is_written(world: Path, tmp_path: Path):
    raw = tmp_path / "raw"
    shutil.copytree(world, raw)
    path = raw / "hire_declarations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    # Past the CSV sniffer's sample: the view is created, the model's read fails. An unterminated
    # quote makes DuckDB quote the following raw lines, NIRs included, in its error.
    bad = 25_000
    fields = lines[bad].split(",")
    nirs = {fields[2]} | {line.split(",")[2] for line in lines[bad + 1 : bad + 200]}
    fields[2] = '"' + fields[2]
    lines[bad] = ",".join(fields)
    path.write_text("".join(lines), encoding="utf-8")
    assert all(NIR_PATTERN.fullmatch(nir) for nir in nirs)

    work = tmp_path / "work"
    database = tmp_path / "warehouse.duckdb"
    # No pre-flight: this is about what dbt prints, whatever the pre-flight lets through.
    selection = ["--select", "+base_dpae__hire_declarations", "--exclude", "test_type:unit"]
    selection += ["--indirect-selection", "cautious"]
    cmd = build_cmd(raw, database, work, *selection)
    done = run(cmd[:5] + ["--skip-preflight"] + cmd[5:])
    assert done.returncode == 1
    line = one_line(done, "build error: base_dpae__hire_declarations:")
    assert "hire_declarations.csv" in line
    assert done.stderr == ""
    assert not receipt_path(database).exists()

    written = [p for p in (work / "logs").rglob("*") if p.is_file()]
    written += [p for p in (work / "target").rglob("*") if p.is_file()]
    assert work / "logs" / "dbt.log" in written and work / "target" / "run_results.json" in written
    for where, text in [("output", done.stdout + done.stderr)] + [
        (str(p), p.read_text(encoding="utf-8", errors="replace")) for p in written
    ]:
        assert not any(nir in text for nir in nirs), where
        # dbt's binary caches (partial_parse.msgpack, graph.gpickle) keep the unit tests' fixtures,
        # synthetic NIRs of the project's YAML, and are read back by the next run: not rewritten,
        # and no raw value reaches them.
        if where == "output" or is_text_artifact(Path(where)):
            assert NIR_PATTERN.search(text) is None, where


# --------------------------------------------------------------------------------------------
# the one line, from dbt's run results or its output (no dbt run here)


def _run(output: str, results: dict | None = None, returncode: int = 1) -> DbtRun:
    return DbtRun(returncode, output.splitlines(), "id", Path("run_results.json"), results)


def test_failure_line_prefers_the_model_to_the_tests_it_broke():
    results = {
        "results": [
            {"unique_id": "test.p.not_null_x", "status": "error", "message": "no table x"},
            {
                "unique_id": "model.p.base_x",
                "status": "error",
                "message": "Runtime Error in model base_x (models/x.sql)\n"
                "  Invalid Input Error: CSV Error on Line: 7\n"
                "  Original Line: D1,75907263000016,287102189879488,2014-03-04\n"
                "    file = /data/raw [1]/x.csv\n",
            },
        ]
    }
    line = failure_line(_run("", results))
    assert line == (
        "base_x: Invalid Input Error: CSV Error on Line: 7 (file /data/raw [1]/x.csv)"
        " (and 1 more node(s))"
    )


def test_failure_line_from_dbt_output():
    hook = (
        "12:00:00  Encountered an error:\n"
        "Compilation Error in operation proj-on-run-start-0 (./dbt_project.yml)\n"
        "  /raw/agencies.csv: file-level error, missing file\n"
        "  > in macro duckdb__create_raw_relations (macros/raw/create_raw_relations.sql)\n"
    )
    assert failure_line(_run(hook)) == (
        "proj-on-run-start-0: /raw/agencies.csv: file-level error, missing file"
    )
    lock = (
        "12:00:00  Encountered an error:\n"
        'IO Error: Could not set lock on file "/w/wh.duckdb": Conflicting lock is held in '
        "/usr/bin/python3 (PID 4242). See also https://duckdb.org/docs\n"
    )
    assert failure_line(_run(lock)).startswith(
        "/w/wh.duckdb is in use by another process (PID 4242)"
    )
    assert failure_line(_run("Usage: dbt build\nError: No such option '--x'.", returncode=2)) == (
        "Error: No such option '--x'."
    )
