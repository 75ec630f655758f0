"""Generate a world into a folder: the ten raw tables, ``_truth/`` and ``_world.json``.

Same seed, scale and format, same bytes: timings live in ``_timing.json``, never in ``_world.json``.
Files are written to a temporary sibling folder and moved into place at the end."""

from __future__ import annotations

import json
import shutil
import sys
import time
from dataclasses import asdict
from pathlib import Path

import duckdb

from smallfirms.defects import inject_defects
from smallfirms.world import calibration, signals, tables
from smallfirms.world.build import build_world
from smallfirms.world.params import Params
from smallfirms.world.schema import SCHEMA, TABLES, TRUTH_SCHEMA
from smallfirms.world.seeds import DEFAULT_SEEDS_DIR, read_seeds
from smallfirms.world.writer import Field, write_table


def _truth_fields(w, name: str) -> dict[str, Field]:
    if name == "satisfaction_uplift":
        rows = w.answers.uplifted.nonzero()[0]
        return {"siret": Field(w.firms.siret[w.answers.est[rows]]), "answer_id": Field(rows + 1)}
    frame = w.truth[name]
    out = {c: Field(frame[c].to_numpy()) for c in frame.columns}
    if "state_at_baseline" in out:
        out["state_at_baseline"].codes = ["dormant", "replacing", "growing"]
    return out


def _write(w, tmp: Path, fmt: str, log) -> tuple[dict[str, int], dict[str, float]]:
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    counts, timing = {}, {}
    for name in TABLES:
        t = time.perf_counter()
        counts[name] = write_table(
            con, SCHEMA[name], tables.fields(w, name), tmp / f"{name}.{fmt}", fmt
        )
        timing[name] = time.perf_counter() - t
        log(f"{name:<28} {counts[name]:>11,} rows {timing[name]:7.2f} s")
    for name, schema in TRUTH_SCHEMA.items():
        fields = _truth_fields(w, name)
        if len(next(iter(fields.values())).values) == 0:  # a null world: the header alone
            (tmp / "_truth" / f"{name}.csv").write_text(",".join(c.name for c in schema) + "\n")
            continue
        write_table(con, schema, fields, tmp / "_truth" / f"{name}.csv", "csv")
    con.close()
    return counts, timing


def _move_into_place(tmp: Path, out: Path, fmt: str) -> None:
    other = "parquet" if fmt == "csv" else "csv"
    for name in TABLES:
        (out / f"{name}.{other}").unlink(missing_ok=True)
    if (out / "_truth").exists():
        shutil.rmtree(out / "_truth")
    for item in sorted(tmp.iterdir()):
        item.replace(out / item.name)
    tmp.rmdir()


def generate_world(
    scale: float,
    seed: int,
    out: Path | str,
    fmt: str = "csv",
    seeds_dir: Path | str = DEFAULT_SEEDS_DIR,
    params: Params | None = None,
    progress: bool = True,
    defects: bool = False,
) -> dict[str, int]:
    """Generate the world into ``out``; returns row counts per table (of the clean world).

    ``defects``: then plant known bad rows (:mod:`smallfirms.defects`); CSV only."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}")
    if defects and fmt != "csv":
        raise ValueError("defects are planted in CSV files only: use --format csv with --defects")

    def log(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    p, out, t_start = params or Params(), Path(out), time.perf_counter()
    w = build_world(seed, scale, read_seeds(Path(seeds_dir)), p)
    built = time.perf_counter() - t_start
    log(f"built the world in {built:.1f} s")
    out.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "_truth").mkdir(parents=True)
    counts, timing = _write(w, tmp, fmt, log)
    timing["build"] = built
    if defects:
        t = time.perf_counter()
        log(f"planted {len(inject_defects(tmp, seed))} defects (see _truth/defects.csv)")
        timing["defects"] = time.perf_counter() - t
    total, seconds = sum(counts.values()), time.perf_counter() - t_start
    record = {
        "scale": scale,
        "seed": seed,
        "format": fmt,
        "defects": defects,
        "parameters": asdict(p),
        "regions": w.info["region_codes"],
        "row_counts": counts,
        "total_rows": total,
        "n_agencies": len(w.agencies),
        "n_communes": len(w.communes),
        "state_months": dict(
            zip(("dormant", "replacing", "growing"), w.activity.state_months.tolist(), strict=True)
        ),
        "calibration": calibration.calibration_table(w),
        "signals": signals.signal_table(w),
        **{k: int(v) for k, v in w.info.items() if k.startswith("n_")},
    }
    (tmp / "_world.json").write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    timing_record = {
        "seconds": round(seconds, 3),
        "rows_per_second": round(total / seconds),
        "table_seconds": {k: round(v, 3) for k, v in timing.items()},
    }
    (tmp / "_timing.json").write_text(json.dumps(timing_record, indent=2, sort_keys=True) + "\n")
    _move_into_place(tmp, out, fmt)
    log(f"generated {total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s)")
    return counts
