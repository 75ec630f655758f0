"""World v2 (shared/spec/world.md), checked on generated files from the spec, not from the code:
firms act only while open, every dated table covers the data window, the calibration table holds,
heterogeneous effects are recorded per unit, and a null world plants nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from smallfirms.generate import generate_world

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SCALE = 0.1  # the default world's scale: its calibration is what the acceptance reads
# Tables whose rows belong to an establishment, and the date that must fall while it is open.
ACTIVITY_DATES = {
    "hire_declarations": "date_embauche",
    "job_offers": "date_publication",
    "counsellor_actions": "date_action",
    "satisfaction_answers": "date_reponse",
}
# Dated tables that must cover the data window (enrolments are dated up to the baseline only).
COVERING = {
    **ACTIVITY_DATES,
    "jobseeker_spells": "date_inscription",
}
SIBLING_SIGNAL = "a sibling establishment hired in the look-back window"
EFFECT_FILES = ("small_firm_extra_hires", "large_recruiter_extra_hires", "satisfaction_uplift")


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("world_v2")
    generate_world(SCALE, 42, root / "planted", "csv", SEEDS_DIR, progress=False)
    from smallfirms.world.params import Params, null_params

    generate_world(SCALE, 42, root / "null", "csv", SEEDS_DIR, null_params(Params()), False)
    return {"planted": root / "planted", "null": root / "null"}


def _read(raw: Path, name: str, dates: list[str]) -> pd.DataFrame:
    return pd.read_csv(raw / f"{name}.csv", dtype=str, parse_dates=dates)


def test_no_activity_outside_an_establishments_open_dates(worlds):
    raw = worlds["planted"]
    est = _read(raw, "establishments", ["date_creation", "date_fermeture"]).set_index("siret")
    for name, column in ACTIVITY_DATES.items():
        rows = _read(raw, name, [column])
        created = est.loc[rows["siret"], "date_creation"].to_numpy()
        closed = est.loc[rows["siret"], "date_fermeture"].to_numpy()
        when = rows[column].to_numpy()
        before = when < created
        after = pd.notna(closed) & (when > closed)
        assert not before.any(), f"{name}: {before.sum()} rows before the creation date"
        assert not after.any(), f"{name}: {after.sum()} rows after the closure date"


def test_every_dated_table_covers_the_data_window(worlds):
    cal = pd.read_csv(SEEDS_DIR / "experiment_calendar.csv", dtype=str).set_index("window_name")
    first = pd.Timestamp(cal.loc["data", "start_date"])
    last = pd.Timestamp(cal.loc["data", "end_date"])
    for name, column in COVERING.items():
        dates = _read(worlds["planted"], name, [column])[column]
        months = set(dates.dt.to_period("M"))
        window = set(pd.period_range(first, last, freq="M"))
        if name == "satisfaction_answers":  # surveyed in waves: first and last month suffice
            assert {first.to_period("M"), last.to_period("M")} <= months, name
        else:
            assert window <= months, f"{name}: no row in {sorted(window - months)[:3]}"
        assert dates.min() >= first or name == "jobseeker_spells", name
        assert dates[dates <= last].size == dates.size or name == "jobseeker_spells", name


def test_calibration_table_is_within_tolerance(worlds):
    record = json.loads((worlds["planted"] / "_world.json").read_text())
    table = record["calibration"]
    assert len(table) >= 8
    for row in table:
        assert {"target", "tolerance", "produced", "source", "why"} <= set(row), row["name"]
        assert abs(row["produced"] - row["target"]) <= row["tolerance"] + 1e-9, row


def test_intra_agency_correlation_in_range(worlds):
    record = json.loads((worlds["planted"] / "_world.json").read_text())
    (icc,) = [r for r in record["calibration"] if r["name"].startswith("intra-agency")]
    assert 0.01 <= icc["produced"] <= 0.05


def test_planted_effects_are_heterogeneous_and_per_unit(worlds):
    truth = pd.read_csv(worlds["planted"] / "_truth" / "small_firm_extra_hires.csv")
    by_state = truth.groupby("state_at_baseline")["expected_extra_hires"].mean()
    assert by_state["dormant"] > 3 * by_state["growing"], by_state.to_dict()
    large = pd.read_csv(worlds["planted"] / "_truth" / "large_recruiter_extra_hires.csv")
    assert large["expected_extra_hires"].std() > 0


def test_null_world_plants_no_effect(worlds):
    for name in EFFECT_FILES:
        frame = pd.read_csv(worlds["null"] / "_truth" / f"{name}.csv")
        assert frame.empty, f"{name} holds {len(frame)} rows in a null world"
    planted = pd.read_csv(worlds["planted"] / "_truth" / "small_firm_extra_hires.csv")
    assert len(planted) > 0


def test_latent_expectations_cover_every_establishment(worlds):
    raw = worlds["planted"]
    latent = pd.read_csv(raw / "_truth" / "latent_expected_hires.csv", dtype={"siret": str})
    est = pd.read_csv(raw / "establishments.csv", dtype=str)
    assert set(latent["siret"]) == set(est["siret"])
    assert (latent["expected_hires"] >= 0).all() and latent["expected_hires"].sum() > 0


def test_signals_are_informative_not_decisive(worlds):
    """Non-recruiters of hiring sectors that are about to hire show the signals more often than
    the others, and no signal marks most of them (world.md, point 4: "some of them"). The sibling
    signal is recorded but not asserted one world at a time: fewer than a hundred such firms have
    a sibling at scale 0.1, and its direction varies by seed (docs/world.md gives five)."""
    record = json.loads((worlds["planted"] / "_world.json").read_text())["signals"]
    assert record["n_about_to_hire"] >= 50 and record["n_others"] >= 50
    shares = record["share_showing_signal"]
    assert SIBLING_SIGNAL in shares
    for name, share in shares.items():
        assert share["about_to_hire"] < 0.6, f"{name} is nearly decisive"
        if name != SIBLING_SIGNAL:
            assert share["about_to_hire"] > share["others"], name


def test_no_model_reads_the_truth_or_the_generators_parameters():
    """Fairness (world.md, point 8): no model, macro or analysis reads _truth/, _world.json or
    the generator's package (its parameters)."""
    root = Path(__file__).resolve().parents[2]
    forbidden = ("_truth", "_world.json", "smallfirms.world", "smallfirms.generate")
    for folder in ("models", "macros", "analyses"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and path.suffix in {".sql", ".py", ".yml", ".md"}:
                text = path.read_text(encoding="utf-8")
                found = [word for word in forbidden if word in text]
                assert not found, f"{path.relative_to(root)} mentions {found}"
