"""Score validation: how well each ranking finds the firms that hire in the first pilot half-year.

Two modes:

    python -m smallfirms.score_validation --database data/published/warehouse.duckdb
    python -m smallfirms.score_validation --seeds 42,7,11,1,2 --scale 0.1 \
        --work data/score_validation --out docs/results/score_validation.json [--reps 1000]

The first prints the marts (marts.score_validation, marts.score_validation_summary). The second
generates one synthetic world per seed, builds the warehouse up to the score validation, reads
intermediate.int_score_validation_ranked_firms and computes the figures here, with numpy: capture
curves, calls at capacity, calibration and deviance per world, and a paired bootstrap of each
method's difference with the shipped score. `--markdown FILE` prints the README tables of a
results file.

Definitions (the SQL marts compute the same):
- capture at share s of a list of n firms: the top k = ceil(s n) firms by ranking value (NULL last,
  all NULLs tied) and their share of the list's hires. Firms tied at the cut share the places left:
  the group straddling the cut contributes (k - firms above) / (firms in the group) of its hires,
  the expectation under a random order of the ties. Several lists (agency_lists): captured hires
  summed over the lists over their total hires, k per list.
- at capacity: each agency calls min(calls_per_agency, its firms) of the population, same rule.
- a bootstrap replicate is a weight per firm (a firm of weight w counts as w firms): k comes from
  the weighted count, ceil(s * sum of weights), or s * sum of weights (fractional) on request.
  The paired bootstrap draws multinomial counts within each list, so every list keeps its size
  and its k: the replicates use the estimate's own k (a fractional k would put 10.0 % against
  the estimate's 10.4 % for random on agency lists of about 125 firms, off the interval).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from smallfirms.formatting import month_span, percent_label
from smallfirms.project import calendar, dbt_build_models, project_vars, run_record

POPULATIONS = ("all_eligible", "prospects", "non_recruiters", "priority_prospects", "agency_lists")
METHODS = (
    "shipped_score",
    "v1_score",
    "lbb",
    "lbb_extended",
    "sector_rate",
    "priority_first",
    "random",
)
REFERENCE = "shipped_score"
TOP_SHARE = float(project_vars()["validation_top_share"])
STEPS = 10  # capture at step / STEPS for step = 1 … STEPS
TOP_STEP = round(TOP_SHARE * STEPS)  # the headline figure: capture at the top TOP_SHARE
SHARE_STEPS = tuple(range(1, STEPS + 1))
MU_FLOOR = 1e-9
CHUNK = 100  # bootstrap replicates per weight matrix: bounds the memory
BOOTSTRAP_SEED = 2017
ALL_SEEDS = "42,7,11,1,2,3,4,5,6,8"
COLUMNS = (
    "population",
    "method",
    "list_key",
    "code_agence",
    "siret",
    "ranking_value",
    "predicted_hires",
    "truth_hires",
)
CELL = 15


# --- ranking with ties averaged -------------------------------------------------------------


@dataclass(frozen=True)
class Ranking:
    """Firms sorted by list, then ranking value descending (NULL, i.e. NaN, last), and cut into
    groups of tied values within each list."""

    order: np.ndarray  # firm positions in sorted order
    starts: np.ndarray  # sorted position where each tie group begins
    group_list: np.ndarray  # list number of each tie group (non-decreasing)
    first_group: np.ndarray  # first tie group of each list


def rank(values, lists=None) -> Ranking:
    """The tie groups of `values` (NaN = not scored) within each list of `lists` (labels, or
    None: one list)."""
    values = np.asarray(values, dtype=float)
    n = len(values)
    if lists is None:
        codes = np.zeros(n, dtype=np.int64)
    else:
        codes = np.unique(np.asarray(lists), return_inverse=True)[1].reshape(-1)
    null = np.isnan(values)
    descending = np.where(null, 0.0, -values)
    order = np.lexsort((descending, null, codes))  # the last key sorts first
    v, nl, c = values[order], null[order], codes[order]
    new = np.ones(n, dtype=bool)
    new[1:] = (c[1:] != c[:-1]) | (nl[1:] != nl[:-1]) | (~nl[1:] & (v[1:] != v[:-1]))
    starts = np.flatnonzero(new)
    group_list = c[starts]
    first_group = np.flatnonzero(np.r_[True, group_list[1:] != group_list[:-1]])
    return Ranking(order, starts, group_list, first_group)


def _as_matrix(weights, n: int) -> np.ndarray:
    if weights is None:
        return np.ones((1, n))
    return np.atleast_2d(np.asarray(weights, dtype=float))


def group_sums(ranking: Ranking, truth, weights=None) -> tuple[np.ndarray, np.ndarray]:
    """Weighted firms and truth of each tie group (replicates × groups). `weights`: None (every
    firm once) or a replicates × firms matrix."""
    truth = np.asarray(truth, dtype=float)
    w = _as_matrix(weights, len(truth))[:, ranking.order]
    hires = w * truth[ranking.order]
    if len(ranking.starts) == len(truth):  # no ties: a group per firm
        return w, hires
    return np.add.reduceat(w, ranking.starts, axis=1), np.add.reduceat(
        hires, ranking.starts, axis=1
    )


def take_top(ranking: Ranking, counts, totals, top: Callable) -> tuple[np.ndarray, ...]:
    """Expected truth of the top of every list, ties averaged, from the group sums.

    `top(sizes)` gives the number of firms taken from each list (replicates × lists) from the
    lists' sizes (weighted counts, same shape). Returns, per replicate, the firms taken (summed
    over the lists), the truth they hold and the total truth."""
    before = np.cumsum(counts, axis=1) - counts  # firms ranked above each group, all lists
    k = top(np.add.reduceat(counts, ranking.first_group, axis=1))
    # firms the group's list still takes once the groups above it are in
    need = (k + before[:, ranking.first_group])[:, ranking.group_list] - before
    taken = np.divide(need, counts, out=np.zeros_like(need), where=counts > 0)
    np.clip(taken, 0.0, 1.0, out=taken)
    return k.sum(axis=1), np.einsum("ij,ij->i", totals, taken), totals.sum(axis=1)


def top_sum(ranking: Ranking, truth, top: Callable, weights=None) -> tuple[np.ndarray, ...]:
    """Expected truth summed over the top of every list, ties averaged (take_top of
    group_sums)."""
    return take_top(ranking, *group_sums(ranking, truth, weights), top)


def share_top(step: int, fractional: bool = False) -> Callable:
    """The top `step` / STEPS of a list of size n: ceil(step n / STEPS) computed on integers (n
    is a count), or step n / STEPS if `fractional` (the bootstrap's rule)."""

    def top(sizes: np.ndarray) -> np.ndarray:
        if fractional:
            return sizes * step / STEPS
        n = np.rint(sizes).astype(np.int64)
        return ((step * n + STEPS - 1) // STEPS).astype(float)

    return top


def capacity_top(calls_per_agency: int) -> Callable:
    """Each list (an agency) calls min(calls_per_agency, its size) firms."""
    return lambda sizes: np.minimum(sizes, float(calls_per_agency))


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    out = np.full(np.shape(num), np.nan)
    return np.divide(num, den, out=out, where=den > 0)


def capture(values, truth, share_steps=SHARE_STEPS, groups=None, weights=None, fractional=False):
    """Share of the truth captured by the top step / STEPS of each list, per step: an array of
    len(share_steps), or replicates × len(share_steps) when `weights` is a matrix. NaN when the
    total is 0."""
    ranking = rank(values, groups)
    out = []
    for step in share_steps:
        _, captured, total = top_sum(ranking, truth, share_top(step, fractional), weights)
        out.append(_ratio(captured, total))
    result = np.stack(out, axis=-1)
    return result if weights is not None and np.ndim(weights) == 2 else result[0]


def at_capacity(values, truth, agencies, calls_per_agency: int, weights=None) -> dict:
    """Each agency calls its top min(calls_per_agency, firms): the calls (summed), hires per call
    and the share of called firms that hire (truth > 0), ties averaged. Arrays of one value per
    replicate (one value when `weights` is None)."""
    truth = np.asarray(truth, dtype=float)
    ranking = rank(values, agencies)
    top = capacity_top(calls_per_agency)
    calls, hires, _ = top_sum(ranking, truth, top, weights)
    _, hiring, _ = top_sum(ranking, (truth > 0).astype(float), top, weights)
    return {
        "calls": calls,
        "hires_per_call": _ratio(hires, calls),
        "hiring_firms_share": _ratio(hiring, calls),
    }


# --- calibration and deviance ---------------------------------------------------------------


def calibration(predicted, truth, siret) -> dict:
    """Deciles of predicted hires, descending, ties by SIRET ascending (SQL's ntile(10): the first
    n mod 10 deciles get one firm more): per decile the firms, predicted and observed sums and
    their ratio; and the ratio over all firms. NaN predictions are left out (firms not scored)."""
    predicted = np.asarray(predicted, dtype=float)
    truth = np.asarray(truth, dtype=float)
    siret = np.asarray(siret, dtype=str)
    scored = ~np.isnan(predicted)
    predicted, truth, siret = predicted[scored], truth[scored], siret[scored]
    order = np.lexsort((siret, -predicted))
    n = len(order)
    sizes = [n // 10 + (1 if d < n % 10 else 0) for d in range(10)]
    deciles, start = [], 0
    for number, size in enumerate(sizes, start=1):
        if size == 0:
            continue
        rows = order[start : start + size]
        start += size
        p, o = float(predicted[rows].sum()), float(truth[rows].sum())
        deciles.append(
            {
                "decile": number,
                "n_firms": int(size),
                "predicted": p,
                "observed": o,
                "ratio": p / o if o > 0 else None,
            }
        )
    p, o = float(predicted.sum()), float(truth.sum())
    return {"deciles": deciles, "ratio": p / o if o > 0 else None}


def poisson_deviance(predicted, truth) -> float | None:
    """Mean over the scored firms of 2 (y log(y / mu) - (y - mu)), y log(y / mu) = 0 at y = 0,
    mu clipped below at MU_FLOOR. None when no firm is scored."""
    predicted = np.asarray(predicted, dtype=float)
    y = np.asarray(truth, dtype=float)
    scored = ~np.isnan(predicted)
    if not scored.any():
        return None
    mu, y = np.maximum(predicted[scored], MU_FLOOR), y[scored]
    ylog = np.zeros_like(y)
    positive = y > 0
    ylog[positive] = y[positive] * np.log(y[positive] / mu[positive])
    return float(np.mean(2 * (ylog - (y - mu))))


# --- figures of one world -------------------------------------------------------------------


def _value(x) -> float | None:
    x = float(np.asarray(x).reshape(-1)[0])
    return None if math.isnan(x) else x


def method_figures(rows: pd.DataFrame, calls_per_agency: int) -> dict:
    """The figures of one population × method (its rows of the ranked-firms table)."""
    values = rows["ranking_value"].to_numpy(float)
    truth = rows["truth_hires"].to_numpy(float)
    predicted = rows["predicted_hires"].to_numpy(float)
    shares = capture(values, truth, SHARE_STEPS, rows["list_key"].to_numpy())
    capacity = at_capacity(values, truth, rows["code_agence"].to_numpy(), calls_per_agency)
    has_predictions = not np.isnan(predicted).all()
    calib = calibration(predicted, truth, rows["siret"]) if has_predictions else None
    return {
        "n_firms": len(rows),
        "total_hires": float(truth.sum()),
        "capture": {share_key(s): _value(v) for s, v in zip(SHARE_STEPS, shares, strict=True)},
        "calls": int(round(float(capacity["calls"][0]))),
        "hires_per_call": _value(capacity["hires_per_call"]),
        "hiring_firms_share": _value(capacity["hiring_firms_share"]),
        "calibration_deciles": calib["deciles"] if calib else None,
        "predicted_observed_ratio": calib["ratio"] if calib else None,
        "poisson_deviance": poisson_deviance(predicted, truth) if has_predictions else None,
    }


def seed_figures(frame: pd.DataFrame, calls_per_agency: int) -> dict:
    """population -> method -> figures (method_figures) of one world's ranked-firms table."""
    out: dict[str, dict] = {}
    for (population, method), rows in frame.groupby(["population", "method"], sort=False):
        out.setdefault(population, {})[method] = method_figures(rows, calls_per_agency)
    return {
        p: {m: out[p][m] for m in _ordered(out[p], METHODS)} for p in _ordered(out, POPULATIONS)
    }


def share_key(step: int) -> str:
    """The key of a capture share in the figures: "0.1" for step 1."""
    return f"{step / STEPS:g}"


def _ordered(keys, known: tuple[str, ...]) -> list[str]:
    """Known names first in their order, then any others alphabetically."""
    return [k for k in known if k in keys] + sorted(k for k in keys if k not in known)


# --- paired bootstrap -----------------------------------------------------------------------


def _aligned(rows: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """One population's rows as firms (list_key, siret, code_agence, truth) and per method its
    rows in the same firm order; every method must rank the same firms."""
    by_method = {
        method: part.sort_values(["list_key", "siret"], kind="stable").reset_index(drop=True)
        for method, part in rows.groupby("method", sort=False)
    }
    firms = by_method[REFERENCE] if REFERENCE in by_method else next(iter(by_method.values()))
    for method, part in by_method.items():
        same = part[["list_key", "siret"]].equals(firms[["list_key", "siret"]])
        if not same:
            raise ValueError(f"method {method} does not rank the same firms as {REFERENCE}")
    return firms, by_method


def resample(strata: np.ndarray, reps: int, rng: np.random.Generator) -> np.ndarray:
    """reps × firms bootstrap counts: each stratum's firms drawn with replacement, as many as it
    has (multinomial counts)."""
    weights = np.zeros((reps, len(strata)))
    for label in np.unique(strata):
        members = np.flatnonzero(strata == label)
        m = len(members)
        weights[:, members] = rng.multinomial(m, np.full(m, 1.0 / m), size=reps)
    return weights


def _replicates(rows: pd.DataFrame, reps: int, rng, calls_per_agency: int) -> dict:
    """method -> (top-share capture, hires per call at capacity), one value per replicate, for
    one population of one world; the same weights for every method (paired)."""
    firms, by_method = _aligned(rows)
    truth = firms["truth_hires"].to_numpy(float)
    lists, agencies = firms["list_key"].to_numpy(), firms["code_agence"].to_numpy()
    rankings = {
        method: (rank(part["ranking_value"], lists), rank(part["ranking_value"], agencies))
        for method, part in by_method.items()
    }
    out = {method: ([], []) for method in by_method}
    top, capacity = share_top(TOP_STEP), capacity_top(calls_per_agency)
    same_lists = bool((lists == agencies).all())  # agency_lists: one ranking serves both
    for start in range(0, reps, CHUNK):
        weights = resample(lists, min(CHUNK, reps - start), rng)
        for method, (by_list, by_agency) in rankings.items():
            sums = group_sums(by_list, truth, weights)
            _, captured, total = take_top(by_list, *sums, top)
            if not same_lists:
                sums = group_sums(by_agency, truth, weights)
            calls, hires, _ = take_top(by_agency, *sums, capacity)
            out[method][0].append(_ratio(captured, total))
            out[method][1].append(_ratio(hires, calls))
    return {m: (np.concatenate(a), np.concatenate(b)) for m, (a, b) in out.items()}


def paired_bootstrap(
    frames_by_seed: dict[int, pd.DataFrame], reps: int, seed: int, calls_per_agency: int
) -> dict:
    """population -> method (other than the shipped score) -> figure -> estimate, low, high.

    The figures: capture at the top TOP_SHARE, hires per call at capacity. The estimate is the
    difference method - shipped score of the world's figure (seed_figures' rules), averaged over
    the worlds; the interval the 2.5th and 97.5th percentiles of that average over `reps`
    replicates, each one resampling the firms of every world and population (within each list:
    per agency for agency_lists) with the same weights for all methods. NaN where a world's
    figure is undefined (no hires, no calls); such replicates are left out of the percentiles."""
    rng = np.random.default_rng(seed)
    point: dict[tuple[str, str, str], list[float]] = {}
    draws: dict[tuple[str, str, str], list[np.ndarray]] = {}
    for frame in frames_by_seed.values():
        figures = seed_figures(frame, calls_per_agency)
        for population, rows in frame.groupby("population", sort=True):
            replicates = _replicates(rows, reps, rng, calls_per_agency)
            if REFERENCE not in replicates:
                continue
            base = figures[population][REFERENCE]
            for method, values in replicates.items():
                mine = figures[population][method]
                pairs = {
                    "top_decile_capture": (
                        mine["capture"][share_key(TOP_STEP)],
                        base["capture"][share_key(TOP_STEP)],
                    ),
                    "hires_per_call": (mine["hires_per_call"], base["hires_per_call"]),
                }
                for i, (name, (a, b)) in enumerate(pairs.items()):
                    key = (population, method, name)
                    point.setdefault(key, []).append(np.nan if None in (a, b) else a - b)
                    draws.setdefault(key, []).append(values[i] - replicates[REFERENCE][i])
    out: dict[str, dict] = {}
    for (population, method, name), estimates in point.items():
        if method == REFERENCE:
            continue
        mean = np.mean(np.stack(draws[(population, method, name)]), axis=0)
        defined = mean[~np.isnan(mean)]
        low, high = np.percentile(defined, [2.5, 97.5]) if len(defined) else (math.nan,) * 2
        out.setdefault(population, {}).setdefault(method, {})[name] = {
            "estimate": float(np.mean(estimates)),
            "low": float(low),
            "high": float(high),
        }
    return {
        p: {m: out[p][m] for m in _ordered(out[p], METHODS)} for p in _ordered(out, POPULATIONS)
    }


def summarise(per_seed: dict) -> dict:
    """population -> method -> mean over the worlds of top-share capture, hires per call and the
    total predicted / observed ratio (over the worlds where it is defined; None if none)."""
    key = share_key(TOP_STEP)
    collected: dict[str, dict[str, dict[str, list]]] = {}
    for figures in per_seed.values():
        for population, methods in figures.items():
            for method, f in methods.items():
                cell = collected.setdefault(population, {}).setdefault(method, {})
                cell.setdefault("top_decile_capture", []).append(f["capture"].get(key))
                cell.setdefault("hires_per_call", []).append(f["hires_per_call"])
                cell.setdefault("predicted_observed_ratio", []).append(
                    f["predicted_observed_ratio"]
                )
    return {
        population: {
            method: {
                name: float(np.mean([v for v in values if v is not None]))
                if any(v is not None for v in values)
                else None
                for name, values in cell.items()
            }
            for method, cell in methods.items()
        }
        for population, methods in collected.items()
    }


# --- the warehouse --------------------------------------------------------------------------


def read_ranked_firms(database: Path) -> pd.DataFrame:
    """intermediate.int_score_validation_ranked_firms, NULL ranking values and predictions as
    NaN."""
    with duckdb.connect(str(database), read_only=True) as con:
        frame = con.execute(
            f"select {', '.join(COLUMNS)} from intermediate.int_score_validation_ranked_firms"
        ).df()
    for column in ("ranking_value", "predicted_hires", "truth_hires"):
        frame[column] = frame[column].astype(float)
    return frame


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


SUMMARY_COLUMNS = (
    "n_firms",
    "total_hires",
    "top_decile_capture",
    "calls",
    "hires_per_call",
    "hiring_firms_share",
    "predicted_observed_ratio",
    "poisson_deviance",
)


def read_summary(database: Path) -> dict[tuple[str, str], dict]:
    """(population, method) -> the row of marts.score_validation_summary."""
    with duckdb.connect(str(database), read_only=True) as con:
        cursor = con.execute(
            f"select population, method, {', '.join(SUMMARY_COLUMNS)} "
            "from marts.score_validation_summary"
        )
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {(r["population"], r["method"]): r for r in rows}


def _cell(value, spec: str, width: int = CELL) -> str:
    return f"{'—' if value is None else format(value, spec):>{width}}"


def capture_table(captured: dict[tuple[str, str], tuple[int, float | None]]) -> list[str]:
    """Lines of the top-share capture table: one row per population, one column per method."""
    populations = _ordered({p for p, _ in captured}, POPULATIONS)
    methods = _ordered({m for _, m in captured}, METHODS)
    lines = [f"  {'population':<18} {'firms':>7} " + " ".join(f"{m:>{CELL}}" for m in methods)]
    for population in populations:
        found = [captured[(population, m)] for m in methods if (population, m) in captured]
        n = found[0][0] if found else 0
        cells = [_cell(captured.get((population, m), (0, None))[1], ".1%") for m in methods]
        lines.append(f"  {population:<18} {n:>7,} " + " ".join(cells))
    return lines


def summary_table(summary: dict[tuple[str, str], dict]) -> list[str]:
    """Lines of the summary: per population × method, the top-decile capture, the calls at
    capacity, hires per call, share of called firms that hire, calibration and deviance."""
    header = (
        f"  {'population':<18} {'method':<15} {'firms':>7} {'hires':>8} {'top 10%':>8} "
        f"{'calls':>6} {'hires/call':>10} {'hiring':>7} {'pred/obs':>8} {'deviance':>8}"
    )
    lines = [header]
    for population in _ordered({p for p, _ in summary}, POPULATIONS):
        for method in _ordered({m for p, m in summary if p == population}, METHODS):
            r = summary[(population, method)]
            lines.append(
                f"  {population:<18} {method:<15} {_cell(r['n_firms'], ',', 7)} "
                f"{_cell(r['total_hires'], ',.0f', 8)} {_cell(r['top_decile_capture'], '.1%', 8)} "
                f"{_cell(r['calls'], ',', 6)} {_cell(r['hires_per_call'], '.3f', 10)} "
                f"{_cell(r['hiring_firms_share'], '.1%', 7)} "
                f"{_cell(r['predicted_observed_ratio'], '.2f', 8)} "
                f"{_cell(r['poisson_deviance'], '.3f', 8)}"
            )
    return lines


def print_database(database: Path) -> None:
    print(
        f"Share of first-pilot-half-year hires ({month_span(calendar()['pilot_half_year_1'])}) "
        f"captured by the top {percent_label(TOP_SHARE)} of each ranking, eligible small firms "
        "of non-pilot agencies (ties averaged):"
    )
    print("\n".join(capture_table(read_top_capture(database))))
    print()
    print("Per population and method: calls at capacity, calibration and Poisson deviance:")
    print("\n".join(summary_table(read_summary(database))))
    print("A synthetic world shows the mechanism of the comparison, not the real-world gain.")


# --- several worlds -------------------------------------------------------------------------


def world_frame(seed: int, scale: float, work: Path) -> pd.DataFrame:
    """Generate the world of `seed`, build it, and read its ranked firms."""
    from smallfirms.world.generate import generate_world

    raw, database = work / f"seed_{seed}" / "raw", work / f"seed_{seed}" / "warehouse.duckdb"
    database.unlink(missing_ok=True)
    generate_world(scale, seed, raw, "csv", progress=False)
    selectors = ["+int_score_validation_ranked_firms", "+score_validation"]
    dbt_build_models(
        raw,
        database,
        work / f"seed_{seed}",
        [*selectors, "+score_validation_summary", "+score_calibration"],
    )
    return read_ranked_firms(database)


def calls_per_agency() -> int:
    value = project_vars().get("calls_per_agency")
    if value is None:
        raise SystemExit("dbt_project.yml has no var calls_per_agency")
    return int(value)


def rounded(value):
    """Floats rounded to 6 decimals (NaN as None), through dicts and lists; numpy scalars as
    Python numbers."""
    if isinstance(value, dict):
        return {str(k): rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), 6)
    return value


def results(seeds: list[int], scale: float, work: Path, reps: int, argv: list[str]) -> dict:
    """The results file's content: figures per world, their means, the paired bootstrap."""
    meta = run_record("smallfirms.score_validation", argv)
    calls = calls_per_agency()
    frames = {seed: world_frame(seed, scale, work) for seed in seeds}
    per_seed = {str(seed): seed_figures(frame, calls) for seed, frame in frames.items()}
    differences = paired_bootstrap(frames, reps, BOOTSTRAP_SEED, calls)
    meta["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    payload = {
        "meta": meta,
        "scale": scale,
        "seeds": seeds,
        "calls_per_agency": calls,
        "reps": reps,
        "bootstrap_seed": BOOTSTRAP_SEED,
        "per_seed": per_seed,
        "summary": summarise(per_seed),
        "differences": differences,
    }
    return rounded(payload)


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def _signed(value, scale: float, digits: int) -> str:
    return "—" if value is None else f"{scale * value:+.{digits}f}"


def markdown(payload: dict) -> list[str]:
    """The README tables: mean top-share capture per population × method, then each method's
    difference with the shipped score (capture in points, hires per call), 95 % intervals."""
    seeds = ", ".join(str(s) for s in payload["seeds"])
    summary, differences = payload["summary"], payload["differences"]
    methods = _ordered({m for cells in summary.values() for m in cells}, METHODS)
    share = percent_label(TOP_SHARE)
    lines = [f"Top-{share} capture of first-pilot-half-year hires, mean over seeds {seeds}:", ""]
    lines += ["| population | " + " | ".join(methods) + " |", "|---" * (len(methods) + 1) + "|"]
    for population in _ordered(summary, POPULATIONS):
        cells = [_pct(summary[population].get(m, {}).get("top_decile_capture")) for m in methods]
        lines.append(f"| {population} | " + " | ".join(cells) + " |")
    calls = payload["calls_per_agency"]
    lines += [
        "",
        f"Hires per call when each agency calls its first {calls} firms of the population, and "
        "predicted / observed hires (methods that predict hires), mean over the seeds:",
        "",
    ]
    lines += ["| population | " + " | ".join(methods) + " |", "|---" * (len(methods) + 1) + "|"]
    for population in _ordered(summary, POPULATIONS):
        cells = []
        for method in methods:
            row = summary[population].get(method, {})
            per_call, ratio = row.get("hires_per_call"), row.get("predicted_observed_ratio")
            cell = "—" if per_call is None else f"{per_call:.2f}"
            cells.append(cell if ratio is None else f"{cell} ({ratio:.2f})")
        lines.append(f"| {population} | " + " | ".join(cells) + " |")
    others = [m for m in methods if m != REFERENCE]
    figures = (
        ("top_decile_capture", f"top-{share} capture, points", 100, 1),
        ("hires_per_call", "hires per call at capacity", 1, 3),
    )
    for name, label, scale, digits in figures:
        lines += [
            "",
            f"Difference with {REFERENCE}, {label} (paired bootstrap, {payload['reps']} "
            "replicates, 95 % interval):",
            "",
        ]
        lines += ["| population | " + " | ".join(others) + " |", "|---" * (len(others) + 1) + "|"]
        for population in _ordered(differences, POPULATIONS):
            cells = []
            for method in others:
                d = differences[population].get(method, {}).get(name)
                if d is None or d["estimate"] is None:
                    cells.append("—")
                    continue
                low, high = _signed(d["low"], scale, digits), _signed(d["high"], scale, digits)
                cells.append(f"{_signed(d['estimate'], scale, digits)} [{low}, {high}]")
            lines.append(f"| {population} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--database", type=Path, help="print the marts of this DuckDB warehouse")
    mode.add_argument("--seeds", help=f"comma-separated world seeds, e.g. {ALL_SEEDS}")
    mode.add_argument("--markdown", type=Path, help="print the README tables of a results file")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--work", type=Path, default=Path("data/score_validation"))
    parser.add_argument("--out", type=Path, default=Path("docs/results/score_validation.json"))
    parser.add_argument("--reps", type=int, default=1000, help="bootstrap replicates")
    args = parser.parse_args(argv)
    if args.database:
        print_database(args.database)
        return 0
    if args.markdown:
        print("\n".join(markdown(json.loads(args.markdown.read_text()))))
        return 0
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    payload = results(seeds, args.scale, args.work, args.reps, argv)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1) + "\n")
    print("\n".join(markdown(payload)))
    print(f"written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
