"""The LBB-style baseline of score validation against a hand-computed least-squares fit, and the
capture curves' shape on the test warehouse. (Which method wins on the default world is checked in
test_effects_recovery.py, which builds that world.)"""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

MODEL_PATH = (
    Path(__file__).resolve().parents[2]
    / "models"
    / "intermediate"
    / "targeting"
    / "int_establishment_lbb_predictions.py"
)


@pytest.fixture(scope="module")
def lbb():
    spec = importlib.util.spec_from_file_location("lbb_model", MODEL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lbb_style_fit_is_the_least_squares_line_by_hand(lbb):
    # five firms of one département: target h2 from h1 and the band's lower bound
    frame = pd.DataFrame(
        {
            "siret": ["a", "b", "c", "d", "e"],
            "code_departement": ["54"] * 5,
            "hires_pre_half_year_1": [0.0, 1.0, 2.0, 0.0, 3.0],
            "hires_pre_half_year_2": [1.0, 1.0, 3.0, 0.0, 4.0],
            "band_lower_bound": [1.0, 3.0, 6.0, 10.0, 3.0],
        }
    )
    # normal equations, by hand: beta = (X'X)^-1 X'y with X = [1, h1, size]
    x = np.array([[1, 0, 1], [1, 1, 3], [1, 2, 6], [1, 0, 10], [1, 3, 3]], dtype=float)
    y = np.array([1, 1, 3, 0, 4], dtype=float)
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    # predictions use the last half-year as the lag
    expected = np.column_stack([np.ones(5), y, x[:, 2]]) @ beta
    out = lbb.lbb_predictions(frame, min_rows=3)
    np.testing.assert_allclose(out["lbb_prediction"].to_numpy(), expected, rtol=1e-10)
    assert out["has_departement_fit"].all()
    # a firm that never hired still gets a score: intercept and size
    zero = pd.DataFrame(
        {
            "siret": ["z"],
            "code_departement": ["54"],
            "hires_pre_half_year_1": [0.0],
            "hires_pre_half_year_2": [0.0],
            "band_lower_bound": [6.0],
        }
    )
    both = lbb.lbb_predictions(pd.concat([frame, zero], ignore_index=True), min_rows=3)
    assert np.isfinite(both.loc[both["siret"] == "z", "lbb_prediction"]).all()


def test_small_departement_borrows_the_pooled_fit(lbb):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "siret": [f"s{i}" for i in range(40)],
            "code_departement": ["21"] * 38 + ["58"] * 2,
            "hires_pre_half_year_1": rng.poisson(1, 40).astype(float),
            "hires_pre_half_year_2": rng.poisson(1, 40).astype(float),
            "band_lower_bound": rng.choice([1.0, 3.0, 6.0, 10.0], 40),
        }
    )
    out = lbb.lbb_predictions(frame, min_rows=30).set_index("siret")
    assert not out.loc[["s38", "s39"], "has_departement_fit"].any()
    assert out.loc[[f"s{i}" for i in range(38)], "has_departement_fit"].all()


def test_capture_curves_rise_to_one_and_random_follows_the_diagonal(warehouse):
    curves = warehouse.execute(
        "select method, population, top_share, hires_captured_share from marts.score_validation"
    ).df()
    assert set(curves["method"]) == {"prospect_score", "sector_rate", "lbb_style", "random"}
    assert len(curves) == 4 * 3 * 10
    for _, curve in curves.groupby(["method", "population"]):
        shares = curve.sort_values("top_share")["hires_captured_share"].to_numpy()
        assert (np.diff(shares) >= -1e-12).all()
        assert shares[-1] == pytest.approx(1.0)
    random = curves[curves["method"] == "random"]
    assert (random["hires_captured_share"] - random["top_share"]).abs().max() < 0.15
