"""Every file the generator writes follows the raw data contract (docs: raw-data-contract.md).

Written from the contract, not from the generator: columns, types, keys, identifier rules, allowed
sets (from the seeds), ranges, date orders and foreign keys.
"""

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from stdnum.fr import nir as std_nir
from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret

from smallfirms.generate import Params, generate_world

SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"
SCALE = 0.02

COLUMNS = {
    "agencies": [
        "code_agence",
        "nom_agence",
        "code_departement",
        "code_region",
        "type_territoire",
        "code_agglomeration",
    ],
    "communes": ["code_commune", "nom_commune", "code_departement", "code_agence"],
    "legal_units": [
        "siren",
        "denomination",
        "tranche_effectifs_ul",
        "categorie_entreprise",
        "date_creation",
    ],
    "establishments": [
        "siret",
        "siren",
        "code_naf",
        "tranche_effectifs",
        "code_commune",
        "date_creation",
        "date_fermeture",
    ],
    "hire_declarations": [
        "declaration_id",
        "siret",
        "nir",
        "date_embauche",
        "nature_contrat",
        "date_fin_contrat",
        "date_declaration",
    ],
    "jobseeker_spells": [
        "spell_id",
        "nir",
        "date_inscription",
        "date_fin",
        "categorie",
        "annee_naissance",
        "niveau_formation",
        "is_rsa",
        "is_boeth",
        "is_qpv",
    ],
    "job_offers": [
        "offer_id",
        "siret",
        "code_agence",
        "code_rome",
        "nature_contrat",
        "nb_postes",
        "date_publication",
        "date_cloture",
        "motif_cloture",
    ],
    "counsellor_actions": [
        "action_id",
        "siret",
        "code_agence",
        "conseiller_id",
        "date_action",
        "type_action",
    ],
    "satisfaction_answers": ["answer_id", "siret", "date_reponse", "reponse"],
    "large_recruiter_enrolments": ["siren", "code_region", "date_inscription"],
}
PRIMARY_KEY = {
    "agencies": "code_agence",
    "communes": "code_commune",
    "legal_units": "siren",
    "establishments": "siret",
    "hire_declarations": "declaration_id",
    "jobseeker_spells": "spell_id",
    "job_offers": "offer_id",
    "counsellor_actions": "action_id",
    "satisfaction_answers": "answer_id",
    "large_recruiter_enrolments": "siren",
}
NULLABLE = {
    ("agencies", "code_agglomeration"),
    ("legal_units", "categorie_entreprise"),
    ("establishments", "date_fermeture"),
    ("hire_declarations", "date_fin_contrat"),
    ("jobseeker_spells", "date_fin"),
    ("job_offers", "date_cloture"),
    ("job_offers", "motif_cloture"),
}
DATES = {
    "legal_units": ["date_creation"],
    "establishments": ["date_creation", "date_fermeture"],
    "hire_declarations": ["date_embauche", "date_fin_contrat"],
    "jobseeker_spells": ["date_inscription", "date_fin"],
    "job_offers": ["date_publication", "date_cloture"],
    "counsellor_actions": ["date_action"],
    "satisfaction_answers": ["date_reponse"],
    "large_recruiter_enrolments": ["date_inscription"],
}
BOOLEANS = {"jobseeker_spells": ["is_rsa", "is_boeth", "is_qpv"]}
INTEGERS = {"jobseeker_spells": ["annee_naissance"], "job_offers": ["nb_postes"]}
DATE_RE = r"\d{4}-\d{2}-\d{2}"
TS_RE = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"


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
        for name in COLUMNS
    }


def _date(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, format="%Y-%m-%d")


# ---------------------------------------------------------------------------------------- files


def test_exactly_the_ten_files_in_one_format(raw: Path):
    assert sorted(p.name for p in raw.glob("*.csv")) == sorted(f"{n}.csv" for n in COLUMNS)
    assert not list(raw.glob("*.parquet"))


@pytest.mark.parametrize("name", list(COLUMNS))
def test_csv_layout(raw: Path, name: str):
    data = (raw / f"{name}.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" not in data
    text = data.decode("utf-8")
    header = next(csv.reader([text.split("\n", 1)[0]]))
    assert header == COLUMNS[name]


def test_reference_tables_not_empty(t: dict[str, pd.DataFrame]):
    for name in ("agencies", "communes", "legal_units", "establishments"):
        assert len(t[name]) > 0


@pytest.mark.parametrize("name", list(COLUMNS))
def test_primary_key_unique_and_required_columns(t: dict[str, pd.DataFrame], name: str):
    df = t[name]
    assert df[PRIMARY_KEY[name]].is_unique
    for col in COLUMNS[name]:
        if (name, col) not in NULLABLE:
            assert df[col].notna().all(), f"{name}.{col} has NULLs"


@pytest.mark.parametrize("name", list(COLUMNS))
def test_types_parse(t: dict[str, pd.DataFrame], name: str):
    df = t[name]
    for col in DATES.get(name, []):
        values = df[col].dropna()
        assert values.str.fullmatch(DATE_RE).all(), col
        parsed = _date(values)
        # date_order: no date outside 2000-01-01 ... 2030-12-31 (creation dates included)
        assert parsed.between("2000-01-01", "2030-12-31").all(), col
    for col in BOOLEANS.get(name, []):
        assert df[col].isin(["true", "false"]).all(), col
    for col in INTEGERS.get(name, []):
        assert df[col].str.fullmatch(r"-?\d+").all(), col
    if name == "hire_declarations":
        assert df["date_declaration"].str.fullmatch(TS_RE).all()
        pd.to_datetime(df["date_declaration"], format="%Y-%m-%d %H:%M:%S")


# ---------------------------------------------------------------------------------- identifiers


def test_siren_siret_valid(t: dict[str, pd.DataFrame]):
    lu, est = t["legal_units"], t["establishments"]
    assert lu["siren"].str.fullmatch(r"\d{9}").all()
    assert all(std_siren.is_valid(s) for s in lu["siren"])
    assert est["siret"].str.fullmatch(r"\d{14}").all()
    assert all(std_siret.is_valid(s) for s in est["siret"])
    assert (est["siret"].str[:9] == est["siren"]).all()
    assert "356000000" in set(lu["siren"]), "La Poste is present at every scale"
    poste = est[est["siren"] == "356000000"]
    assert len(poste) >= 10
    assert all(sum(map(int, s)) % 5 == 0 for s in poste["siret"])
    enrol = t["large_recruiter_enrolments"]
    assert all(std_siren.is_valid(s) for s in enrol["siren"])


def test_nir_valid(t: dict[str, pd.DataFrame]):
    deps = set(_seed("departments")["code_departement"])
    for name in ("hire_declarations", "jobseeker_spells"):
        nirs = t[name]["nir"].drop_duplicates()
        assert nirs.str.len().eq(15).all()
        assert nirs.str[0].isin(["1", "2"]).all()
        month = nirs.str[3:5].astype(int)
        assert (month.between(1, 12) | month.between(20, 99)).all()
        assert nirs.str[5:7].isin(deps).all()
        assert all(std_nir.is_valid(n) for n in nirs), name


def test_code_formats(t: dict[str, pd.DataFrame]):
    divisions = set(_seed("naf_divisions")["naf_division"])
    naf = t["establishments"]["code_naf"]
    assert naf.str.fullmatch(r"\d{2}\.\d{2}[A-Z]|\d{4}[A-Z]").all()
    assert naf.str[:2].isin(divisions).all()
    share_no_dot = (~naf.str.contains(".", regex=False)).mean()
    assert 0.1 < share_no_dot < 0.3
    commune_re = r"(\d{2}|2A|2B)\d{3}|97\d{3}"
    assert t["communes"]["code_commune"].str.fullmatch(commune_re).all()
    agency_re = r"(\d{2}|2A|2B)\d{3}"
    assert t["agencies"]["code_agence"].str.fullmatch(agency_re).all()
    assert t["job_offers"]["code_rome"].str.fullmatch(r"[A-Z]\d{4}").all()


def test_allowed_sets(t: dict[str, pd.DataFrame]):
    bands = set(_seed("headcount_bands")["tranche_effectifs"])
    regions = set(_seed("regions")["code_region"])
    experiment = set(_seed("experiment_regions")["code_region"])
    natures = set(_seed("contract_natures")["nature_contrat"])
    assert t["legal_units"]["tranche_effectifs_ul"].isin(bands).all()
    assert t["establishments"]["tranche_effectifs"].isin(bands).all()
    assert t["legal_units"]["categorie_entreprise"].dropna().isin(["PME", "ETI", "GE"]).all()
    assert t["agencies"]["code_region"].isin(regions).all()
    assert t["agencies"]["type_territoire"].isin(["rural", "urbain"]).all()
    assert t["hire_declarations"]["nature_contrat"].isin(natures).all()
    assert t["job_offers"]["nature_contrat"].isin(natures).all()
    assert t["job_offers"]["motif_cloture"].dropna().isin(_code_set("motif_cloture")).all()
    assert t["jobseeker_spells"]["categorie"].isin(list("ABCDE")).all()
    levels = _code_set("niveau_formation")
    assert levels == {"I", "II", "III", "IV", "V", "VBIS", "VI"}
    assert t["jobseeker_spells"]["niveau_formation"].isin(levels).all()
    actions = set(_seed("action_types")["type_action"])
    assert t["counsellor_actions"]["type_action"].isin(actions).all()
    assert (
        t["satisfaction_answers"]["reponse"]
        .isin(set(_seed("satisfaction_levels")["reponse"]))
        .all()
    )
    assert t["large_recruiter_enrolments"]["code_region"].isin(experiment).all()


def test_ranges(t: dict[str, pd.DataFrame]):
    postes = t["job_offers"]["nb_postes"].astype(int)
    assert postes.between(1, 100).all()
    birth = t["jobseeker_spells"]["annee_naissance"].astype(int)
    assert birth.between(1940, 2005).all()
    calendar = _seed("experiment_calendar").set_index("window_name")
    first, last = calendar.loc["data", "start_date"], calendar.loc["data", "end_date"]
    hires = _date(t["hire_declarations"]["date_embauche"])
    assert hires.between(first, last).all()


# ------------------------------------------------------------------------------ rules on rows


def test_date_orders(t: dict[str, pd.DataFrame]):
    est = t["establishments"]
    closed = est["date_fermeture"].notna()
    assert (
        _date(est.loc[closed, "date_fermeture"]) >= _date(est.loc[closed, "date_creation"])
    ).all()
    h = t["hire_declarations"]
    cdi = h["nature_contrat"] == "CDI"
    assert h.loc[cdi, "date_fin_contrat"].isna().all()
    assert h.loc[~cdi, "date_fin_contrat"].notna().all()
    assert (_date(h.loc[~cdi, "date_fin_contrat"]) >= _date(h.loc[~cdi, "date_embauche"])).all()
    declared = pd.to_datetime(h["date_declaration"]).dt.normalize()
    assert (declared >= _date(h["date_embauche"]) - pd.Timedelta(days=8)).all()
    s = t["jobseeker_spells"]
    ended = s["date_fin"].notna()
    assert (_date(s.loc[ended, "date_fin"]) >= _date(s.loc[ended, "date_inscription"])).all()
    o = t["job_offers"]
    closed = o["date_cloture"].notna()
    assert (_date(o.loc[closed, "date_cloture"]) >= _date(o.loc[closed, "date_publication"])).all()
    assert (o["motif_cloture"].isna() == o["date_cloture"].isna()).all()
    baseline = pd.Timestamp("2017-03-01")
    assert (_date(t["large_recruiter_enrolments"]["date_inscription"]) <= baseline).all()


def test_contract_durations_cover_the_31_day_boundary(t: dict[str, pd.DataFrame]):
    h = t["hire_declarations"]
    cdd = h[h["nature_contrat"] == "CDD"]
    days = (_date(cdd["date_fin_contrat"]) - _date(cdd["date_embauche"])).dt.days + 1
    assert (days == 31).any() and (days == 32).any()
    shares = h["nature_contrat"].value_counts(normalize=True)
    assert 0.1 < shares["CDI"] < 0.2 and 0.1 < shares["CTT"] < 0.35


def test_foreign_keys(t: dict[str, pd.DataFrame]):
    agencies = set(t["agencies"]["code_agence"])
    communes = set(t["communes"]["code_commune"])
    sirets = set(t["establishments"]["siret"])
    assert t["communes"]["code_agence"].isin(agencies).all()
    assert t["establishments"]["code_commune"].isin(communes).all()
    assert t["establishments"]["siren"].isin(set(t["legal_units"]["siren"])).all()
    for name in ("hire_declarations", "job_offers", "counsellor_actions", "satisfaction_answers"):
        assert t[name]["siret"].isin(sirets).all(), name
    for name in ("job_offers", "counsellor_actions"):
        assert t[name]["code_agence"].isin(agencies).all(), name
    deps = _seed("departments")
    dep_region = dict(zip(deps["code_departement"], deps["code_region"], strict=True))
    ag = t["agencies"]
    assert (ag["code_departement"].map(dep_region) == ag["code_region"]).all()
    assert t["communes"]["code_departement"].isin(set(dep_region)).all()
    assert (t["communes"]["code_commune"].str[:2] == t["communes"]["code_departement"]).all()


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
