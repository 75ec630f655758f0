"""The inference engine (`smallfirms.inference`) against hand computations and reference libraries.

- the wild cluster bootstrap returns, given the same weights, the bootstrap t statistics and the
  p-value of the `wildboottest` package;
- the confidence interval is the set of effects the bootstrap test does not reject;
- randomization inference enumerates every swap of the pairs, and leaves out the swaps under which
  the t statistic is not defined;
- the IV and HC1 standard errors are pyfixest's;
- collapsing rows into cells changes no regression, swap or bootstrap statistic.
"""

import warnings
from functools import partial

import numpy as np
import pandas as pd
import pytest
from samples import answers_missing_a_window, clustered_data, tiny_panel

from smallfirms import inference


def test_bootstrap_matches_wildboottest_given_the_same_weights():
    from wildboottest.wildboottest import WildboottestCL

    y, is_pilot, clusters = clustered_data()
    x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
    n_clusters = len(np.unique(clusters))
    weights = inference.webb_weights(n_clusters, 499, seed=11)
    ours = inference.WildClusterBootstrap.from_rows(y, x, 1, clusters, weights)

    codes = np.unique(clusters, return_inverse=True)[1]
    reference = WildboottestCL(
        X=x, Y=y, cluster=codes, R=np.array([0.0, 1.0]), B=499, seed=1, parallel=False
    )
    reference.get_scores(bootstrap_type="11", impose_null=True)
    reference.v = weights  # the same draws: clusters numbered in the same (sorted) order
    reference.get_numer()
    reference.get_denom()
    reference.get_tboot()
    reference.get_vcov()
    reference.get_tstat()
    reference.get_pvalue(pval_type="two-tailed")

    assert ours.t_statistic(0.0) == pytest.approx(float(np.ravel(reference.t_stat)[0]), rel=1e-9)
    np.testing.assert_allclose(ours.bootstrap_t(0.0), np.ravel(reference.t_boot), rtol=1e-9)
    assert ours.p_value(0.0) == pytest.approx(float(reference.pvalue), abs=1e-12)


def test_confidence_interval_is_the_set_the_bootstrap_test_does_not_reject():
    y, is_pilot, clusters = clustered_data(seed=5)
    x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
    weights = inference.webb_weights(len(np.unique(clusters)), 999, seed=2)
    boot = inference.WildClusterBootstrap.from_rows(y, x, 1, clusters, weights)
    beta, se = inference.crv1(y, x, 1, clusters)
    low, high = inference.invert_test(boot.p_value, beta, se, 0.95)
    assert low < beta < high
    step = 1e-4 * se
    assert boot.p_value(low + step) > 0.05 >= boot.p_value(low - step)
    assert boot.p_value(high - step) > 0.05 >= boot.p_value(high + step)
    # the interval of the shifted outcome is the shifted interval
    shifted = inference.WildClusterBootstrap.from_rows(y + 2.0 * is_pilot, x, 1, clusters, weights)
    low2, high2 = inference.invert_test(shifted.p_value, beta + 2.0, se, 0.95)
    assert (low2, high2) == pytest.approx((low + 2.0, high + 2.0), abs=1e-5)


def test_randomization_inference_enumerates_every_swap_of_the_pairs():
    firms = tiny_panel()
    change = (firms["pilot"] - firms["pre"]).to_numpy(float)
    is_pilot = (firms["cohort"] == "pilot").to_numpy()
    seen = []

    def statistic(assignment: np.ndarray) -> float:
        seen.append(tuple(assignment))
        return change[assignment].mean() - change[~assignment].mean()

    p_value, n, floor = inference.randomization_p_value(
        statistic, is_pilot, firms["pair_id"].to_numpy(), 4096, seed=1
    )
    # 2 pairs: 4 assignments (plus the observed one, computed first)
    assert n == 4
    assert len(set(seen[1:])) == 4
    # |statistics| by hand: observed 1.5; swap pair A: 0.5; swap pair C: 1.0; both: 1.5
    assert p_value == pytest.approx(2 / 4)
    # swapping both pairs mirrors the assignment (same |statistic|): no p below 2 / 4
    assert floor == pytest.approx(2 / 4)


def test_randomization_by_block_swaps_the_pairs_of_a_block_together():
    """Blocks of pairs (a region's two agglomeration pairs) swap as one: 5 pairs of two units in 3
    blocks give 2^3 assignments, and the mirror assignment keeps the floor at 2 / 8."""
    blocks = np.array(["b1"] * 4 + ["b2"] * 4 + ["b3"] * 2)
    is_pilot = np.array([True, False] * 5)
    effect = np.array([3.0, 0.0, 1.0, 0.0, 2.0, 0.0, 0.5, 0.0, 4.0, 0.0])
    seen = []

    def statistic(assignment: np.ndarray) -> float:
        seen.append(tuple(assignment))
        return effect[assignment].mean() - effect[~assignment].mean()

    p_value, n, floor = inference.randomization_p_value(statistic, is_pilot, blocks, 4096, 1)
    assert n == 8 and floor == pytest.approx(2 / 8)
    for assignment in seen:
        flags = np.array(assignment)
        # within a block, every pair is the observed one or every pair is swapped
        for block in ("b1", "b2", "b3"):
            kept = flags[blocks == block] == is_pilot[blocks == block]
            assert kept.all() or not kept.any()
    # observed |difference| 2.1 is the largest: only it and its mirror reach it
    assert p_value == pytest.approx(2 / 8)


def test_t_of_is_undefined_under_a_swap_that_empties_a_cell():
    # Swapping exactly one of the two pairs leaves one arm without a row of extra = 0: the
    # interaction is not identified, t_of is NaN, and randomization inference counts the 2 other
    # swaps only.
    cluster, pair, is_pilot, extra, y = answers_missing_a_window()
    cells = inference.Cells.collapse(cluster, pair, is_pilot, extra, y=y)
    statistic = partial(inference.t_of, cells, "y", 3)
    assert np.isfinite(statistic(cells.pilot))
    swap_one = np.where(cells.pairs == "0", ~cells.pilot, cells.pilot)
    assert np.isnan(statistic(swap_one))
    p_value, n, _ = inference.randomization_p_value(statistic, cells.pilot, cells.pairs, 4096, 1)
    assert n == 2
    assert 0 < p_value <= 1


def test_iv_standard_error_matches_pyfixest():
    import pyfixest as pf

    y, is_pilot, clusters = clustered_data(seed=12)
    rng = np.random.default_rng(1)
    contacted = (is_pilot & (rng.random(len(y)) < 0.6)).astype(float)
    x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
    ours = inference.ClusterSums.from_rows(y, x, clusters).iv_crv1(
        inference.ClusterSums.from_rows(contacted, x, clusters), 1
    )
    data = pd.DataFrame({"y": y, "d": contacted, "z": is_pilot.astype(float), "c": clusters})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols("y ~ 1 | d ~ z", data=data, vcov={"CRV1": "c"})
    assert ours[0] == pytest.approx(float(fit.coef()["d"]), rel=1e-10)
    assert ours[1] == pytest.approx(float(fit.se()["d"]), rel=1e-10)


def test_cells_give_the_row_level_regressions_under_every_swap():
    """Collapsing rows to cells changes no figure: the coefficient, its SE, the RI statistics
    under each pair swap, the bootstrap and the Anderson-Rubin test of a shifted outcome are
    those of the row-level computation."""
    y, is_pilot, clusters = clustered_data(seed=13)
    pairs = (clusters.astype(int) // 2).astype(str)
    rng = np.random.default_rng(2)
    extra = rng.random(len(y)) < 0.5
    contacted = (is_pilot & (rng.random(len(y)) < 0.6)).astype(float)
    weights = inference.webb_weights(len(np.unique(clusters)), 299, seed=4)
    for evaluation, j in ((None, 1), (extra, 3)):
        cells = inference.Cells.collapse(clusters, pairs, is_pilot, evaluation, y=y, d=contacted)
        assert len(cells.count) < len(y) / 5
        swaps = inference.pair_assignments(len(np.unique(pairs)), 4096, seed=1)
        pair_codes = np.unique(pairs, return_inverse=True)[1]
        cell_pair_codes = np.unique(cells.pairs, return_inverse=True)[1]
        for swap in swaps[:8]:
            rows = np.where(swap[pair_codes], ~is_pilot, is_pilot)
            collapsed = np.where(swap[cell_pair_codes], ~cells.pilot, cells.pilot)
            x = inference.design_matrix(rows, evaluation)
            expected = inference.crv1(y, x, j, clusters)
            assert cells.sums("y", collapsed).crv1(j) == pytest.approx(expected, rel=1e-10)
        x = inference.design_matrix(is_pilot, evaluation)
        by_rows = inference.WildClusterBootstrap.from_rows(y, x, j, clusters, weights)
        by_cells = inference.WildClusterBootstrap(cells.sums("y"), j, weights)
        np.testing.assert_allclose(by_cells.bootstrap_t(0.3), by_rows.bootstrap_t(0.3), rtol=1e-9)
        shifted_rows = inference.WildClusterBootstrap.from_rows(
            y - 0.7 * contacted, x, j, clusters, weights
        )
        ar = inference.WildClusterBootstrap(cells.sums("y"), j, weights, shift=cells.sums("d"))
        assert ar.t_statistic(0.0, 0.7) == pytest.approx(shifted_rows.t_statistic(0.0), rel=1e-9)
        np.testing.assert_allclose(
            ar.bootstrap_t(0.0, 0.7), shifted_rows.bootstrap_t(0.0), rtol=1e-9
        )


def test_hc1_standard_error_matches_pyfixest():
    import pyfixest as pf

    rng = np.random.default_rng(6)
    is_pilot = rng.random(80) < 0.4
    y = 2.0 * is_pilot + rng.normal(0, 1 + 2 * is_pilot, 80)
    ours = inference.hc1(y, inference.design_matrix(is_pilot), 1)
    data = pd.DataFrame({"y": y, "pilot": is_pilot.astype(float)})
    fit = pf.feols("y ~ pilot", data=data, vcov="HC1")
    assert ours[0] == pytest.approx(float(fit.coef()["pilot"]), rel=1e-10)
    assert ours[1] == pytest.approx(float(fit.se()["pilot"]), rel=1e-10)


def test_romano_wolf_step_down_by_hand():
    # Two hypotheses, four draws. |t| observed: A 2.5, B 1.5.
    # Step 1 (A, the largest): max over {A, B} of the draws' |t| = 3, 1, 2, 2.6 -> share above
    # 2.5: 2 / 4. Step 2 (B): draws of B alone, 1, 0.5, 2, 0.2 -> share above 1.5: 1 / 4, raised
    # to the step before: 2 / 4.
    t = np.array([2.5, -1.5])
    draws = np.array([[3.0, -1.0, 0.5, 2.6], [1.0, 0.5, -2.0, 0.2]])
    np.testing.assert_allclose(inference.romano_wolf(t, draws), [0.5, 0.5])
    # one hypothesis: its own bootstrap p-value
    np.testing.assert_allclose(inference.romano_wolf(t[1:], draws[1:]), [0.25])


def test_romano_wolf_is_never_below_the_single_tests_and_bounds_the_familywise_error():
    rng = np.random.default_rng(4)
    common = rng.normal(size=2000)
    draws = 0.7 * common + 0.7 * rng.normal(size=(5, 2000))  # five correlated nulls
    t = np.array([2.4, 0.3, -1.9, 1.1, 2.9])
    adjusted = inference.romano_wolf(t, draws)
    single = (np.abs(draws) > np.abs(t)[:, None]).mean(axis=1)
    assert (adjusted >= single - 1e-12).all()
    # the order of |t| is kept: a larger |t| never gets a larger adjusted p-value
    order = np.argsort(-np.abs(t))
    assert (np.diff(adjusted[order]) >= -1e-12).all()
    # under the null, the family-wise error of the step-down at 5 % stays near 5 %: draw the
    # "observed" t from the null draws themselves
    rejections = 0
    for b in range(200):
        observed = draws[:, b]
        rest = np.delete(draws, b, axis=1)
        rejections += (inference.romano_wolf(observed, rest) < 0.05).any()
    assert rejections / 200 < 0.1
