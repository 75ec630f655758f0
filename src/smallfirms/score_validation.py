"""Print how well four rankings find the firms that hire (marts.score_validation and
marts.score_validation_summary): the share of the first pilot half-year's hires captured by the top
of each list (var validation_top_share), then Spearman's rank correlation and the top-decile
lift."""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from smallfirms.formatting import month_span, percent_label
from smallfirms.project import calendar, project_vars

METHODS = ("prospect_score", "sector_rate", "lbb_style", "random")
POPULATIONS = ("all_eligible", "non_recruiters", "prospects")
TOP_SHARE = float(project_vars()["validation_top_share"])
CELL = 15


def read_top_capture(
    database: Path, top_share: float = TOP_SHARE
) -> dict[tuple[str, str], tuple[int, float | None]]:
    """(population, method) -> (firms, share of hires captured by the top `top_share`)."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select population, method, n_firms, hires_captured_share "
            "from marts.score_validation where abs(top_share - ?) < 1e-9",
            [top_share],
        ).fetchall()
    return {(population, method): (n, share) for population, method, n, share in rows}


def read_summary(database: Path) -> dict[tuple[str, str], dict[str, float | int | None]]:
    """(population, method) -> firms, hires, Spearman correlation and top-decile lift."""
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(
            "select population, method, n_firms, total_hires, spearman_rank_correlation, "
            "top_decile_lift from marts.score_validation_summary"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(r["population"], r["method"]): r for r in rows}


def _cell(value: float | None, spec: str) -> str:
    return f"{'—' if value is None else format(value, spec):>{CELL}}"


def capture_table(captured: dict[tuple[str, str], tuple[int, float | None]]) -> list[str]:
    """Lines of the top-share capture table: one row per population, one column per method."""
    lines = [f"  {'population':<16} {'firms':>7} " + " ".join(f"{m:>{CELL}}" for m in METHODS)]
    for population in POPULATIONS:
        found = [captured[(population, m)] for m in METHODS if (population, m) in captured]
        n = found[0][0] if found else 0
        cells = [_cell(captured.get((population, m), (0, None))[1], ".1%") for m in METHODS]
        lines.append(f"  {population:<16} {n:>7,} " + " ".join(cells))
    return lines


def summary_table(summary: dict[tuple[str, str], dict[str, float | int | None]]) -> list[str]:
    """Lines of the summary: per population, the hires, then per method Spearman and the lift."""
    header = f"  {'population':<16} {'hires':>7} {'method':<15} {'spearman':>10} {'lift':>7}"
    lines = [header]
    for population in POPULATIONS:
        for method in METHODS:
            row = summary.get((population, method))
            if row is None:
                continue
            hires = row["total_hires"]
            spearman = row["spearman_rank_correlation"]
            lift = row["top_decile_lift"]
            lines.append(
                f"  {population:<16} {'—' if hires is None else f'{hires:,.0f}':>7} "
                f"{method:<15} {'—' if spearman is None else f'{spearman:.3f}':>10} "
                f"{'—' if lift is None else f'{lift:.2f}':>7}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", type=Path, required=True, help="the DuckDB warehouse file")
    args = parser.parse_args(argv)
    print(
        f"Share of first-pilot-half-year hires ({month_span(calendar()['pilot_half_year_1'])}) "
        f"captured by the top {percent_label(TOP_SHARE)} of each ranking, eligible small firms "
        "of non-pilot agencies:"
    )
    print("\n".join(capture_table(read_top_capture(args.database))))
    print()
    print(
        "Spearman rank correlation of each ranking with those hires (random: 0 in expectation) "
        "and top-decile lift (1 for chance):"
    )
    print("\n".join(summary_table(read_summary(args.database))))
    print("A synthetic world shows the mechanism of the comparison, not the real-world gain.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
