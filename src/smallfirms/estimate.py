"""Effects of the two experiments, with inference that stays honest with few clusters.

The dbt Python model `int_effects_estimated` calls `estimate_effects`; everything below is pure
(pandas in, pandas out) so that pytest can check it on hand-made data.

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

Why the bootstrap is written here rather than called from `wildboottest`: that package (and
pyfixest's `Feols.wildboottest`, which wraps it) returns a p-value for the null 0 only, with no CI,
and takes about 0.2 s a call (0.8 s through its own class, which recompiles its numba kernels each
time). A CI by test inversion needs some 60 bootstrap tests per estimate and the evaluation has
about a hundred estimates, each with 512 pair swaps for randomization inference.

Why it scales: OLS, CRV1 errors and the WCR11 bootstrap of a linear model need only the per-cluster
sums X_g'X_g and X_g'y_g (Roodman et al. 2019, "Fast and wild"). They are summed once per estimate
in O(firms); every bootstrap test, pair swap (assignment is by agency, so the rows of a cluster
collapse into a few cells) and shifted outcome after that is O(agencies). A test checks that,
given the same weights, the bootstrap returns wildboottest's t statistics and p-value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from scipy import stats

# Webb's six-point distribution: ±sqrt(1/2), ±1, ±sqrt(3/2), each with probability 1/6.
WEBB_POINTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
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

OUTPUT_COLUMNS = [
    "experiment",
    "outcome",
    "subgroup",
    "estimand",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "p_value_ri",
    "n_ri_assignments",
    "inference",
    "n_pilot",
    "n_control",
    "n_clusters",
    "n_firms",
    "largest_firm_share",
    "first_stage",
]


@dataclass(frozen=True)
class Settings:
    """The parameters of inference. Their values are dbt vars only (dbt_project.yml): no default
    here restates them; the models build this from their config, other callers from the vars."""

    reps: int
    seed: int
    level: float
    max_assignments: int

    @classmethod
    def from_config(cls, get: Callable[[str], object]) -> Settings:
        """From a lookup of the dbt vars by name, for callers outside dbt (`project_vars().get`).
        The dbt models call `dbt.config.get` with literal names: dbt collects the vars a Python
        model needs from those calls, so a lookup passed as a function would find none."""
        return cls(
            reps=int(get("bootstrap_reps")),
            seed=int(get("bootstrap_seed")),
            level=float(get("confidence_level")),
            max_assignments=int(get("randomization_max_assignments")),
        )


# --------------------------------------------------------------------------------------------
# Linear algebra of one regression: y on X, the coefficient of column j, clusters.
#
# OLS, its CRV1 error and the wild cluster bootstrap need only, per cluster, X_g'X_g and X_g'y_g
# (Roodman et al. 2019, "Fast and wild"). They are summed once, in O(N); every regression after
# that (a bootstrap test, a pair swap, a shifted outcome) costs O(G).
# --------------------------------------------------------------------------------------------


def _cluster_codes(clusters: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes 0..G-1 of `clusters`, numbered in sorted order of the labels (repeatable)."""
    labels, codes = np.unique(np.asarray(clusters).astype(str), return_inverse=True)
    return codes, len(labels)


@dataclass(frozen=True)
class ClusterSums:
    """The regression y = X beta + u reduced to its per-cluster sums: `xgxg` (G × k × k) holds
    X_g'X_g, `xgy` (G × k) holds X_g'y_g, `n_obs` counts the observations."""

    xgxg: np.ndarray
    xgy: np.ndarray
    n_obs: int

    @classmethod
    def from_rows(cls, y: np.ndarray, x: np.ndarray, clusters: np.ndarray) -> ClusterSums:
        codes, n_clusters = _cluster_codes(clusters)
        return cls.from_codes(np.asarray(y, dtype=float), x, codes, n_clusters)

    @classmethod
    def from_codes(
        cls,
        y: np.ndarray,
        x: np.ndarray,
        codes: np.ndarray,
        n_clusters: int,
        count: np.ndarray | None = None,
    ) -> ClusterSums:
        """With `count`, row i stands for count[i] observations that share its regressors and
        whose outcomes sum to y[i] (a cell); without, for one observation."""
        count = np.ones(len(y)) if count is None else np.asarray(count, dtype=float)
        k = x.shape[1]
        xgxg = np.empty((n_clusters, k, k))
        for a in range(k):
            for b in range(a, k):
                xgxg[:, a, b] = xgxg[:, b, a] = np.bincount(
                    codes, weights=count * x[:, a] * x[:, b], minlength=n_clusters
                )
        xgy = np.column_stack(
            [np.bincount(codes, weights=x[:, a] * y, minlength=n_clusters) for a in range(k)]
        )
        return cls(xgxg, xgy, int(round(count.sum())))

    @property
    def n_clusters(self) -> int:
        return self.xgy.shape[0]

    def is_full_rank(self) -> bool:
        """X'X has full rank (no column of the design is empty or a copy of others)."""
        xtx = self.xgxg.sum(axis=0)
        return bool(np.linalg.matrix_rank(xtx) == xtx.shape[0])

    @cached_property
    def xtx_inv(self) -> np.ndarray:
        return np.linalg.inv(self.xgxg.sum(axis=0))

    @cached_property
    def beta(self) -> np.ndarray:
        return self.xtx_inv @ self.xgy.sum(axis=0)

    @property
    def small_sample_factor(self) -> float:
        """G/(G-1) × (N-1)/(N-k), as Stata, pyfixest and wildboottest apply it."""
        g, n, k = self.n_clusters, self.n_obs, self.xgy.shape[1]
        return g / (g - 1) * (n - 1) / (n - k)

    def crv1(self, j: int) -> tuple[float, float]:
        """OLS coefficient j and its CRV1 standard error."""
        scores = self.xgy - self.xgxg @ self.beta  # X_g'û_g
        c = scores @ self.xtx_inv[j]
        return float(self.beta[j]), float(math.sqrt(self.small_sample_factor * np.sum(c**2)))

    def iv_crv1(self, endogenous: ClusterSums, j: int) -> tuple[float, float]:
        """The just-identified IV coefficient of the regressor `endogenous` (whose sums on the
        same X are given) when it replaces column j of X, column j serving as its instrument;
        and its CRV1 standard error. With Z = X: beta = (Z'W)^-1 Z'y, W being X with column j
        replaced, and V = factor × (Z'W)^-1 [sum_g Z_g'û_g û_g'Z_g] (W'Z)^-1."""
        zgw = self.xgxg.copy()
        zgw[:, :, j] = endogenous.xgy
        zw_inv = np.linalg.inv(zgw.sum(axis=0))
        beta = zw_inv @ self.xgy.sum(axis=0)
        c = (self.xgy - zgw @ beta) @ zw_inv[j]
        return float(beta[j]), float(math.sqrt(self.small_sample_factor * np.sum(c**2)))


def crv1(y: np.ndarray, x: np.ndarray, j: int, clusters: np.ndarray) -> tuple[float, float]:
    """OLS coefficient j of y on x and its CRV1 standard error, clustered by `clusters`."""
    return ClusterSums.from_rows(y, x, clusters).crv1(j)


def webb_weights(n_clusters: int, reps: int, seed: int) -> np.ndarray:
    """A G × B matrix of Webb weights drawn from a generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    return WEBB_POINTS[rng.integers(0, len(WEBB_POINTS), size=(n_clusters, reps))]


class WildClusterBootstrap:
    """The restricted wild cluster bootstrap (WCR11) of H0: beta_j = r in y - b z = X beta + u.

    `sums` are the cluster sums of y; `shift`, when given, those of z on the same X (the
    Anderson-Rubin test of the TOT inverts over b); `weights` is G × B (clusters in sorted label
    order). Every quantity of the test is affine in (r, b): the restricted estimate, the
    residual scores and the bootstrap numerators and spreads. Their three parts (constant, r,
    b) are computed once, the G × G × B products among them, so that `t_statistic`,
    `bootstrap_t` and `p_value` at any (r, b) cost O(B): cheap enough to invert the test.
    """

    def __init__(
        self,
        sums: ClusterSums,
        j: int,
        weights: np.ndarray,
        shift: ClusterSums | None = None,
    ) -> None:
        if weights.shape[0] != sums.n_clusters:
            raise ValueError("one row of weights per cluster is needed")
        self.j, self.n_clusters, self.weights = j, sums.n_clusters, weights
        self._ssc = sums.small_sample_factor
        xtx_inv, xgxg = sums.xtx_inv, sums.xgxg
        a = xtx_inv[j]  # R (X'X)^-1 with R selecting coefficient j
        zero = np.zeros_like(sums.xgy)
        # X_g'y_g in parts: constant, per unit of r (none), per unit of b (minus z's sums)
        xgy = np.stack([sums.xgy, zero, zero if shift is None else -shift.xgy])
        beta = xgy.sum(axis=1) @ xtx_inv  # unrestricted estimate, 3 × k (X'X symmetric)
        self._beta_j = beta[:, j]
        # restricted estimate beta~ = beta^ - (X'X)^-1 R' (beta^_j - r) / [(X'X)^-1]_jj
        slope = xtx_inv[:, j] / xtx_inv[j, j]
        beta_r = beta - np.outer(beta[:, j], slope)
        beta_r[1] += slope
        unrestricted = xgy - np.einsum("gkl,pl->pgk", xgxg, beta)  # X_g'û_g, 3 × G × k
        restricted = xgy - np.einsum("gkl,pl->pgk", xgxg, beta_r)  # X_g'ũ_g
        self._c_hat = unrestricted @ a  # 3 × G
        c = restricted @ a  # R (X'X)^-1 X_g'ũ_g, 3 × G
        # R (X'X)^-1 X_g'X_g (X'X)^-1 X_h'ũ_h: 3 × G × G
        h = np.einsum("gk,phk->pgh", (xgxg @ a) @ xtx_inv, restricted)
        spread = (np.einsum("pg,gh->pgh", c, np.eye(self.n_clusters)) - h) @ weights  # 3 × G × B
        self._numerator = c @ weights  # 3 × B
        # sum over clusters of the spreads' products, 3 × 3 × B: the squared denominators are a
        # quadratic form in (1, r, b)
        self._squares = np.einsum("pgb,qgb->pqb", spread, spread)

    @classmethod
    def from_rows(
        cls, y: np.ndarray, x: np.ndarray, j: int, clusters: np.ndarray, weights: np.ndarray
    ) -> WildClusterBootstrap:
        return cls(ClusterSums.from_rows(y, x, clusters), j, weights)

    def t_statistic(self, r: float = 0.0, b: float = 0.0) -> float:
        """The CRV1 t statistic of beta_j - r in the original sample."""
        c = self._c_hat[0] + b * self._c_hat[2]
        beta_j = self._beta_j[0] + b * self._beta_j[2]
        return float((beta_j - r) / math.sqrt(self._ssc * np.sum(c**2)))

    def bootstrap_t(self, r: float = 0.0, b: float = 0.0) -> np.ndarray:
        """The B bootstrap t statistics under H0: beta_j = r."""
        theta = np.array([1.0, r, b])
        squares = np.tensordot(np.outer(theta, theta), self._squares, axes=2)
        return theta @ self._numerator / np.sqrt(self._ssc * np.maximum(squares, 0.0))

    def p_value(self, r: float = 0.0, b: float = 0.0) -> float:
        """Share of bootstrap |t| above the sample |t| (wildboottest's convention)."""
        return float(np.mean(np.abs(self.bootstrap_t(r, b)) > abs(self.t_statistic(r, b))))


def invert_test(
    p_value: Callable[[float], float],
    estimate: float,
    scale: float,
    level: float,
    sides: tuple[float, ...] = (-1.0, 1.0),
) -> tuple[float, float]:
    """The confidence set {b : p_value(b) > 1 - level} as an interval around `estimate`.

    Each bound is found by bisection between `estimate` (not rejected) and a point far enough
    out that is rejected (doubling the step from `scale`); an unbounded side returns ±inf. A side
    left out of `sides` (-1 lower, +1 upper) is returned as NaN.
    """
    alpha = 1.0 - level
    scale = scale if scale > 0 and math.isfinite(scale) else 1.0
    bounds = {-1.0: math.nan, 1.0: math.nan}
    for direction in sides:
        inside, step = estimate, scale
        outside = None
        for _ in range(40):
            candidate = estimate + direction * step
            if p_value(candidate) <= alpha:
                outside = candidate
                break
            inside, step = candidate, step * 2
        if outside is None:
            bounds[direction] = direction * math.inf
            continue
        for _ in range(50):
            middle = (inside + outside) / 2
            if p_value(middle) > alpha:
                inside = middle
            else:
                outside = middle
            if abs(outside - inside) <= 1e-7 * scale:
                break
        bounds[direction] = inside
    return bounds[-1.0], bounds[1.0]


# --------------------------------------------------------------------------------------------
# Randomization inference over agency pairs.
# --------------------------------------------------------------------------------------------


def pair_assignments(n_pairs: int, max_assignments: int, seed: int) -> np.ndarray:
    """Swap patterns (rows of 0/1 per pair, 1 = swap pilot and comparison agency): all 2^pairs
    of them when they are few enough, else the identity and a seeded sample."""
    if 2**n_pairs <= max_assignments:
        return np.array(list(itertools.product([0, 1], repeat=n_pairs)), dtype=bool)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, 2, size=(max_assignments - 1, n_pairs)).astype(bool)
    return np.vstack([np.zeros((1, n_pairs), dtype=bool), draws])


def randomization_p_value(
    statistic: Callable[[np.ndarray], float],
    is_pilot: np.ndarray,
    pairs: np.ndarray,
    max_assignments: int,
    seed: int,
) -> tuple[float, int]:
    """RI p-value of a statistic of the pilot indicator: the share of pair swaps whose |statistic|
    is at least the observed one (the observed assignment included), and the number of swaps.

    A swap under which the statistic is not defined (NaN: a cell of the design left empty, as when
    a subgroup's only pilot answers of a window move to the other arm) is left out of both counts:
    the p-value is that of the estimable swaps, and the count says how many there were."""
    observed = abs(statistic(is_pilot))
    assignments = swapped_assignments(is_pilot, pairs, max_assignments, seed)
    values = np.array([abs(statistic(assignment)) for assignment in assignments])
    values = values[np.isfinite(values)]
    return float(np.mean(values >= observed - 1e-12 * max(1.0, observed))), len(values)


def swapped_assignments(
    is_pilot: np.ndarray, pairs: np.ndarray, max_assignments: int, seed: int
) -> list[np.ndarray]:
    """The pilot indicator under each swap pattern of `pair_assignments` (pairs numbered in
    sorted label order), for rows, firms or cells alike."""
    labels, pair_codes = np.unique(np.asarray(pairs).astype(str), return_inverse=True)
    swaps = pair_assignments(len(labels), max_assignments, seed)
    return [np.where(swap[pair_codes], ~is_pilot, is_pilot) for swap in swaps]


# --------------------------------------------------------------------------------------------
# One estimate.
# --------------------------------------------------------------------------------------------


def _design(is_pilot: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """[1, pilot] or, with an `extra` indicator, [1, pilot, extra, pilot × extra]."""
    pilot = is_pilot.astype(float)
    if extra is None:
        return np.column_stack([np.ones(len(pilot)), pilot])
    other = extra.astype(float)
    return np.column_stack([np.ones(len(pilot)), pilot, other, pilot * other])


def _empty_row() -> dict[str, object]:
    return {name: None for name in OUTPUT_COLUMNS}


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


@dataclass(frozen=True)
class Cells:
    """Observations collapsed to cells: one per cluster, pair, pilot flag and `extra` flag.

    Assignment is by cluster, so a swap of the pairs gives every row of a cell the same
    regressors; a cell's count and outcome totals then stand for its rows in every regression
    (ClusterSums.from_codes), and randomization inference or the design's simulation costs
    O(cells) per assignment instead of O(rows).
    """

    codes: np.ndarray  # cluster code of each cell (sorted label order, as the weights)
    n_clusters: int
    pairs: np.ndarray  # pair label of each cell
    pilot: np.ndarray
    extra: np.ndarray | None
    count: np.ndarray
    totals: dict[str, np.ndarray]

    @classmethod
    def collapse(
        cls,
        clusters: np.ndarray,
        pairs: np.ndarray,
        is_pilot: np.ndarray,
        extra: np.ndarray | None = None,
        **outcomes: np.ndarray,
    ) -> Cells:
        codes, n_clusters = _cluster_codes(clusters)
        pair_labels, pair_codes = np.unique(np.asarray(pairs).astype(str), return_inverse=True)
        flags = np.asarray(is_pilot, dtype=np.int64) * 2
        if extra is not None:
            flags = flags + np.asarray(extra, dtype=np.int64)
        key = (codes.astype(np.int64) * len(pair_labels) + pair_codes) * 4 + flags
        _, first, cell = np.unique(key, return_index=True, return_inverse=True)
        totals = {
            name: np.bincount(cell, weights=np.asarray(values, dtype=float))
            for name, values in outcomes.items()
        }
        return cls(
            codes=codes[first],
            n_clusters=n_clusters,
            pairs=pair_labels[pair_codes[first]],
            pilot=np.asarray(is_pilot, dtype=bool)[first],
            extra=None if extra is None else np.asarray(extra, dtype=bool)[first],
            count=np.bincount(cell).astype(float),
            totals=totals,
        )

    def sums(self, outcome: str, pilot: np.ndarray | None = None) -> ClusterSums:
        """The cluster sums of `outcome` on [1, pilot(, extra, pilot × extra)], the cells'
        own pilot flags unless another assignment of them is given."""
        x = _design(self.pilot if pilot is None else pilot, self.extra)
        return ClusterSums.from_codes(
            self.totals[outcome], x, self.codes, self.n_clusters, self.count
        )


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

        def ar_p_value(b: float) -> float:
            return boot.p_value(0.0, b)

        p_value = ar_p_value(0.0)
        ci = invert_test(ar_p_value, estimate, std_error, settings.level)

    def t_of(assignment: np.ndarray) -> float:
        swapped = cells.sums("y", assignment)
        if not swapped.is_full_rank():  # this swap empties a cell of the design: no statistic
            return float("nan")
        beta, se = swapped.crv1(j)
        return beta / se if se > 0 else 0.0

    p_ri, n_ri = randomization_p_value(
        t_of, cells.pilot, cells.pairs, settings.max_assignments, settings.seed
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


def hc1(y: np.ndarray, x: np.ndarray, j: int) -> tuple[float, float]:
    """OLS coefficient j and its HC1 standard error: n/(n-k) (X'X)^-1 X' diag(û²) X (X'X)^-1."""
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ (x.T @ y)
    residuals = y - x @ beta
    c = x @ xtx_inv[j]  # row i's weight in beta_j
    return float(beta[j]), float(math.sqrt(n / (n - k) * np.sum((c * residuals) ** 2)))


def robust_effect(y: np.ndarray, is_pilot: np.ndarray, level: float) -> dict[str, object]:
    """A firm-level-assignment effect: the pilot coefficient of `y ~ 1 + pilot` with HC1 errors
    (held against pyfixest in a test) and a t(n - 2) confidence interval."""
    row: dict[str, object] = {"n_clusters": len(y)}
    if len(y) < 3 or is_pilot.all() or not is_pilot.any():
        return row
    estimate, std_error = hc1(y, _design(is_pilot), 1)
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
    table = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for name in ["n_pilot", "n_control", "n_clusters", "n_firms", "n_ri_assignments"]:
        table[name] = table[name].astype("Int64")
    for name in [
        "estimate",
        "std_error",
        "ci_low",
        "ci_high",
        "p_value",
        "p_value_ri",
        "largest_firm_share",
        "first_stage",
    ]:
        table[name] = pd.to_numeric(table[name], errors="coerce").astype("float64")
    for name in ["experiment", "outcome", "subgroup", "estimand", "inference"]:
        table[name] = table[name].astype("object")
    return table


# --------------------------------------------------------------------------------------------
# Event study.
# --------------------------------------------------------------------------------------------

EVENT_STUDY_COLUMNS = [
    "experiment",
    "outcome",
    "months_from_pilot_start",
    "is_reference",
    "estimate",
    "std_error",
    "ci_low",
    "ci_high",
    "p_value",
    "inference",
    "n_pilot",
    "n_control",
    "n_clusters",
    "n_firms",
    "largest_firm_share",
    "n_leads",
    "leads_max_abs_t",
    "leads_joint_p_value",
]


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
    x = _design(is_pilot)
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
    table = pd.DataFrame(rows, columns=EVENT_STUDY_COLUMNS)
    if lead_t:
        observed = max(lead_t)
        table["n_leads"] = len(lead_t)
        table["leads_max_abs_t"] = observed
        table["leads_joint_p_value"] = float(np.mean(np.max(lead_boot, axis=0) > observed))
    for name in ["months_from_pilot_start", "n_pilot", "n_control", "n_clusters", "n_firms"]:
        table[name] = table[name].astype("Int64")
    table["n_leads"] = table["n_leads"].astype("Int64")
    for name in ["estimate", "std_error", "ci_low", "ci_high", "p_value", "largest_firm_share"]:
        table[name] = pd.to_numeric(table[name], errors="coerce").astype("float64")
    for name in ["leads_max_abs_t", "leads_joint_p_value"]:
        table[name] = pd.to_numeric(table[name], errors="coerce").astype("float64")
    table["is_reference"] = table["is_reference"].astype("boolean")
    for name in ["experiment", "outcome", "inference"]:
        table[name] = table[name].astype("object")
    return table
