"""Effects of the two experiments: the panels, the regressions and the effects table.

The dbt Python models `int_effects_estimated` and `int_event_study_estimated` call
`estimate_effects` and `event_study`; everything below is pure (pandas in, pandas out) so that
pytest can check it on hand-made data. The statistics (CRV1 errors, the wild cluster bootstrap and
its inversion, randomization inference) are `smallfirms.inference`'s; this module decides which
regression each effect is and which units, clusters and pairs it runs on.

Designs (experiments.md, outcomes and estimates):

- **Difference-in-differences on two periods.** With one `pre` and one `pilot` period per unit, the
  two-way fixed-effects regression `y ~ pilot × post | unit + period` gives exactly the same
  coefficient as the regression of each unit's change `Δy = y_pilot − y_pre` on the pilot
  indicator with an intercept (a test holds pyfixest's FE fit against it). The change form is what
  we estimate on: one row per unit, and cluster-robust variances that do not count the thousands of
  unit effects as parameters.
- **Small firms (ITT)**: assignment is by agency, 18 agencies in 9 pairs. Standard error: CRV1 by
  agency (a test holds it against pyfixest). p-value and confidence interval: the restricted wild
  cluster bootstrap (WCR, Webb's six-point weights, `reps` replications, fixed seed) of MacKinnon &
  Webb, the CI found by inverting the test (the set of effects it does not reject). Second
  opinion: randomization inference, swapping which agency of each pair is the pilot (all 2^pairs
  assignments when there are at most `randomization_max_assignments`, else a seeded sample), on
  the CRV1 t statistic.
- **Small firms (TOT)**: the change in the outcome on `contacted`, instrumented by pilot assignment
  (just identified: ITT / share contacted). Estimate and CRV1 SE of the IV (held against
  pyfixest's in a test); p-value and CI
  from the wild bootstrap Anderson-Rubin test (the ITT regression of `Δy − b × contacted` on the
  pilot indicator, inverted over b), which stays valid with few clusters and a weak first stage.
- **Large recruiters**: assignment is by firm, so heteroskedasticity-robust (HC1) errors on the
  change regression (held against pyfixest's in a test), i.e. robust to any correlation between
  a firm's two periods; t(n − 2) CI.
- **Satisfaction**: answer level (a firm answers at most once per survey wave). `ITT`: pilot −
  control satisfied share in the evaluation window; `ITT_DiD`: the same difference net of the one
  in the baseline window (`satisfied ~ pilot + evaluation + pilot × evaluation`). Both clustered by
  agency with the same bootstrap and randomization inference.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from smallfirms.inference import (
    Cells,
    ClusterSums,
    WildClusterBootstrap,
    design_matrix,
    hc1,
    invert_test,
    randomization_p_value,
    t_of,
    webb_weights,
)

OUTCOMES = [
    "hires",
    "any_hire",
    "durable_hires",
    "jobseeker_hires",
    "furthest_jobseeker_hires",
    "offers_posted",
    "offers_filled_pe",
]

# The columns of an estimate and of the counts the publishing rule reads, with their pandas types
# (the models' contracts), shared by the effects table and the event study.
ESTIMATE_TYPES = {
    "estimate": "float64",
    "std_error": "float64",
    "ci_low": "float64",
    "ci_high": "float64",
    "p_value": "float64",
}
COUNT_TYPES = {
    "n_pilot": "Int64",
    "n_control": "Int64",
    "n_clusters": "Int64",
    "n_firms": "Int64",
    "largest_firm_share": "float64",
}

# The effects table's columns, in order, with their types.
OUTPUT_TYPES = {
    "experiment": "object",
    "outcome": "object",
    "subgroup": "object",
    "estimand": "object",
    **ESTIMATE_TYPES,
    "p_value_ri": "float64",
    "n_ri_assignments": "Int64",
    "inference": "object",
    **COUNT_TYPES,
    "first_stage": "float64",
}
OUTPUT_COLUMNS = list(OUTPUT_TYPES)


@dataclass(frozen=True)
class Settings:
    """The parameters of inference. Their values are dbt vars only (dbt_project.yml): no default
    here restates them; the models build this from their config, other callers from the vars."""

    reps: int
    seed: int
    level: float
    max_assignments: int

    @classmethod
    def from_config(cls, values: Mapping[str, object]) -> Settings:
        """From the dbt vars by name: the models' `inference` config (dbt_project.yml), or
        `project_vars()` for callers outside dbt."""
        return cls(
            reps=int(values["bootstrap_reps"]),
            seed=int(values["bootstrap_seed"]),
            level=float(values["confidence_level"]),
            max_assignments=int(values["randomization_max_assignments"]),
        )


# --------------------------------------------------------------------------------------------
# One estimate.
# --------------------------------------------------------------------------------------------


def _empty_row() -> dict[str, object]:
    return {name: None for name in OUTPUT_COLUMNS}


def _typed(rows: list[dict[str, object]], types: dict[str, str]) -> pd.DataFrame:
    """The rows as a table of the columns of `types`, each of its type (a float column's None is
    NaN, an integer column's NA)."""
    table = pd.DataFrame(rows, columns=list(types))
    for name, kind in types.items():
        if kind == "float64":
            table[name] = pd.to_numeric(table[name], errors="coerce").astype(kind)
        else:
            table[name] = table[name].astype(kind)
    return table


def _firm_counts(units: pd.DataFrame, magnitude: np.ndarray) -> dict[str, object]:
    """Firms covered and the largest firm's share of the total |magnitude| of its cohort (the
    larger of the two cohorts' shares), for the publishing rule."""
    shares = []
    for cohort_flag in (True, False):
        values = np.abs(magnitude[units["is_pilot"].to_numpy() == cohort_flag])
        total = values.sum()
        if total > 0:
            shares.append(values.max() / total)
    pilot_firms = units.loc[units["is_pilot"], "firm_id"]
    control_firms = units.loc[~units["is_pilot"], "firm_id"]
    return {
        "n_pilot": int(pilot_firms.nunique()),
        "n_control": int(control_firms.nunique()),
        "n_firms": int(units["firm_id"].nunique()),
        "largest_firm_share": max(shares) if shares else None,
    }


def clustered_effect(
    y: np.ndarray,
    is_pilot: np.ndarray,
    clusters: np.ndarray,
    pairs: np.ndarray,
    settings: Settings,
    extra: np.ndarray | None = None,
    endogenous: np.ndarray | None = None,
) -> dict[str, object]:
    """An agency-clustered effect: the pilot coefficient (or the interaction when `extra` is
    given), its CRV1 SE, the WCR bootstrap p-value and inverted CI, and the RI p-value.

    With `endogenous`, the TOT: the IV coefficient of `endogenous` instrumented by the pilot
    indicator, with the bootstrap Anderson-Rubin p-value and CI.
    """
    n_clusters = len(np.unique(clusters))
    row: dict[str, object] = {"n_clusters": n_clusters}
    if n_clusters < 2 or is_pilot.all() or not is_pilot.any():
        return row
    outcomes = {"y": y} if endogenous is None else {"y": y, "d": endogenous}
    cells = Cells.collapse(clusters, pairs, is_pilot, extra, **outcomes)
    j = 1 if extra is None else 3
    weights = webb_weights(n_clusters, settings.reps, settings.seed)
    sums = cells.sums("y")
    if endogenous is None:
        boot = WildClusterBootstrap(sums, j, weights)
        estimate, std_error = sums.crv1(j)
        p_value = boot.p_value(0.0)
        ci = invert_test(boot.p_value, estimate, std_error, settings.level)
    else:
        first = cells.sums("d")
        first_stage = float(first.beta[j])
        row["first_stage"] = first_stage
        if abs(first_stage) < 1e-12:
            return row
        estimate, std_error = sums.iv_crv1(first, j)
        boot = WildClusterBootstrap(sums, j, weights, shift=first)
        ar_p_value = partial(boot.p_value, 0.0)  # the Anderson-Rubin test of TOT = b
        p_value = ar_p_value(0.0)
        ci = invert_test(ar_p_value, estimate, std_error, settings.level)

    p_ri, n_ri = randomization_p_value(
        partial(t_of, cells, "y", j),
        cells.pilot,
        cells.pairs,
        settings.max_assignments,
        settings.seed,
    )
    row.update(
        estimate=estimate,
        std_error=std_error,
        ci_low=ci[0],
        ci_high=ci[1],
        p_value=p_value,
        p_value_ri=p_ri,
        n_ri_assignments=n_ri,
    )
    return row


def robust_effect(y: np.ndarray, is_pilot: np.ndarray, level: float) -> dict[str, object]:
    """A firm-level-assignment effect: the pilot coefficient of `y ~ 1 + pilot` with HC1 errors
    (held against pyfixest in a test) and a t(n - 2) confidence interval."""
    row: dict[str, object] = {"n_clusters": len(y)}
    if len(y) < 3 or is_pilot.all() or not is_pilot.any():
        return row
    estimate, std_error = hc1(y, design_matrix(is_pilot), 1)
    df = len(y) - 2
    quantile = stats.t.ppf(0.5 + level / 2, df)
    p_value = float(2 * stats.t.sf(abs(estimate / std_error), df)) if std_error > 0 else math.nan
    row.update(
        estimate=estimate,
        std_error=std_error,
        ci_low=estimate - quantile * std_error,
        ci_high=estimate + quantile * std_error,
        p_value=p_value,
    )
    return row


# --------------------------------------------------------------------------------------------
# The table.
# --------------------------------------------------------------------------------------------


def unit_changes(
    periods: pd.DataFrame,
    units: pd.DataFrame,
    experiment: str,
    before: str = "pre",
    after: str = "pilot",
) -> pd.DataFrame:
    """One row per unit of `experiment`: its design columns and, per outcome, the change
    after − before (`d_<outcome>`) and the sum over both periods (`t_<outcome>`)."""
    frame = periods[periods["experiment"] == experiment]
    values = frame.pivot_table(
        index="unit_id", columns="period", values=OUTCOMES, aggfunc="sum", fill_value=0
    )
    design = units[units["experiment"] == experiment].set_index("unit_id")
    out = design.copy()
    for outcome in OUTCOMES:
        pre = values[(outcome, before)].astype(float) if (outcome, before) in values else 0.0
        post = values[(outcome, after)].astype(float) if (outcome, after) in values else 0.0
        out[f"d_{outcome}"] = (post - pre).reindex(out.index).fillna(0.0)
        out[f"t_{outcome}"] = (post + pre).reindex(out.index).fillna(0.0)
    out["is_pilot"] = out["cohort"] == "pilot"
    out["firm_id"] = out.index
    return out.reset_index().sort_values("unit_id", ignore_index=True)


def subgroups(frame: pd.DataFrame) -> Iterable[tuple[str, pd.DataFrame]]:
    """`all`, then `region:<code>` and `territoire:<type>` in code order."""
    yield "all", frame
    for column, prefix in (("code_region", "region"), ("type_territoire", "territoire")):
        for value in sorted(frame[column].dropna().unique()):
            yield f"{prefix}:{value}", frame[frame[column] == value]


def placebo_time_effects(changes: pd.DataFrame, settings: Settings) -> list[dict[str, object]]:
    """The small-firm ITT on the placebo windows (a fake start at placebo_post, pre-selection data):
    estimand `placebo_time`, subgroup `all`. No effect can be there; an interval away from 0 says
    the cohorts were drifting apart before the pilot."""
    rows = []
    inference = f"wild cluster bootstrap WCR, Webb, {settings.reps:,} reps, by agency"
    is_pilot = changes["is_pilot"].to_numpy()
    for outcome in OUTCOMES:
        row = _empty_row()
        row.update(experiment="small_firms", outcome=outcome, subgroup="all")
        row.update(estimand="placebo_time", inference=inference)
        row.update(_firm_counts(changes, changes[f"t_{outcome}"].to_numpy(dtype=float)))
        row.update(
            clustered_effect(
                changes[f"d_{outcome}"].to_numpy(dtype=float),
                is_pilot,
                changes["cluster_id"].to_numpy(),
                changes["pair_id"].to_numpy(),
                settings,
            )
        )
        rows.append(row)
    return rows


def small_firm_effects(changes: pd.DataFrame, settings: Settings) -> list[dict[str, object]]:
    rows = []
    inference_itt = f"wild cluster bootstrap WCR, Webb, {settings.reps:,} reps, by agency"
    inference_tot = f"wild bootstrap Anderson-Rubin, Webb, {settings.reps:,} reps, by agency"
    for subgroup, frame in subgroups(changes):
        is_pilot = frame["is_pilot"].to_numpy()
        clusters = frame["cluster_id"].to_numpy()
        pairs = frame["pair_id"].to_numpy()
        contacted = frame["is_contacted"].fillna(False).to_numpy(dtype=bool)
        for outcome in OUTCOMES:
            y = frame[f"d_{outcome}"].to_numpy(dtype=float)
            counts = _firm_counts(frame, frame[f"t_{outcome}"].to_numpy(dtype=float))
            for estimand, endogenous, inference in (
                ("ITT", None, inference_itt),
                ("TOT", contacted, inference_tot),
            ):
                row = _empty_row()
                row.update(experiment="small_firms", outcome=outcome, subgroup=subgroup)
                row.update(estimand=estimand, inference=inference, **counts)
                row.update(
                    clustered_effect(y, is_pilot, clusters, pairs, settings, None, endogenous)
                )
                rows.append(row)
    return rows


def large_recruiter_effects(changes: pd.DataFrame, settings: Settings) -> list[dict[str, object]]:
    rows = []
    for outcome in OUTCOMES:
        row = _empty_row()
        row.update(experiment="large_recruiters", outcome=outcome, subgroup="all", estimand="ITT")
        row.update(inference="HC1, firm-level assignment, t(n - 2)")
        row.update(_firm_counts(changes, changes[f"t_{outcome}"].to_numpy(dtype=float)))
        y = changes[f"d_{outcome}"].to_numpy(dtype=float)
        row.update(robust_effect(y, changes["is_pilot"].to_numpy(), settings.level))
        rows.append(row)
    return rows


def satisfaction_effects(answers: pd.DataFrame, settings: Settings) -> list[dict[str, object]]:
    """Rows for the outcome `satisfied`: ITT (evaluation window) and ITT_DiD (with baseline)."""
    inference = f"wild cluster bootstrap WCR, Webb, {settings.reps:,} reps, by agency"
    frame = answers[answers["cohort"].isin(["pilot", "control"])].copy()
    frame["is_pilot"] = frame["cohort"] == "pilot"
    frame["firm_id"] = frame["siret"]
    frame["is_evaluation"] = frame["survey_window"] == "evaluation_survey"
    frame = frame.sort_values(["answer_id"], ignore_index=True)
    rows = []
    for subgroup, group in subgroups(frame):
        for estimand in ("ITT", "ITT_DiD"):
            data = group if estimand == "ITT_DiD" else group[group["is_evaluation"]]
            row = _empty_row()
            row.update(experiment="small_firms", outcome="satisfied", subgroup=subgroup)
            row.update(estimand=estimand, inference=inference)
            satisfied = data["is_satisfied"].to_numpy(dtype=float)
            row.update(_firm_counts(data, satisfied))
            cells = data.groupby(["is_pilot", "is_evaluation"]).size()
            needed = 4 if estimand == "ITT_DiD" else 2
            if len(cells) < needed:
                row["inference"] = "not estimable: a cohort has no answer in a window"
                row["n_clusters"] = int(data["code_agence"].nunique())
                rows.append(row)
                continue
            extra = data["is_evaluation"].to_numpy() if estimand == "ITT_DiD" else None
            row.update(
                clustered_effect(
                    satisfied,
                    data["is_pilot"].to_numpy(),
                    data["code_agence"].to_numpy(),
                    data["pilot_agency_code"].to_numpy(),
                    settings,
                    extra,
                )
            )
            rows.append(row)
    return rows


def estimate_effects(
    periods: pd.DataFrame,
    units: pd.DataFrame,
    answers: pd.DataFrame,
    settings: Settings,
    placebo_periods: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The effects table (OUTPUT_COLUMNS), from the outcome panel (`int_unit_period_outcomes`),
    the units (`int_experiment_units`), the answers (`int_satisfaction_answers_windowed`) and,
    when given, the placebo windows (`int_unit_placebo_outcomes`)."""
    small = unit_changes(periods, units, "small_firms")
    large = unit_changes(periods, units, "large_recruiters")
    rows = [
        *small_firm_effects(small, settings),
        *large_recruiter_effects(large, settings),
        *satisfaction_effects(answers, settings),
    ]
    if placebo_periods is not None:
        placebo = unit_changes(
            placebo_periods, units, "small_firms", before="placebo_pre", after="placebo_post"
        )
        rows += placebo_time_effects(placebo, settings)
    return _typed(rows, OUTPUT_TYPES)


# --------------------------------------------------------------------------------------------
# Event study.
# --------------------------------------------------------------------------------------------

EVENT_STUDY_TYPES = {
    "experiment": "object",
    "outcome": "object",
    "months_from_pilot_start": "Int64",
    "is_reference": "boolean",
    **ESTIMATE_TYPES,
    "inference": "object",
    **COUNT_TYPES,
    "n_leads": "Int64",
    "leads_max_abs_t": "float64",
    "leads_joint_p_value": "float64",
}
EVENT_STUDY_COLUMNS = list(EVENT_STUDY_TYPES)


def event_study(
    monthly: pd.DataFrame,
    units: pd.DataFrame,
    settings: Settings,
    outcome: str = "hires",
    reference: int = -1,
) -> pd.DataFrame:
    """Monthly small-firm effects around the pilot start, relative to month `reference` (2017-02).

    With unit and month fixed effects and a balanced panel, the coefficient of pilot × month m is
    the difference-in-differences between month m and the reference month, so each is estimated
    as the regression of `y_m − y_ref` on the pilot indicator, with the ITT's wild cluster
    bootstrap interval (the same weights for every month). Leads are the months before the pilot
    start except the reference; their joint test is the wild bootstrap of the largest |t| over the
    leads (each month's null imposed, the weights shared, so the bootstrap keeps the dependence
    between months): a small p-value says pilot and control were already drifting apart.
    """
    frame = monthly[monthly["experiment"] == "small_firms"]
    wide = frame.pivot_table(
        index="unit_id",
        columns="months_from_pilot_start",
        values=outcome,
        aggfunc="sum",
        fill_value=0,
    )
    design = units[units["experiment"] == "small_firms"].set_index("unit_id")
    design = design.loc[design.index.intersection(wide.index)].sort_index()
    wide = wide.loc[design.index].astype(float)
    is_pilot = (design["cohort"] == "pilot").to_numpy()
    clusters = design["cluster_id"].to_numpy()
    n_clusters = len(np.unique(clusters))
    weights = webb_weights(n_clusters, settings.reps, settings.seed)
    x = design_matrix(is_pilot)
    counts_frame = pd.DataFrame({"is_pilot": is_pilot, "firm_id": design.index.to_numpy()})
    inference = f"wild cluster bootstrap WCR, Webb, {settings.reps:,} reps, by agency"
    rows, lead_t, lead_boot = [], [], []
    base = wide[reference].to_numpy()
    for month in sorted(wide.columns):
        row = {name: None for name in EVENT_STUDY_COLUMNS}
        row.update(experiment="small_firms", outcome=outcome, months_from_pilot_start=int(month))
        row.update(is_reference=bool(month == reference), inference=inference)
        row.update(_firm_counts(counts_frame, wide[month].to_numpy() + base))
        row["n_clusters"] = n_clusters
        if month == reference:
            row.update(estimate=0.0, std_error=0.0, ci_low=0.0, ci_high=0.0)
            rows.append(row)
            continue
        change = wide[month].to_numpy() - base
        sums = ClusterSums.from_rows(change, x, clusters)
        boot = WildClusterBootstrap(sums, 1, weights)
        estimate, std_error = sums.crv1(1)
        low, high = invert_test(boot.p_value, estimate, std_error, settings.level)
        row.update(estimate=estimate, std_error=std_error, ci_low=low, ci_high=high)
        row["p_value"] = boot.p_value(0.0)
        if month < reference:
            lead_t.append(abs(boot.t_statistic(0.0)))
            lead_boot.append(np.abs(boot.bootstrap_t(0.0)))
        rows.append(row)
    if lead_t:  # the joint test of the leads, on every row
        observed = max(lead_t)
        joint_p = float(np.mean(np.max(lead_boot, axis=0) > observed))
        for row in rows:
            row.update(n_leads=len(lead_t), leads_max_abs_t=observed, leads_joint_p_value=joint_p)
    return _typed(rows, EVENT_STUDY_TYPES)
