"""The shipped score's out-of-time discipline, on the test warehouse's features: the model learns
only from the training anchor's rows and what was known at the baseline, reads nothing of the
half-year it predicts, and answers to the anchor it is fed.

The model file is imported by path (a dbt Python model is not a package module)."""

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

TARGETING = Path(__file__).resolve().parents[2] / "models" / "intermediate" / "targeting"


@pytest.fixture(scope="module")
def shipped():
    path = TARGETING / "int_establishment_hiring_predictions.py"
    spec = importlib.util.spec_from_file_location("int_establishment_hiring_predictions", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def settings() -> dict:
    models = yaml.safe_load((TARGETING / "_targeting__models.yml").read_text())["models"]
    (model,) = [m for m in models if m["name"] == "int_establishment_hiring_predictions"]
    return model["config"]["score_model"]


@pytest.fixture(scope="module")
def features(warehouse) -> pd.DataFrame:
    return warehouse.execute("select * from intermediate.int_establishment_anchor_features").df()


@pytest.fixture(scope="module")
def baseline(shipped, features, settings) -> pd.DataFrame:
    return shipped.predictions(features, settings).set_index("siret")


def test_the_warehouse_holds_what_the_model_gives(warehouse, baseline):
    stored = warehouse.execute(
        "select siret, expected_hires_next_6_months "
        "from intermediate.int_establishment_hiring_predictions"
    ).df()
    stored = stored.set_index("siret")["expected_hires_next_6_months"]
    np.testing.assert_allclose(
        stored.sort_index(), baseline["expected_hires_next_6_months"].sort_index(), atol=1e-9
    )


def test_no_feature_is_dated_after_its_anchor(shipped):
    """The model reads the lags, counts and levels known at its anchor; never a column of the
    half-year that follows (what it learns or predicts)."""
    assert not [f for f in shipped.FEATURES if f.startswith("next_half_year")]
    assert shipped.TARGET == "next_half_year_hires_known"


def test_the_future_does_not_move_the_score(shipped, features, settings, baseline):
    """Change what happened after the baseline (every firm's pilot half-year, and the late
    declarations of the training half-year): the same model gives the same scores."""
    changed = features.copy()
    scoring = changed["anchor_name"] == "scoring"
    rng = np.random.default_rng(1)
    changed.loc[scoring, "next_half_year_hires"] = rng.poisson(5, scoring.sum())
    changed.loc[scoring, "next_half_year_hires_known"] = rng.poisson(5, scoring.sum())
    changed.loc[~scoring, "next_half_year_hires"] += rng.poisson(2, (~scoring).sum())
    again = shipped.predictions(changed, settings).set_index("siret")
    np.testing.assert_array_equal(
        again["expected_hires_next_6_months"], baseline["expected_hires_next_6_months"]
    )


def test_the_same_model_fed_a_later_anchor_changes(shipped, features, settings, baseline):
    """Fed each firm's features at the training anchor (2016-03-01) in place of those at the
    baseline, the same fitted model gives other scores: the score answers to its anchor."""
    earlier = features[features["anchor_name"] == "training"].assign(anchor_name="scoring")
    fed = pd.concat([features[features["anchor_name"] == "training"], earlier])
    at_training = shipped.predictions(fed, settings).set_index("siret")
    common = baseline.index.intersection(at_training.index)
    assert len(common) > 0.8 * len(baseline)
    moved = (
        at_training.loc[common, "expected_hires_next_6_months"]
        - baseline.loc[common, "expected_hires_next_6_months"]
    ).abs()
    assert (moved > 1e-6).mean() > 0.5


def test_a_training_hire_moves_the_score(shipped, features, settings, baseline):
    """And the model does learn from the training half-year: one more known hire there for the
    firms that hired most changes the scores."""
    changed = features.copy()
    training = changed["anchor_name"] == "training"
    top = changed.loc[training, "next_half_year_hires_known"].nlargest(20).index
    changed.loc[top, "next_half_year_hires_known"] += 5
    again = shipped.predictions(changed, settings).set_index("siret")
    assert not np.allclose(
        again["expected_hires_next_6_months"], baseline["expected_hires_next_6_months"]
    )
