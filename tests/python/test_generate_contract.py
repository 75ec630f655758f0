"""Every file the generator writes follows the raw-data contract.

The rules come from the contract itself (smallfirms.contract: the sources YAML, written from
../shared/spec/raw-data-contract.md), evaluated in pandas, independently of the warehouse's SQL and
of the generator. The other tests check what the contract states in words but not as rules, and
that the world exercises the rules (La Poste, NAF codes without their dot, the 31-day boundary…).
"""

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from smallfirms import contract
from smallfirms.generate import Params, generate_world

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SCALE = 0.02
TABLES = contract.tables()


def _seed(name: str) -> pd.DataFrame:
    return pd.read_csv(SEEDS_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def _code_set(name: str) -> set[str]:
    cc = _seed("contract_codes")
    return set(cc.loc[cc["code_set"] == name, "code"])


@pytest.fixture(scope="module")
def raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("contract") / "raw"
    generate_world(SCALE, 42, out, "csv", SEEDS_DIR, progress=False)
    return out


@pytest.fixture(scope="module")
def t(raw: Path) -> dict[str, pd.DataFrame]:
    """Every table as text (empty field = NULL = NaN)."""
    return {
        name: pd.read_csv(raw / f"{name}.csv", dtype=str, keep_default_na=False, na_values=[""])
        for name in TABLES
    }


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in reversed(number)]
    return (
        sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2) for i, d in enumerate(digits)) % 10
        == 0
    )


def _date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d")


# ---------------------------------------------------------------------------------------- files


def test_exactly_the_ten_files_in_one_format(raw: Path):
    assert sorted(p.name for p in raw.glob("*.csv")) == sorted(f"{n}.csv" for n in TABLES)
    assert not list(raw.glob("*.parquet"))


@pytest.mark.parametrize("name", list(TABLES))
def test_csv_layout(raw: Path, name: str):
    data = (raw / f"{name}.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in data
    text = data.decode("utf-8")
    header = next(csv.reader([text.split("\n", 1)[0]]))
    assert header == TABLES[name].column_names


def test_reference_tables_not_empty(t: dict[str, pd.DataFrame]):
    not_empty = [name for name, table in TABLES.items() if table.not_empty]
    assert sorted(not_empty) == ["agencies", "communes", "establishments", "legal_units"]
    for name in not_empty:
        assert len(t[name]) > 0


@pytest.mark.parametrize("name", list(TABLES))
def test_every_row_keeps_every_rule_of_the_contract(t: dict[str, pd.DataFrame], name: str):
    assert contract.violations(TABLES[name], t) == {}


def test_the_conformance_check_sees_a_broken_row(t: dict[str, pd.DataFrame]):
    broken = dict(t)
    offers = t["job_offers"].copy()
    offers.loc[offers.index[0], "nb_postes"] = "101"
    offers.loc[offers.index[1], "siret"] = "00000000000000"
    broken["job_offers"] = offers
    assert contract.violations(TABLES["job_offers"], broken) == {
        ("out_of_range", "nb_postes"): 1,
        ("unknown_establishment", "siret"): 1,
    }


# ---------------------------------------------------------------------------------- identifiers


def test_the_world_exercises_the_identifier_exceptions(t: dict[str, pd.DataFrame]):
    assert "356000000" in set(t["legal_units"]["siren"]), "La Poste is present at every scale"
    poste = t["establishments"][t["establishments"]["siren"] == "356000000"]
    assert len(poste) >= 10
    assert not all(_luhn_ok(s) for s in poste["siret"]), "some are valid by their digit sum only"
    nirs = t["jobseeker_spells"]["nir"]
    assert nirs.str[5:7].isin(["2A", "2B"]).any(), "Corsican NIRs exercise 2A/2B"


def test_naf_codes_come_with_and_without_their_dot(t: dict[str, pd.DataFrame]):
    share_no_dot = (~t["establishments"]["code_naf"].str.contains(".", regex=False)).mean()
    assert 0.1 < share_no_dot < 0.3


def test_declarations_reach_the_service_at_most_8_days_before_the_hire(
    t: dict[str, pd.DataFrame],
):
    h = t["hire_declarations"]
    declared = pd.to_datetime(h["date_declaration"]).dt.normalize()
    assert (declared >= _date(h["date_embauche"]) - pd.Timedelta(days=8)).all()


def test_contract_durations_cover_the_31_day_boundary(t: dict[str, pd.DataFrame]):
    h = t["hire_declarations"]
    cdd = h[h["nature_contrat"] == "CDD"]
    days = (_date(cdd["date_fin_contrat"]) - _date(cdd["date_embauche"])).dt.days + 1
    assert (days == 31).any() and (days == 32).any()
    shares = h["nature_contrat"].value_counts(normalize=True)
    assert 0.1 < shares["CDI"] < 0.2 and 0.1 < shares["CTT"] < 0.35


def test_communes_lie_in_their_department(t: dict[str, pd.DataFrame]):
    communes = t["communes"]
    assert (communes["code_commune"].str[:2] == communes["code_departement"]).all()


def test_agencies_layout(t: dict[str, pd.DataFrame]):
    ag = t["agencies"]
    experiment = set(_seed("experiment_regions")["code_region"])
    urban = ag["type_territoire"] == "urbain"
    assert ag.loc[urban, "code_agglomeration"].notna().all()
    assert ag.loc[~urban, "code_agglomeration"].isna().all()
    for region in experiment:
        r = ag[ag["code_region"] == region]
        assert len(r) >= 12
        assert (r["type_territoire"] == "rural").sum() >= 3
        assert (r["type_territoire"] == "urbain").sum() >= 6
        assert r["code_agglomeration"].dropna().nunique() >= 2
    assert not set(ag["code_region"]) <= experiment, "at least one region outside the experiment"
    pilots = _seed("pilot_agencies")
    region_of = dict(zip(ag["code_agence"], ag["code_region"], strict=True))
    for row in pilots.itertuples():
        assert region_of.get(row.code_agence) == row.code_region


def test_duplicate_declarations_about_one_percent(t: dict[str, pd.DataFrame]):
    h = t["hire_declarations"]
    keys = ["siret", "nir", "date_embauche", "nature_contrat"]
    share = h.duplicated(keys).mean()
    assert 0.005 < share < 0.02


def test_truth_and_world_records(raw: Path, t: dict[str, pd.DataFrame]):
    world = json.loads((raw / "_world.json").read_text())
    assert world["row_counts"] == {name: len(df) for name, df in t.items()}
    assert (
        world["parameters"]["effect_small_firm_extra_hires"]
        == Params().effect_small_firm_extra_hires
        > 0
    )
    small = pd.read_csv(raw / "_truth" / "small_firm_extra_hires.csv", dtype={"siret": str})
    large = pd.read_csv(raw / "_truth" / "large_recruiter_extra_hires.csv", dtype={"siren": str})
    uplift = pd.read_csv(raw / "_truth" / "satisfaction_uplift.csv", dtype=str)
    small_columns = ["siret", "state_at_baseline", "expected_extra_hires", "extra_hires"]
    assert list(small.columns) == small_columns and len(small) > 0
    assert list(large.columns) == ["siren", "expected_extra_hires", "extra_hires"]
    assert len(large) > 0
    assert list(uplift.columns) == ["siret", "answer_id"]
    assert small["siret"].isin(set(t["establishments"]["siret"])).all()
    assert large["siren"].isin(set(t["large_recruiter_enrolments"]["siren"])).all()
    answers = t["satisfaction_answers"].set_index("answer_id")
    assert uplift["answer_id"].isin(answers.index).all()
    assert (
        answers.loc[uplift["answer_id"], "siret"].to_numpy() == uplift["siret"].to_numpy()
    ).all()
    contacted = t["counsellor_actions"]
    assert small["siret"].isin(set(contacted["siret"])).all()
    # the campaign happens in the pilot agencies
    pilots = set(_seed("pilot_agencies")["code_agence"])
    assert (
        contacted.loc[contacted["siret"].isin(set(small["siret"])), "code_agence"]
        .isin(pilots)
        .all()
    )


def test_satisfaction_levels_plausible(t: dict[str, pd.DataFrame]):
    levels = _seed("satisfaction_levels")
    satisfied = set(levels.loc[levels["is_satisfied"] == "true", "reponse"])
    rate = t["satisfaction_answers"]["reponse"].isin(satisfied).mean()
    assert 0.62 < rate < 0.8


def test_no_stray_quotes_or_separators(raw: Path):
    # names never need quoting in the clean world; a quoted field would still be valid CSV
    text = (raw / "agencies.csv").read_text(encoding="utf-8")
    assert re.search(r"[;\t]", text) is None
