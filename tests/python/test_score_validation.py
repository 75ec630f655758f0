"""Score validation (issue 11): the LBB-style baseline against least-squares fits computed by hand,
and the capture curves of the test warehouse (the `warehouse` fixture, the make-test world).

The model file is imported by path (a dbt Python model is not a package module)."""

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
    spec = importlib.util.spec_from_file_location("int_establishment_lbb_predictions", MODEL_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def firms(departement: str, rows: list[tuple[float, float, float]]) -> pd.DataFrame:
    """Firms of one département: (hires 2016-03 … 08, hires 2016-09 … 2017-02, band lower bound)."""
    h1, h2, size = (list(column) for column in zip(*rows, strict=True))
    return pd.DataFrame(
        {
            "siret": [f"{departement}{i:012d}" for i in range(len(rows))],
            "code_departement": departement,
            "hires_pre_half_year_1": h1,
            "hires_pre_half_year_2": h2,
            "band_lower_bound": size,
        }
    )


def test_lbb_style_fit_is_the_least_squares_line_computed_by_hand(lbb):
    # A balanced 2 × 2 design: lag h1 in {0, 1}, size in {1, 3}, target h2 = (0, 1, 1, 4).
    # Without an interaction, least squares gives the main effects:
    #   lag slope  = mean(h2 | h1 = 1) - mean(h2 | h1 = 0) = (1 + 4) / 2 - (0 + 1) / 2 = 2
    #   size slope = (mean(h2 | size 3) - mean(h2 | size 1)) / (3 - 1) = (2.5 - 0.5) / 2 = 1
    #   intercept  = mean(h2) - 2 × mean(h1) - 1 × mean(size) = 1.5 - 1 - 2 = -1.5
    # (residuals +0.5, -0.5, -0.5, +0.5: orthogonal to 1, h1 and size, so this is the minimum).
    frame = firms("54", [(0, 0, 1), (1, 1, 1), (0, 1, 3), (1, 4, 3)])
    out = lbb.lbb_predictions(frame, min_rows=4)

    assert list(out.columns) == lbb.OUTPUT_COLUMNS
    assert out["has_departement_fit"].all()
    assert (out["n_training_firms"] == 4).all()
    np.testing.assert_allclose(out["intercept"], -1.5, atol=1e-12)
    np.testing.assert_allclose(out["lag_coefficient"], 2.0, atol=1e-12)
    np.testing.assert_allclose(out["size_coefficient"], 1.0, atol=1e-12)
    # The pilot half-year is predicted from the last half-year (h2) and the size:
    #   -1.5 + 2 × (0, 1, 1, 4) + 1 × (1, 1, 3, 3) = (-0.5, 1.5, 3.5, 9.5).
    # The first firm never hired: intercept and size only, the line at zero lags.
    np.testing.assert_allclose(out["lbb_prediction"], [-0.5, 1.5, 3.5, 9.5], atol=1e-12)


def test_lbb_style_fit_solves_the_normal_equations(lbb):
    # Not balanced: compare with (X'X)^-1 X'y solved independently, X = [1, h1, size].
    frame = firms("54", [(0, 1, 1), (1, 1, 3), (2, 3, 6), (0, 0, 10), (3, 4, 3)])
    x = np.array([[1, 0, 1], [1, 1, 3], [1, 2, 6], [1, 0, 10], [1, 3, 3]], dtype=float)
    y = np.array([1, 1, 3, 0, 4], dtype=float)
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    expected = np.column_stack([np.ones(5), y, x[:, 2]]) @ beta

    out = lbb.lbb_predictions(frame, min_rows=3)

    np.testing.assert_allclose(out["lbb_prediction"], expected, rtol=1e-10)
    np.testing.assert_allclose(
        out.loc[0, ["intercept", "lag_coefficient", "size_coefficient"]].to_numpy(float), beta
    )


def test_each_departement_has_its_own_line(lbb):
    # Two départements, each on an exact line of its own:
    # 21: h2 = 1 + 2 h1 + 0 size; 58: h2 = 0 + 1 h1 + 0.5 size.
    first = firms("21", [(h1, 1 + 2 * h1, s) for h1, s in [(0, 1), (1, 3), (2, 6), (3, 1)]])
    second = firms("58", [(h1, h1 + 0.5 * s, s) for h1, s in [(0, 2), (1, 4), (2, 6), (4, 2)]])
    out = lbb.lbb_predictions(pd.concat([second, first], ignore_index=True), min_rows=4)

    by_departement = out.groupby("code_departement")[
        ["intercept", "lag_coefficient", "size_coefficient"]
    ].first()
    np.testing.assert_allclose(by_departement.loc["21"], [1.0, 2.0, 0.0], atol=1e-10)
    np.testing.assert_allclose(by_departement.loc["58"], [0.0, 1.0, 0.5], atol=1e-10)


def test_small_or_singular_departement_borrows_the_pooled_fit(lbb):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "siret": [f"s{i:02d}" for i in range(46)],
            "code_departement": ["21"] * 38 + ["58"] * 2 + ["70"] * 6,
            "hires_pre_half_year_1": rng.poisson(1, 46).astype(float),
            "hires_pre_half_year_2": rng.poisson(1, 46).astype(float),
            "band_lower_bound": rng.choice([1.0, 3.0, 6.0, 10.0], 46),
        }
    )
    # département 70: nobody hired in 2016-03 … 08, so its lag column is 0 and its design singular
    frame.loc[frame["code_departement"] == "70", "hires_pre_half_year_1"] = 0.0
    out = lbb.lbb_predictions(frame, min_rows=2).set_index("siret")

    own = out.groupby("code_departement")["has_departement_fit"].all()
    assert own.to_dict() == {"21": True, "58": False, "70": False}
    # 58 has fewer firms than coefficients, 70 a singular design: both get the line of all 46 firms
    assert (out.loc[out["code_departement"] != "21", "n_training_firms"] == 46).all()
    pooled = lbb.fit_line(
        frame[lbb.FEATURES_TRAIN].to_numpy(float), frame[lbb.TARGET].to_numpy(float)
    )
    np.testing.assert_allclose(out.loc["s40", "intercept"], pooled[0])


def test_capture_curves_rise_to_one_and_random_follows_the_diagonal(warehouse):
    curves = warehouse.execute(
        "select method, population, top_share, hires_captured_share from marts.score_validation"
    ).df()
    assert set(curves["method"]) == {"prospect_score", "sector_rate", "lbb_style", "random"}
    assert set(curves["population"]) == {"all_eligible", "non_recruiters", "prospects"}
    assert len(curves) == 4 * 3 * 10
    for _, curve in curves.groupby(["method", "population"]):
        shares = curve.sort_values("top_share")["hires_captured_share"].to_numpy()
        assert (np.diff(shares) >= -1e-12).all()
        assert shares[-1] == pytest.approx(1.0)
    random = curves[curves["method"] == "random"]
    assert (random["hires_captured_share"] - random["top_share"]).abs().max() < 0.15


def test_non_recruiters_hires_are_findable_by_the_prospect_score_and_lbb(warehouse):
    """On world v2 a firm without a hire in the look-back window is mostly dormant, not drawn
    never to hire, and what is known at baseline says something about its waking up: both the
    prospect score and the LBB-style line capture well above chance among non-recruiters (under
    world v1 all rankings were at chance there).

    Which of the two wins is not asserted on one small world: it flipped between two commits of
    world v2 on the make-test world (prospect score 30.5 % against LBB-style 24.8 %, then 24.7 %
    against 26.9 %). That comparison belongs to several seeds with paired intervals."""
    top = dict(
        warehouse.execute(
            "select method, hires_captured_share from marts.score_validation "
            "where population = 'non_recruiters' and abs(top_share - 0.1) < 1e-9"
        ).fetchall()
    )
    assert top["prospect_score"] > 1.5 * top["random"], top
    assert top["lbb_style"] > 1.5 * top["random"], top
