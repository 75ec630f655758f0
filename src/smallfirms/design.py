"""What the pilot could detect before it started: minimum detectable effects from pre-baseline data.

For each experiment and outcome, the **simulated MDE** is the smallest effect that the evaluation's
own test would detect (reject "no effect" at 5 %, with a positive estimate) in 80 % of placebo
experiments run on data from before the baseline:

- small firms: the difference-in-differences of the placebo windows (seed experiment_calendar:
  `placebo_pre` and `placebo_post`, eleven months each, before the look-back window), under
  every assignment the design could have drawn (which agency of each pair is the pilot:
  2^9 = 512), tested with the wild cluster bootstrap by agency;
- satisfaction: the pilot − control difference in the baseline survey under the same assignments;
- large recruiters: the same placebo DiD under seeded random permutations of the enrolled firms
  among the top recruiters (firm-level assignment), tested with HC1 errors.

Adding an effect d to the placebo pilot units shifts their estimate by exactly d and leaves the
residuals unchanged, so "the test of no effect rejects on data + d" is "the test of effect = -d
rejects on the data": an assignment detects d exactly when d > -(lower bound of its interval). The
MDE is therefore the 80th percentile, over the assignments, of minus the lower bound of the
placebo interval (0 when the bound is positive) — no grid over d is needed.

The **analytic MDE** is the textbook approximation beside it: (t(1 - a/2) + t(power)) × the standard
error of a difference of two means inflated by the design effect 1 + (m - 1) ICC, with m the mean
number of units per cluster and ICC the one-way ANOVA estimate of the intra-agency correlation;
degrees of freedom G - 2 with G clusters (n - 2 for firm-level assignment).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from smallfirms.estimate import unit_changes
from smallfirms.inference import (
    Cells,
    WildClusterBootstrap,
    design_matrix,
    hc1,
    invert_test,
    swapped_assignments,
    webb_weights,
)

DESIGN_COLUMNS = [
    "experiment",
    "outcome",
    "design_data",
    "n_pilot",
    "n_control",
    "n_clusters",
    "n_firms",
    "largest_firm_share",
    "outcome_mean",
    "outcome_sd",
    "intra_cluster_correlation",
    "n_assignments",
    "mde_simulated",
    "mde_analytic",
    "size_crv1",
    "size_wild_bootstrap",
    "size_randomization",
]

SMALL_FIRM_OUTCOMES = ["hires", "any_hire", "durable_hires", "furthest_jobseeker_hires"]


@dataclass(frozen=True)
class DesignSettings:
    """The design's parameters: dbt vars only (no default here restates them)."""

    reps: int
    seed: int
    alpha: float
    power: float
    max_assignments: int

    @classmethod
    def from_config(cls, values: Mapping[str, object]) -> DesignSettings:
        """From the dbt vars by name: the models' `inference` config (dbt_project.yml)."""
        return cls(
            reps=int(values["design_bootstrap_reps"]),
            seed=int(values["bootstrap_seed"]),
            alpha=1 - float(values["confidence_level"]),
            power=float(values["design_power"]),
            max_assignments=int(values["randomization_max_assignments"]),
        )


def detection_threshold(low: float) -> float:
    """The smallest added effect an assignment detects, from its placebo interval's lower bound."""
    return max(0.0, -low)


def _quantile(values: np.ndarray, share: float) -> float:
    """The smallest value v such that at least `share` of `values` are <= v."""
    ordered = np.sort(np.asarray(values, dtype=float))
    return float(ordered[max(0, math.ceil(share * len(ordered)) - 1)])


def intra_cluster_correlation(y: np.ndarray, clusters: np.ndarray) -> float:
    """One-way ANOVA estimate of the intra-cluster correlation, floored at 0."""
    labels, codes = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
    n_groups, n = len(labels), len(y)
    if n_groups < 2 or n <= n_groups:
        return math.nan
    sizes = np.bincount(codes).astype(float)
    means = np.bincount(codes, weights=y) / sizes
    between = np.sum(sizes * (means - y.mean()) ** 2) / (n_groups - 1)
    within = np.sum((y - means[codes]) ** 2) / (n - n_groups)
    m0 = (n - np.sum(sizes**2) / n) / (n_groups - 1)
    denominator = between + (m0 - 1) * within
    if denominator <= 0:
        return 0.0
    return max(0.0, float((between - within) / denominator))


def analytic_mde(
    y: np.ndarray, is_pilot: np.ndarray, clusters: np.ndarray | None, alpha: float, power: float
) -> tuple[float, float]:
    """(MDE, ICC): the two-sample MDE with the design effect of cluster assignment."""
    n_pilot, n_control = int(is_pilot.sum()), int((~is_pilot).sum())
    if n_pilot < 2 or n_control < 2:
        return math.nan, math.nan
    variance = float(np.var(y, ddof=1))
    if not variance > 0:
        return math.nan, math.nan  # a constant outcome: no test, no MDE
    if clusters is None:
        icc, design_effect, df = 0.0, 1.0, len(y) - 2
    else:
        icc = intra_cluster_correlation(y, clusters)
        n_groups = len(np.unique(clusters))
        design_effect = 1.0 + (len(y) / n_groups - 1.0) * (0.0 if math.isnan(icc) else icc)
        df = n_groups - 2
    if df < 1:
        return math.nan, icc
    multiplier = stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df)
    se = math.sqrt(variance * design_effect * (1 / n_pilot + 1 / n_control))
    return float(multiplier * se), icc


def simulated_mde_clustered(
    y: np.ndarray,
    is_pilot: np.ndarray,
    clusters: np.ndarray,
    pairs: np.ndarray,
    settings: DesignSettings,
) -> tuple[float, int, dict[str, float]]:
    """(MDE, assignments, sizes): agency-pair swaps, each tested by the wild cluster bootstrap;
    the firms collapsed to cells so that each swap costs O(agencies). The sizes are each test's
    share of p < alpha over the swaps, on placebo data where no effect can be: CRV1 against
    t(G - 1), the wild cluster bootstrap, and randomization inference (each swap's |t| ranked
    among all the swaps'). NaN for a constant outcome, whose t statistic is undefined."""
    nothing = {"size_crv1": math.nan, "size_wild_bootstrap": math.nan}
    nothing["size_randomization"] = math.nan
    if not np.ptp(y) > 0:
        return math.nan, 0, nothing
    cells = Cells.collapse(clusters, pairs, is_pilot, y=y)
    assignments = swapped_assignments(
        cells.pilot, cells.pairs, settings.max_assignments, settings.seed
    )
    weights = webb_weights(cells.n_clusters, settings.reps, settings.seed)
    thresholds, t_values, boot_p = [], [], []
    for assignment in assignments:
        sums = cells.sums("y", assignment)
        boot = WildClusterBootstrap(sums, 1, weights)
        estimate, std_error = sums.crv1(1)
        low, _ = invert_test(boot.p_value, estimate, std_error, 1 - settings.alpha, sides=(-1.0,))
        thresholds.append(detection_threshold(low))
        t_values.append(abs(estimate / std_error) if std_error > 0 else math.nan)
        boot_p.append(boot.p_value(0.0))
    t_abs = np.array(t_values)
    crv1_p = 2 * stats.t.sf(t_abs, cells.n_clusters - 1)
    ri_p = np.array([np.mean(t_abs >= t - 1e-12 * max(1.0, t)) for t in t_abs])
    sizes = {
        "size_crv1": float(np.mean(crv1_p < settings.alpha)),
        "size_wild_bootstrap": float(np.mean(np.array(boot_p) < settings.alpha)),
        "size_randomization": float(np.mean(ri_p < settings.alpha)),
    }
    return _quantile(np.array(thresholds), settings.power), len(assignments), sizes


def simulated_mde_firm_level(
    y: np.ndarray, is_pilot: np.ndarray, settings: DesignSettings
) -> tuple[float, int]:
    """(MDE, permutations): random re-assignments of the pilot firms, HC1 t intervals. NaN for
    a constant outcome (e.g. every top recruiter hires in both windows)."""
    if not np.ptp(y) > 0:
        return math.nan, 0
    rng = np.random.default_rng(settings.seed)
    n, n_pilot = len(y), int(is_pilot.sum())
    quantile = stats.t.ppf(1 - settings.alpha / 2, n - 2)
    thresholds = []
    for _ in range(settings.max_assignments):
        assignment = np.zeros(n, dtype=bool)
        assignment[rng.choice(n, n_pilot, replace=False)] = True
        beta, std_error = hc1(y, design_matrix(assignment), 1)
        thresholds.append(detection_threshold(beta - quantile * std_error))
    return _quantile(np.array(thresholds), settings.power), settings.max_assignments


def _row(experiment: str, outcome: str, design_data: str) -> dict[str, object]:
    row = {name: None for name in DESIGN_COLUMNS}
    row.update(experiment=experiment, outcome=outcome, design_data=design_data)
    return row


def _counts(firms: np.ndarray, is_pilot: np.ndarray, magnitude: np.ndarray) -> dict[str, object]:
    shares = []
    for flag in (True, False):
        values = np.abs(magnitude[is_pilot == flag])
        if values.sum() > 0:
            shares.append(values.max() / values.sum())
    return {
        "n_pilot": int(len(np.unique(firms[is_pilot]))),
        "n_control": int(len(np.unique(firms[~is_pilot]))),
        "n_firms": int(len(np.unique(firms))),
        "largest_firm_share": max(shares) if shares else None,
    }


# The windows are named, not dated: their dates live in the seed experiment_calendar only.
PLACEBO_LABEL = "placebo DiD, placebo_pre vs placebo_post windows"


def design_table(
    placebo_periods: pd.DataFrame,
    units: pd.DataFrame,
    answers: pd.DataFrame,
    settings: DesignSettings,
) -> pd.DataFrame:
    """One row per experiment × outcome: simulated and analytic MDE from pre-baseline data."""
    rows = []
    small = unit_changes(
        placebo_periods, units, "small_firms", before="placebo_pre", after="placebo_post"
    )
    is_pilot = small["is_pilot"].to_numpy()
    clusters = small["cluster_id"].to_numpy()
    for outcome in SMALL_FIRM_OUTCOMES:
        y = small[f"d_{outcome}"].to_numpy(dtype=float)
        row = _row("small_firms", outcome, PLACEBO_LABEL)
        row.update(_counts(small["unit_id"].to_numpy(), is_pilot, small[f"t_{outcome}"].to_numpy()))
        mde, n_assignments, sizes = simulated_mde_clustered(
            y, is_pilot, clusters, small["pair_id"].to_numpy(), settings
        )
        analytic, icc = analytic_mde(y, is_pilot, clusters, settings.alpha, settings.power)
        row.update(
            n_clusters=len(np.unique(clusters)),
            outcome_mean=float(y.mean()),
            outcome_sd=float(y.std(ddof=1)),
            intra_cluster_correlation=icc,
            n_assignments=n_assignments,
            mde_simulated=mde,
            mde_analytic=analytic,
            **sizes,
        )
        rows.append(row)

    baseline = answers[
        answers["cohort"].isin(["pilot", "control"])
        & (answers["survey_window"] == "baseline_survey")
    ].sort_values("answer_id")
    row = _row("small_firms", "satisfied", "baseline_survey window, pilot - control")
    if len(baseline):
        y = baseline["is_satisfied"].to_numpy(dtype=float)
        answer_pilot = (baseline["cohort"] == "pilot").to_numpy()
        answer_clusters = baseline["code_agence"].to_numpy()
        row.update(_counts(baseline["siret"].to_numpy(), answer_pilot, y))
        mde, n_assignments, sizes = simulated_mde_clustered(
            y, answer_pilot, answer_clusters, baseline["pilot_agency_code"].to_numpy(), settings
        )
        analytic, icc = analytic_mde(
            y, answer_pilot, answer_clusters, settings.alpha, settings.power
        )
        row.update(
            n_clusters=len(np.unique(answer_clusters)),
            outcome_mean=float(y.mean()),
            outcome_sd=float(y.std(ddof=1)),
            intra_cluster_correlation=icc,
            n_assignments=n_assignments,
            mde_simulated=mde,
            mde_analytic=analytic,
            **sizes,
        )
    rows.append(row)

    large = unit_changes(
        placebo_periods, units, "large_recruiters", before="placebo_pre", after="placebo_post"
    )
    large_pilot = large["is_pilot"].to_numpy()
    for outcome in SMALL_FIRM_OUTCOMES:
        y = large[f"d_{outcome}"].to_numpy(dtype=float)
        row = _row("large_recruiters", outcome, PLACEBO_LABEL)
        row.update(
            _counts(large["unit_id"].to_numpy(), large_pilot, large[f"t_{outcome}"].to_numpy())
        )
        if large_pilot.any() and not large_pilot.all() and len(y) > 2:
            mde, n_assignments = simulated_mde_firm_level(y, large_pilot, settings)
            analytic, _ = analytic_mde(y, large_pilot, None, settings.alpha, settings.power)
            row.update(
                n_clusters=len(y),
                outcome_mean=float(y.mean()),
                outcome_sd=float(y.std(ddof=1)),
                intra_cluster_correlation=0.0,
                n_assignments=n_assignments,
                mde_simulated=mde,
                mde_analytic=analytic,
            )
        rows.append(row)

    table = pd.DataFrame(rows, columns=DESIGN_COLUMNS)
    for name in ["n_pilot", "n_control", "n_clusters", "n_firms", "n_assignments"]:
        table[name] = table[name].astype("Int64")
    for name in DESIGN_COLUMNS[7:]:
        if name != "n_assignments":
            table[name] = pd.to_numeric(table[name], errors="coerce").astype("float64")
    for name in ["experiment", "outcome", "design_data"]:
        table[name] = table[name].astype("object")
    return table
