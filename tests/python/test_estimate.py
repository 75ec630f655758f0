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


def test_effect_reports_ri_by_pair_and_by_block_with_their_floors():
    # the two pairs of the tiny panel in one block: one block swap (2 assignments) against four
    # pair swaps; observed |t| is reached by itself and its mirror in both sets
    firms = tiny_panel()
    change = (firms["pilot"] - firms["pre"]).to_numpy(float)
    row = estimate.clustered_effect(
        change,
        (firms["cohort"] == "pilot").to_numpy(),
        firms["cluster_id"].to_numpy(),
        firms["pair_id"].to_numpy(),
        SETTINGS,
        blocks=np.array(["one-block"] * len(firms)),
    )
    assert row["n_ri_assignments"] == 4 and row["ri_min_p_value"] == pytest.approx(2 / 4)
    assert row["n_ri_block_assignments"] == 2 and row["ri_block_min_p_value"] == pytest.approx(1.0)
    assert row["p_value_ri_block"] == pytest.approx(1.0)
    assert row["p_value_ri"] >= row["ri_min_p_value"]


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


def _enrolment_world(rng: np.random.Generator, n: int = 800, effect: float = 2.0):
    """Top recruiters as world v2 enrols them (smallfirms.world.enrolments): regional services pick
    firms whose offers filled grew within the look-back window (a logit on the standardised
    growth). Part of that growth is transitory and carries into the pilot period, so enrolled
    firms' outcomes would have grown anyway: the change is confounded by the selection."""
    level = rng.normal(2.0, 0.5, n)
    shock = rng.normal(0.0, 0.4, n)  # the transitory part of recent growth
    first, second = rng.poisson(np.exp(level)), rng.poisson(np.exp(level + shock))
    growth = np.log1p(second) - np.log1p(first)
    z = (growth - growth.mean()) / growth.std()
    enrolled = rng.random(n) < 1 / (1 + np.exp(0.8 - 1.2 * z))
    hires = rng.poisson(2 * np.exp(level + shock / 2))
    units = pd.DataFrame(
        {
            "lookback_offers_filled_first_half": first,
            "lookback_offers_filled": first + second,
            "lookback_hires": hires,
            "lookback_furthest_hires": rng.binomial(hires, 0.1),
        }
    )
    pre = rng.poisson(np.exp(level)).astype(float)
    post = rng.poisson(np.exp(level + 0.6 * shock)) + effect * enrolled
    return pre, post, enrolled, units


def test_doubly_robust_did_removes_the_selection_bias_the_plain_did_keeps():
    """Over 200 simulated enrolments, the plain DiD overstates the effect by far more than its
    simulation error; the doubly robust DiD (on the design regional services saw) is centred on
    it and its 95 % interval covers it about 95 % of the time."""
    rng = np.random.default_rng(2017)
    plain, robust, covered = [], [], 0
    for _ in range(200):
        pre, post, enrolled, units = _enrolment_world(rng)
        change = post - pre
        plain.append(change[enrolled].mean() - change[~enrolled].mean())
        row = estimate.doubly_robust_effect(
            pre, post, enrolled, estimate.enrolment_design(units), 0.95, 0.995
        )
        robust.append(row["estimate"])
        covered += row["ci_low"] <= 2.0 <= row["ci_high"]
    plain, robust = np.array(plain), np.array(robust)
    plain_bias, robust_bias = plain.mean() - 2.0, robust.mean() - 2.0
    assert plain_bias > 10 * plain.std() / math.sqrt(200), plain_bias
    assert abs(robust_bias) < 3 * robust.std() / math.sqrt(200), robust_bias
    assert 0.9 <= covered / 200 <= 0.99, covered


def test_event_study_is_relative_to_the_pre_period_and_leaves_the_selection_window_out():
    # four firms in four agencies; months -4 (a lead), -3 and -2 (the pre period), -1 (the
    # selection window), 0 (the pilot)
    firms = tiny_panel().iloc[[0, 2, 4, 6]]
    months = {
        -4: "2016-11-01",
        -3: "2016-12-01",
        -2: "2017-01-01",
        -1: "2017-02-01",
        0: "2017-03-01",
    }
    hires = {
        "f0": [1, 2, 4, 9, 7],
        "f2": [0, 1, 1, 0, 2],
        "f4": [3, 0, 2, 8, 3],
        "f6": [1, 1, 3, 0, 1],
    }
    monthly = pd.DataFrame(
        [
            {
                "experiment": "small_firms",
                "unit_id": unit,
                "months_from_pilot_start": month,
                "month_start": start,
                "period": "pre" if month in (-3, -2) else None,
                "hires": values[i],
            }
            for unit, values in hires.items()
            for i, (month, start) in enumerate(months.items())
        ]
    )
    units = firms.assign(experiment="small_firms")[
        ["experiment", "unit_id", "cohort", "cluster_id"]
    ]
    table = estimate.event_study(monthly, units, SETTINGS, ("2017-02-01", "2017-02-28"))
    rows = table.set_index("months_from_pilot_start")
    assert rows["is_reference"].tolist() == [False, True, True, False, False]
    assert rows["is_selection_window"].tolist() == [False, False, False, True, False]
    # by hand: pre means f0 3, f2 1, f4 1, f6 2 (pilot f0, f4; control f2, f6); month 0:
    # pilot (7 - 3, 3 - 1) mean 3, control (2 - 1, 1 - 2) mean 0: effect 3
    assert rows.loc[0, "estimate"] == pytest.approx(3.0)
    # the lead (-4): pilot (1 - 3, 3 - 1) mean 0, control (0 - 1, 1 - 2) mean -1: 1
    assert rows.loc[-4, "estimate"] == pytest.approx(1.0)
    assert (table["n_leads"] == 1).all()


def test_large_recruiters_secondary_outcomes_get_romano_wolf_p_values():
    """The large recruiters' family: every outcome but the primary one gets the Romano–Wolf
    p-value of firm-level wild bootstrap draws shared by the family, never below its own HC1
    p-value; the primary test and the doubly robust rows get none."""
    rng = np.random.default_rng(11)
    n = 60
    is_pilot = np.arange(n) % 2 == 0
    changes = pd.DataFrame({"is_pilot": is_pilot, "firm_id": [f"f{i}" for i in range(n)]})
    for k, outcome in enumerate(estimate.OUTCOMES):
        total = rng.poisson(5.0, n).astype(float)
        changes[f"t_{outcome}"] = total
        changes[f"d_{outcome}"] = rng.normal(0.0, 1.0, n) + (0.6 if k == 0 else 0.0) * is_pilot
    rows = estimate.large_recruiter_effects(changes, SETTINGS)
    assert {row["estimand"] for row in rows} == {"ITT"}
    family = [o for o in estimate.OUTCOMES if o != estimate.PRIMARY_OUTCOMES["large_recruiters"]]
    draws = {
        o: estimate.null_draws(changes[f"d_{o}"].to_numpy(), is_pilot, np.arange(n), SETTINGS)
        for o in family
    }
    expected = estimate.romano_wolf(
        np.array([draws[o][0] for o in family]), np.vstack([draws[o][1] for o in family])
    )
    by_outcome = {row["outcome"]: row for row in rows if row["estimand"] == "ITT"}
    for outcome, rw in zip(family, expected, strict=True):
        row = by_outcome[outcome]
        assert row["p_value_family"] == pytest.approx(max(rw, row["p_value"]))
        assert row["p_value_family"] >= row["p_value"]
    primary = by_outcome[estimate.PRIMARY_OUTCOMES["large_recruiters"]]
    assert primary.get("p_value_family") is None
