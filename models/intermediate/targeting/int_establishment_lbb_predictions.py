"""An LBB-style baseline: La Bonne Boîte's method as its documentation describes it, rewritten here.

For each département, a least-squares line predicts an establishment's counted hires in the next
half-year from its counted hires in the previous one and the lower bound of its headcount band.
It uses the seed's two half-years before the baseline (2017-03-01), though the data (from
2014-03) hold six: the model learns the last one (2016-09 … 2017-02) from the one before
(2016-03 … 08) and the band, then predicts the first pilot half-year (2017-03 … 08) from the last
one and the band. With one lag only, it is LBB's method at its shortest (more lags: targeting
issue). LBB scores only firms that have hired; here a firm with no
past hire gets the line's prediction at zero lags (intercept and size), the most that method can
say about it. A département with fewer rows than `lbb_min_rows` or a singular design borrows the
pooled fit of all départements. Trained on every eligible small firm (pre-baseline hires only).
"""

import numpy as np
import pandas as pd

FEATURES_TRAIN = ["hires_pre_half_year_1", "band_lower_bound"]
FEATURES_PREDICT = ["hires_pre_half_year_2", "band_lower_bound"]
TARGET = "hires_pre_half_year_2"
OUTPUT_COLUMNS = [
    "siret",
    "code_departement",
    "lbb_prediction",
    "hires_pre_half_year_2",
    "band_lower_bound",
    "intercept",
    "lag_coefficient",
    "size_coefficient",
    "n_training_firms",
    "has_departement_fit",
]


def fit_line(features: np.ndarray, target: np.ndarray) -> np.ndarray | None:
    """Least-squares coefficients [intercept, slopes...], or None when the design is singular."""
    design = np.column_stack([np.ones(len(target)), features])
    if len(target) <= design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
        return None
    coefficients, *_ = np.linalg.lstsq(design, target, rcond=None)
    return coefficients


def lbb_predictions(population: pd.DataFrame, min_rows: int) -> pd.DataFrame:
    """One row per firm: its LBB-style prediction and the line it came from (its département's
    own fit, or the pooled fit when the département is too small or its design singular)."""
    pooled = fit_line(
        population[FEATURES_TRAIN].to_numpy(float), population[TARGET].to_numpy(float)
    )
    parts = []
    for departement, group in population.groupby("code_departement", sort=True):
        coefficients = None
        if len(group) >= min_rows:
            coefficients = fit_line(
                group[FEATURES_TRAIN].to_numpy(float), group[TARGET].to_numpy(float)
            )
        own = coefficients is not None
        if own:
            n_training = len(group)
        elif pooled is not None:
            coefficients, n_training = pooled, len(population)
        else:  # not even the pooled design can be fitted: no prediction rather than a guess
            coefficients, n_training = np.full(3, np.nan), 0
        design = np.column_stack([np.ones(len(group)), group[FEATURES_PREDICT].to_numpy(float)])
        parts.append(
            pd.DataFrame(
                {
                    "siret": group["siret"].to_numpy(),
                    "code_departement": departement,
                    "lbb_prediction": design @ coefficients,
                    "hires_pre_half_year_2": group["hires_pre_half_year_2"].to_numpy(float),
                    "band_lower_bound": group["band_lower_bound"].to_numpy(float),
                    "intercept": coefficients[0],
                    "lag_coefficient": coefficients[1],
                    "size_coefficient": coefficients[2],
                    "n_training_firms": n_training,
                    "has_departement_fit": own,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=OUTPUT_COLUMNS)
    return pd.concat(parts, ignore_index=True)[OUTPUT_COLUMNS]


def model(dbt, session):
    dbt.config(materialized="table")
    min_rows = int(dbt.config.get("lbb_min_rows"))
    population = dbt.ref("int_score_validation_population").df()
    # DuckDB returns rows in no fixed order; the fit must see the same rows in the same order.
    population = population.sort_values("siret", ignore_index=True)
    return lbb_predictions(population, min_rows)
