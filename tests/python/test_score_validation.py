"""Score validation: La Bonne Boîte's line against least-squares fits computed by hand, the
capture curves of the test warehouse (the `warehouse` fixture, the make-test world) and the
version-1 score's reversal, gone.

The model file is imported by path (a dbt Python model is not a package module)."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smallfirms import score_validation as sv
from smallfirms.project import project_vars

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


def firms(departement: str, anchor: str, rows: list[tuple[float, ...]]) -> pd.DataFrame:
    """Firms of one département at one anchor: (hires of each lagged half-year…, band lower
    bound, next half-year's hires). The SIRET is the row number, so a firm keeps it across
    anchors."""
    *lags, size, target = (list(column) for column in zip(*rows, strict=True))
    frame = pd.DataFrame(
        {
            "anchor_name": anchor,
            "siret": [f"{departement}{i:012d}" for i in range(len(rows))],
            "code_departement": departement,
            "band_lower_bound": size,
            "next_half_year_hires_known": target,
        }
    )
    for lag, values in enumerate(lags, start=1):
        frame[f"hires_lag_{lag}"] = values
    return frame


def test_lbb_line_is_the_least_squares_line_computed_by_hand(lbb):
    # A balanced 2 × 2 design at the training anchor: lag in {0, 1}, size in {1, 3}, target
    # (0, 1, 1, 4). Without an interaction, least squares gives the main effects:
    #   lag slope  = mean(y | lag 1) - mean(y | lag 0) = (1 + 4) / 2 - (0 + 1) / 2 = 2
    #   size slope = (mean(y | size 3) - mean(y | size 1)) / (3 - 1) = (2.5 - 0.5) / 2 = 1
    #   intercept  = mean(y) - 2 × mean(lag) - 1 × mean(size) = 1.5 - 1 - 2 = -1.5
    # (residuals +0.5, -0.5, -0.5, +0.5: orthogonal to 1, lag and size, so this is the minimum).
    training = firms("54", "training", [(0, 1, 0), (1, 1, 1), (0, 3, 1), (1, 3, 4)])
    # At the baseline the same firms have lags (0, 1, 1, 4): -1.5 + 2 × lag + size.
    scoring = firms("54", "scoring", [(0, 1, 0), (1, 1, 0), (1, 3, 0), (4, 3, 0)])
    out = lbb.lbb_predictions(pd.concat([training, scoring]), n_lags=1, min_rows=4)

    assert list(out.columns) == lbb.OUTPUT_COLUMNS
    np.testing.assert_allclose(out["lbb_extended_prediction"], [-0.5, 1.5, 3.5, 9.5], atol=1e-12)
    assert out["has_departement_fit_extended"].all()
    # La Bonne Boîte's own variant learns from the two training firms with a hire in their lag
    # only: too few for three coefficients, so it borrows the pooled line, here the same two
    # firms, also too few: no line, no score. The firm with no hire in its lag is never scored.
    assert out["has_lag_hires"].tolist() == [False, True, True, True]
    assert out.loc[0, "lbb_prediction"] != out.loc[0, "lbb_prediction"]  # NaN: not scored


def test_lbb_variant_learns_and_scores_only_firms_that_hired(lbb):
    # Two lags. Training firms that hired: y = 1 + 1 × lag1 + 2 × lag2 + 0.5 × size exactly;
    # the firms that never hired have y = 3, which would bend the extended line, not LBB's.
    hirers = [(1, 0, 2), (0, 1, 4), (2, 1, 6), (1, 2, 10), (3, 0, 1), (0, 2, 3)]
    rows = [(l1, l2, size, 1 + l1 + 2 * l2 + 0.5 * size) for l1, l2, size in hirers]
    rows += [(0, 0, size, 3.0) for size in (1, 3, 6, 10)]
    training = firms("21", "training", rows)
    scoring = firms("21", "scoring", [(2, 2, 6, 0), (0, 0, 6, 0)])
    out = lbb.lbb_predictions(pd.concat([training, scoring]), n_lags=2, min_rows=5)

    assert out.loc[0, "lbb_prediction"] == pytest.approx(1 + 2 + 4 + 3)
    assert np.isnan(out.loc[1, "lbb_prediction"])
    assert bool(out.loc[0, "has_departement_fit"]) and not bool(out.loc[1, "has_departement_fit"])
    # The extended line is least squares on all ten firms: (X'X)^-1 X'y solved independently.
    x = np.array([[1, r[0], r[1], r[2]] for r in rows], dtype=float)
    y = np.array([r[3] for r in rows], dtype=float)
    beta = np.linalg.solve(x.T @ x, x.T @ y)
    np.testing.assert_allclose(
        out["lbb_extended_prediction"], [beta @ [1, 2, 2, 6], beta @ [1, 0, 0, 6]], rtol=1e-10
    )


def test_each_departement_has_its_own_line_and_small_ones_borrow_the_pooled_line(lbb):
    # 21: y = 1 + 2 lag; 58: y = lag + 0.5 size (four firms each, exact); 70: two firms only.
    line_21 = [(lag, s, 1 + 2 * lag) for lag, s in [(0, 1), (1, 3), (2, 6), (3, 1)]]
    line_58 = [(lag, s, lag + 0.5 * s) for lag, s in [(0, 2), (1, 4), (2, 6), (4, 2)]]
    training = pd.concat(
        [
            firms("21", "training", line_21),
            firms("58", "training", line_58),
            firms("70", "training", [(1, 1, 5), (2, 3, 0)]),
        ]
    )
    scoring = pd.concat(
        [
            firms("21", "scoring", [(5, 10, 0)]),
            firms("58", "scoring", [(5, 10, 0)]),
            firms("70", "scoring", [(5, 10, 0)]),
        ]
    )
    out = lbb.lbb_predictions(pd.concat([training, scoring]), n_lags=1, min_rows=4)
    by_departement = out.set_index("code_departement")
    assert by_departement.loc["21", "lbb_extended_prediction"] == pytest.approx(11.0)
    assert by_departement.loc["58", "lbb_extended_prediction"] == pytest.approx(10.0)
    assert not by_departement.loc["70", "has_departement_fit_extended"]
    pooled = lbb.fit_line(
        training[["hires_lag_1", "band_lower_bound"]].to_numpy(float),
        training["next_half_year_hires_known"].to_numpy(float),
    )
    assert by_departement.loc["70", "lbb_extended_prediction"] == pytest.approx(pooled @ [1, 5, 10])


def test_capture_curves_rise_to_one_and_random_is_the_diagonal(warehouse):
    curves = warehouse.execute(
        "select method, population, top_share, n_firms, n_top_firms, hires_captured_share "
        "from marts.score_validation"
    ).df()
    # the methods and populations the multi-world figures know (smallfirms.score_validation)
    assert set(curves["method"]) == set(sv.METHODS) and len(sv.METHODS) == 7
    assert set(curves["population"]) == set(sv.POPULATIONS) and len(sv.POPULATIONS) == 5
    assert len(curves) == 7 * 5 * 10
    for _, curve in curves.groupby(["method", "population"]):
        shares = curve.sort_values("top_share")["hires_captured_share"].to_numpy()
        assert (np.diff(shares) >= -1e-12).all()
        assert shares[-1] == pytest.approx(1.0)
    # every firm tied: the top k of n take k / n of the hires exactly (one list per population)
    random = curves[(curves["method"] == "random") & (curves["population"] != "agency_lists")]
    np.testing.assert_allclose(
        random["hires_captured_share"], random["n_top_firms"] / random["n_firms"], rtol=1e-12
    )


def test_v1_score_no_longer_falls_as_a_firm_hires_more_within_its_cell(warehouse):
    """Version 1 left the firm out of its comparable cell, so within a cell its score fell as its
    own look-back hires rose (median within-cell Spearman -1). With the firm in its cell, every
    firm of a cell gets the same score: no reversal left."""
    (n_cells_with_spread,) = warehouse.execute(
        """
        select count(*) from (
            select code_departement, naf_division, tranche_effectifs
            from marts.prospect_targeting
            group by code_departement, naf_division, tranche_effectifs
            having count(distinct lookback_hires) > 1
                and max(hiring_potential_score) - min(hiring_potential_score) > 1e-9
        ) as cells
        """
    ).fetchone()
    assert n_cells_with_spread == 0


def test_the_marts_and_the_multi_world_figures_agree(warehouse):
    """The five-world file is computed in numpy (smallfirms.score_validation) from the firm-level
    table; the marts in SQL. Both must say the same on the same warehouse, to 1e-9."""
    frame = warehouse.execute(
        f"select {', '.join(sv.COLUMNS)} from intermediate.int_score_validation_ranked_firms"
    ).df()
    for column in ("ranking_value", "predicted_hires", "truth_hires"):
        frame[column] = frame[column].astype(float)
    figures = sv.seed_figures(frame, int(project_vars()["calls_per_agency"]))
    curves = warehouse.execute(
        "select population, method, top_share, hires_captured_share from marts.score_validation"
    ).fetchall()
    assert len(curves) == sum(len(methods) for methods in figures.values()) * sv.STEPS
    for population, method, top_share, share in curves:
        got = figures[population][method]["capture"][sv.share_key(round(top_share * sv.STEPS))]
        assert got == pytest.approx(share, abs=1e-9), (population, method, top_share)
    summary = warehouse.execute("select * from marts.score_validation_summary").df()
    for row in summary.itertuples():
        got = figures[row.population][row.method]
        assert got["calls"] == row.calls, (row.population, row.method)
        assert got["hires_per_call"] == pytest.approx(row.hires_per_call, abs=1e-9)
        assert got["hiring_firms_share"] == pytest.approx(row.hiring_firms_share, abs=1e-9)
        if row.method in ("shipped_score", "lbb", "lbb_extended"):
            assert got["predicted_observed_ratio"] == pytest.approx(
                row.predicted_observed_ratio, abs=1e-9
            )
            assert got["poisson_deviance"] == pytest.approx(row.poisson_deviance, abs=1e-9)
    deciles = warehouse.execute(
        "select population, method, decile, predicted_observed_ratio from marts.score_calibration"
    ).fetchall()
    for population, method, decile, ratio in deciles:
        found = figures[population][method]["calibration_deciles"][decile - 1]
        assert found["decile"] == decile
        assert found["ratio"] == pytest.approx(ratio, abs=1e-9), (population, method, decile)


RESULTS = Path(__file__).resolve().parents[2] / "docs" / "results" / "score_validation.json"
POPULATIONS = ("all_eligible", "prospects", "non_recruiters", "priority_prospects", "agency_lists")


@pytest.fixture(scope="module")
def five_worlds() -> dict:
    return json.loads(RESULTS.read_text())


def test_the_shipped_score_beats_la_bonne_boite_and_the_sector_rate_over_five_worlds(five_worlds):
    """What `make score-validation SEEDS=5` found, and what was claimed before without it (the
    prospect score against LBB among non-recruiters, an xfail): over five worlds, the shipped
    score's top 10 % holds more of the next half-year's hires than La Bonne Boîte's (both
    variants) and the sector rate's in every population, and the paired 95 % interval of each
    difference lies below 0 in every population."""
    assert len(five_worlds["seeds"]) >= 5 and five_worlds["reps"] >= 1000
    summary, differences = five_worlds["summary"], five_worlds["differences"]
    for population in POPULATIONS:
        shipped = summary[population]["shipped_score"]["top_decile_capture"]
        for method in ("lbb", "lbb_extended", "sector_rate"):
            assert shipped > summary[population][method]["top_decile_capture"], (population, method)
            interval = differences[population][method]["top_decile_capture"]
            assert interval["low"] <= interval["estimate"] <= interval["high"] < 0, (
                population,
                method,
                interval,
            )


def test_the_five_world_summary_is_the_mean_of_its_worlds(five_worlds):
    """The summary is recomputed from the per-world figures the file holds (no hand edit)."""
    for population in POPULATIONS:
        for method, row in five_worlds["summary"][population].items():
            values = [
                five_worlds["per_seed"][str(seed)][population][method]["capture"][
                    sv.share_key(sv.TOP_STEP)
                ]
                for seed in five_worlds["seeds"]
            ]
            assert row["top_decile_capture"] == pytest.approx(np.mean(values), abs=1e-6)


def test_the_tables_of_readme_and_docs_come_from_the_five_world_file(five_worlds):
    tables = sv.markdown(five_worlds)
    docs = (RESULTS.parents[1] / "targeting.md").read_text()
    readme = (RESULTS.parents[2] / "README.md").read_text()
    rows = [line for line in tables if line.startswith("| ")]
    assert all(line in docs for line in rows)
    # the README shows the first table, the capture of each method
    first = rows[: 1 + len(POPULATIONS)]
    assert all(line in readme for line in first)
