"""The shipped hiring-potential score: each eligible firm's expected counted hires over the six
months after the baseline.

A gradient-boosted regression with a Poisson loss (scikit-learn's histogram gradient boosting)
learns, out of time, the hires of the half-year after the training anchor (2016-03-01, the same
season one year earlier) from what was known at that anchor: the firm's own history (four
half-years, durable hires, time since its last hire), its comparables (same département, division
and band; its region × division), its siblings, its offers and counsellor contacts, its age and
size, and the local level and momentum of hiring. The fitted model is then fed the same features
at the baseline. A Poisson loss makes the predictions sum to the observed hires on the training
half-year, so the score reads as hires, not only as an order (calibration: marts.score_calibration).
"""

import numpy as np
import pandas as pd

from smallfirms.memo import memoised, training_outcome

FEATURES = [
    "hires_lag_1",
    "hires_lag_2",
    "hires_lag_3",
    "hires_lag_4",
    "durable_hires_12_months",
    "days_since_last_hire",
    "band_lower_bound",
    "age_years",
    "offers_3_months",
    "offers_12_months",
    "counsellor_actions_6_months",
    "n_siblings",
    "sibling_hires_12_months",
    "n_comparables",
    "comparable_hires_12_months",
    "sector_hiring_rate_12_months",
    "sector_hires_last_half_year",
    "sector_hiring_momentum",
    "departement_hires_last_half_year",
    "departement_hiring_momentum",
    "agence_hires_last_half_year",
    "agence_hiring_momentum",
]
TARGET = "next_half_year_hires_known"
# No hire in the two years a feature can see: the training anchor's history is 24 months long,
# so a longer silence at the baseline is shown to the model as this same value.
NEVER_HIRED_DAYS = 800.0


def feature_matrix(frame: pd.DataFrame) -> pd.DataFrame:
    features = frame[FEATURES].astype(float)
    features["days_since_last_hire"] = (
        features["days_since_last_hire"].fillna(NEVER_HIRED_DAYS).clip(upper=NEVER_HIRED_DAYS)
    )
    return features


def fit(training: pd.DataFrame, settings: dict):
    """The model of next-half-year hires, fitted on the training anchor's firms."""
    # Imported here: scikit-learn takes seconds to import, which a kept score need not pay.
    from sklearn.ensemble import HistGradientBoostingRegressor

    model = HistGradientBoostingRegressor(
        loss="poisson",
        early_stopping=False,
        max_iter=int(settings["max_iter"]),
        learning_rate=float(settings["learning_rate"]),
        max_leaf_nodes=int(settings["max_leaf_nodes"]),
        min_samples_leaf=int(settings["min_samples_leaf"]),
        l2_regularization=float(settings["l2_regularization"]),
        random_state=int(settings["random_state"]),
    )
    return model.fit(feature_matrix(training), training[TARGET].astype(float))


def predictions(features: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """One row per firm of the scoring anchor: its expected hires over the next six months."""
    # DuckDB returns rows in no fixed order; the fit must see the same rows in the same order.
    features = features.sort_values(["anchor_name", "siret"], ignore_index=True)
    training = features[features["anchor_name"] == "training"]
    scoring = features[features["anchor_name"] == "scoring"]
    model = fit(training, settings)
    return pd.DataFrame(
        {
            "siret": scoring["siret"].to_numpy(),
            # 10 decimals: the last bits of a parallel fit must not reorder near-ties
            "expected_hires_next_6_months": np.round(model.predict(feature_matrix(scoring)), 10),
            "n_training_firms": np.int64(len(training)),
            "training_hires": float(training[TARGET].sum()),
        }
    )


def model(dbt, session):
    dbt.config(materialized="table")
    settings = dbt.config.get("score_model")
    # Only what the fit reads, so that the fingerprint moves only with it: the scoring anchor's
    # own outcome, which every delivery refreshes, is left out (read for the training anchor only).
    read = ["anchor_name", "siret", *FEATURES, training_outcome(TARGET)]
    inputs = {
        "int_establishment_anchor_features": dbt.ref("int_establishment_anchor_features").project(
            ", ".join(read)
        )
    }

    def compute():
        return predictions(inputs["int_establishment_anchor_features"].df(), settings)

    return memoised(dbt, session, __file__, inputs, compute)
