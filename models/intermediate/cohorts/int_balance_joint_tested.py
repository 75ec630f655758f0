"""Joint test of orthogonality of each experiment's cohorts at baseline.

Why it exists: `eval_balance` compares pilot and control covariate by covariate (SMDs), and with
six covariates one of them will look unbalanced now and then by chance alone. This model asks the
one question that covers them all, as the World Bank's `iebaltab` does with its F-test option:
regress the pilot indicator (1 = pilot, 0 = control) on every baseline covariate with an
intercept, then test that all slope coefficients are 0 together. A small p-value means the
baseline covariates predict who is in the pilot cohort: the cohorts are not balanced.

- small firms: the variance is clustered by `code_agence` (CRV1), since pilot assignment is by
  agency; F(q, G - 1) with G the number of agencies;
- large recruiters: heteroskedasticity-robust variance (HC1); F(q, n - k).

Small-sample corrections are pyfixest's defaults, those of Stata: CRV1 multiplies the sandwich by
G / (G - 1) x (n - 1) / (n - k), HC1 by n / (n - k). Units with a missing covariate are left out
(complete cases); a covariate with no variance is dropped and named in `covariates`. An empty
cohort, a single cohort, fewer than 2 clusters or fewer units than coefficients give NULL
statistics instead of an error.

pyfixest 0.60 quirk: `Feols.wald_test()` reports an F statistic only for R = identity, i.e. a
hypothesis that includes the intercept (not the orthogonality test); with any other R it falls
back to chi2 and returns W. So W comes from `wald_test(R, distribution="chi2")` with R selecting
the slopes, and F = W / q with its p-value from scipy (`f.sf`, which keeps tiny p-values that
pyfixest's `1 - f.cdf` rounds to 0).

The functions are self-contained on purpose: a dbt Python model cannot reliably import the
project's package. `tests/python/test_balance_joint_test.py` imports this file by path. The mart
`eval_balance_joint_test` publishes the table with typed columns under an enforced contract, which
dbt supports on SQL models only: that is why the fit lives here, in the intermediate layer.
"""

import math
import warnings

import numpy as np
import pandas as pd
from scipy import stats

from smallfirms.memo import memoised

PILOT_COLUMN = "is_pilot"
SIGNIFICANCE_LEVEL = 0.05

EXPERIMENTS = {
    "small_firms": {
        "covariates": [
            "lookback_hires",
            "headcount_estimate",
            "sector_hiring_rate",
            "hiring_potential_score",
            "firm_age_years",
            "is_priority_prospect",
        ],
        "cluster": "code_agence",
    },
    "large_recruiters": {
        "covariates": ["lookback_offers_filled", "lookback_hires", "furthest_hire_share"],
        "cluster": None,
    },
}

OUTPUT_COLUMNS = [
    "experiment",
    "n_units",
    "n_pilot",
    "n_control",
    "covariates",
    "n_covariates",
    "vcov_type",
    "f_statistic",
    "df_num",
    "df_den",
    "p_value",
    "is_rejected_at_5pct",
]


def prepare_design(
    cohort: pd.DataFrame, covariates: list[str], cluster: str | None = None
) -> tuple[pd.DataFrame, list[str], list[str], int]:
    """The regression data of one experiment, from its cohort table.

    Returns (data, kept covariates, covariates dropped for zero variance, units left out for a
    missing value). `data` holds `is_pilot` (1.0 pilot, 0.0 control), the kept covariates as
    floats (booleans as 0/1) and, when given, the cluster column; only complete cases.
    """
    frame = cohort[cohort["cohort"].isin(["pilot", "control"])]
    data = pd.DataFrame(index=frame.index)
    data[PILOT_COLUMN] = (frame["cohort"] == "pilot").astype("float64")
    for name in covariates:
        data[name] = pd.to_numeric(frame[name].astype("object"), errors="coerce").astype("float64")
    kept = [name for name in covariates if data[name].dropna().nunique() > 1]
    zero_variance = [name for name in covariates if name not in kept]
    columns = [PILOT_COLUMN, *kept]
    if cluster is not None:
        data[cluster] = frame[cluster].astype("object")
        columns.append(cluster)
    complete = data[columns].dropna()
    return complete.reset_index(drop=True), kept, zero_variance, len(data) - len(complete)


def wald_f_test(
    data: pd.DataFrame, covariates: list[str], cluster: str | None = None
) -> dict[str, object]:
    """F test that every slope of `is_pilot ~ 1 + covariates` is 0 (CRV1 by `cluster`, else HC1).

    Returns the slopes actually estimated (pyfixest drops collinear ones), F, its degrees of
    freedom and p-value; NaN statistics when the test is not defined on `data`.
    """
    result: dict[str, object] = {
        "slopes": list(covariates),
        "f_statistic": math.nan,
        "df_num": None,
        "df_den": None,
        "p_value": math.nan,
    }
    n_units = len(data)
    n_pilot = int(data[PILOT_COLUMN].sum()) if n_units else 0
    n_groups = data[cluster].nunique() if cluster is not None else None
    if (
        not covariates
        or n_pilot == 0
        or n_pilot == n_units
        or n_units <= len(covariates) + 1
        or (cluster is not None and n_groups < 2)
    ):
        return result

    import pyfixest as pf  # imported here: loading it is slow and only a fit needs it

    vcov = {"CRV1": cluster} if cluster is not None else "HC1"
    with warnings.catch_warnings():
        # pyfixest 0.60 uses pandas' `inplace=` keyword, deprecated in pandas 3: noise only.
        warnings.filterwarnings("ignore", message="The inplace keyword")
        fit = pf.feols(f"{PILOT_COLUMN} ~ {' + '.join(covariates)}", data=data, vcov=vcov)
    names = list(fit.coef().index)
    slopes = [name for name in names if name != "Intercept"]
    result["slopes"] = slopes
    q = len(slopes)
    k = len(names)
    df_den = n_groups - 1 if cluster is not None else n_units - k
    if q == 0 or df_den < 1:
        return result
    restriction = np.array([[1.0 if name == slope else 0.0 for name in names] for slope in slopes])
    wald = float(fit.wald_test(R=restriction, distribution="chi2")["statistic"])
    f_statistic = wald / q
    result.update(
        f_statistic=f_statistic,
        df_num=q,
        df_den=int(df_den),
        p_value=float(stats.f.sf(f_statistic, q, df_den)),
    )
    return result


def joint_orthogonality_test(
    experiment: str, cohort: pd.DataFrame, covariates: list[str], cluster: str | None = None
) -> dict[str, object]:
    """One output row: the joint test of orthogonality of one experiment's cohorts."""
    data, kept, zero_variance, n_missing = prepare_design(cohort, covariates, cluster)
    test = wald_f_test(data, kept, cluster)
    slopes = test["slopes"]
    collinear = [name for name in kept if name not in slopes]
    described = ", ".join(slopes) or "none"
    if zero_variance:
        described += "; dropped for zero variance: " + ", ".join(zero_variance)
    if collinear:
        described += "; dropped as collinear: " + ", ".join(collinear)
    if n_missing:
        described += f"; {n_missing} units left out for a missing value"
    p_value = test["p_value"]
    n_pilot = int(data[PILOT_COLUMN].sum())
    return {
        "experiment": experiment,
        "n_units": len(data),
        "n_pilot": n_pilot,
        "n_control": len(data) - n_pilot,
        "covariates": described,
        "n_covariates": len(slopes),
        "vcov_type": "CRV1" if cluster is not None else "HC1",
        "f_statistic": test["f_statistic"],
        "df_num": test["df_num"],
        "df_den": test["df_den"],
        "p_value": p_value,
        "is_rejected_at_5pct": None if math.isnan(p_value) else bool(p_value < SIGNIFICANCE_LEVEL),
    }


def balance_joint_tests(cohorts: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The output table: one row per experiment, from each experiment's cohort table."""
    rows = [
        joint_orthogonality_test(name, cohorts[name], spec["covariates"], spec["cluster"])
        for name, spec in EXPERIMENTS.items()
    ]
    table = pd.DataFrame(rows, columns=OUTPUT_COLUMNS)
    for name in ["n_units", "n_pilot", "n_control", "n_covariates", "df_num", "df_den"]:
        table[name] = table[name].astype("Int64")
    for name in ["f_statistic", "p_value"]:
        table[name] = table[name].astype("float64")
    table["is_rejected_at_5pct"] = table["is_rejected_at_5pct"].astype("boolean")
    for name in ["experiment", "covariates", "vcov_type"]:
        table[name] = table[name].astype("object")
    return table


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = {
        "int_small_firms_assigned": dbt.ref("int_small_firms_assigned"),
        "int_large_recruiters_assigned": dbt.ref("int_large_recruiters_assigned"),
    }

    def compute():
        # DuckDB returns rows in no fixed order: sorting by unit makes the fit repeatable.
        cohorts = {
            "small_firms": inputs["int_small_firms_assigned"]
            .df()
            .sort_values("siret", ignore_index=True),
            "large_recruiters": inputs["int_large_recruiters_assigned"]
            .df()
            .sort_values("siren", ignore_index=True),
        }
        return balance_joint_tests(cohorts)

    return memoised(dbt, session, __file__, inputs, compute)
