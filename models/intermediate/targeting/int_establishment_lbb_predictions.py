"""La Bonne Boîte's method at full strength, the anchor every other ranking is judged against.

Per département, a least-squares line predicts a firm's counted hires over the next six months
from its counted hires in each of the previous complete half-years (as many as the data hold before
the training anchor: var `lbb_lag_half_years`, 4 from 2014-03 to 2016-03; LBB takes at most 7) and
the lower bound of its headcount band. The line is learnt on the half-year after the training
anchor (2016-03 … 08, the same season one year earlier) and applied at the baseline. Two variants:
`lbb`, as La Bonne Boîte does, learns from and scores only the firms with at least one hire in their
lags (the others get no score); `lbb_extended` learns from and scores every firm. A département with
fewer training firms than `lbb_min_rows`, or a singular design, borrows the line of all
départements.
"""

import numpy as np
import pandas as pd

from smallfirms.memo import memoised, training_outcome

TARGET = "next_half_year_hires_known"
OUTPUT_COLUMNS = [
    "siret",
    "code_departement",
    "has_lag_hires",
    "lbb_prediction",
    "lbb_extended_prediction",
    "has_departement_fit",
    "has_departement_fit_extended",
]


def lag_columns(n_lags: int) -> list[str]:
    return [f"hires_lag_{lag}" for lag in range(1, n_lags + 1)]


def fit_line(features: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    """Least-squares coefficients [intercept, slopes...], or None when the design is singular."""
    design = np.column_stack([np.ones(len(target)), features])
    if len(target) <= design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
        return None
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    return coefficients


def lbb_lines(
    training: pd.DataFrame, scoring: pd.DataFrame, n_lags: int, min_rows: int
) -> pd.DataFrame:
    """One row per scoring firm: the line's prediction (its département's own fit, or the pooled
    one) and whether it is its département's own. Both frames hold the firms the variant keeps."""
    columns = [*lag_columns(n_lags), "band_lower_bound"]
    pooled = fit_line(training[columns].to_numpy(float), training[TARGET].to_numpy(float))
    parts = []
    for departement, group in scoring.groupby("code_departement", sort=True):
        learn = training[training["code_departement"] == departement]
        coefficients = None
        if len(learn) >= min_rows:
            coefficients = fit_line(learn[columns].to_numpy(float), learn[TARGET].to_numpy(float))
        own = coefficients is not None
        if not own:  # the pooled line, or no prediction rather than a guess
            coefficients = pooled if pooled is not None else np.full(len(columns) + 1, np.nan)
        design = np.column_stack([np.ones(len(group)), group[columns].to_numpy(float)])
        prediction = design @ coefficients
        parts.append(pd.DataFrame({"siret": group["siret"], "prediction": prediction, "own": own}))
    if not parts:
        return pd.DataFrame({"siret": [], "prediction": [], "own": []})
    return pd.concat(parts, ignore_index=True)


def lbb_predictions(features: pd.DataFrame, n_lags: int, min_rows: int) -> pd.DataFrame:
    """Both variants for every firm of the scoring anchor."""
    features = features.sort_values(["anchor_name", "siret"], ignore_index=True)
    features["has_lag_hires"] = features[lag_columns(n_lags)].sum(axis=1) > 0
    training = features[features["anchor_name"] == "training"]
    scoring = features[features["anchor_name"] == "scoring"]
    extended = lbb_lines(training, scoring, n_lags, min_rows)
    hirers = lbb_lines(
        training[training["has_lag_hires"]], scoring[scoring["has_lag_hires"]], n_lags, min_rows
    )
    out = scoring[["siret", "code_departement", "has_lag_hires"]].merge(
        extended.rename(
            columns={"prediction": "lbb_extended_prediction", "own": "has_departement_fit_extended"}
        ),
        on="siret",
        how="left",
    )
    out = out.merge(
        hirers.rename(columns={"prediction": "lbb_prediction", "own": "has_departement_fit"}),
        on="siret",
        how="left",
    )
    out["has_departement_fit"] = out["has_departement_fit"].fillna(False).astype(bool)
    return out[OUTPUT_COLUMNS]


def model(dbt, session):
    dbt.config(materialized="table")
    n_lags = int(dbt.config.get("lbb_lag_half_years"))
    min_rows = int(dbt.config.get("lbb_min_rows"))
    # Only what the lines read (see int_establishment_hiring_predictions).
    read = ["anchor_name", "siret", "code_departement", *lag_columns(n_lags), "band_lower_bound"]
    inputs = {
        "int_establishment_anchor_features": dbt.ref("int_establishment_anchor_features").project(
            ", ".join([*read, training_outcome(TARGET)])
        )
    }

    def compute():
        features = inputs["int_establishment_anchor_features"].df()
        return lbb_predictions(features, n_lags, min_rows)

    return memoised(dbt, session, __file__, inputs, compute)
