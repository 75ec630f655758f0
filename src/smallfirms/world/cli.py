"""python -m smallfirms.world --scale 0.1 --seed 42 --out data/raw [--format csv|parquet]
[--defects] [--no-effects]"""

from __future__ import annotations

import argparse
from pathlib import Path

from smallfirms.world.generate import generate_world
from smallfirms.world.params import Params, null_params
from smallfirms.world.seeds import DEFAULT_SEEDS_DIR


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the synthetic raw extracts.")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=Path("data/raw"))
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR)
    parser.add_argument(
        "--defects",
        action="store_true",
        help="plant known bad rows in the clean world (CSV only; see _truth/defects.csv)",
    )
    parser.add_argument(
        "--no-effects",
        action="store_true",
        help="plant no effect (a null world: what the evaluation must not find)",
    )
    args = parser.parse_args(argv)
    if args.defects and args.format != "csv":
        parser.error("--defects works on CSV files only; drop --format parquet")
    params = null_params(Params()) if args.no_effects else Params()
    generate_world(
        args.scale,
        args.seed,
        args.out,
        args.format,
        args.seeds_dir,
        params=params,
        defects=args.defects,
    )
