"""Print how well four baseline rankings find the firms that hire (marts.score_validation)."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

METHODS = ("prospect_score", "sector_rate", "lbb_style", "random")
POPULATIONS = ("all_eligible", "non_recruiters", "prospects")


def read_top_capture(database: Path) -> dict[tuple[str, str], tuple[int, float]]:
    """(population, method) -> (firms, share of hires captured by the top 10 %)."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select population, method, n_firms, hires_captured_share "
            "from marts.score_validation where top_share = 0.1"
        ).fetchall()
    return {(population, method): (n, share) for population, method, n, share in rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB warehouse file")
    args = parser.parse_args(argv)
    captured = read_top_capture(args.database)
    print(
        "Share of first-pilot-half-year hires (2017-03 … 08) captured by the top 10 % of each "
        "ranking, eligible small firms of non-pilot agencies:"
    )
    print(f"  {'population':<16} {'firms':>7} " + " ".join(f"{m:>15}" for m in METHODS))
    for population in POPULATIONS:
        n = next((captured[(population, m)][0] for m in METHODS if (population, m) in captured), 0)
        cells = [
            f"{captured[(population, m)][1]:>15.1%}" if (population, m) in captured else " " * 15
            for m in METHODS
        ]
        print(f"  {population:<16} {n:>7,} " + " ".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
