"""The joint orthogonality test of `models/intermediate/cohorts/int_balance_joint_tested.py`, on
synthetic cohorts.

The model file is imported by path (a dbt Python model is not a package module). Its F statistic
is checked against an independent numpy computation: OLS, the CRV1 / HC1 sandwich with Stata's
small-sample corrections, and the Wald statistic of the slopes.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

MODEL_PATH = (
    Path(__file__).resolve().parents[2]
    / "models"
    / "intermediate"
    / "cohorts"
    / "int_balance_joint_tested.py"
)
SMALL_COVARIATES = [
    "lookback_hires",
    "headcount_estimate",
    "sector_hiring_rate",
    "hiring_potential_score",
    "firm_age_years",
    "is_priority_prospect",
]
LARGE_COVARIATES = ["lookback_offers_filled", "lookback_hires", "furthest_hire_share"]


@pytest.fixture(scope="module")
def joint():
    spec = importlib.util.spec_from_file_location("int_balance_joint_tested", MODEL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_firms(seed: int, dependent: bool, n_agencies: int = 18, n: int = 900) -> pd.DataFrame:
    """Small-firm cohort: even agencies pilot; covariates independent unless `dependent`."""
    rng = np.random.default_rng(seed)
    agency = rng.integers(0, n_agencies, n)
    pilot = agency % 2 == 0
    frame = pd.DataFrame(
        {
            "siret": [f"{i:014d}" for i in range(n)],
            "cohort": np.where(pilot, "pilot", "control"),
            "code_agence": [f"{a + 10000:05d}" for a in agency],
            "lookback_hires": rng.poisson(1.5, n),
            "headcount_estimate": rng.choice([1.5, 4.0, 7.5, 14.5], n),
            "sector_hiring_rate": rng.gamma(2.0, 0.3, n),
            "hiring_potential_score": rng.gamma(2.0, 1.0, n),
            "firm_age_years": rng.uniform(0.5, 30.0, n),
            "is_priority_prospect": rng.random(n) < 0.7,
        }
    )
    if dependent:
        frame["hiring_potential_score"] += np.where(pilot, 3.0, 0.0)
    return frame


def large_recruiters(seed: int, dependent: bool, n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    offers = rng.poisson(40, n)
    if dependent:
        pilot = offers > np.median(offers)
    else:
        pilot = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "siren": [f"{i:09d}" for i in range(n)],
            "cohort": np.where(pilot, "pilot", "control"),
            "lookback_offers_filled": offers,
            "lookback_hires": rng.poisson(120, n),
            "furthest_hire_share": rng.beta(2.0, 5.0, n),
        }
    )


def numpy_f_test(frame: pd.DataFrame, covariates: list[str], cluster: str | None):
    """F = W / q with W = b' (R V R')^-1 b over the slopes; V CRV1 (by `cluster`) or HC1."""
    y = (frame["cohort"] == "pilot").to_numpy(dtype=float)
    x = np.column_stack([np.ones(len(frame))] + [frame[c].to_numpy(float) for c in covariates])
    n, k = x.shape
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    scores = x * (y - x @ beta)[:, None]
    if cluster is None:
        meat = scores.T @ scores
        vcov = n / (n - k) * bread @ meat @ bread
        df_den = n - k
    else:
        groups = frame[cluster].to_numpy()
        summed = np.vstack([scores[groups == g].sum(axis=0) for g in np.unique(groups)])
        g_count = len(summed)
        correction = g_count / (g_count - 1) * (n - 1) / (n - k)
        vcov = correction * bread @ (summed.T @ summed) @ bread
        df_den = g_count - 1
    slopes = beta[1:]
    wald = slopes @ np.linalg.solve(vcov[1:, 1:], slopes)
    q = k - 1
    return wald / q, q, df_den, stats.f.sf(wald / q, q, df_den)


def test_independent_assignment_is_not_rejected(joint):
    row = joint.joint_orthogonality_test(
        "small_firms", small_firms(seed=7, dependent=False), SMALL_COVARIATES, "code_agence"
    )
    assert row["vcov_type"] == "CRV1"
    assert (row["n_units"], row["n_pilot"] + row["n_control"]) == (900, 900)
    assert (row["df_num"], row["df_den"]) == (6, 17)
    assert row["p_value"] > 0.05
    assert row["is_rejected_at_5pct"] is False

    row = joint.joint_orthogonality_test(
        "large_recruiters", large_recruiters(seed=7, dependent=False), LARGE_COVARIATES
    )
    assert row["vcov_type"] == "HC1"
    assert (row["df_num"], row["df_den"]) == (3, 196)
    assert row["p_value"] > 0.05


def test_assignment_driven_by_a_covariate_is_rejected(joint):
    row = joint.joint_orthogonality_test(
        "small_firms", small_firms(seed=7, dependent=True), SMALL_COVARIATES, "code_agence"
    )
    assert row["p_value"] < 1e-6
    assert row["is_rejected_at_5pct"] is True

    row = joint.joint_orthogonality_test(
        "large_recruiters", large_recruiters(seed=7, dependent=True), LARGE_COVARIATES
    )
    assert row["p_value"] < 1e-6


@pytest.mark.parametrize("dependent", [False, True])
def test_f_statistic_matches_numpy_sandwich(joint, dependent):
    frame = small_firms(seed=11, dependent=dependent)
    row = joint.joint_orthogonality_test("small_firms", frame, SMALL_COVARIATES, "code_agence")
    f_stat, q, df_den, p_value = numpy_f_test(frame, SMALL_COVARIATES, "code_agence")
    assert (row["df_num"], row["df_den"]) == (q, df_den)
    assert row["f_statistic"] == pytest.approx(f_stat, rel=1e-6, abs=1e-6)
    assert row["p_value"] == pytest.approx(p_value, rel=1e-6, abs=1e-12)

    frame = large_recruiters(seed=11, dependent=dependent)
    row = joint.joint_orthogonality_test("large_recruiters", frame, LARGE_COVARIATES)
    f_stat, q, df_den, p_value = numpy_f_test(frame, LARGE_COVARIATES, None)
    assert (row["df_num"], row["df_den"]) == (q, df_den)
    assert row["f_statistic"] == pytest.approx(f_stat, rel=1e-6, abs=1e-6)
    assert row["p_value"] == pytest.approx(p_value, rel=1e-6, abs=1e-12)


def test_zero_variance_covariate_is_dropped_and_named(joint):
    frame = large_recruiters(seed=3, dependent=False).assign(furthest_hire_share=0.0)
    row = joint.joint_orthogonality_test("large_recruiters", frame, LARGE_COVARIATES)
    assert row["covariates"] == (
        "lookback_offers_filled, lookback_hires; dropped for zero variance: furthest_hire_share"
    )
    assert row["n_covariates"] == row["df_num"] == 2
    f_stat, *_ = numpy_f_test(frame, LARGE_COVARIATES[:2], None)
    assert row["f_statistic"] == pytest.approx(f_stat, rel=1e-6)


def test_missing_covariate_leaves_the_unit_out(joint):
    frame = small_firms(seed=5, dependent=False)
    frame["sector_hiring_rate"] = frame["sector_hiring_rate"].astype("object")
    frame.loc[[0, 1], "sector_hiring_rate"] = None
    row = joint.joint_orthogonality_test("small_firms", frame, SMALL_COVARIATES, "code_agence")
    assert row["n_units"] == 898
    assert row["covariates"].endswith("; 2 units left out for a missing value")
    f_stat, *_ = numpy_f_test(frame.iloc[2:], SMALL_COVARIATES, "code_agence")
    assert row["f_statistic"] == pytest.approx(f_stat, rel=1e-6)


@pytest.mark.parametrize(
    "case",
    ["empty", "one_cluster", "pilot_only"],
)
def test_undefined_test_gives_nan_not_an_error(joint, case):
    frame = small_firms(seed=1, dependent=False)
    if case == "empty":
        frame = frame.iloc[0:0]
    elif case == "one_cluster":
        frame = frame.assign(code_agence="10000")
    else:
        frame = frame.assign(cohort="pilot")
    row = joint.joint_orthogonality_test("small_firms", frame, SMALL_COVARIATES, "code_agence")
    assert math.isnan(row["f_statistic"]) and math.isnan(row["p_value"])
    assert row["df_num"] is None and row["df_den"] is None
    assert row["is_rejected_at_5pct"] is None


def test_output_table_has_one_row_per_experiment(joint):
    table = joint.balance_joint_tests(
        {
            "small_firms": small_firms(seed=2, dependent=False),
            "large_recruiters": large_recruiters(seed=2, dependent=False).iloc[0:0],
        }
    )
    assert list(table.columns) == joint.OUTPUT_COLUMNS
    assert list(table["experiment"]) == ["small_firms", "large_recruiters"]
    assert table.loc[1, "n_units"] == 0 and pd.isna(table.loc[1, "p_value"])
    assert table.loc[0, "n_covariates"] == 6
