"""Cohort marts: frozen membership, top recruiters recomputed, small-firm cohorts, pairing errors.

One scale-0.04 world (seed 42) is generated and built once. Three copies of its raw folder are
built next to it, two at a time:
- ``post``: rows appended or corrected after the baseline date (hires, counsellor actions,
  satisfaction answers, offers, a jobseeker spell); membership must not move;
- ``pre``: one counted hire added in the look-back window for a priority prospect of a pilot
  agency; membership must move (the comparison can see a change);
- ``nopartner``: every rural agency of region 44 but pilot 88031 turned urban; the build of
  ``+agency_pairs`` must stop, naming the pilot agency.

Top recruiters are recomputed in pandas from the raw CSV files and the definitions of
/work/shared/spec/experiments.md, not from the SQL. Every dbt call has its own warehouse, target
and log folders under pytest's tmp folder.
"""

from __future__ import annotations

import csv
import math
import shutil
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from worlds import PROJECT_DIR, Run, dbt_build, generate
from worlds import query as _query

SEEDS = PROJECT_DIR / "seeds"
# 0.04: the smallest scale whose world ranks more large legal units than the top 200 (seed 42: 210)
SCALE, SEED = "0.04", "42"
SELECT = [
    "+cohort_small_firms",
    "+cohort_large_recruiters",
    "+agency_pairs",
    "+prospect_targeting",
    "+large_pilot_list_issues",
    "+stg_pole_emploi__satisfaction_answers",
]
# Seeds and models only: the project's data tests are `make test`'s business, and a failing one
# here would stop every assertion below (a break would show as one build error, not as the
# assertion that names it); the run time also stays under ~90 s.
BUILD_OPTIONS = ["--exclude-resource-type", "unit_test", "test"]
# Definitions (experiments.md): bands of 50 employees or more, top 200.
LARGE_BANDS = {"21", "22", "31", "32", "41", "42", "51", "52", "53"}
TOP_N = 200
SMALL_COHORT = "marts.cohort_small_firms"
LARGE_COHORT = "marts.cohort_large_recruiters"
NOPARTNER_REGION, NOPARTNER_PILOT = "44", "88031"
NOPARTNER_MESSAGE = f"pilot agency {NOPARTNER_PILOT} has no admissible comparison agency"


def _calendar() -> dict[str, tuple[str, str]]:
    with (SEEDS / "experiment_calendar.csv").open(encoding="utf-8", newline="") as handle:
        return {r["window_name"]: (r["start_date"], r["end_date"]) for r in csv.DictReader(handle)}


CALENDAR = _calendar()
BASELINE = CALENDAR["baseline"][0]
LOOKBACK = CALENDAR["lookback"]
PILOT = CALENDAR["pilot"]
EVALUATION_SURVEY = CALENDAR["evaluation_survey"]


@dataclass
class Built:
    raw: Path
    database: Path
    run: Run


# --------------------------------------------------------------------------------------------
# running things


def _generate(out: Path) -> None:
    generate(out, SCALE, SEED)


def _build(raw: Path, select: list[str]) -> Built:
    """`dbt build` of ``select`` over the files of ``raw`` into ``raw/../warehouse.duckdb``."""
    work = raw.parent
    database = (work / "warehouse.duckdb").resolve()
    args = ["--select", *select, *BUILD_OPTIONS]
    return Built(raw, database, dbt_build(raw, database, work, *args))


def _assert_built(built: Built) -> None:
    assert built.run.returncode == 0, built.run.output[-4000:]


# --------------------------------------------------------------------------------------------
# raw files


def _read(raw: Path, name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (raw / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def _write(raw: Path, name: str, fields: list[str], rows: list[dict[str, str]]) -> None:
    with (raw / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _frame(raw: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(raw / f"{name}.csv", dtype=str, keep_default_na=False)


def _copy_raw(raw: Path, work: Path) -> Path:
    work.mkdir(parents=True)
    return Path(shutil.copytree(raw, work / "raw"))


def _day(value: str, days: int = 0) -> str:
    return (date.fromisoformat(value) + timedelta(days=days)).isoformat()


# --------------------------------------------------------------------------------------------
# independent recomputation of the top recruiters (pandas, from the definitions)


def _experiment_regions() -> set[str]:
    return set(pd.read_csv(SEEDS / "experiment_regions.csv", dtype=str)["code_region"])


def _large_establishments(raw: Path) -> pd.DataFrame:
    """(siret, siren, code_agence) of the establishments of legal units with a band of 50 or
    more whose commune's agency is in an experiment region."""
    units = _frame(raw, "legal_units")
    large = set(units.loc[units["tranche_effectifs_ul"].isin(LARGE_BANDS), "siren"])
    located = (
        _frame(raw, "establishments")[["siret", "siren", "code_commune"]]
        .merge(_frame(raw, "communes")[["code_commune", "code_agence"]], on="code_commune")
        .merge(_frame(raw, "agencies")[["code_agence", "code_region"]], on="code_agence")
    )
    keep = located["code_region"].isin(_experiment_regions()) & located["siren"].isin(large)
    return located.loc[keep, ["siret", "siren", "code_agence"]].reset_index(drop=True)


def _recruiter_ranking(raw: Path) -> pd.DataFrame:
    """Every large legal unit with at least one offer filled through the service in the look-back
    window at its establishments in the experiment regions: siren, offers, rank."""
    offers = _frame(raw, "job_offers")
    filled = offers[
        (offers["motif_cloture"] == "pourvue_service")
        & (offers["date_cloture"] >= LOOKBACK[0])
        & (offers["date_cloture"] <= LOOKBACK[1])
    ]
    counts = (
        filled.merge(_large_establishments(raw)[["siret", "siren"]], on="siret")
        .groupby("siren")
        .size()
        .rename("offers")
        .reset_index()
        .sort_values(["offers", "siren"], ascending=[False, True], kind="mergesort")
        .reset_index(drop=True)
    )
    counts["rank"] = counts.index + 1
    return counts


# --------------------------------------------------------------------------------------------
# post-baseline rows (appended and corrected) and a pre-baseline hire


@dataclass
class PostBaseline:
    ids: dict[str, list[str]]  # base table -> primary keys of the appended or corrected rows
    corrected: dict[str, dict[str, tuple[str, object]]]  # stg table -> key -> (column, value)
    newly_contacted: list[str]  # pilot firms not contacted at baseline build, given an action


def _timestamp(day: str, days: int, clock: str) -> str:
    return f"{_day(day, days)} {clock}"


def _post_baseline_changes(raw: Path, base: Path) -> PostBaseline:
    small = _query(
        base,
        f"select siret, cohort, code_agence, is_treated from {SMALL_COHORT}"
        " where is_priority_prospect order by cohort, siret",
    )
    pilot = [r for r in small if r[1] == "pilot" and not r[3]][:4]
    control = [r for r in small if r[1] == "control"][:4]
    assert len(pilot) == 4 and len(control) == 4, "too few priority prospects to change"
    targets = [(siret, agency) for siret, _, agency, _ in pilot + control]
    cohort_sirets = {r[0] for r in _query(base, f"select siret from {SMALL_COHORT}")}

    large = _large_establishments(raw).sort_values("siret", kind="mergesort")
    top = set(_query_column(base, f"select siren from {LARGE_COHORT}"))
    top_est = large[large["siren"].isin(top)].drop_duplicates("siren").head(3)
    outside = large[~large["siren"].isin(top)].drop_duplicates("siren").head(3)
    assert len(top_est) == 3 and len(outside) == 3, "too few large establishments to change"
    large_cohort_sirets = set(large.loc[large["siren"].isin(top), "siret"])
    ids: dict[str, list[str]] = {}
    corrected: dict[str, dict[str, tuple[str, object]]] = {}

    # hire declarations: counted hires from the baseline date on, a late copy of a look-back hire,
    # a look-back hire first declared after the baseline
    fields, hires = _read(raw, "hire_declarations")
    nirs = sorted({r["nir"] for r in hires})[:20]
    new_hires = []
    hire_sites = [s for s, _ in targets] + list(top_est["siret"])
    for i, siret in enumerate(hire_sites):
        start = BASELINE if i == 0 else _day(BASELINE, 30 + 7 * i)
        cdi = i % 2 == 0
        new_hires.append(
            {
                "declaration_id": f"DTEST{i:06d}",
                "siret": siret,
                "nir": nirs[i],
                "date_embauche": start,
                "nature_contrat": "CDI" if cdi else "CDD",
                "date_fin_contrat": "" if cdi else _day(start, 200),
                "date_declaration": _timestamp(start, 2, "09:15:00"),
            }
        )
    original = next(
        r
        for r in hires
        if r["siret"] in large_cohort_sirets
        and r["nature_contrat"] == "CDI"
        and LOOKBACK[0] <= r["date_embauche"] <= LOOKBACK[1]
        and r["date_declaration"] < BASELINE
    )
    late_copy = dict(original, declaration_id="DTESTLATE01")
    late_copy["date_declaration"] = _timestamp(BASELINE, 40, "10:00:00")
    new_hires.append(late_copy)
    # a look-back hire at a priority prospect, first declared after the baseline: not known then,
    # so the firm stays a non-recruiter (experiments.md, Hires: as known at a date)
    new_hires.append(
        {
            "declaration_id": "DTESTLATE02",
            "siret": targets[1][0],
            "nir": nirs[-1],
            "date_embauche": _day(LOOKBACK[0], 60),
            "nature_contrat": "CDI",
            "date_fin_contrat": "",
            "date_declaration": _timestamp(BASELINE, 45, "11:00:00"),
        }
    )

    def at_cohort_firm(row: dict[str, str]) -> bool:
        return row["siret"] in cohort_sirets or row["siret"] in large_cohort_sirets

    june_cdd = next(
        r
        for r in sorted(hires, key=lambda r: (not at_cohort_firm(r), r["declaration_id"]))
        if r["nature_contrat"] == "CDD" and r["date_embauche"].startswith("2017-06")
    )
    short = (
        date.fromisoformat(june_cdd["date_fin_contrat"])
        - date.fromisoformat(june_cdd["date_embauche"])
    ).days < 31
    june_cdd["date_fin_contrat"] = _day(june_cdd["date_embauche"], 199 if short else 9)
    october_ctt = next(
        r
        for r in sorted(hires, key=lambda r: (not at_cohort_firm(r), r["declaration_id"]))
        if r["nature_contrat"] == "CTT" and r["date_embauche"].startswith("2017-10")
    )
    october_ctt.update(nature_contrat="CDI", date_fin_contrat="")
    _write(raw, "hire_declarations", fields, hires + new_hires)
    ids["base_dpae__hire_declarations"] = [r["declaration_id"] for r in new_hires] + [
        june_cdd["declaration_id"],
        october_ctt["declaration_id"],
    ]
    corrected["stg_dpae__hire_declarations"] = {
        june_cdd["declaration_id"]: (
            "contract_end_date",
            date.fromisoformat(june_cdd["date_fin_contrat"]),
        ),
        october_ctt["declaration_id"]: ("nature_contrat", "CDI"),
    }

    # counsellor actions in the pilot period (pilot and control firms) and one corrected
    fields, actions = _read(raw, "counsellor_actions")
    kinds = ["prospection_visite", "service_recrutement", "salon_physique", "job_dating"]
    new_actions = [
        {
            "action_id": f"ATEST{i:05d}",
            "siret": siret,
            "code_agence": agency,
            "conseiller_id": f"C{agency}99",
            "date_action": PILOT[0] if i == 0 else _day(PILOT[0], 60 + 11 * i),
            "type_action": kinds[i % len(kinds)],
        }
        for i, (siret, agency) in enumerate(targets)
    ]
    moved = next(
        r
        for r in sorted(actions, key=lambda r: (r["siret"] not in cohort_sirets, r["action_id"]))
        if PILOT[0] <= r["date_action"] <= _day(PILOT[1], -10)
    )
    moved.update(date_action=_day(moved["date_action"], 7), type_action="atelier_cooperation")
    _write(raw, "counsellor_actions", fields, actions + new_actions)
    ids["base_pole_emploi__counsellor_actions"] = [r["action_id"] for r in new_actions] + [
        moved["action_id"]
    ]
    corrected["stg_pole_emploi__counsellor_actions"] = {
        moved["action_id"]: ("type_action", "atelier_cooperation")
    }

    # satisfaction answers in the evaluation window and one 2018 answer corrected
    fields, answers = _read(raw, "satisfaction_answers")
    levels = ["tres_satisfait", "satisfait", "peu_satisfait", "pas_du_tout_satisfait"]
    new_answers = [
        {
            "answer_id": f"RTEST{i:05d}",
            "siret": siret,
            "date_reponse": _day(EVALUATION_SURVEY[0], 3 + i),
            "reponse": levels[i % len(levels)],
        }
        for i, (siret, _) in enumerate(targets)
    ]
    answer = next(
        r
        for r in sorted(answers, key=lambda r: (r["siret"] not in cohort_sirets, r["answer_id"]))
        if r["date_reponse"].startswith("2018")
    )
    flipped = "pas_du_tout_satisfait"
    answer["reponse"] = flipped if answer["reponse"] != flipped else "tres_satisfait"
    _write(raw, "satisfaction_answers", fields, answers + new_answers)
    ids["base_pole_emploi__satisfaction_answers"] = [r["answer_id"] for r in new_answers] + [
        answer["answer_id"]
    ]
    corrected["stg_pole_emploi__satisfaction_answers"] = {
        answer["answer_id"]: ("reponse", answer["reponse"])
    }

    # offers filled through the service after the look-back window, enough to enter the top
    fields, offers = _read(raw, "job_offers")
    new_offers = []
    for siret, agency in zip(
        list(outside["siret"]) + list(top_est["siret"]),
        list(outside["code_agence"]) + list(top_est["code_agence"]),
        strict=True,
    ):
        for k in range(26):
            published, closed = (
                (_day(BASELINE, -19), BASELINE)
                if k == 0
                else (
                    _day(BASELINE, 1 + k),
                    _day(BASELINE, 45 + k),
                )
            )
            new_offers.append(
                {
                    "offer_id": f"OTEST{len(new_offers):06d}",
                    "siret": siret,
                    "code_agence": agency,
                    "code_rome": "M1607",
                    "nature_contrat": "CDI",
                    "nb_postes": "1",
                    "date_publication": published,
                    "date_cloture": closed,
                    "motif_cloture": "pourvue_service",
                }
            )
    refilled = next(
        r
        for r in offers
        if r["siret"] in large_cohort_sirets
        and r["date_cloture"] >= BASELINE
        and r["motif_cloture"] not in ("", "pourvue_service")
    )
    refilled["motif_cloture"] = "pourvue_service"
    _write(raw, "job_offers", fields, offers + new_offers)
    ids["base_pole_emploi__job_offers"] = [r["offer_id"] for r in new_offers] + [
        refilled["offer_id"]
    ]
    corrected["stg_pole_emploi__job_offers"] = {
        refilled["offer_id"]: ("motif_cloture", "pourvue_service")
    }

    # a spell opened after the baseline for the person of a look-back hire at a top recruiter
    fields, spells = _read(raw, "jobseeker_spells")
    spell = {
        "spell_id": "STEST00001",
        "nir": original["nir"],
        "date_inscription": _day(BASELINE, 31),
        "date_fin": "",
        "categorie": "A",
        "annee_naissance": "1955",
        "niveau_formation": "VI",
        "is_rsa": "true",
        "is_boeth": "true",
        "is_qpv": "true",
    }
    _write(raw, "jobseeker_spells", fields, spells + [spell])
    ids["base_pole_emploi__jobseeker_spells"] = [spell["spell_id"]]

    return PostBaseline(ids, corrected, [siret for siret, *_ in pilot])


def _query_column(database: Path, sql: str, params: list | None = None) -> list:
    return [r[0] for r in _query(database, sql, params)]


def _pre_baseline_change(raw: Path, base: Path) -> str:
    """A counted CDI in the look-back window for a priority prospect of a pilot agency."""
    pilots = _pilot_agencies()
    siret = next(
        s
        for s, agency in _query(
            base,
            f"select siret, code_agence from {SMALL_COHORT}"
            " where cohort = 'pilot' and is_priority_prospect order by siret",
        )
        if agency in pilots
    )
    fields, hires = _read(raw, "hire_declarations")
    hire = {
        "declaration_id": "DTESTPRE0001",
        "siret": siret,
        "nir": hires[0]["nir"],
        "date_embauche": "2016-06-15",
        "nature_contrat": "CDI",
        "date_fin_contrat": "",
        "date_declaration": "2016-06-16 09:00:00",
    }
    _write(raw, "hire_declarations", fields, hires + [hire])
    return siret


def _no_partner_change(raw: Path) -> list[str]:
    """Turn every rural agency of region 44 but pilot 88031 into an urban agency."""
    fields, agencies = _read(raw, "agencies")
    changed = []
    for row in agencies:
        rural = row["type_territoire"] == "rural" and row["code_region"] == NOPARTNER_REGION
        if rural and row["code_agence"] != NOPARTNER_PILOT:
            row.update(type_territoire="urbain", code_agglomeration="UUXX01")
            changed.append(row["code_agence"])
    _write(raw, "agencies", fields, agencies)
    return changed


def _pilot_agencies() -> dict[str, tuple[str, str]]:
    """code_agence -> (code_region, role), from the seed."""
    with (SEEDS / "pilot_agencies.csv").open(encoding="utf-8", newline="") as handle:
        return {r["code_agence"]: (r["code_region"], r["role"]) for r in csv.DictReader(handle)}


# --------------------------------------------------------------------------------------------
# fixtures: one world, three variants, builds shared two at a time


@dataclass
class Worlds:
    base: Built
    post: Built
    pre: Built
    nopartner: Built
    post_changes: PostBaseline
    pre_siret: str
    nopartner_agencies: list[str]


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Worlds:
    root = tmp_path_factory.mktemp("cohorts")
    raw = root / "base" / "raw"
    _generate(raw)
    nopartner_raw = _copy_raw(raw, root / "nopartner")
    changed_agencies = _no_partner_change(nopartner_raw)
    with ThreadPoolExecutor(max_workers=2) as pool:
        nopartner: Future[Built] = pool.submit(_build, nopartner_raw, ["+agency_pairs"])
        base = _build(raw, SELECT)
        _assert_built(base)
        post_raw = _copy_raw(raw, root / "post")
        post_changes = _post_baseline_changes(post_raw, base.database)
        pre_raw = _copy_raw(raw, root / "pre")
        pre_siret = _pre_baseline_change(pre_raw, base.database)
        post: Future[Built] = pool.submit(_build, post_raw, SELECT)
        pre = _build(pre_raw, ["+cohort_small_firms"])
        return Worlds(
            base,
            post.result(),
            pre,
            nopartner.result(),
            post_changes,
            pre_siret,
            changed_agencies,
        )


@pytest.fixture(scope="module")
def base(worlds: Worlds) -> Built:
    return worlds.base


@pytest.fixture(scope="module")
def ranking(base: Built) -> pd.DataFrame:
    return _recruiter_ranking(base.raw)


# --------------------------------------------------------------------------------------------
# 1. frozen membership


def _key(row: tuple) -> tuple:
    return tuple((value is None, value) for value in row)


EXPOSURE_COLUMNS = {"is_treated", "is_contacted"}  # read from the pilot period, not membership


def _membership(database: Path, relation: str) -> list[tuple]:
    columns = [
        c for c in _query_column(database, f"describe {relation}") if c not in EXPOSURE_COLUMNS
    ]
    return sorted(_query(database, f"select {', '.join(columns)} from {relation}"), key=_key)


def _same_rows(left: list[tuple], right: list[tuple]) -> bool:
    if len(left) != len(right):
        return False
    for a, b in zip(left, right, strict=True):
        for x, y in zip(a, b, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                if not math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-12):
                    return False
            elif x != y:
                return False
    return True


def _first_differences(left: list[tuple], right: list[tuple], n: int = 5) -> str:
    only_left = [r for r in left if r not in right][:n]
    only_right = [r for r in right if r not in left][:n]
    return f"only before: {only_left}\nonly after: {only_right}"


def test_builds_succeed(worlds: Worlds):
    for built in (worlds.base, worlds.post, worlds.pre):
        _assert_built(built)


@pytest.mark.parametrize("relation", [SMALL_COHORT, LARGE_COHORT])
def test_post_baseline_rows_do_not_move_membership(worlds: Worlds, relation: str):
    _assert_built(worlds.post)
    before = _membership(worlds.base.database, relation)
    after = _membership(worlds.post.database, relation)
    assert before, f"{relation} is empty"
    assert _same_rows(before, after), _first_differences(before, after)


def test_post_baseline_rows_are_staged(worlds: Worlds):
    """The appended and corrected rows went through the quarantine, so the test above is not
    vacuous."""
    _assert_built(worlds.post)
    database = worlds.post.database
    for base_table, keys in worlds.post_changes.ids.items():
        rows = _query(
            database,
            f"select raw_key, rejection_rule, rejection_column from staging.{base_table}"
            " where raw_key in (select unnest(?))",
            [keys],
        )
        assert sorted(r[0] for r in rows) == sorted(keys), base_table
        assert [r for r in rows if r[1] is not None] == [], f"{base_table}: rejected rows"
        stg_table = base_table.replace("base_", "stg_", 1)
        key_column = _query_column(database, f"describe staging.{stg_table}")[0]
        staged = _query_column(
            database,
            f"select {key_column} from staging.{stg_table}"
            f" where {key_column} in (select unnest(?))",
            [keys],
        )
        assert sorted(staged) == sorted(keys), stg_table
    for stg_table, changes in worlds.post_changes.corrected.items():
        key_column = _query_column(database, f"describe staging.{stg_table}")[0]
        for key, (column, value) in changes.items():
            got = _query(
                database,
                f"select {column} from staging.{stg_table} where {key_column} = ?",
                [key],
            )
            assert got == [(value,)], f"{stg_table} {key}: {column} not corrected"


def test_post_baseline_actions_change_exposure_only(worlds: Worlds):
    """is_treated is exposure in the pilot period: the new actions do reach it."""
    _assert_built(worlds.post)
    sirets = worlds.post_changes.newly_contacted
    treated = _query(
        worlds.post.database,
        f"select siret, is_treated from {SMALL_COHORT} where siret in (select unnest(?))",
        [sirets],
    )
    assert sorted(treated) == sorted((s, True) for s in sirets)


def test_pre_baseline_change_moves_membership(worlds: Worlds):
    _assert_built(worlds.pre)
    siret = worlds.pre_siret
    sql = f"select is_priority_prospect, lookback_hires from {SMALL_COHORT} where siret = ?"
    assert _query(worlds.base.database, sql, [siret]) == [(True, 0)]
    assert _query(worlds.pre.database, sql, [siret]) == [(False, 1)]
    before = _membership(worlds.base.database, SMALL_COHORT)
    after = _membership(worlds.pre.database, SMALL_COHORT)
    assert not _same_rows(before, after)


# --------------------------------------------------------------------------------------------
# 2. top recruiters, recomputed


def test_top_recruiters_match_the_definition(base: Built, ranking: pd.DataFrame):
    top = ranking.head(TOP_N)
    assert len(top) == TOP_N, "fewer ranked legal units than the top N"
    expected = {(r.siren, int(r.rank), int(r.offers)) for r in top.itertuples()}
    got = set(
        _query(
            base.database,
            f"select siren, recruiter_rank, lookback_offers_filled from {LARGE_COHORT}",
        )
    )
    assert sorted(got - expected) == [], "in the mart, not by the definition"
    assert sorted(expected - got) == [], "by the definition, not in the mart"


def test_large_cohort_is_pilot_exactly_when_enrolled(base: Built, ranking: pd.DataFrame):
    enrolled = set(_frame(base.raw, "large_recruiter_enrolments")["siren"])
    cohorts = dict(_query(base.database, f"select siren, cohort from {LARGE_COHORT}"))
    assert set(cohorts.values()) == {"pilot", "control"}
    expected = {s: "pilot" if s in enrolled else "control" for s in ranking.head(TOP_N)["siren"]}
    assert cohorts == expected


def test_enrolled_non_top_recruiters_are_reported_not_used(base: Built, ranking: pd.DataFrame):
    enrolled = set(_frame(base.raw, "large_recruiter_enrolments")["siren"])
    outside = enrolled - set(ranking.head(TOP_N)["siren"])
    assert outside, "the world has no enrolled firm outside the top recruiters"
    in_cohorts = set(_query_column(base.database, f"select siren from {LARGE_COHORT}"))
    issues = set(_query_column(base.database, "select siren from marts.large_pilot_list_issues"))
    assert sorted(outside & in_cohorts) == []
    assert sorted(outside - issues) == [], "enrolled, not a top recruiter, not reported"
    assert sorted(issues & in_cohorts) == [], "reported and used"


# --------------------------------------------------------------------------------------------
# 3. small-firm cohorts


@pytest.fixture(scope="module")
def pairs(base: Built) -> list[tuple]:
    return _query(
        base.database,
        "select pilot_agency_code, comparison_agency_code, code_region, type_territoire,"
        " profile_distance, cell_total_distance from marts.agency_pairs",
    )


def _prospects(database: Path, agencies: set[str]) -> set[tuple[str, str]]:
    rows = _query(
        database,
        "select siret, code_agence from marts.prospect_targeting"
        " where is_prospect and code_agence in (select unnest(?))",
        [sorted(agencies)],
    )
    return set(rows)


def test_small_firm_cohorts_are_the_prospects_of_the_paired_agencies(
    base: Built, pairs: list[tuple]
):
    pilots = _pilot_agencies()
    comparison_of = {p: c for p, c, *_ in pairs}
    assert sorted(comparison_of) == sorted(pilots)
    members = _query(
        base.database, f"select siret, cohort, code_agence, pilot_agency_code from {SMALL_COHORT}"
    )
    pilot_members = {(s, a) for s, cohort, a, _ in members if cohort == "pilot"}
    control_members = {(s, a) for s, cohort, a, _ in members if cohort == "control"}
    assert {cohort for _, cohort, _, _ in members} == {"pilot", "control"}
    assert pilot_members == _prospects(base.database, set(pilots))
    assert control_members == _prospects(base.database, set(comparison_of.values()))
    assert len(members) == len({s for s, *_ in members}), "a firm is in the cohorts twice"
    assert {s for s, _ in pilot_members} & {s for s, _ in control_members} == set()
    pilot_of = {c: p for p, c in comparison_of.items()} | {p: p for p in pilots}
    wrong = [m for m in members if m[3] != pilot_of[m[2]]]
    assert wrong == [], "pilot_agency_code is not the pair's pilot"


def test_comparison_agencies_are_admissible(base: Built, pairs: list[tuple]):
    pilots = _pilot_agencies()
    agencies = {r["code_agence"]: r for r in _read(base.raw, "agencies")[1]}
    comparisons = [c for _, c, *_ in pairs]
    assert len(comparisons) == len(set(comparisons)) == len(pilots), "a comparison used twice"
    pilot_areas = {agencies[p]["code_agglomeration"] for p in pilots} - {""}
    assert pilot_areas, "no pilot urban area in agencies.csv"
    territory = {"rural": "rural", "agglomeration": "urbain"}
    for pilot, comparison, region, type_territoire, *_ in pairs:
        partner = agencies[comparison]
        pilot_region, role = pilots[pilot]
        assert partner["code_region"] == pilot_region == region, (pilot, comparison)
        assert partner["type_territoire"] == territory[role] == type_territoire, (pilot, comparison)
        assert comparison not in pilots, (pilot, comparison)
        assert partner["code_agglomeration"] not in pilot_areas, (pilot, comparison)


def test_cell_total_distance_sums_the_cell(pairs: list[tuple]):
    cells: dict[tuple[str, str], float] = {}
    for _, _, region, territory, distance, _ in pairs:
        cells[(region, territory)] = cells.get((region, territory), 0.0) + distance
    for pilot, _, region, territory, distance, total in pairs:
        assert distance is not None and distance >= 0, pilot
        assert math.isclose(total, cells[(region, territory)], rel_tol=1e-9), pilot


# --------------------------------------------------------------------------------------------
# 4. no admissible partner


def test_no_admissible_partner_fails_naming_the_pilot(worlds: Worlds):
    assert worlds.nopartner_agencies, "region 44 has no rural agency to turn urban"
    run = worlds.nopartner.run
    assert run.returncode != 0, run.output[-3000:]
    assert NOPARTNER_MESSAGE in run.output, run.output[-3000:]
