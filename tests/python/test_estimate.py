"""The estimators of `smallfirms.estimate` against hand computations and reference libraries.

- the difference-in-differences equals the difference of mean changes, and pyfixest's two-way
  fixed-effects coefficient on the same panel;
- the wild cluster bootstrap returns, given the same weights, the bootstrap t statistics and the
  p-value of the `wildboottest` package;
- the confidence interval is the set of effects the bootstrap test does not reject;
- randomization inference enumerates every swap of the agency pairs;
- the satisfaction DiD equals the difference of the four cell means; the TOT is ITT / first stage.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from smallfirms import estimate

SETTINGS = estimate.Settings(reps=999, seed=7, level=0.95, max_assignments=4096)


def tiny_panel() -> pd.DataFrame:
    """8 firms in 4 agencies (2 pairs), pre and pilot hires chosen by hand."""
    firms = pd.DataFrame(
        {
            "unit_id": [f"f{i}" for i in range(8)],
            "cohort": ["pilot", "pilot", "control", "control"] * 2,
            "cluster_id": ["A", "A", "B", "B", "C", "C", "D", "D"],
            "pair_id": ["A", "A", "A", "A", "C", "C", "C", "C"],
            "pre": [1, 0, 2, 1, 0, 3, 1, 1],
            "pilot": [3, 2, 2, 1, 1, 4, 0, 2],
        }
    )
    return firms


def test_did_is_the_difference_of_mean_changes_and_the_two_way_fe_coefficient():
    firms = tiny_panel()
    change = firms["pilot"] - firms["pre"]
    is_pilot = (firms["cohort"] == "pilot").to_numpy()
    # by hand: pilot changes 2, 2, 1, 1 (mean 1.5); control changes 0, 0, -1, 1 (mean 0)
    assert change[is_pilot].mean() - change[~is_pilot].mean() == pytest.approx(1.5)

    row = estimate.clustered_effect(
        change.to_numpy(float),
        is_pilot,
        firms["cluster_id"].to_numpy(),
        firms["pair_id"].to_numpy(),
        SETTINGS,
    )
    assert row["estimate"] == pytest.approx(1.5, abs=1e-12)

    import pyfixest as pf

    panel = firms.melt(
        id_vars=["unit_id", "cohort", "cluster_id"],
        value_vars=["pre", "pilot"],
        var_name="period",
        value_name="hires",
    )
    panel["treated"] = ((panel["cohort"] == "pilot") & (panel["period"] == "pilot")).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fe = pf.feols("hires ~ treated | unit_id + period", data=panel)
        fd = pf.feols(
            "change ~ pilot",
            data=pd.DataFrame(
                {"change": change, "pilot": is_pilot.astype(float), "c": firms["cluster_id"]}
            ),
            vcov={"CRV1": "c"},
        )
    assert float(fe.coef()["treated"]) == pytest.approx(1.5, abs=1e-10)
    assert row["std_error"] == pytest.approx(float(fd.se()["pilot"]), rel=1e-10)


def _clustered_data(seed: int = 3, n_clusters: int = 12, effect: float = 0.3):
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(n_clusters), rng.integers(5, 40, n_clusters))
    is_pilot = clusters % 2 == 0
    cluster_shock = rng.normal(0, 0.5, n_clusters)[clusters]
    y = effect * is_pilot + cluster_shock + rng.normal(0, 1, len(clusters))
    return y, is_pilot, clusters.astype(str)


def test_bootstrap_matches_wildboottest_given_the_same_weights():
    from wildboottest.wildboottest import WildboottestCL

    y, is_pilot, clusters = _clustered_data()
    x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
    _, n_clusters = np.unique(clusters, return_inverse=True)[0], len(np.unique(clusters))
    weights = estimate.webb_weights(n_clusters, 499, seed=11)
    ours = estimate.WildClusterBootstrap.from_rows(y, x, 1, clusters, weights)

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
    y, is_pilot, clusters = _clustered_data(seed=5)
    x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
    weights = estimate.webb_weights(len(np.unique(clusters)), 999, seed=2)
    boot = estimate.WildClusterBootstrap.from_rows(y, x, 1, clusters, weights)
    beta, se = estimate.crv1(y, x, 1, clusters)
    low, high = estimate.invert_test(boot.p_value, beta, se, 0.95)
    assert low < beta < high
    step = 1e-4 * se
    assert boot.p_value(low + step) > 0.05 >= boot.p_value(low - step)
    assert boot.p_value(high - step) > 0.05 >= boot.p_value(high + step)
    # the interval of the shifted outcome is the shifted interval
    shifted = estimate.WildClusterBootstrap.from_rows(y + 2.0 * is_pilot, x, 1, clusters, weights)
    low2, high2 = estimate.invert_test(shifted.p_value, beta + 2.0, se, 0.95)
    assert (low2, high2) == pytest.approx((low + 2.0, high + 2.0), abs=1e-5)


def test_randomization_inference_enumerates_every_swap_of_the_pairs():
    firms = tiny_panel()
    change = (firms["pilot"] - firms["pre"]).to_numpy(float)
    is_pilot = (firms["cohort"] == "pilot").to_numpy()
    seen = []

    def statistic(assignment: np.ndarray) -> float:
        seen.append(tuple(assignment))
        return change[assignment].mean() - change[~assignment].mean()

    p_value, n = estimate.randomization_p_value(
        statistic, is_pilot, firms["pair_id"].to_numpy(), 4096, seed=1
    )
    # 2 pairs: 4 assignments (plus the observed one, computed first)
    assert n == 4
    assert len(set(seen[1:])) == 4
    # |statistics| by hand: observed 1.5; swap pair A: 0.5; swap pair C: 1.0; both: 1.5
    assert p_value == pytest.approx(2 / 4)


def test_randomization_inference_leaves_out_swaps_that_empty_a_cell():
    # Two pairs of agencies: a1 and b2 have answers in both windows, a2 and b1 in the evaluation
    # window only. Swapping exactly one pair leaves one arm without a baseline answer: the DiD is
    # not defined under those two swaps.
    agency = np.array(["a1", "a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2", "b2"])
    pair = np.array(["0", "0", "0", "0", "0", "1", "1", "1", "1", "1"])
    is_pilot = np.isin(agency, ["a1", "b1"])
    is_evaluation = np.array([0, 1, 1, 1, 1, 1, 1, 0, 1, 1], dtype=bool)
    satisfied = np.array([1, 1, 0, 0, 1, 1, 0, 0, 1, 1], dtype=float)
    row = estimate.clustered_effect(
        satisfied, is_pilot, agency, pair, SETTINGS, extra=is_evaluation
    )
    assert np.isfinite(row["estimate"])
    # 4 swaps of 2 pairs: the identity and the swap of both are estimable
    assert row["n_ri_assignments"] == 2
    assert 0 < row["p_value_ri"] <= 1


def test_satisfaction_did_is_the_difference_of_the_four_cell_means():
    rng = np.random.default_rng(4)
    n = 400
    agency = rng.integers(0, 8, n)
    is_pilot = agency % 2 == 0
    is_evaluation = rng.random(n) < 0.5
    satisfied = (rng.random(n) < 0.6 + 0.1 * (is_pilot & is_evaluation)).astype(float)
    row = estimate.clustered_effect(
        satisfied,
        is_pilot,
        agency.astype(str),
        (agency // 2).astype(str),
        SETTINGS,
        extra=is_evaluation,
    )

    def mean(pilot: bool, evaluation: bool) -> float:
        return satisfied[(is_pilot == pilot) & (is_evaluation == evaluation)].mean()

    by_hand = (mean(True, True) - mean(False, True)) - (mean(True, False) - mean(False, False))
    assert row["estimate"] == pytest.approx(by_hand, abs=1e-12)


def test_tot_is_itt_over_first_stage_and_shares_its_p_value():
    y, is_pilot, clusters = _clustered_data(seed=8)
    rng = np.random.default_rng(0)
    contacted = is_pilot & (rng.random(len(y)) < 0.5)
    pairs = (clusters.astype(int) // 2).astype(str)
    itt = estimate.clustered_effect(y, is_pilot, clusters, pairs, SETTINGS)
    tot = estimate.clustered_effect(y, is_pilot, clusters, pairs, SETTINGS, endogenous=contacted)
    first_stage = contacted[is_pilot].mean()
    assert tot["first_stage"] == pytest.approx(first_stage)
    assert tot["estimate"] == pytest.approx(itt["estimate"] / first_stage, rel=1e-10)
    # Anderson-Rubin at 0 is the ITT test
    assert tot["p_value"] == pytest.approx(itt["p_value"])
    assert tot["ci_low"] < tot["estimate"] < tot["ci_high"]


def test_same_seed_same_table_and_no_estimate_without_both_cohorts():
    y, is_pilot, clusters = _clustered_data(seed=9)
    pairs = (clusters.astype(int) // 2).astype(str)
    first = estimate.clustered_effect(y, is_pilot, clusters, pairs, SETTINGS)
    second = estimate.clustered_effect(y, is_pilot, clusters, pairs, SETTINGS)
    assert first == second
    lonely = estimate.clustered_effect(y, np.ones(len(y), bool), clusters, pairs, SETTINGS)
    assert lonely.get("estimate") is None
    assert math.isfinite(first["ci_low"]) and math.isfinite(first["ci_high"])


def test_iv_standard_error_matches_pyfixest():
    import pyfixest as pf

    y, is_pilot, clusters = _clustered_data(seed=12)
    rng = np.random.default_rng(1)
    contacted = (is_pilot & (rng.random(len(y)) < 0.6)).astype(float)
    x = np.column_stack([np.ones(len(y)), is_pilot.astype(float)])
    ours = estimate.ClusterSums.from_rows(y, x, clusters).iv_crv1(
        estimate.ClusterSums.from_rows(contacted, x, clusters), 1
    )
    data = pd.DataFrame({"y": y, "d": contacted, "z": is_pilot.astype(float), "c": clusters})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = pf.feols("y ~ 1 | d ~ z", data=data, vcov={"CRV1": "c"})
    assert ours[0] == pytest.approx(float(fit.coef()["d"]), rel=1e-10)
    assert ours[1] == pytest.approx(float(fit.se()["d"]), rel=1e-10)


def test_cells_give_the_row_level_regressions_under_every_swap():
    """Collapsing firms to cells changes no figure: the ITT, its SE, the RI statistics under
    each pair swap, the bootstrap and the Anderson-Rubin test of a shifted outcome are those of
    the row-level computation."""
    y, is_pilot, clusters = _clustered_data(seed=13)
    pairs = (clusters.astype(int) // 2).astype(str)
    rng = np.random.default_rng(2)
    extra = rng.random(len(y)) < 0.5
    contacted = (is_pilot & (rng.random(len(y)) < 0.6)).astype(float)
    weights = estimate.webb_weights(len(np.unique(clusters)), 299, seed=4)
    for evaluation, j in ((None, 1), (extra, 3)):
        cells = estimate.Cells.collapse(clusters, pairs, is_pilot, evaluation, y=y, d=contacted)
        assert len(cells.count) < len(y) / 5
        swaps = estimate.pair_assignments(len(np.unique(pairs)), 4096, seed=1)
        pair_codes = np.unique(pairs, return_inverse=True)[1]
        cell_pair_codes = np.unique(cells.pairs, return_inverse=True)[1]
        for swap in swaps[:8]:
            rows = np.where(swap[pair_codes], ~is_pilot, is_pilot)
            collapsed = np.where(swap[cell_pair_codes], ~cells.pilot, cells.pilot)
            x = estimate._design(rows, evaluation)
            expected = estimate.crv1(y, x, j, clusters)
            assert cells.sums("y", collapsed).crv1(j) == pytest.approx(expected, rel=1e-10)
        x = estimate._design(is_pilot, evaluation)
        by_rows = estimate.WildClusterBootstrap.from_rows(y, x, j, clusters, weights)
        by_cells = estimate.WildClusterBootstrap(cells.sums("y"), j, weights)
        np.testing.assert_allclose(by_cells.bootstrap_t(0.3), by_rows.bootstrap_t(0.3), rtol=1e-9)
        shifted_rows = estimate.WildClusterBootstrap.from_rows(
            y - 0.7 * contacted, x, j, clusters, weights
        )
        ar = estimate.WildClusterBootstrap(cells.sums("y"), j, weights, shift=cells.sums("d"))
        assert ar.t_statistic(0.0, 0.7) == pytest.approx(shifted_rows.t_statistic(0.0), rel=1e-9)
        np.testing.assert_allclose(
            ar.bootstrap_t(0.0, 0.7), shifted_rows.bootstrap_t(0.0), rtol=1e-9
        )


def test_hc1_standard_error_matches_pyfixest():
    import pyfixest as pf

    rng = np.random.default_rng(6)
    is_pilot = rng.random(80) < 0.4
    y = 2.0 * is_pilot + rng.normal(0, 1 + 2 * is_pilot, 80)
    ours = estimate.hc1(y, estimate._design(is_pilot), 1)
    data = pd.DataFrame({"y": y, "pilot": is_pilot.astype(float)})
    fit = pf.feols("y ~ pilot", data=data, vcov="HC1")
    assert ours[0] == pytest.approx(float(fit.coef()["pilot"]), rel=1e-10)
    assert ours[1] == pytest.approx(float(fit.se()["pilot"]), rel=1e-10)
