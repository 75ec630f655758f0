"""Independent check of the targeting marts against the definitions in experiments.md.

Eligible small establishments, prospects and priority prospects per agency, and the high-hiring
sectors of every region, are recomputed here with pandas straight from the raw CSV files and the
seeds (not from the warehouse's SQL), then compared with `marts.prospect_targeting` and the sector
figures before the publishing rule, `intermediate.int_sector_hiring_rates` (the mart
`sector_hiring_rates` hides those of sectors with 1 or 2 establishments or one dominant hirer).
A missing warehouse or mart is a failure, never a skip.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from worlds import PROJECT_DIR, TEST_RAW_DIR, TEST_WAREHOUSE

SEEDS_DIR = PROJECT_DIR / "seeds"
DEFAULT_VARS = {"high_hiring_percentile": 0.75, "min_sector_establishments": 30}
# experiments.md, Hires: a CDD counts when it lasts more than 31 days (end - start + 1).
MAX_UNCOUNTED_CDD_DAYS = 31
HIRE_KEY = ["siret", "nir", "date_embauche", "nature_contrat"]
TOLERANCE = 1e-9


# --------------------------------------------------------------------------- inputs


def _read_csv(path: Path, usecols: list[str] | None = None) -> pd.DataFrame:
    """Every column as text; an empty field is NULL (NaN), as in the raw-data contract."""
    if not path.exists():
        pytest.fail(f"{path}: missing input file for the independent targeting check")
    frame = pd.read_csv(
        path, dtype=str, keep_default_na=False, usecols=usecols, encoding="utf-8-sig"
    )
    return frame.replace("", np.nan)


def _raw(name: str, usecols: list[str] | None = None) -> pd.DataFrame:
    return _read_csv(TEST_RAW_DIR / f"{name}.csv", usecols)


def _dates(values: pd.Series, fmt: str = "%Y-%m-%d") -> pd.Series:
    return pd.to_datetime(values, format=fmt, errors="raise")


def _project_vars() -> dict:
    """The two targeting vars from dbt_project.yml, with the spec's defaults when absent."""
    config = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8")) or {}
    declared = config.get("vars") or {}
    return {
        name: type(default)(declared.get(name, default)) for name, default in DEFAULT_VARS.items()
    }


# ---------------------------------------------------------------- independent model


def _counted_lookback_hires(
    start: pd.Timestamp, end: pd.Timestamp, known_before: pd.Timestamp
) -> pd.Series:
    """Counted hires per siret with date_embauche in [start, end], as known at `known_before`:
    the hire's earliest declaration is dated before it (experiments.md, Hires)."""
    hires = _raw(
        "hire_declarations",
        [
            "declaration_id",
            "siret",
            "nir",
            "date_embauche",
            "nature_contrat",
            "date_fin_contrat",
            "date_declaration",
        ],
    )
    hires["date_declaration"] = _dates(hires["date_declaration"], "%Y-%m-%d %H:%M:%S")
    # One hire per (siret, person, start date, contract nature): the earliest declaration, then
    # the smallest declaration_id, represents it (and its end date decides the duration).
    hires = hires.sort_values(["date_declaration", "declaration_id"], kind="mergesort")
    hires = hires.drop_duplicates(subset=HIRE_KEY, keep="first")
    hires["date_embauche"] = _dates(hires["date_embauche"])
    hires["date_fin_contrat"] = _dates(hires["date_fin_contrat"])
    duration = (hires["date_fin_contrat"] - hires["date_embauche"]).dt.days + 1
    counted = (hires["nature_contrat"] == "CDI") | (
        (hires["nature_contrat"] == "CDD") & (duration > MAX_UNCOUNTED_CDD_DAYS)
    )
    in_window = hires["date_embauche"].between(start, end, inclusive="both")
    known = hires["date_declaration"] < known_before
    return hires.loc[counted & in_window & known].groupby("siret").size()


def _independent_model() -> dict:
    params = _project_vars()
    calendar = _read_csv(SEEDS_DIR / "experiment_calendar.csv").set_index("window_name")
    baseline = pd.Timestamp(calendar.loc["baseline", "start_date"])
    lookback_start = pd.Timestamp(calendar.loc["lookback", "start_date"])
    lookback_end = pd.Timestamp(calendar.loc["lookback", "end_date"])
    experiment_regions = set(_read_csv(SEEDS_DIR / "experiment_regions.csv")["code_region"])
    bands = _read_csv(SEEDS_DIR / "headcount_bands.csv").set_index("tranche_effectifs")
    small_bands = set(bands.index[bands["is_small"].str.lower() == "true"])
    midpoints = bands["headcount_midpoint"].dropna().astype(float)

    agencies = _raw("agencies", ["code_agence", "code_region"])
    communes = _raw("communes", ["code_commune", "code_agence"])
    legal_units = _raw("legal_units", ["siren", "tranche_effectifs_ul"])
    est = _raw(
        "establishments",
        [
            "siret",
            "siren",
            "code_naf",
            "tranche_effectifs",
            "code_commune",
            "date_creation",
            "date_fermeture",
        ],
    )
    est = est.merge(communes, on="code_commune", how="left", validate="many_to_one")
    est = est.merge(agencies, on="code_agence", how="left", validate="many_to_one")
    est = est.merge(legal_units, on="siren", how="left", validate="many_to_one")
    est["naf_division"] = est["code_naf"].str.replace(".", "", regex=False).str[:2]
    est["midpoint"] = est["tranche_effectifs"].map(midpoints)
    closing = _dates(est["date_fermeture"])
    est["is_active"] = (_dates(est["date_creation"]) < baseline) & (
        closing.isna() | (closing >= baseline)
    )
    est["is_eligible"] = (
        est["is_active"]
        & est["code_region"].isin(experiment_regions)
        & est["tranche_effectifs"].isin(small_bands)
        & est["tranche_effectifs_ul"].isin(small_bands)
    )
    hires = _counted_lookback_hires(lookback_start, lookback_end, baseline)
    est["lookback_hires"] = est["siret"].map(hires).fillna(0).astype(int)

    # Sector hiring rates: active establishments with a known band, every region of the world.
    base = est.loc[est["is_active"] & est["midpoint"].notna() & est["code_region"].notna()]
    sectors = (
        base.groupby(["code_region", "naf_division"])
        .agg(
            n_establishments=("siret", "size"),
            headcount_estimate=("midpoint", "sum"),
            lookback_hires=("lookback_hires", "sum"),
        )
        .reset_index()
    )
    headcount = sectors["headcount_estimate"].where(sectors["headcount_estimate"] > 0)
    sectors["sector_hiring_rate"] = sectors["lookback_hires"] / headcount
    big_enough = sectors["n_establishments"] >= params["min_sector_establishments"]
    qualifying = sectors.loc[big_enough & sectors["sector_hiring_rate"].notna()]
    quantile = params["high_hiring_percentile"]
    thresholds = {
        region: float(np.quantile(group["sector_hiring_rate"].to_numpy(), quantile))
        for region, group in qualifying.groupby("code_region")
    }
    sectors["region_rate_threshold"] = sectors["code_region"].map(thresholds)
    sectors["is_high_hiring_sector"] = big_enough & (
        sectors["sector_hiring_rate"] >= sectors["region_rate_threshold"]
    )

    high = set(
        sectors.loc[sectors["is_high_hiring_sector"], ["code_region", "naf_division"]].itertuples(
            index=False, name=None
        )
    )
    eligible = est.loc[est["is_eligible"]].copy()
    pairs = pd.Series(list(zip(eligible["code_region"], eligible["naf_division"], strict=True)))
    eligible["is_prospect"] = pairs.isin(high).to_numpy()
    eligible["is_priority_prospect"] = eligible["is_prospect"] & (eligible["lookback_hires"] == 0)
    return {"eligible": eligible, "sectors": sectors, "thresholds": thresholds, "high": high}


_MODELS: dict[str, dict] = {}


def _independent() -> dict:
    """The independent model, computed once per raw folder (failures stay in the test body)."""
    raw_dir = str(TEST_RAW_DIR.resolve())
    if raw_dir not in _MODELS:
        _MODELS[raw_dir] = _independent_model()
    return _MODELS[raw_dir]


# -------------------------------------------------------------------------- the mart


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    found = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0]
    return found > 0


def _require_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> None:
    if not _table_exists(con, schema, table):
        pytest.fail(
            f"{TEST_WAREHOUSE}: table {schema}.{table} does not exist; build the marts first"
        )


@contextmanager
def _warehouse() -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-only connection; a missing or unreadable warehouse fails the test (never skips)."""
    path = TEST_WAREHOUSE
    if not path.exists():
        pytest.fail(f"{path}: no warehouse file (set DUCKDB_PATH or run `make test-build`)")
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        pytest.fail(f"{path}: cannot open the warehouse read-only: {error}")
    try:
        yield con
    finally:
        con.close()


def _per_agency(frame: pd.DataFrame) -> dict:
    grouped = frame.groupby("code_agence").agg(
        n_eligible=("siret", "size"),
        n_prospects=("is_prospect", "sum"),
        n_priority=("is_priority_prospect", "sum"),
    )
    return {
        agency: (int(row.n_eligible), int(row.n_prospects), int(row.n_priority))
        for agency, row in grouped.iterrows()
    }


def _agency_table(mine: dict, mart: dict) -> str:
    lines = [f"{'agency':<8} {'independent (elig, prosp, prio)':>34} {'mart':>24}"]
    for agency in sorted(set(mine) | set(mart)):
        if mine.get(agency) != mart.get(agency):
            lines.append(f"{agency:<8} {mine.get(agency)!s:>34} {mart.get(agency)!s:>24}")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- tests


def _mart(table: str, sql: str) -> pd.DataFrame:
    """Rows of marts.<table> (read-only); a missing warehouse or table fails the test."""
    with _warehouse() as con:
        _require_table(con, "marts", table)
        return con.execute(sql).df()


def test_world_is_clean():
    """The independent model assumes no quarantined rows; check that assumption."""
    with _warehouse() as con:
        if _table_exists(con, "marts", "rejected_rows"):
            rejected = con.execute("select count(*) from marts.rejected_rows").fetchone()[0]
            assert rejected == 0, f"marts.rejected_rows has {rejected} rows: the world is not clean"


def test_prospects_per_agency_match_independent_count():
    independent = _independent()
    mart = _mart(
        "prospect_targeting",
        """
        select
            siret,
            code_agence,
            coalesce(is_prospect, false) as is_prospect,
            coalesce(is_priority_prospect, false) as is_priority_prospect
        from marts.prospect_targeting
        """,
    )
    assert mart["siret"].is_unique, "marts.prospect_targeting has several rows for one siret"
    mart["is_prospect"] = mart["is_prospect"].astype(bool)
    mart["is_priority_prospect"] = mart["is_priority_prospect"].astype(bool)

    mine = _per_agency(independent["eligible"])
    theirs = _per_agency(mart)
    totals = np.array(list(mine.values())).sum(axis=0)
    assert totals[0] > 0 and totals[1] > 0 and totals[2] > 0, f"vacuous world: totals {totals}"
    assert totals[2] <= totals[1] <= totals[0]

    only_mine = sorted(set(independent["eligible"]["siret"]) - set(mart["siret"]))
    only_mart = sorted(set(mart["siret"]) - set(independent["eligible"]["siret"]))
    assert mine == theirs, (
        "per-agency (eligible, prospects, priority) differ:\n"
        + _agency_table(mine, theirs)
        + f"\nsirets eligible only independently ({len(only_mine)}): {only_mine[:10]}"
        + f"\nsirets only in the mart ({len(only_mart)}): {only_mart[:10]}"
    )


def test_high_hiring_sectors_and_thresholds_match():
    independent = _independent()
    mart = _mart(
        "sector_hiring_rates",
        """
        select
            code_region,
            naf_division,
            n_establishments,
            lookback_hires,
            sector_hiring_rate,
            region_rate_threshold,
            coalesce(is_high_hiring_sector, false) as is_high_hiring_sector
        from intermediate.int_sector_hiring_rates
        """,
    )
    per_region = mart.dropna(subset=["region_rate_threshold"]).groupby("code_region")
    spread = per_region["region_rate_threshold"].agg(lambda s: s.max() - s.min())
    assert (spread <= TOLERANCE).all(), f"threshold not constant within a region:\n{spread}"

    mine_high = independent["high"]
    flagged = mart.loc[mart["is_high_hiring_sector"].astype(bool)]
    mart_high = set(flagged[["code_region", "naf_division"]].itertuples(index=False, name=None))
    assert mine_high, "no high-hiring sector in the independent computation: vacuous"

    key = ["code_region", "naf_division"]
    columns = key + ["n_establishments", "lookback_hires", "sector_hiring_rate"]
    columns += ["region_rate_threshold"]
    detail = independent["sectors"][columns].merge(
        mart[columns], on=key, how="outer", suffixes=("_ind", "_mart")
    )
    differing = mine_high ^ mart_high
    pairs = zip(detail["code_region"], detail["naf_division"], strict=True)
    shown = detail.loc[[pair in differing for pair in pairs]]
    assert mine_high == mart_high, (
        f"high-hiring sectors differ: only independent {sorted(mine_high - mart_high)}, "
        f"only mart {sorted(mart_high - mine_high)}\n{shown.to_string(index=False)}"
    )

    mine_thr = independent["thresholds"]
    mart_thr = per_region["region_rate_threshold"].first().astype(float).to_dict()
    assert set(mine_thr) == set(mart_thr), (
        f"regions with a threshold: independent {sorted(mine_thr)}, mart {sorted(mart_thr)}"
    )
    off = {
        region: (mine_thr[region], mart_thr[region])
        for region in mine_thr
        if abs(mine_thr[region] - mart_thr[region]) > TOLERANCE
    }
    assert not off, f"region_rate_threshold differs (independent, mart): {off}"


def test_sector_inputs_match():
    """n, headcount and look-back hires per region x division: localises any threshold drift."""
    independent = _independent()
    mart = _mart(
        "sector_hiring_rates",
        """
        select
            code_region,
            naf_division,
            n_establishments,
            headcount_estimate,
            lookback_hires,
            sector_hiring_rate
        from intermediate.int_sector_hiring_rates
        where n_establishments > 0
        """,
    )
    merged = independent["sectors"].merge(
        mart, on=["code_region", "naf_division"], how="outer", suffixes=("_ind", "_mart")
    )
    bad = merged["n_establishments_ind"].isna() | merged["n_establishments_mart"].isna()
    for column in ["n_establishments", "headcount_estimate", "lookback_hires"]:
        left = merged[f"{column}_ind"].astype(float)
        right = merged[f"{column}_mart"].astype(float)
        bad |= (left - right).abs() > TOLERANCE
    left = merged["sector_hiring_rate_ind"].astype(float)
    right = merged["sector_hiring_rate_mart"].astype(float)
    bad |= (left.isna() != right.isna()) | ((left - right).abs() > TOLERANCE)
    shown = merged.loc[bad].head(20).to_string(index=False)
    assert not bad.any(), f"{int(bad.sum())} region x division rows differ:\n{shown}"
