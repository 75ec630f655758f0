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
    romano_wolf,
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
    "ri_min_p_value": "float64",
    "p_value_ri_block": "float64",
    "n_ri_block_assignments": "Int64",
    "ri_block_min_p_value": "float64",
    "inference": "object",
    **COUNT_TYPES,
    "first_stage": "float64",
    "is_primary": "boolean",
    "p_value_family": "float64",
    "is_descriptive": "boolean",
}
# The primary outcome of each experiment, fixed before looking (experiments.md, primary and
# secondary): its ITT on all firms is the confirmatory test; the other outcomes' ITTs on all firms
# form the family whose p-values are adjusted (Romano–Wolf).
PRIMARY_OUTCOMES = {"small_firms": "hires", "large_recruiters": "furthest_jobseeker_hires"}
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
    blocks: np.ndarray | None = None,
) -> dict[str, object]:
    """An agency-clustered effect: the pilot coefficient (or the interaction when `extra` is
    given), its CRV1 SE, the WCR bootstrap p-value and inverted CI, and the RI p-values with the
    smallest each can reach: by pair and, with `blocks` (each pair's block), by block.

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

    statistic = partial(t_of, cells, "y", j)
    p_ri, n_ri, floor = randomization_p_value(
        statistic, cells.pilot, cells.pairs, settings.max_assignments, settings.seed
    )
    row.update(
        estimate=estimate,
        std_error=std_error,
        ci_low=ci[0],
        ci_high=ci[1],
        p_value=p_value,
        p_value_ri=p_ri,
        n_ri_assignments=n_ri,
        ri_min_p_value=floor,
    )
    if blocks is not None:
        pair_labels, block_labels = np.asarray(pairs).astype(str), np.asarray(blocks).astype(str)
        block_of = dict(zip(pair_labels, block_labels, strict=True))
        cell_blocks = np.array([block_of[pair] for pair in np.asarray(cells.pairs).astype(str)])
        p_block, n_block, block_floor = randomization_p_value(
            statistic, cells.pilot, cell_blocks, settings.max_assignments, settings.seed
        )
        row.update(
            p_value_ri_block=p_block,
            n_ri_block_assignments=n_block,
            ri_block_min_p_value=block_floor,
        )
    return row


def null_draws(
    y: np.ndarray, is_pilot: np.ndarray, clusters: np.ndarray, settings: Settings
) -> tuple[float, np.ndarray]:
    """The sample t of the pilot coefficient and its restricted wild cluster bootstrap draws under
    no effect, with the seed's weights: the same draws as the effect's own p-value, so that the
    outcomes of a family share them."""
    n_clusters = len(np.unique(clusters))
    cells = Cells.collapse(clusters, clusters, is_pilot, None, y=y)
    boot = WildClusterBootstrap(
        cells.sums("y"), 1, webb_weights(n_clusters, settings.reps, settings.seed)
    )
    return boot.t_statistic(0.0), boot.bootstrap_t(0.0)


def mark_roles(rows: list[dict[str, object]]) -> None:
    """Marks each row's role: the primary test (the primary outcome's ITT on all firms), and the
    descriptive rows (regional and territory subgroups: 3 treated clusters, no confirmatory
    p-value; the pre-registered segments are not descriptive). In place."""
    for row in rows:
        row["is_primary"] = (
            row["estimand"] == "ITT"
            and row["subgroup"] == "all"
            and row["outcome"] == PRIMARY_OUTCOMES.get(str(row["experiment"]))
        )
        row["is_descriptive"] = str(row["subgroup"]).startswith(DESCRIPTIVE_PREFIXES)


def adjust_family(
    rows: list[dict[str, object]], draws: dict[str, tuple], experiment: str = "small_firms"
) -> None:
    """Gives an experiment's family (its secondary outcomes' ITT on all units) their Romano–Wolf
    p-values, from `draws` (outcome -> t and null draws drawn with the same weights). A family
    p-value is never below the row's own p-value (for the large recruiters that one is HC1's,
    not the bootstrap's). In place."""
    family = [o for o in draws if o != PRIMARY_OUTCOMES[experiment]]
    if not family:
        return
    adjusted = romano_wolf(
        np.array([draws[o][0] for o in family]), np.vstack([draws[o][1] for o in family])
    )
    by_outcome = dict(zip(family, adjusted, strict=True))
    for row in rows:
        if (
            row["experiment"] == experiment
            and row["estimand"] == "ITT"
            and row["subgroup"] == "all"
            and row["outcome"] in by_outcome
        ):
            own = row.get("p_value")
            floor = float(own) if own is not None and not math.isnan(float(own)) else 0.0
            row["p_value_family"] = max(float(by_outcome[row["outcome"]]), floor)


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


# Subgroups of the small-firm effects: the descriptive ones (regions and territory types: 3 treated
# clusters) and the pre-registered segments of the heterogeneous effects, known at baseline.
SUBGROUP_COLUMNS = (
    ("code_region", "region"),
    ("type_territoire", "territoire"),
    ("is_priority_prospect", "priority"),
    ("sector_rate_tercile", "sector_tercile"),
    ("tranche_effectifs", "band"),
)
DESCRIPTIVE_PREFIXES = ("region:", "territoire:")


def subgroups(frame: pd.DataFrame) -> Iterable[tuple[str, pd.DataFrame]]:
    """`all`, then each subgroup column the frame has (`region:<code>`, `territoire:<type>`,
    `priority:true|false`, `sector_tercile:1|2|3`, `band:<band>`), values in sorted order."""
    yield "all", frame
    for column, prefix in SUBGROUP_COLUMNS:
        if column not in frame:
            continue
        for value in sorted(frame[column].dropna().unique()):
            label = str(value).lower() if isinstance(value, bool | np.bool_) else value
            yield f"{prefix}:{label}", frame[frame[column] == value]


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
                blocks=changes["block_id"].to_numpy(),
            )
        )
        rows.append(row)
    return rows


def small_firm_effects(changes: pd.DataFrame, settings: Settings) -> list[dict[str, object]]:
    rows = []
    draws = {}  # outcome -> the ITT's t and null draws on all firms, for the family adjustment
    inference_itt = f"wild cluster bootstrap WCR, Webb, {settings.reps:,} reps, by agency"
    inference_tot = f"wild bootstrap Anderson-Rubin, Webb, {settings.reps:,} reps, by agency"
    for subgroup, frame in subgroups(changes):
        is_pilot = frame["is_pilot"].to_numpy()
        clusters = frame["cluster_id"].to_numpy()
        pairs = frame["pair_id"].to_numpy()
        blocks = frame["block_id"].to_numpy()
        contacted = frame["is_contacted"].fillna(False).to_numpy(dtype=bool)
        for outcome in OUTCOMES:
            y = frame[f"d_{outcome}"].to_numpy(dtype=float)
            counts = _firm_counts(frame, frame[f"t_{outcome}"].to_numpy(dtype=float))
            if subgroup == "all" and len(np.unique(clusters)) > 1 and is_pilot.any():
                draws[outcome] = null_draws(y, is_pilot, clusters, settings)
            for estimand, endogenous, inference in (
                ("ITT", None, inference_itt),
                ("TOT", contacted, inference_tot),
            ):
                row = _empty_row()
                row.update(experiment="small_firms", outcome=outcome, subgroup=subgroup)
                row.update(estimand=estimand, inference=inference, **counts)
                row.update(
                    clustered_effect(
                        y, is_pilot, clusters, pairs, settings, None, endogenous, blocks
                    )
                )
                rows.append(row)
    adjust_family(rows, draws)
    return rows


def enrolment_design(units: pd.DataFrame) -> np.ndarray:
    """What regional services could see when they enrolled a top recruiter, as log(1 + count):
    offers filled through the service in each half of the look-back window (they enrolled on
    recent growth), and its counted and furthest-from-employment hires there. The propensity
    model and the doubly robust estimate both read this one design."""
    first = units["lookback_offers_filled_first_half"].fillna(0).to_numpy(float)
    second = units["lookback_offers_filled"].fillna(0).to_numpy(float) - first
    hires = units["lookback_hires"].fillna(0).to_numpy(float)
    furthest = units["lookback_furthest_hires"].fillna(0).to_numpy(float)
    return np.log1p(np.column_stack([first, second, hires, furthest]))


def doubly_robust_effect(
    y_pre: np.ndarray,
    y_post: np.ndarray,
    is_pilot: np.ndarray,
    design: np.ndarray,
    level: float,
    trim: float,
) -> dict[str, object]:
    """Sant'Anna & Zhao's (2020) doubly robust DiD for a two-period panel (the `drdid` package, a
    port of R's DRDID): an enrolment propensity on `design` and a regression of the change on
    `design` among controls; controls with a propensity of `trim` or more are left out. Standard
    error from the influence function, normal interval."""
    from drdid.drdid import drdid_panel

    n = len(y_pre)
    row: dict[str, object] = {"n_clusters": n}
    if n < design.shape[1] + 3 or is_pilot.all() or not is_pilot.any():
        return row
    att, influence = drdid_panel(y_post, y_pre, is_pilot.astype(float), design, trim_level=trim)
    std_error = float(np.std(influence, ddof=1) / math.sqrt(n))
    quantile = stats.norm.ppf(0.5 + level / 2)
    row.update(
        estimate=float(att),
        std_error=std_error,
        ci_low=float(att - quantile * std_error),
        ci_high=float(att + quantile * std_error),
        p_value=float(2 * stats.norm.sf(abs(att / std_error))) if std_error > 0 else math.nan,
    )
    return row


def large_recruiter_effects(
    changes: pd.DataFrame, settings: Settings, trim: float | None = None
) -> list[dict[str, object]]:
    """The plain DiD (HC1) of each outcome and, when the covariates are there (`trim` given),
    the doubly robust DiD beside it (estimand `ATT_DR`)."""
    rows = []
    draws: dict[str, tuple] = {}
    is_pilot = changes["is_pilot"].to_numpy()
    design = enrolment_design(changes) if trim is not None else None
    for outcome in OUTCOMES:
        counts = _firm_counts(changes, changes[f"t_{outcome}"].to_numpy(dtype=float))
        y = changes[f"d_{outcome}"].to_numpy(dtype=float)
        if len(y) > 2 and is_pilot.any() and not is_pilot.all():
            # The family's joint null: a wild bootstrap with each firm its own cluster.
            draws[outcome] = null_draws(y, is_pilot, np.arange(len(y)), settings)
        row = _empty_row()
        row.update(experiment="large_recruiters", outcome=outcome, subgroup="all", estimand="ITT")
        row.update(inference="HC1, firm-level assignment, t(n - 2)", **counts)
        row.update(robust_effect(y, is_pilot, settings.level))
        rows.append(row)
        if design is None:
            continue
        total = changes[f"t_{outcome}"].to_numpy(dtype=float)
        row = _empty_row()
        row.update(experiment="large_recruiters", outcome=outcome, subgroup="all")
        row.update(estimand="ATT_DR", **counts)
        row.update(
            inference=f"doubly robust DiD (Sant'Anna & Zhao 2020, drdid), controls with a "
            f"propensity of {trim} or more trimmed, influence-function SE"
        )
        row.update(
            doubly_robust_effect(
                (total - y) / 2, (total + y) / 2, is_pilot, design, settings.level, trim
            )
        )
        rows.append(row)
    adjust_family(rows, draws, "large_recruiters")
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
                    blocks=data["block_id"].to_numpy(),
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
    recruiters: pd.DataFrame | None = None,
    dr_trim: float | None = None,
) -> pd.DataFrame:
    """The effects table (OUTPUT_COLUMNS), from the outcome panel (`int_unit_period_outcomes`),
    the units (`int_experiment_units`), the answers (`int_satisfaction_answers_windowed`) and,
    when given, the placebo windows (`int_unit_placebo_outcomes`) and the top recruiters'
    baseline covariates (`int_large_recruiters_assigned`) for the doubly robust DiD."""
    small = unit_changes(periods, units, "small_firms")
    large = unit_changes(periods, units, "large_recruiters")
    if recruiters is not None:
        covariates = recruiters.set_index("siren").drop(columns=["cohort"], errors="ignore")
        large = large.join(covariates, on="unit_id")
    rows = [
        *small_firm_effects(small, settings),
        *large_recruiter_effects(large, settings, dr_trim if recruiters is not None else None),
        *satisfaction_effects(answers, settings),
    ]
    if placebo_periods is not None:
        placebo = unit_changes(
            placebo_periods, units, "small_firms", before="placebo_pre", after="placebo_post"
        )
        rows += placebo_time_effects(placebo, settings)
    mark_roles(rows)
    return _typed(rows, OUTPUT_TYPES)


# --------------------------------------------------------------------------------------------
# Event study.
# --------------------------------------------------------------------------------------------

EVENT_STUDY_TYPES = {
    "experiment": "object",
    "outcome": "object",
    "months_from_pilot_start": "Int64",
    "is_reference": "boolean",
    "is_selection_window": "boolean",
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
    selection_window: tuple[object, object],
    outcome: str = "hires",
) -> pd.DataFrame:
    """Monthly small-firm effects around the pilot start, relative to the pre period.

    With unit and month fixed effects, the coefficient of pilot × month m against a reference
    period is the difference-in-differences between month m and that period, so each is
    estimated as the regression of `y_m − mean(y over the reference months)` on the pilot
    indicator, with the ITT's wild cluster bootstrap interval (the same weights for every month).
    The reference is the pre period (the rows whose `period` is `pre`), which lies before the
    look-back window. The months of `selection_window` (the look-back window, first and last day)
    selected the cohorts: they are shown and flagged, never used to judge pre-trends (priority
    prospects hired nobody there by construction). The leads are the other months before the
    pilot: outside the pre period and before the selection window. Their joint test is the wild
    bootstrap of the largest |t| over them (each month's null imposed, the weights shared, so the
    bootstrap keeps the dependence between months): a small p-value says pilot and control were
    already drifting apart.
    """
    frame = monthly[monthly["experiment"] == "small_firms"]
    wide = frame.pivot_table(
        index="unit_id",
        columns="months_from_pilot_start",
        values=outcome,
        aggfunc="sum",
        fill_value=0,
    )
    months = frame.drop_duplicates("months_from_pilot_start").set_index("months_from_pilot_start")
    reference = set(months.index[months["period"] == "pre"])
    start, end = (pd.Timestamp(day) for day in selection_window)
    month_start = pd.to_datetime(months["month_start"])
    selection = set(months.index[(month_start >= start) & (month_start <= end)])
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
    base = wide[sorted(reference)].to_numpy().mean(axis=1)
    for month in sorted(wide.columns):
        row = {name: None for name in EVENT_STUDY_COLUMNS}
        row.update(experiment="small_firms", outcome=outcome, months_from_pilot_start=int(month))
        row.update(is_reference=bool(month in reference), inference=inference)
        row.update(is_selection_window=bool(month in selection))
        row.update(_firm_counts(counts_frame, wide[month].to_numpy() + base))
        row["n_clusters"] = n_clusters
        change = wide[month].to_numpy() - base
        sums = ClusterSums.from_rows(change, x, clusters)
        boot = WildClusterBootstrap(sums, 1, weights)
        estimate, std_error = sums.crv1(1)
        low, high = invert_test(boot.p_value, estimate, std_error, settings.level)
        row.update(estimate=estimate, std_error=std_error, ci_low=low, ci_high=high)
        row["p_value"] = boot.p_value(0.0)
        if month < 0 and month not in reference and month not in selection:
            lead_t.append(abs(boot.t_statistic(0.0)))
            lead_boot.append(np.abs(boot.bootstrap_t(0.0)))
        rows.append(row)
    if lead_t:  # the joint test of the leads, on every row
        observed = max(lead_t)
        joint_p = float(np.mean(np.max(lead_boot, axis=0) > observed))
        for row in rows:
            row.update(n_leads=len(lead_t), leads_max_abs_t=observed, leads_joint_p_value=joint_p)
    return _typed(rows, EVENT_STUDY_TYPES)
