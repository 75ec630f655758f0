"""Inference for a linear regression with few clusters: the engine under `smallfirms.estimate`.

It knows regressions, clusters, pairs of clusters and a treatment indicator, nothing of the
experiments, their cohorts, the marts' columns or the dbt vars (its callers pass every parameter):

- `ClusterSums`: OLS reduced to its per-cluster sums, with the CRV1 standard error of a
  coefficient and of a just-identified IV coefficient; `crv1` and `hc1` on row-level data;
- `WildClusterBootstrap`: the restricted wild cluster bootstrap (WCR11, Webb's six-point weights,
  `webb_weights`) of MacKinnon & Webb, also as the Anderson-Rubin test of an IV coefficient;
  `invert_test` turns any such test into a confidence interval (the set of values it does not
  reject);
- randomization inference over matched pairs of clusters: `pair_assignments`,
  `swapped_assignments`, `randomization_p_value` of any statistic, `t_of` the CRV1 t statistic
  under another assignment;
- `Cells`: observations collapsed to one row per cluster, pair and indicators, so that a swap of
  the pairs or a bootstrap costs O(clusters); `design_matrix` is the regression they share.

Why the bootstrap is written here rather than called from `wildboottest`: that package (and
pyfixest's `Feols.wildboottest`, which wraps it) returns a p-value for the null 0 only, with no CI,
and takes about 0.2 s a call (0.8 s through its own class, which recompiles its numba kernels each
time). A CI by test inversion needs some 60 bootstrap tests per estimate and the evaluation has
about a hundred estimates, each with 512 pair swaps for randomization inference.

Why it scales: OLS, CRV1 errors and the WCR11 bootstrap of a linear model need only the per-cluster
sums X_g'X_g and X_g'y_g (Roodman et al. 2019, "Fast and wild"). They are summed once per estimate
in O(observations); every bootstrap test, pair swap (assignment is by cluster, so the rows of a
cluster collapse into a few cells) and shifted outcome after that is O(clusters). Tests
(`tests/python/test_inference.py`) hold the CRV1, IV and HC1 errors against pyfixest and, given the
same weights, the bootstrap against wildboottest's t statistics and p-value.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np

# Webb's six-point distribution: ±sqrt(1/2), ±1, ±sqrt(3/2), each with probability 1/6.
WEBB_POINTS = np.array(
    [-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)]
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


def hc1(y: np.ndarray, x: np.ndarray, j: int) -> tuple[float, float]:
    """OLS coefficient j and its HC1 standard error: n/(n-k) (X'X)^-1 X' diag(û²) X (X'X)^-1."""
    n, k = x.shape
    xtx_inv = np.linalg.inv(x.T @ x)
    beta = xtx_inv @ (x.T @ y)
    residuals = y - x @ beta
    c = x @ xtx_inv[j]  # row i's weight in beta_j
    return float(beta[j]), float(math.sqrt(n / (n - k) * np.sum((c * residuals) ** 2)))


# --------------------------------------------------------------------------------------------
# The wild cluster bootstrap and its inversion into a confidence interval.
# --------------------------------------------------------------------------------------------


def webb_weights(n_clusters: int, reps: int, seed: int) -> np.ndarray:
    """A G × B matrix of Webb weights drawn from a generator seeded with `seed`."""
    rng = np.random.default_rng(seed)
    return WEBB_POINTS[rng.integers(0, len(WEBB_POINTS), size=(n_clusters, reps))]


class WildClusterBootstrap:
    """The restricted wild cluster bootstrap (WCR11) of H0: beta_j = r in y - b z = X beta + u.

    `sums` are the cluster sums of y; `shift`, when given, those of z on the same X (the
    Anderson-Rubin test of an IV coefficient inverts over b); `weights` is G × B (clusters in
    sorted label order). Every quantity of the test is affine in (r, b): the restricted
    estimate, the residual scores and the bootstrap numerators and spreads. Their three parts
    (constant, r, b) are computed once, the G × G × B products among them, so that
    `t_statistic`, `bootstrap_t` and `p_value` at any (r, b) cost O(B): cheap enough to invert
    the test.
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
# Randomization inference over matched pairs of clusters.
# --------------------------------------------------------------------------------------------


def pair_assignments(n_pairs: int, max_assignments: int, seed: int) -> np.ndarray:
    """Swap patterns (rows of 0/1 per pair, 1 = swap the treated and the comparison cluster):
    all 2^pairs of them when they are few enough, else the identity and a seeded sample."""
    if 2**n_pairs <= max_assignments:
        return np.array(list(itertools.product([0, 1], repeat=n_pairs)), dtype=bool)
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, 2, size=(max_assignments - 1, n_pairs)).astype(bool)
    return np.vstack([np.zeros((1, n_pairs), dtype=bool), draws])


def swapped_assignments(
    is_pilot: np.ndarray, pairs: np.ndarray, max_assignments: int, seed: int
) -> list[np.ndarray]:
    """The treatment indicator under each swap pattern of `pair_assignments` (pairs numbered in
    sorted label order), for rows, firms or cells alike."""
    labels, pair_codes = np.unique(np.asarray(pairs).astype(str), return_inverse=True)
    swaps = pair_assignments(len(labels), max_assignments, seed)
    return [np.where(swap[pair_codes], ~is_pilot, is_pilot) for swap in swaps]


def randomization_p_value(
    statistic: Callable[[np.ndarray], float],
    is_pilot: np.ndarray,
    pairs: np.ndarray,
    max_assignments: int,
    seed: int,
) -> tuple[float, int, float]:
    """RI p-value of a statistic of the treatment indicator: the share of pair swaps whose
    |statistic| is at least the observed one (the observed assignment included), the number of
    swaps, and the smallest p-value this set of swaps can give: the share of swaps tied at the
    largest |statistic|. Swapping every pair mirrors the assignment and gives the same |t|, so
    with 2^k swaps that floor is 2 / 2^k, not 1 / 2^k.

    `pairs` labels the units that swap together: agency pairs, or blocks of pairs (the two
    agglomeration pairs of a region share an urban area and swap as one).

    A swap under which the statistic is not defined (NaN: a cell of the design left empty, as when
    a subgroup's only treated observations of a window move to the other arm) is left out of both
    counts: the p-value is that of the estimable swaps, and the count says how many there were."""
    observed = abs(statistic(is_pilot))
    assignments = swapped_assignments(is_pilot, pairs, max_assignments, seed)
    values = np.array([abs(statistic(assignment)) for assignment in assignments])
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return math.nan, 0, math.nan
    p_value = float(np.mean(values >= observed - 1e-12 * max(1.0, observed)))
    largest = float(values.max())
    floor = float(np.mean(values >= largest - 1e-12 * max(1.0, largest)))
    return p_value, len(values), floor


def romano_wolf(t_observed: np.ndarray, t_bootstrap: np.ndarray) -> np.ndarray:
    """Romano–Wolf step-down p-values of a family of tests (Romano & Wolf 2005, Algorithm 4.1 with
    bootstrap t statistics): `t_observed` (m,) the sample t of each hypothesis, `t_bootstrap`
    (m, B) its bootstrap t under its null, drawn with the same weights for every hypothesis so
    that their dependence is kept. Taking hypotheses from the largest |t| down, each one's p-value
    is the share of draws whose largest |t| over the hypotheses not yet taken exceeds its |t|, and
    never less than the p-value before it. Each is at least its own single-test p-value."""
    t_observed = np.abs(np.asarray(t_observed, dtype=float))
    draws = np.abs(np.asarray(t_bootstrap, dtype=float))
    order = np.argsort(-t_observed, kind="stable")
    adjusted = np.empty(len(t_observed))
    running = 0.0
    for rank, k in enumerate(order):
        largest = draws[order[rank:]].max(axis=0)
        running = max(running, float(np.mean(largest > t_observed[k])))
        adjusted[k] = running
    return adjusted


# --------------------------------------------------------------------------------------------
# Cells: the observations of a cluster-assigned design collapsed.
# --------------------------------------------------------------------------------------------


def design_matrix(is_pilot: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """[1, pilot] or, with an `extra` indicator, [1, pilot, extra, pilot × extra]."""
    pilot = is_pilot.astype(float)
    if extra is None:
        return np.column_stack([np.ones(len(pilot)), pilot])
    other = extra.astype(float)
    return np.column_stack([np.ones(len(pilot)), pilot, other, pilot * other])


@dataclass(frozen=True)
class Cells:
    """Observations collapsed to cells: one per cluster, pair, pilot flag and `extra` flag.

    Assignment is by cluster, so a swap of the pairs gives every row of a cell the same
    regressors; a cell's count and outcome totals then stand for its rows in every regression
    (ClusterSums.from_codes), and randomization inference or a design's simulation costs
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
        x = design_matrix(self.pilot if pilot is None else pilot, self.extra)
        return ClusterSums.from_codes(
            self.totals[outcome], x, self.codes, self.n_clusters, self.count
        )


def t_of(cells: Cells, outcome: str, j: int, assignment: np.ndarray) -> float:
    """The CRV1 t statistic of coefficient j of `outcome` when the cells' pilot flags are
    `assignment` (the statistic of randomization inference): NaN when that assignment empties a
    cell of the design, 0 when the standard error is 0."""
    swapped = cells.sums(outcome, assignment)
    if not swapped.is_full_rank():
        return float("nan")
    beta, se = swapped.crv1(j)
    return beta / se if se > 0 else 0.0
