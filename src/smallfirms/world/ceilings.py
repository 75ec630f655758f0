"""Where the targeting rankings sit between two ceilings that only a synthetic world can show.

The score validation judges each ranking by the share of first-pilot-half-year hires (2017-03 …
08) that its top 10 % captures. A figure such as 40 % means little alone: hires are Poisson draws,
so even a perfect score cannot capture them all. This prints, per validation population:

- the ORACLE: firms ranked by their latent expected hires, which the generator knows
  (``_truth/latent_expected_hires.csv``): what the best possible score could reach;
- the BEST CELL: firms ranked by the mean latent expected hires of their NAF division × headcount
  band × region cell: the best any ranking on those three features alone does in expectation;
- the project's own methods as marts.score_validation has them.

The gap oracle − best cell is what firm-level information could add beyond sector, size and place.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from smallfirms.score_validation import read_top_capture

POPULATIONS = ("all_eligible", "prospects", "non_recruiters", "priority_prospects")
METHODS = ("shipped_score", "lbb", "lbb_extended", "sector_rate", "random")
TRUTH_FILE = Path("_truth") / "latent_expected_hires.csv"
CELL_COLUMNS = ["naf_division", "tranche_effectifs", "code_region"]
HIRES = "truth_hires"
WIDTH = 10

POPULATION_QUERY = f"""
select r.siret, t.is_prospect, t.is_non_recruiter, r.{HIRES},
       e.naf_division, e.tranche_effectifs, e.code_region
from intermediate.int_score_validation_ranked_firms as r
inner join intermediate.int_establishments_targeted as t on r.siret = t.siret
inner join intermediate.int_establishments_enriched as e on r.siret = e.siret
where r.population = 'all_eligible' and r.method = 'random'
"""


class TruthFileError(Exception):
    """The truth file is missing or lacks a validation firm: the oracle cannot be computed."""


def top_capture(scores, hires, top_share: float) -> float:
    """Share of all hires made by the top ceil(top_share × n) firms by descending score.

    Firms tied at the cut share the places left in proportion (ties averaged): the expected
    capture under a random tie-break, so a coarse ranking such as a cell mean is neither flattered
    nor penalised by an arbitrary order. The top size is the project's, ceil(top_share × n), and
    its tie rule (marts.score_validation)."""
    score = np.asarray(scores, dtype=float)
    hires = np.asarray(hires, dtype=float)
    total = hires.sum()
    if len(score) == 0 or total == 0:
        return math.nan
    k = math.ceil(round(top_share * len(score), 9))
    cut = np.sort(score)[::-1][k - 1]
    above, tied = score > cut, score == cut
    captured = hires[above].sum() + (k - above.sum()) / tied.sum() * hires[tied].sum()
    return float(captured / total)


def read_truth(raw_dir: Path) -> pd.Series:
    """Latent expected hires by SIRET (read as text: a SIRET may start with zeros)."""
    path = raw_dir / TRUTH_FILE
    if not path.exists():
        raise TruthFileError(f"{path}: no such file (the generator writes it with the world)")
    truth = pd.read_csv(path, dtype={"siret": str, "expected_hires": float})
    duplicated = truth["siret"].duplicated()
    if duplicated.any():
        raise TruthFileError(f"{path}: SIRET {truth['siret'][duplicated].iloc[0]} appears twice")
    return truth.set_index("siret")["expected_hires"]


def attach_truth(firms: pd.DataFrame, truth: pd.Series, path: Path) -> pd.DataFrame:
    """The firms with their expected_hires; a firm the truth file lacks is an error, not a zero."""
    expected = firms["siret"].map(truth)
    missing = firms.loc[expected.isna(), "siret"]
    if len(missing):
        raise TruthFileError(
            f"{path}: no expected_hires for {len(missing)} validation firm(s), "
            f"e.g. SIRET {missing.iloc[0]}"
        )
    return firms.assign(expected_hires=expected.to_numpy())


def best_cell_scores(firms: pd.DataFrame) -> pd.Series:
    """Each firm's cell mean of the latent expected hires: the expectation of its hires given only
    its NAF division, band and region, as the world knows it. Ranking by it is the best any
    ranking on those three features can do in expectation; a cell mean of the realised hires
    would instead reward small cells for their own Poisson luck (in-sample over-fitting)."""
    return firms.groupby(CELL_COLUMNS, dropna=False)["expected_hires"].transform("mean")


def population_frames(firms: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The four validation populations; priority prospects are prospects that never hired.
    A null flag counts as false, as in the project's `where is_prospect`."""
    prospect, non_recruiter = firms["is_prospect"].eq(True), firms["is_non_recruiter"].eq(True)
    return {
        "all_eligible": firms,
        "prospects": firms[prospect],
        "non_recruiters": firms[non_recruiter],
        "priority_prospects": firms[prospect & non_recruiter],
    }


def ceilings(firms: pd.DataFrame, top_share: float) -> dict[str, dict[str, float]]:
    """Per population: firms, hires, the hindsight maximum, the oracle and best-cell captures,
    and the gap oracle − best cell in points. Cells are computed within each population."""
    out = {}
    for name, frame in population_frames(firms).items():
        hires = frame[HIRES]
        oracle = top_capture(frame["expected_hires"], hires, top_share)
        best_cell = top_capture(best_cell_scores(frame), hires, top_share)
        out[name] = {
            "n_firms": len(frame),
            "hires": float(hires.sum()),
            "n_cells": int(frame.groupby(CELL_COLUMNS, dropna=False).ngroups),
            "hindsight": top_capture(hires, hires, top_share),
            "oracle": oracle,
            "best_cell": best_cell,
            "oracle_minus_best_cell_points": 100 * (oracle - best_cell),
        }
    return out


def read_methods(database: Path, top_share: float) -> dict[str, dict[str, float]]:
    """population -> method -> captured share, from marts.score_validation at this top share."""
    methods: dict[str, dict[str, float]] = {}
    for (population, method), (_, share) in read_top_capture(database, top_share).items():
        methods.setdefault(population, {})[method] = share
    return methods


def _finite(value):
    """The value, or None for a missing or NaN figure (a population without hires)."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _fmt(value: float | None, spec: str, width: int) -> str:
    return f"{'—' if _finite(value) is None else format(value, spec):>{width}}"


def table(figures: dict, methods: dict) -> list[str]:
    """Lines of the table: one row per population; ceilings first, then the project's methods."""
    heads = ["hindsight", "oracle", "best cell", "gap pts", *METHODS]
    widths = [max(WIDTH, len(head)) for head in heads]
    lines = [
        f"  {'population':<18} {'firms':>6} {'hires':>6} {'cells':>6} "
        + " ".join(f"{head:>{width}}" for head, width in zip(heads, widths, strict=True))
    ]
    for name, row in figures.items():
        found = methods.get(name, {})
        values = [row["hindsight"], row["oracle"], row["best_cell"]]
        values += [row["oracle_minus_best_cell_points"], *(found.get(m) for m in METHODS)]
        specs = [".1%"] * 3 + ["+.1f"] + [".1%"] * len(METHODS)
        cells = [_fmt(v, s, w) for v, s, w in zip(values, specs, widths, strict=True)]
        lines.append(
            f"  {name:<18} {row['n_firms']:>6,} {row['hires']:>6,.0f} {row['n_cells']:>6,} "
            + " ".join(cells)
        )
    return lines


def write_json(path: Path, top_share: float, figures: dict, methods: dict) -> None:
    """The printed figures as JSON, NaN written as null (a population without hires)."""
    populations = {
        name: {key: _finite(value) for key, value in row.items()}
        | {"methods": {m: _finite(methods.get(name, {}).get(m)) for m in METHODS}}
        for name, row in figures.items()
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"top_share": top_share, "populations": populations}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", type=Path, required=True, help="the built DuckDB warehouse")
    parser.add_argument("--raw-dir", type=Path, required=True, help="the world's raw files")
    parser.add_argument("--top-share", type=float, default=0.1, help="top of the list judged")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with duckdb.connect(str(args.database), read_only=True) as con:
        firms = con.execute(POPULATION_QUERY).df()
    try:
        firms = attach_truth(firms, read_truth(args.raw_dir), args.raw_dir / TRUTH_FILE)
    except TruthFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    figures = ceilings(firms, args.top_share)
    methods = read_methods(args.database, args.top_share)
    print(
        f"Share of 2017-03 … 08 hires captured by the top {args.top_share:.0%} of each ranking "
        "(ties averaged),\neligible small firms of non-pilot agencies:"
    )
    print("\n".join(table(figures, methods)))
    print(
        "hindsight: ranked by the realised hires; oracle: by latent expected hires; best cell: by\n"
        "the mean latent expectation of NAF division × band × region; gap: oracle − best cell.\n"
        "Methods from marts.score_validation, where ties go to the smallest SIRET (random: the\n"
        "mean of seeded draws; — where the mart has no such population)."
    )
    if args.json:
        write_json(args.json, args.top_share, figures, methods)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
