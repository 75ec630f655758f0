"""Print how well baseline rankings order firms by pilot-period hires (marts.score_validation)."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

QUERY = """
select ranking_method, n_firms, n_top_firms, total_pilot_hires, top_capture_share, top_lift,
       spearman_rank_correlation
from marts.score_validation
order by ranking_method
"""


def read_validation(database: Path) -> list[tuple]:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(QUERY).fetchall()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB warehouse file")
    args = parser.parse_args(argv)
    rows = read_validation(args.database)
    print(
        "Eligible small firms of non-pilot agencies, ranked at baseline, "
        "against their counted hires in the pilot period:"
    )
    print(
        f"  {'ranking':<24} {'firms':>7} {'top':>5} {'hires':>8} {'capture':>8} "
        f"{'lift':>6} {'spearman':>9}"
    )
    for method, n, top, hires, capture, lift, rho in rows:
        print(
            f"  {method:<24} {n:>7,} {top:>5,} {hires:>8,.0f} {capture:>8.1%} "
            f"{lift:>6.2f} {rho:>9.3f}"
        )
    print("  (a random list has a lift of 1.00 on average)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
