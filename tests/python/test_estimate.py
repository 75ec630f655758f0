"""The effects of `smallfirms.estimate` against hand computations and pyfixest.

- the difference-in-differences equals the difference of mean changes, and pyfixest's two-way
  fixed-effects coefficient on the same panel (its CRV1 error too);
- the satisfaction DiD equals the difference of the four cell means, and its randomization
  inference counts only the swaps under which it is defined; the TOT is ITT / first stage and
  shares the ITT's bootstrap p-value;
- the same seed gives the same row, and no estimate is made without both cohorts.

The engine under them (bootstrap, test inversion, randomization inference, cells) is tested in
`test_inference.py`.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from samples import answers_missing_a_window, clustered_data, tiny_panel

from smallfirms import estimate

SETTINGS = estimate.Settings(reps=999, seed=7, level=0.95, max_assignments=4096)


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


def test_randomization_inference_leaves_out_swaps_that_empty_a_cell():
    # two of the four swaps of the pairs leave one arm without a baseline answer
    agency, pair, is_pilot, is_evaluation, satisfied = answers_missing_a_window()
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
    y, is_pilot, clusters = clustered_data(seed=8)
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
    y, is_pilot, clusters = clustered_data(seed=9)
    pairs = (clusters.astype(int) // 2).astype(str)
    first = estimate.clustered_effect(y, is_pilot, clusters, pairs, SETTINGS)
    second = estimate.clustered_effect(y, is_pilot, clusters, pairs, SETTINGS)
    assert first == second
    lonely = estimate.clustered_effect(y, np.ones(len(y), bool), clusters, pairs, SETTINGS)
    assert lonely.get("estimate") is None
    assert math.isfinite(first["ci_low"]) and math.isfinite(first["ci_high"])
