"""Benchmark: generate worlds at several scales, build each, print the figures beside the targets.

For each scale: raw rows per table and generation speed; the full `dbt build` (wall time, peak
resident memory of the whole process tree, the five slowest models, the share of the Python
estimation models); an incremental run after one day of new declarations, delivered as a file of the
folder hire_declarations/; the floor (one DuckDB query doing the core work); and the dbt
overhead ratio, the build's wall time over the time DuckDB alone takes to run the same compiled
SQL, replayed in order from target/run/.

    python -m smallfirms.bench --scales 0.1,1.0,6 --out data/bench/bench.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from smallfirms.build import die_with_parent
from smallfirms.project import duckdb_file_literal, project_vars, run_record

PROJECT_DIR = Path(__file__).resolve().parents[2]
HIRES_FILE = "hire_declarations.csv"
DELIVERY_FOLDER = "hire_declarations"
FACT_MODEL = "base_dpae__hire_declarations"
GIB = 1024**3
# Targets (2-core, 24 GiB machine): the full build within a multiple of the floor measured in the
# same run (4× at scale 1, 6× national), the national peak, a one-day delivery's share of the full
# build, and dbt's overhead over the same SQL run by DuckDB alone.
TARGET_FLOOR_RATIO_SCALE_1 = 4.0
TARGET_FLOOR_RATIO_NATIONAL = 6.0
TARGET_PEAK_NATIONAL = 8 * GIB
TARGET_INCREMENTAL_RATIO = 0.10
TARGET_OVERHEAD_RATIO = 1.3
# From this scale on the generator builds every metropolitan region (world.geography).
NATIONAL_SCALE = 3.0


class BenchError(Exception):
    """A step failed: the message names it."""


# --------------------------------------------------------------------------------------------
# processes


@dataclass
class Timed:
    seconds: float
    peak_rss_bytes: int
    output: str
    returncode: int = 0


def _tree_rss(root: int) -> int:
    """Resident memory of a process and all its descendants, from /proc (bytes)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{entry}/statm", encoding="ascii") as handle:
                resident = int(handle.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
        pid, ppid = int(entry), int(fields[1])
        children.setdefault(ppid, []).append(pid)
        rss[pid] = resident
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run_timed(cmd: list[str], env: dict[str, str], poll: float = 0.1, check: bool = True) -> Timed:
    """Run a command, polling the resident memory of its process tree; fail with its output."""
    start = time.perf_counter()
    process = subprocess.Popen(
        cmd,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # a benchmark stopped half-way (a national build filling the disk) takes its dbt with it
        preexec_fn=die_with_parent if sys.platform.startswith("linux") else None,
    )
    chunks: list[str] = []
    reader = threading.Thread(target=lambda: chunks.extend(process.stdout or []), daemon=True)
    reader.start()
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss(process.pid))
        time.sleep(poll)
    seconds = time.perf_counter() - start
    reader.join()
    output = "".join(chunks)
    if check and process.returncode != 0:
        tail = "\n".join(output.splitlines()[-15:])
        raise BenchError(f"{' '.join(cmd[:3])} … failed (exit {process.returncode}):\n{tail}")
    return Timed(seconds, peak, output, process.returncode)


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def machine() -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as handle:
        mem_kib = int(handle.readline().split()[1])
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024**2, 1),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


# --------------------------------------------------------------------------------------------
# the world and its last day


def generate(raw: Path, scale: float, seed: int, env: dict[str, str]) -> dict:
    if raw.exists():
        shutil.rmtree(raw)
    cmd = [sys.executable, "-m", "smallfirms.generate", "--scale", str(scale), "--seed", str(seed)]
    timed = run_timed(cmd + ["--out", str(raw)], env)
    world = json.loads((raw / "_world.json").read_text(encoding="utf-8"))
    total = int(world["total_rows"])
    return {
        "seconds": round(timed.seconds, 2),
        "rows_per_second": round(total / timed.seconds),
        "raw_rows": {k: int(v) for k, v in sorted(world["row_counts"].items())},
        "raw_rows_total": total,
    }


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def hold_back_last_day(raw: Path, held: Path) -> dict:
    """Move the declarations of the last full declaration day (the last with half the median
    daily volume: after it come only a few late rows) and of the days after it out of the hire file,
    file order kept, into ``held`` (with its header): one day's delivery, delivered later."""
    path = raw / HIRES_FILE
    with duckdb.connect() as con:
        reader = f"read_csv({duckdb_file_literal(path)}, header = true, all_varchar = true)"
        (day,) = con.execute(
            f"with daily as (select left(date_declaration, 10) as d, count(*) as n from {reader}"
            " group by 1), typical as (select median(n) as m from daily)"
            " select max(d) from daily cross join typical where n >= m / 2"
        ).fetchone()
        kept = raw / (HIRES_FILE + ".kept")
        con.execute(
            f"copy (select * from {reader} where left(date_declaration, 10) < '{day}')"
            f" to {_quoted(kept)} (header true)"
        )
        con.execute(
            f"copy (select * from {reader} where left(date_declaration, 10) >= '{day}')"
            f" to {_quoted(held)} (header true)"
        )
        (rows,) = con.execute(
            f"select count(*) from read_csv({duckdb_file_literal(held)}, header = true)"
        ).fetchone()
    kept.replace(path)
    return {"day": day, "rows": int(rows)}


def deliver_held(raw: Path, held: Path, day: str) -> Path:
    """The held-back day as a delivery file of the folder, named by its date, as a daily
    delivery comes: the history file is left as it is."""
    folder = raw / DELIVERY_FOLDER
    folder.mkdir(exist_ok=True)
    delivered = folder / f"{day}.csv"
    shutil.copyfile(held, delivered)
    return delivered


# --------------------------------------------------------------------------------------------
# the floor


FLOOR_SQL = """
create table floor_counts as
with source as (
    select * from read_csv({files}, header = true, all_varchar = true)
),

checked as (
    select
        trim(siret) as siret,
        sha256('bench-salt' || upper(trim(nir))) as person_id,
        try_cast(trim(date_embauche) as date) as hire_date,
        upper(trim(nature_contrat)) as nature_contrat,
        try_cast(trim(date_fin_contrat) as date) as contract_end_date,
        try_cast(trim(date_declaration) as timestamp) as declared_at
    from source
    where
        regexp_full_match(trim(siret), '[0-9]{{14}}')
        and regexp_full_match(upper(trim(nir)), '[12][0-9]{{2}}[0-9]{{2}}[0-9AB]{{2}}[0-9]{{8}}')
        and upper(trim(nature_contrat)) in ('CDI', 'CDD', 'CTT')
),

merged as (
    select
        siret,
        person_id,
        hire_date,
        nature_contrat,
        max(contract_end_date) as contract_end_date
    from checked
    where hire_date is not null and declared_at is not null
    group by siret, person_id, hire_date, nature_contrat
)

select siret, date_trunc('month', hire_date) as hire_month, count(*) as hires
from merged
where
    nature_contrat = 'CDI'
    or (nature_contrat = 'CDD' and contract_end_date - hire_date + 1 >= {cdd_min_days})
group by siret, date_trunc('month', hire_date)
"""


def floor_seconds(raw: Path, threads: int) -> dict:
    """The physical floor of the build: one DuckDB query that reads the declarations, pseudonymises
    the NIR (SHA-256), checks the formats, merges duplicate declarations and counts the counted
    hires per establishment and month, the core of what the warehouse does with its largest file,
    in one pass and with nothing written but the counts. Timed in this process, in memory."""
    files = sorted(str(path) for path in raw.glob("hire_declarations*.csv"))
    literal = "[" + ", ".join(_quoted(Path(f)) for f in files) + "]"
    sql = FLOOR_SQL.format(files=literal, cdd_min_days=project_vars()["counted_cdd_min_days"])
    with duckdb.connect(config={"threads": threads}) as con:
        con.execute("set enable_progress_bar = false")
        start = time.perf_counter()
        con.execute(sql)
        seconds = time.perf_counter() - start
        (cells, hires) = con.execute("select count(*), sum(hires) from floor_counts").fetchone()
    return {"seconds": round(seconds, 2), "cells": int(cells), "counted_hires": int(hires or 0)}


# --------------------------------------------------------------------------------------------
# dbt and its artefacts


def dbt(env: dict[str, str], target: Path, *args: str, check: bool = True) -> Timed:
    cmd = [str(Path(sys.executable).parent / "dbt"), *args, "--target-path", str(target)]
    return run_timed(cmd + ["--log-path", str(target / "logs")], env, check=check)


def node_timings(target: Path) -> list[dict]:
    """Every executed node of the last run: id, resource type, language, seconds, start."""
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    nodes = {**manifest["nodes"], **manifest.get("unit_tests", {})}
    rows = []
    for result in results["results"]:
        node = nodes.get(result["unique_id"], {})
        started = [t["started_at"] for t in result.get("timing", []) if t.get("started_at")]
        rows.append(
            {
                "unique_id": result["unique_id"],
                "name": node.get("name", result["unique_id"].rsplit(".", 1)[-1]),
                "resource_type": node.get("resource_type", result["unique_id"].split(".")[0]),
                "language": node.get("language", "sql"),
                "status": result["status"],
                "seconds": float(result["execution_time"]),
                "started_at": min(started) if started else "",
            }
        )
    return rows


def _drop_relation(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> None:
    kinds = con.execute(
        "select 'table' from duckdb_tables() where schema_name = ? and table_name = ?"
        " union all select 'view' from duckdb_views() where schema_name = ? and view_name = ?",
        [schema, name, schema, name],
    ).fetchall()
    for (kind,) in kinds:
        con.execute(f'drop {kind} "{schema}"."{name}"')


def _drop_replayed(con: duckdb.DuckDBPyConnection) -> None:
    """Drop what a replayed model created beside the built one (untimed), so disk use stays flat."""
    created = con.execute(
        "select schema_name, table_name, 'table' from duckdb_tables()"
        " where table_name like '%dbt_tmp'"
        " union all select schema_name, view_name, 'view' from duckdb_views()"
        " where view_name like '%dbt_tmp'"
    ).fetchall()
    for schema, name, kind in created:
        con.execute(f'drop {kind} if exists "{schema}"."{name}"')


def replay_seconds(target: Path, database: Path, work: Path, timings: list[dict]) -> dict:
    """Run the compiled SQL of every model and test of the build (target/run/), in the order dbt
    started them, in DuckDB alone, on a copy of the built warehouse. Python models have no SQL to
    replay: their dbt execution time is added as it is (counted neither as overhead nor saving)."""
    replay_dir = work / "replay"
    if replay_dir.exists():
        shutil.rmtree(replay_dir)
    replay_dir.mkdir(parents=True)
    copy = replay_dir / database.name  # same file name: the compiled SQL names its catalog
    shutil.copyfile(database, copy)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    sql_seconds = python_seconds = 0.0
    statements = 0
    config = {
        "memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "8GB"),
        "threads": os.environ.get("DUCKDB_THREADS", "2"),
    }
    with duckdb.connect(str(copy), config=config) as con:
        for row in sorted(timings, key=lambda r: r["started_at"]):
            if row["resource_type"] not in ("model", "test"):
                continue
            if row["language"] == "python":
                python_seconds += row["seconds"]
                continue
            node = manifest["nodes"].get(row["unique_id"], {})
            path = (
                target / "run" / node.get("package_name", "") / node.get("original_file_path", "")
            )
            if path.suffix != ".sql":  # a generic test: its SQL sits under its YAML file's name
                path = path / node.get("path", "")
            if not path.exists() or path.suffix != ".sql":
                continue
            sql = path.read_text(encoding="utf-8")
            if node["resource_type"] == "model" and "__dbt_tmp" not in sql:
                # e.g. an incremental model's first run creates its table in place: drop the built
                # one first (untimed), as the build started without it
                _drop_relation(con, node["schema"], node.get("alias") or node["name"])
            start = time.perf_counter()
            try:
                con.execute(sql).fetchall()
            except duckdb.Error as error:
                raise BenchError(f"replay of {path}: {str(error).splitlines()[0]}") from error
            sql_seconds += time.perf_counter() - start
            statements += 1
            _drop_replayed(con)
    shutil.rmtree(replay_dir)
    return {
        "sql_seconds": round(sql_seconds, 2),
        "python_seconds": round(python_seconds, 2),
        "seconds": round(sql_seconds + python_seconds, 2),
        "files_replayed": statements,
    }


# --------------------------------------------------------------------------------------------
# one scale


def python_models(timings: list[dict]) -> dict:
    """The Python models (the estimation: wild bootstrap, randomisation inference, the design) and
    their share of the summed node time of the build."""
    node_total = sum(r["seconds"] for r in timings)
    models = {r["name"]: round(r["seconds"], 2) for r in timings if r["language"] == "python"}
    seconds = sum(models.values())
    return {
        "models": dict(sorted(models.items(), key=lambda kv: -kv[1])),
        "seconds": round(seconds, 2),
        "node_seconds": round(node_total, 2),
        "share_of_node_time": round(seconds / node_total, 4) if node_total else 0.0,
    }


def slowest_models(timings: list[dict], n: int = 5) -> list[dict]:
    models = [r for r in timings if r["resource_type"] == "model"]
    models.sort(key=lambda r: (-r["seconds"], r["name"]))
    return [{"model": r["name"], "seconds": round(r["seconds"], 2)} for r in models[:n]]


def bench_scale(scale: float, seed: int, work: Path, dbt_vars: str | None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    raw, target, database = work / "raw", work / "target", work / "warehouse.duckdb"
    held = work / "held_back_day.csv"
    for path in (database, Path(str(database) + ".wal")):
        path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_PROJECT_DIR": str(PROJECT_DIR),
        "DBT_TARGET": "duckdb",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "RAW_DATA_DIR": str(raw.resolve()),
        "DUCKDB_PATH": str(database.resolve()),
    }
    vars_args = ["--vars", dbt_vars] if dbt_vars else []
    result: dict = {"scale": scale, "seed": seed, "load_1min": {"start": load_average()}}
    print(f"scale {scale}: generating …", flush=True)
    result["generation"] = generate(raw, scale, seed, env)
    result["raw_rows"] = result["generation"].pop("raw_rows")
    result["raw_rows_total"] = result["generation"].pop("raw_rows_total")
    day = hold_back_last_day(raw, held)
    # The floor reads what the full build reads: the file without the held-back day.
    print(f"scale {scale}: the floor query …", flush=True)
    result["floor"] = floor_seconds(raw, int(env.get("DUCKDB_THREADS", "2")))

    print(f"scale {scale}: dbt build …", flush=True)
    # A failing data test still gives a complete build to time: it is recorded, not fatal.
    (target / "run_results.json").unlink(missing_ok=True)
    build = dbt(env, target, "build", *vars_args, check=False)
    if not (target / "run_results.json").exists():
        tail = "\n".join(build.output.splitlines()[-15:])
        raise BenchError(f"dbt build failed before running (exit {build.returncode}):\n{tail}")
    timings = node_timings(target)
    failed = [r["name"] for r in timings if r["status"] in ("error", "fail")]
    if failed:
        print(f"scale {scale}: the build had failures: {', '.join(failed)}", flush=True)
    result["build"] = {
        "seconds": round(build.seconds, 2),
        "peak_rss_bytes": build.peak_rss_bytes,
        "nodes": len(timings),
        "failed_nodes": failed,
        "slowest_models": slowest_models(timings),
        "python_models": python_models(timings),
        "fact_seconds": round(sum(r["seconds"] for r in timings if r["name"] == FACT_MODEL), 2),
        "ratio_to_floor": round(build.seconds / result["floor"]["seconds"], 2),
    }

    print(f"scale {scale}: replaying the compiled SQL …", flush=True)
    replay = replay_seconds(target, database, work, timings)
    replay["ratio"] = round(build.seconds / replay["seconds"], 3) if replay["seconds"] else None
    result["overhead"] = replay

    print(f"scale {scale}: delivering {day['rows']:,} declarations of {day['day']} …", flush=True)
    deliver_held(raw, held, day["day"])
    # The build's target folder, as a daily run would use it: dbt re-parses only what changed.
    inc = dbt(env, target, "run", "--select", f"{FACT_MODEL}+", *vars_args)
    inc_timings = node_timings(target)
    with duckdb.connect(str(database), read_only=True) as con:
        (loaded,) = con.execute(f"select count(*) from staging.{FACT_MODEL}").fetchone()
    result["incremental"] = {
        "delivered_day": day["day"],
        "delivered_rows": day["rows"],
        "seconds": round(inc.seconds, 2),
        "peak_rss_bytes": inc.peak_rss_bytes,
        "models": len(inc_timings),
        "fact_seconds": round(sum(r["seconds"] for r in inc_timings if r["name"] == FACT_MODEL), 2),
        "python_seconds": round(
            sum(r["seconds"] for r in inc_timings if r["language"] == "python"), 2
        ),
        "fact_rows_after": int(loaded),
        # what a daily run still spends its time on
        "slowest_models": slowest_models(inc_timings),
        "ratio_to_full_build": round(inc.seconds / build.seconds, 4),
    }
    result["load_1min"]["end"] = load_average()
    return result


# --------------------------------------------------------------------------------------------
# targets, table, JSON


def _target(name: str, scale: float, value: float, limit: float, unit: str) -> dict:
    met = value <= limit
    return {
        "name": name,
        "scale": scale,
        "value": value,
        "target": limit,
        "unit": unit,
        "met": met,
        "missed_by": 0.0 if met else round(value - limit, 4),
        "missed_by_share": 0.0 if met else round((value - limit) / limit, 4),
    }


def targets(results: list[dict]) -> list[dict]:
    """Each target beside its figure. The national targets are read on the largest scale holding
    every region (scale 3 or more)."""
    rows = []
    for r in results:
        if r["scale"] == 1.0:
            ratio = r["build"]["ratio_to_floor"]
            rows.append(
                _target("build_to_floor_scale_1", 1.0, ratio, TARGET_FLOOR_RATIO_SCALE_1, "×")
            )
    national = [r for r in results if r["scale"] >= NATIONAL_SCALE]
    if national:
        r = max(national, key=lambda x: x["scale"])
        ratio = r["build"]["ratio_to_floor"]
        rows.append(
            _target("build_to_floor_national", r["scale"], ratio, TARGET_FLOOR_RATIO_NATIONAL, "×")
        )
        peak = round(r["build"]["peak_rss_bytes"] / GIB, 3)
        rows.append(
            _target("peak_gib_national", r["scale"], peak, TARGET_PEAK_NATIONAL / GIB, "GiB")
        )
    for r in results:
        ratio = r["incremental"]["ratio_to_full_build"]
        rows.append(_target("incremental_ratio", r["scale"], ratio, TARGET_INCREMENTAL_RATIO, "×"))
        if r["overhead"]["ratio"] is not None:
            overhead = r["overhead"]["ratio"]
            rows.append(_target("overhead_ratio", r["scale"], overhead, TARGET_OVERHEAD_RATIO, "×"))
    return rows


def table(report: dict) -> str:
    lines = [
        "| scale | raw rows | gen rows/s | floor s | build s (×floor) | peak GiB | python share"
        " | incremental s (×full) | fact s full → inc | replay s | overhead | load 1 min |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in report["scales"]:
        b, i, o = r["build"], r["incremental"], r["overhead"]
        lines.append(
            f"| {r['scale']:g} | {r['raw_rows_total']:,} | {r['generation']['rows_per_second']:,}"
            f" | {r['floor']['seconds']:.1f} | {b['seconds']:.1f} ({b['ratio_to_floor']:.1f})"
            f" | {b['peak_rss_bytes'] / GIB:.2f}"
            f" | {b['python_models']['share_of_node_time']:.0%}"
            f" | {i['seconds']:.1f} ({i['ratio_to_full_build']:.2f})"
            f" | {b['fact_seconds']:.1f} → {i['fact_seconds']:.1f}"
            f" | {o['seconds']:.1f} | {o['ratio']:.2f}"
            f" | {r['load_1min']['start']:.1f} → {r['load_1min']['end']:.1f} |"
        )
    lines.append("")
    for r in report["scales"]:
        for run, label in (
            ("build", "five slowest models"),
            ("incremental", "incremental run's five slowest models"),
        ):
            slow = ", ".join(f"{m['model']} {m['seconds']:.1f} s" for m in r[run]["slowest_models"])
            lines.append(f"scale {r['scale']:g}, {label}: {slow}")
    lines.append("")
    for t in report["targets"]:
        verdict = (
            "met"
            if t["met"]
            else f"MISSED by {t['missed_by']:g} {t['unit']} ({t['missed_by_share']:.0%})"
        )
        lines.append(
            f"target {t['name']} (scale {t['scale']:g}): {t['value']:g} {t['unit']}"
            f" vs ≤ {t['target']:g} {t['unit']}: {verdict}"
        )
    return "\n".join(lines)


def parse_scales(text: str) -> list[float]:
    try:
        scales = [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise BenchError(f"--scales {text!r}: expected numbers separated by commas") from None
    if not scales or any(s <= 0 for s in scales):
        raise BenchError(f"--scales {text!r}: expected positive numbers")
    return scales


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,1.0,6", help="comma-separated world scales")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--work", type=Path, default=Path("data/bench/work"))
    parser.add_argument("--out", type=Path, default=Path("data/bench/bench.json"))
    parser.add_argument(
        "--dbt-vars", default=None, help="YAML/JSON passed to dbt --vars (e.g. fewer replications)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the worlds and warehouses")
    args = parser.parse_args(argv)
    # who ran it, on what, from which commit, and the load before the run
    record = run_record("smallfirms.bench", argv if argv is not None else sys.argv[1:])
    try:
        scales = parse_scales(args.scales)
        started = datetime.now(UTC)
        results = []
        for scale in scales:
            scale_work = args.work / f"scale_{scale:g}"
            results.append(bench_scale(scale, args.seed, scale_work, args.dbt_vars))
            if not args.keep:
                shutil.rmtree(scale_work, ignore_errors=True)
        report = {
            **record,
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "settings": {
                "dbt_threads": os.environ.get("DBT_THREADS", "2"),
                "duckdb_memory_limit": os.environ.get("DUCKDB_MEMORY_LIMIT", "8GB"),
                "duckdb_threads": os.environ.get("DUCKDB_THREADS", "2"),
                "dbt_vars": args.dbt_vars,
                "format": "csv",
            },
            "scales": results,
        }
        report["targets"] = targets(results)
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(report))
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
