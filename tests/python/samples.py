"""Hand-made data shared by the tests of the inference engine and of the effects' assembly."""

import numpy as np
import pandas as pd


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


def clustered_data(seed: int = 3, n_clusters: int = 12, effect: float = 0.3):
    """Clusters of 5 to 39 rows, every other one treated, a cluster shock and row noise."""
    rng = np.random.default_rng(seed)
    clusters = np.repeat(np.arange(n_clusters), rng.integers(5, 40, n_clusters))
    is_pilot = clusters % 2 == 0
    cluster_shock = rng.normal(0, 0.5, n_clusters)[clusters]
    y = effect * is_pilot + cluster_shock + rng.normal(0, 1, len(clusters))
    return y, is_pilot, clusters.astype(str)


def answers_missing_a_window():
    """(agency, pair, is_pilot, is_evaluation, satisfied) of 10 answers in two pairs of agencies:
    a1 and b2 have answers in both windows, a2 and b1 in the evaluation window only, so swapping
    exactly one pair leaves one arm without a baseline answer (the DiD is then not defined)."""
    agency = np.array(["a1", "a1", "a1", "a2", "a2", "b1", "b1", "b2", "b2", "b2"])
    pair = np.array(["0", "0", "0", "0", "0", "1", "1", "1", "1", "1"])
    is_pilot = np.isin(agency, ["a1", "b1"])
    is_evaluation = np.array([0, 1, 1, 1, 1, 1, 1, 0, 1, 1], dtype=bool)
    satisfied = np.array([1, 1, 0, 0, 1, 1, 0, 0, 1, 1], dtype=float)
    return agency, pair, is_pilot, is_evaluation, satisfied
