"""World v2 over several seeds: calibration, signals and ceilings, written to docs/results/.

    python -m smallfirms.world.results --seeds 42,7,11,1,2 --scale 0.1 --work data/world_results \
        --out docs/results/world_v2.json

First one generation at scale 1.0 (its speed, unless --speed-scale 0), then for each seed:
generate the world, build the warehouse up to the score validation (seeds and models, no tests:
the figures, not the checks, are wanted here), read the ceilings and the project's methods. The
JSON keeps the command, commit, machine and load beside the figures, as docs/ tables need."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import duckdb
import numpy as np

from smallfirms.project import dbt_build_models, run_record
from smallfirms.world import ceilings
from smallfirms.world.generate import generate_world

FIGURES = ("oracle", "best_cell")


def one_seed(seed: int, scale: float, work: Path, top_share: float) -> dict:
    raw, database = work / f"seed_{seed}" / "raw", work / f"seed_{seed}" / "warehouse.duckdb"
    database.unlink(missing_ok=True)
    t = time.perf_counter()
    counts = generate_world(scale, seed, raw, "csv", progress=False)
    generation = time.perf_counter() - t
    dbt_build_models(raw, database, work / f"seed_{seed}", ["+score_validation"])
    with duckdb.connect(str(database), read_only=True) as con:
        firms = con.execute(ceilings.POPULATION_QUERY).df()
    firms = ceilings.attach_truth(firms, ceilings.read_truth(raw), raw / ceilings.TRUTH_FILE)
    record = json.loads((raw / "_world.json").read_text())
    return {
        "seed": seed,
        "rows": sum(counts.values()),
        "generation_seconds": round(generation, 2),
        "calibration": {r["name"]: r["produced"] for r in record["calibration"]},
        "targets": {
            r["name"]: {k: r[k] for k in ("target", "tolerance", "source", "why")}
            for r in record["calibration"]
        },
        "signals": record["signals"],
        "ceilings": ceilings.ceilings(firms, top_share),
        "methods": ceilings.read_methods(database, top_share),
    }


def summarise(runs: list[dict]) -> dict:
    """Per population and figure: mean, min and max over seeds."""
    out: dict[str, dict] = {}
    for population in ceilings.POPULATIONS:
        rows: dict[str, list[float]] = {}
        for run in runs:
            for figure in FIGURES:
                rows.setdefault(figure, []).append(run["ceilings"][population][figure])
            for method, value in run["methods"].get(population, {}).items():
                rows.setdefault(method, []).append(value)
        out[population] = {
            name: {"mean": float(np.mean(v)), "min": float(np.min(v)), "max": float(np.max(v))}
            for name, v in rows.items()
            if len(v) == len(runs) and None not in v
        }
    return out


def speed(scale: float, work: Path) -> dict:
    """One generation at ``scale`` (CSV, seed 42): rows, seconds and rows per second, per table."""
    raw = work / f"speed_{scale:g}"
    counts = generate_world(scale, 42, raw, "csv", progress=False)
    timing = json.loads((raw / "_timing.json").read_text())
    return {"scale": scale, "row_counts": counts, **timing}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", default="42,7,11,1,2")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--top-share", type=float, default=0.1)
    parser.add_argument("--work", type=Path, default=Path("data/world_results"))
    parser.add_argument("--out", type=Path, default=Path("docs/results/world_v2.json"))
    parser.add_argument("--speed-scale", type=float, default=1.0, help="0: skip the speed run")
    parser.add_argument("--markdown", type=Path, help="only print the docs' tables of this file")
    args = parser.parse_args(argv)
    if args.markdown:
        print("\n".join(markdown(json.loads(args.markdown.read_text()))))
        return 0
    meta = run_record("smallfirms.world.results", argv)
    timing = speed(args.speed_scale, args.work) if args.speed_scale else None
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    runs = [one_seed(seed, args.scale, args.work, args.top_share) for seed in seeds]
    summary = summarise(runs)
    meta["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    payload = {"meta": meta, "scale": args.scale, "summary": summary, "runs": runs}
    payload["speed"] = timing
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, default=float) + "\n")
    if runs:
        print(f"Top-{args.top_share:.0%} capture over seeds {args.seeds} (mean [min, max]):")
    for population, figures in summary.items() if runs else ():
        cells = [
            f"{k} {v['mean']:.1%} [{v['min']:.1%}, {v['max']:.1%}]" for k, v in figures.items()
        ]
        print(f"  {population}: " + "; ".join(cells))
    if timing:
        print(
            f"Generation at scale {timing['scale']:g}: {sum(timing['row_counts'].values()):,} rows "
            f"in {timing['seconds']:.1f} s, {timing['rows_per_second']:,} rows/s"
        )
    print(f"written to {args.out}")
    return 0


def _pct(value: float) -> str:
    return f"{100 * value:.1f} %"


def _mean_range(mean: float, low: float, high: float, fmt) -> str:
    return f"{fmt(mean)} ({fmt(low)} – {fmt(high)})"


def _range(values: list[float], fmt) -> str:
    return _mean_range(float(np.mean(values)), min(values), max(values), fmt)


def markdown(payload: dict) -> list[str]:
    """The docs' tables from a results file: calibration, signals, ceilings (means over seeds, with
    the range), and the speed run when there is one."""
    runs, lines = payload["runs"], []
    seeds = ", ".join(str(r["seed"]) for r in runs)
    if runs:
        lines += [f"Calibration, mean (min – max) over seeds {seeds}:", ""]
        lines += ["| figure | target ± tolerance | world |", "|---|---|---|"]
        for name in runs[0]["calibration"]:
            values = [r["calibration"][name] for r in runs]
            target = runs[0]["targets"][name]
            lines.append(
                f"| {name} | {target['target']:g} ± {target['tolerance']:g} | "
                f"{_range(values, lambda v: f'{v:.3f}')} |"
            )
        lines += ["", "Signals (eligible non-recruiters of hiring sectors), mean over seeds:", ""]
        lines += ["| signal before baseline | about to hire | others |", "|---|---|---|"]
        for name in runs[0]["signals"]["share_showing_signal"]:
            shares = [r["signals"]["share_showing_signal"][name] for r in runs]
            about = [s["about_to_hire"] for s in shares]
            others = [s["others"] for s in shares]
            lines.append(f"| {name} | {_range(about, _pct)} | {_range(others, _pct)} |")
        lines += ["", "Top-10 % capture of first-pilot-half-year hires, mean (min – max):", ""]
        methods = [
            "oracle",
            "best_cell",
            "shipped_score",
            "lbb",
            "lbb_extended",
            "sector_rate",
            "random",
        ]
        lines += ["| population | " + " | ".join(methods) + " |", "|---" * (len(methods) + 1) + "|"]
        for population, figures in payload["summary"].items():
            cells = [
                _mean_range(figures[m]["mean"], figures[m]["min"], figures[m]["max"], _pct)
                if m in figures
                else "—"
                for m in methods
            ]
            lines.append(f"| {population} | " + " | ".join(cells) + " |")
    if payload.get("speed"):
        s = payload["speed"]
        lines += ["", f"Generation at scale {s['scale']:g} (seed 42, CSV):", ""]
        lines += ["| table | rows | seconds |", "|---|---|---|"]
        for name, n in s["row_counts"].items():
            lines.append(f"| {name} | {n:,} | {s['table_seconds'].get(name, 0):.2f} |")
        total = sum(s["row_counts"].values())
        lines.append(
            f"| all (build {s['table_seconds']['build']:.1f} s) | {total:,} | {s['seconds']:.1f} |"
        )
        lines.append(f"\n{s['rows_per_second']:,} rows/s.")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
