"""Build the warehouse and leave a receipt only when this very invocation finished cleanly.

`smallfirms build` (`make build`) removes the build receipt of the warehouse, runs the pre-flight
check, then `dbt build` in a child process with a fresh build id. The receipt
(`<DUCKDB_PATH>.build.json`) is written only when dbt exits 0 and the run results carry this build's
id and no error or failure; it records dbt's invocation id and the size and modification time of
the warehouse file. `smallfirms publish` refuses to publish without a receipt that matches the run
results and the file as it is now, so a build killed half-way (no receipt) or a later build that
touched the file (file changed) never reaches BI.

dbt's output is captured, not shown: on failure one line names the node and the first line of its
error, NIR-shaped values redacted; on success one line sums the run. dbt writes the raw lines a
reader chokes on into logs/dbt.log and target/run_results.json too: every text file of the log and
target folders that the run touched is rewritten with NIR-shaped values redacted.

    python -m smallfirms.build [--raw-dir data/raw] [--database data/warehouse.duckdb]
        [--target-path target] [--log-path logs] [--progress] [-- <dbt build options>]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from smallfirms import contract

PROJECT_DIR = Path(__file__).resolve().parents[2]
RECEIPT_SUFFIX = ".build.json"
# dbt copies the variables named DBT_ENV_CUSTOM_ENV_<NAME> into the metadata of its artifacts
# (run_results.json: metadata.env.<NAME>): the build id travels to the run results that way.
BUILD_ID_NAME = "SMALLFIRMS_BUILD_ID"
BUILD_ID_ENV = "DBT_ENV_CUSTOM_ENV_" + BUILD_ID_NAME
# dbt statuses that mean a build is not clean, nor fit to publish (run, test and freshness results).
BLOCKING_STATUSES = frozenset({"error", "fail", "runtime error"})

# A NIR as it may appear in a raw file (groups of smallfirms.contract): 15 characters written in
# one piece, with one space between each group, or with one space before the key.
_GROUPS = contract.NIR_GROUPS
# Not inside a longer word or number (a duration such as 0.190812345678901, a timestamp such as
# 1796642272.67193 are no NIR), but right after the escaped line break or tab of a JSON string.
_WRITINGS = ["".join(_GROUPS), " ".join(_GROUPS), "".join(_GROUPS[:-1]) + " " + _GROUPS[-1]]
NIR_PATTERN = re.compile(
    r"(?:(?<=\\[nrt])|(?<![0-9A-Za-z]))(?<![0-9]\.)"
    + "(?:"
    + "|".join(_WRITINGS)
    + ")"
    + r"(?![0-9A-Za-z])(?!\.[0-9])"
)
REDACTED = "<NIR>"
# Text files dbt writes in the target and log folders (not partial_parse.msgpack, not Parquet).
TEXT_SUFFIXES = frozenset({".json", ".log", ".sql", ".txt", ".html", ".csv", ".yml", ".md"})
# dbt's per-node progress lines, echoed with --progress (errors are summed up in one line instead).
PROGRESS_LINE = re.compile(r"\d+ of \d+ (START|OK|PASS|WARN|SKIP|NO-OP)\b")


def is_text_artifact(path: Path) -> bool:
    """A text file of dbt's, rotated logs (dbt.log.1, …) included."""
    return path.suffix in TEXT_SUFFIXES or re.search(r"\.log\.[0-9]+$", path.name) is not None


def redact(text: str) -> str:
    """The text with every NIR-shaped value replaced by <NIR>."""
    return NIR_PATTERN.sub(REDACTED, text)


def receipt_path(database: Path) -> Path:
    return database.with_name(database.name + RECEIPT_SUFFIX)


def file_state(database: Path) -> dict:
    """Size and modification time of the warehouse file and of its write-ahead log, if any."""
    state = {}
    for key, path in (("database", database), ("wal", database.with_name(database.name + ".wal"))):
        try:
            stat = path.stat()
        except FileNotFoundError:
            state[key] = None
        else:
            state[key] = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    return state


@dataclass
class DbtRun:
    returncode: int
    output: list[str]  # stdout and stderr, NIR-shaped values redacted
    build_id: str
    run_results: Path
    results: dict | None = None  # the run results, when they are this run's
    redacted_files: list[Path] = field(default_factory=list)


def dbt_executable() -> str:
    return str(Path(sys.executable).parent / "dbt")


def die_with_parent() -> None:
    """Get SIGKILL when the parent process dies (Linux). Set in the dbt child before exec: a
    wrapper killed with SIGKILL does not leave dbt running on as an orphan that holds the
    warehouse's lock (the next build then fails with "Could not set lock on file") and later
    rewrites the run results. `make build` sets it on the wrapper too (--die-with-parent): make
    runs the recipe's one command in place of its shell, so killing make kills the build."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def redact_files(folders: list[Path], since: float) -> list[Path]:
    """Rewrite the text files under folders modified since `since` that hold NIR-shaped values."""
    rewritten = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if not is_text_artifact(path) or not path.is_file():
                continue
            if path.stat().st_mtime < since:
                continue
            text = path.read_text(encoding="utf-8", errors="surrogateescape")
            clean = redact(text)
            if clean != text:
                tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
                tmp.write_text(clean, encoding="utf-8", errors="surrogateescape")
                os.replace(tmp, path)
                rewritten.append(path)
    return rewritten


def run_dbt(
    raw_dir: Path,
    database: Path,
    target_path: Path,
    log_path: Path,
    dbt_args: list[str] | None = None,
    progress: bool = False,
) -> DbtRun:
    """`dbt build` of raw_dir into database, output captured and redacted, logs and target
    redacted; the run results are kept only when they carry this run's build id."""
    build_id = uuid.uuid4().hex
    target_path, log_path = target_path.absolute(), log_path.absolute()
    run_results = target_path / "run_results.json"
    run_results.unlink(missing_ok=True)
    env = {
        **os.environ,
        "RAW_DATA_DIR": str(raw_dir.absolute()),
        "DUCKDB_PATH": str(database.absolute()),
        BUILD_ID_ENV: build_id,
    }
    env.setdefault("DBT_PROJECT_DIR", str(PROJECT_DIR))
    env.setdefault("DBT_PROFILES_DIR", str(PROJECT_DIR))
    env.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    cmd = [dbt_executable(), "build", "--target-path", str(target_path)]
    cmd += ["--log-path", str(log_path), *(dbt_args or [])]
    started = time.time() - 1  # mtime granularity
    output: list[str] = []
    with subprocess.Popen(
        cmd,
        cwd=env["DBT_PROJECT_DIR"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
        errors="replace",
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    ) as proc:
        try:
            for line in proc.stdout:
                line = redact(line.rstrip("\n"))
                output.append(line)
                if progress and PROGRESS_LINE.search(line):
                    print(line, file=sys.stderr, flush=True)
        except KeyboardInterrupt:
            # Ctrl-C reached dbt too: let it cancel its queries and stop, then clean its files.
            proc.wait()
            redact_files([target_path, log_path], started)
            raise
        returncode = proc.wait()
    run = DbtRun(returncode, output, build_id, run_results)
    run.redacted_files = redact_files([target_path, log_path], started)
    if run_results.is_file():
        try:
            results = json.loads(run_results.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            results = None
        if isinstance(results, dict) and build_id_of(results) == build_id:
            run.results = results
    return run


def build_id_of(results: dict) -> str | None:
    return ((results.get("metadata") or {}).get("env") or {}).get(BUILD_ID_NAME)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_LOG_PREFIX = re.compile(r"^\s*\d\d:\d\d:\d\d\s+")
_WRAPPER_LINE = re.compile(r"^(Runtime|Database|Compilation|Parsing) Error in \S+ \S+")
_FILE_IN_MESSAGE = re.compile(r'(?:file = (\S.*?)\s*$|file "([^"]+)")', re.MULTILINE)


def _clean(line: str) -> str:
    return _LOG_PREFIX.sub("", _ANSI.sub("", line)).strip()


def summarise_error(message: str) -> str:
    """The first informative line of a dbt error message, with the file it names if any."""
    lines = [_clean(line) for line in message.splitlines()]
    lines = [line for line in lines if line and not _WRAPPER_LINE.match(line)]
    first = lines[0] if lines else "no message"
    # A reader's error may quote the raw line: keep its position, drop the values.
    first = re.sub(r"(Original Line:).*", r"\1 …", first)
    found = _FILE_IN_MESSAGE.search(message)
    if found:
        file = (found.group(1) or found.group(2)).strip()
        if file not in first:
            first += f" (file {file})"
    return redact(first)


def failure_line(run: DbtRun) -> str:
    """One line saying why the build is not clean (the first node in error or failed)."""
    if run.results is not None:
        failed = [
            result
            for result in run.results.get("results") or []
            if str(result.get("status")).lower() in BLOCKING_STATUSES
        ]
        if failed:
            # A model (or seed, hook) in error first: the tests after it often fail because of it.
            failed.sort(
                key=lambda r: str(r.get("unique_id", "")).startswith(("test.", "unit_test."))
            )
            first = failed[0]
            node = str(first.get("unique_id", "?")).split(".")[-1]
            more = f" (and {len(failed) - 1} more node(s))" if len(failed) > 1 else ""
            return f"{node}: {summarise_error(str(first.get('message') or ''))}{more}"
    # No run results of this run (dbt stopped before running nodes: parse, hook, lock): its output.
    text = "\n".join(_clean(line) for line in run.output)
    lock = re.search(r'Could not set lock on file "(.+?)".*?\(PID (\d+)\)', text)
    if lock:
        return (
            f"{lock.group(1)} is in use by another process (PID {lock.group(2)}): a build still "
            "running, or a tool holding the build file open; nothing built"
        )
    lines = [line for line in text.splitlines() if line]
    block: list[str] = []
    for i, line in enumerate(lines):
        if line.startswith("Encountered an error"):  # dbt's fatal error: the message follows
            block = lines[i + 1 :]
            break
        if re.match(r"^(\w+ )?Error\b", line) and not block:
            block = lines[i:]
    if block:
        node = re.match(r"^\w+ Error in \w+ (\S+)", block[0])
        name = node.group(1).split(".")[-1] + ": " if node else ""
        return name + summarise_error("\n".join(block[:40]))
    return f"dbt exited with code {run.returncode} and no error message"


def check_clean(run: DbtRun) -> str | None:
    """None when the run is clean, else the one line that says why not."""
    from smallfirms.publish import PublishRefused, check_run_results

    if run.returncode != 0:
        return failure_line(run)
    if run.results is None:
        return f"{run.run_results}: no run results of this build (dbt exited 0 without them)"
    try:
        check_run_results(run.run_results)
    except PublishRefused as exc:
        return str(exc)
    if build_id_of(json.loads(run.run_results.read_text(encoding="utf-8"))) != run.build_id:
        return f"{run.run_results}: replaced by another run during this build"
    return None


def write_receipt(database: Path, run: DbtRun) -> Path:
    """The receipt of a clean build, next to the warehouse file (atomic write)."""
    from smallfirms.publish import write_atomically

    meta = (run.results or {}).get("metadata") or {}
    document = {
        "build_id": run.build_id,
        "invocation_id": meta.get("invocation_id"),
        "database": str(database.resolve()),
        "run_results": str(run.run_results.resolve()),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": file_state(database),
    }
    path = receipt_path(database)
    write_atomically(path, json.dumps(document, indent=2) + "\n")
    return path


def preflight(raw_dir: Path) -> int:
    """The pre-flight check in its own process; its lines shown, NIR-shaped values redacted."""
    done = subprocess.run(
        [sys.executable, "-m", "smallfirms.preflight", str(raw_dir)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        check=False,
    )
    if done.stdout:
        print(redact(done.stdout), end="")
    if done.stderr:
        print(redact(done.stderr), end="", file=sys.stderr)
    return done.returncode


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    dbt_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, dbt_args = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(
        description="Pre-flight, dbt build, and a build receipt when the build is clean."
    )
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path(os.environ.get("RAW_DATA_DIR") or "data/raw"),
        help="the raw folder (default: RAW_DATA_DIR, else data/raw)",
    )
    parser.add_argument(
        "--database",
        type=Path,
        default=Path(os.environ.get("DUCKDB_PATH") or "data/warehouse.duckdb"),
        help="the warehouse file (default: DUCKDB_PATH, else data/warehouse.duckdb)",
    )
    parser.add_argument("--target-path", type=Path, default=Path("target"))
    parser.add_argument("--log-path", type=Path, default=Path("logs"))
    parser.add_argument(
        "--progress", action="store_true", help="echo dbt's per-node progress lines to stderr"
    )
    parser.add_argument(
        "--skip-preflight", action="store_true", help="run dbt without the pre-flight check"
    )
    parser.add_argument(
        "--die-with-parent",
        action="store_true",
        help="stop (and stop dbt) when the parent process dies (Linux; make build sets it)",
    )
    args = parser.parse_args(argv)
    if args.die_with_parent and sys.platform.startswith("linux"):
        parent = os.getppid()
        die_with_parent()
        if os.getppid() != parent:  # the parent died before the request took effect
            return 1
    receipt_path(args.database).unlink(missing_ok=True)
    if not args.skip_preflight and preflight(args.raw_dir) != 0:
        return 1
    args.database.absolute().parent.mkdir(parents=True, exist_ok=True)
    try:
        run = run_dbt(
            args.raw_dir, args.database, args.target_path, args.log_path, dbt_args, args.progress
        )
    except KeyboardInterrupt:
        print("build error: interrupted; no receipt written")
        return 130
    problem = check_clean(run)
    if problem is not None:
        print(f"build error: {problem}")
        return 1
    receipt = write_receipt(args.database, run)
    done = next((_clean(line) for line in reversed(run.output) if "Done." in line), "")
    print(f"build ok: {args.database} ({done or 'dbt build passed'}); receipt {receipt}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
