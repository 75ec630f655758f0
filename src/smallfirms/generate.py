"""Synthetic world generator: writes the ten raw tables of the raw data contract.

    python -m smallfirms.generate --scale 0.1 --seed 42 --out data/raw [--format csv|parquet]
        [--defects]

Everything is drawn from one numpy PCG64 stream family seeded by ``--seed``; the same seed, scale
and format give byte-identical files (timings live in ``_timing.json``, outside ``_world.json``).
The world is clean: every row passes every rule of docs ``raw-data-contract.md``. With
``--defects`` (CSV only), :func:`smallfirms.defects.inject_defects` then plants known bad rows in
the written files and records them in ``_truth/defects.csv``.
"""

import argparse
import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from smallfirms.defects import inject_defects

TABLES = (
    "agencies",
    "communes",
    "legal_units",
    "establishments",
    "hire_declarations",
    "jobseeker_spells",
    "job_offers",
    "counsellor_actions",
    "satisfaction_answers",
    "large_recruiter_enrolments",
)
LA_POSTE_SIREN = 356000000
DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[2] / "seeds"

CSV_OPTIONS = (
    "FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', "
    "DATEFORMAT '%Y-%m-%d', TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S'"
)

# NAF division weights (share of establishments), by division then by section default.
SECTION_WEIGHT = {
    "A": 1.5,
    "B": 0.03,
    "C": 0.6,
    "D": 0.3,
    "E": 0.4,
    "F": 1.0,
    "G": 2.0,
    "H": 0.5,
    "I": 2.0,
    "J": 0.8,
    "K": 0.8,
    "L": 3.0,
    "M": 2.0,
    "N": 1.0,
    "O": 0.5,
    "P": 1.5,
    "Q": 1.5,
    "R": 0.8,
    "S": 1.5,
    "T": 0.05,
    "U": 0.01,
}
DIVISION_WEIGHT = {
    "12": 0.01,
    "19": 0.01,
    "41": 3.0,
    "42": 0.5,
    "43": 9.0,
    "45": 3.0,
    "46": 5.0,
    "47": 11.0,
    "49": 2.5,
    "50": 0.1,
    "51": 0.05,
    "52": 1.0,
    "53": 0.3,
    "55": 2.0,
    "56": 7.0,
    "64": 0.8,
    "65": 0.3,
    "66": 1.0,
    "68": 3.0,
    "77": 0.8,
    "78": 0.6,
    "79": 0.4,
    "80": 0.4,
    "81": 2.0,
    "82": 1.2,
    "84": 0.5,
    "85": 1.5,
    "86": 3.0,
    "87": 0.8,
    "88": 2.0,
    "96": 3.0,
}
# Yearly hires per head (before heterogeneity); the default applies to unlisted divisions.
DEFAULT_INTENSITY = 0.5
DIVISION_INTENSITY = {
    "55": 2.5,
    "56": 2.2,
    "78": 6.0,
    "88": 1.6,
    "43": 1.3,
    "47": 1.2,
    "49": 1.4,
    "81": 1.8,
    "90": 1.5,
    "01": 1.0,
    "85": 0.9,
    "64": 0.12,
    "65": 0.1,
    "68": 0.15,
    "84": 0.1,
    "99": 0.1,
    "35": 0.2,
    "05": 0.2,
    "06": 0.2,
    "07": 0.2,
    "08": 0.2,
    "09": 0.2,
}
HIGH_INTENSITY = 1.2  # divisions at or above this intensity are the campaign's targets

# Establishment band shares (single-establishment legal units), keyed by band code.
SINGLE_BAND_SHARE = {
    "00": 0.03,
    "01": 0.42,
    "02": 0.22,
    "03": 0.13,
    "11": 0.10,
    "12": 0.06,
    "21": 0.02,
    "22": 0.008,
    "31": 0.002,
    "32": 0.002,
    "41": 0.0006,
    "42": 0.0002,
    "51": 0.0001,
    "52": 0.00005,
    "53": 0.00005,
    "NN": 0.005,
}
COMMUNE_PREFIX = (
    "Saint-Martin",
    "Villers",
    "Fontaine",
    "Montigny",
    "Neuville",
    "Champagne",
    "Beaumont",
    "Bois",
    "Chateauneuf",
    "Sainte-Marie",
    "Valence",
    "Mesnil",
    "Roche",
    "Belleville",
)
COMMUNE_SUFFIX = (
    "les-Bains",
    "sur-Loire",
    "la-Foret",
    "le-Haut",
    "en-Plaine",
    "du-Lac",
    "le-Chateau",
    "sur-Mer",
    "les-Vignes",
    "aux-Bois",
    "la-Riviere",
    "le-Pont",
    "des-Champs",
)
DENOMINATION_WORDS = (
    "Boulangerie",
    "Garage",
    "Atelier",
    "Transports",
    "Cabinet",
    "Societe",
    "Maison",
    "Batiment",
    "Restaurant",
    "Services",
    "Commerce",
    "Hotel",
    "Menuiserie",
    "Conseil",
    "Entreprise",
)
DENOMINATION_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
)


@dataclass(frozen=True)
class Params:
    """Every knob of the world; all of it is recorded in ``_world.json``."""

    effect_small_firm_extra_hires: float = 0.5
    effect_large_recruiter_extra_furthest_hires: float = 3.0
    effect_satisfaction_uplift: float = 0.10
    establishments_per_scale: int = 370_000
    legal_units_per_establishment: float = 0.81
    hires_per_scale: int = 8_000_000
    spells_per_scale: int = 1_500_000
    offers_per_scale: int = 400_000
    multi_establishment_share: float = 0.03
    la_poste_establishments: int = 20
    contract_mix: dict = field(
        default_factory=lambda: {"CDI": 0.15, "CDD_long": 0.15, "CDD_short": 0.45, "CTT": 0.25}
    )
    zero_hire_share_small: float = 0.45
    zero_hire_share_other: float = 0.08
    gamma_shape: float = 0.6
    persons_per_hire: float = 0.3
    jobseekers_from_hired_share: float = 0.8
    second_spell_share: float = 0.3
    duplicate_declaration_share: float = 0.01
    late_declaration_share: float = 0.05
    open_offer_share: float = 0.05
    background_actions_per_establishment: float = 0.12
    campaign_share: float = 0.60
    # The survey reaches the service's client firms: larger firms and contacted pilot firms answer
    # more often, so that small firms are 66 % satisfied and all firms about 71 %.
    satisfaction_sample_share: float = 0.15
    satisfaction_sample_share_large: float = 0.45
    satisfaction_sample_share_contacted: float = 0.50
    satisfied_small: float = 0.66
    satisfied_large: float = 0.82
    satisfied_unknown: float = 0.71
    top_recruiters_n: int = 200
    enrolment_share: float = 0.5


# --------------------------------------------------------------------------------------------
# helpers


def day(text: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return int(np.datetime64(text, "D").astype(np.int64))


def luhn_check_digit(payload: np.ndarray, n_digits: int) -> np.ndarray:
    """Luhn check digit to append to ``payload`` (an integer of ``n_digits`` digits)."""
    x = payload.astype(np.int64)
    total = np.zeros_like(x)
    for position in range(n_digits):  # loop over digit positions, vectorised over rows
        digit = x % 10
        x = x // 10
        if position % 2 == 0:
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    return (10 - total % 10) % 10


def digit_sum(values: np.ndarray, n_digits: int) -> np.ndarray:
    x = values.astype(np.int64)
    total = np.zeros_like(x)
    for _ in range(n_digits):
        total += x % 10
        x = x // 10
    return total


def dates(days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), mask=null).view(pa.date32())


def codes(index: np.ndarray, values: list[str], null: np.ndarray | None = None) -> pa.Array:
    return pa.DictionaryArray.from_arrays(
        pa.array(index.astype(np.int32), mask=null), pa.array(values, type=pa.string())
    )


def categorical(rng: np.random.Generator, n: int, p: Any) -> np.ndarray:
    """Indices 0..len(p)-1 drawn with probabilities ``p`` (faster than ``rng.choice(p=...)``)."""
    cdf = np.cumsum(np.asarray(p, dtype=float))
    cdf = cdf[:-1] / cdf[-1]
    u = rng.random(n)
    if len(cdf) > 16:
        return np.searchsorted(cdf, u, side="right")
    out = np.zeros(n, np.int64)
    for c in cdf:  # loop over categories, vectorised over rows
        out += u >= c
    return out


def pick(
    rng: np.random.Generator, n: int, shares: dict[str, float], order: list[str]
) -> np.ndarray:
    """Indices into ``order`` drawn with the given shares (missing keys get 0)."""
    return categorical(rng, n, [shares.get(k, 0.0) for k in order])


def sql_list(values: list[str]) -> str:
    return "[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def group_offsets(group_of_row: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and sizes of contiguous groups (rows sorted by group)."""
    sizes = np.bincount(group_of_row, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return starts, sizes


# --------------------------------------------------------------------------------------------
# seeds


@dataclass
class Seeds:
    regions: pd.DataFrame
    experiment_regions: list[str]
    departments: pd.DataFrame
    divisions: list[str]
    division_sections: list[str]
    bands: list[str]  # ordered by size, NN last
    midpoints: np.ndarray
    pilots: pd.DataFrame
    calendar: dict[str, tuple[int, int]]
    code_sets: dict[str, list[str]]
    action_types: list[str]
    collective_actions: list[str]
    satisfaction: list[str]
    satisfied: list[str]


def read_seeds(seeds_dir: Path) -> Seeds:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(seeds_dir / f"{name}.csv", dtype=str, keep_default_na=False)

    bands = read("headcount_bands")
    known = bands[bands["lower_bound"] != ""].copy()
    known["lb"] = known["lower_bound"].astype(float)
    known = known.sort_values("lb", kind="stable")
    band_codes = list(known["tranche_effectifs"]) + list(
        bands.loc[bands["lower_bound"] == "", "tranche_effectifs"]
    )
    midpoints = np.array(
        [float(m) if m else np.nan for m in known["headcount_midpoint"]]
        + [np.nan] * (len(band_codes) - len(known))
    )
    calendar = {
        r.window_name: (day(r.start_date), day(r.end_date))
        for r in read("experiment_calendar").itertuples()
    }
    cc = read("contract_codes")
    code_sets = {k: list(g["code"]) for k, g in cc.groupby("code_set", sort=True)}
    actions = read("action_types")
    satis = read("satisfaction_levels")
    return Seeds(
        regions=read("regions"),
        experiment_regions=list(read("experiment_regions")["code_region"]),
        departments=read("departments"),
        divisions=list(read("naf_divisions")["naf_division"]),
        division_sections=list(read("naf_divisions")["naf_section"]),
        bands=band_codes,
        midpoints=midpoints,
        pilots=read("pilot_agencies"),
        calendar=calendar,
        code_sets=code_sets,
        action_types=list(actions["type_action"]),
        collective_actions=list(
            actions.loc[actions["is_collective_action"] == "true", "type_action"]
        ),
        satisfaction=list(satis["reponse"]),
        satisfied=list(satis.loc[satis["is_satisfied"] == "true", "reponse"]),
    )


# --------------------------------------------------------------------------------------------
# geography: agencies and communes (do not scale)


def build_geography(seeds: Seeds, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    exp = seeds.experiment_regions
    if scale < 3:
        included = sorted(set(exp) | {"24"})
    else:
        included = sorted(seeds.regions["code_region"])
    deps = seeds.departments
    dep_name = dict(zip(deps["code_departement"], deps["nom_departement"], strict=True))
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    next_k: dict[tuple[str, str], int] = {}
    areas_in_dept: dict[str, int] = {}
    name_counter: dict[str, int] = {}

    def add(code: str, dept: str, region: str, territory: str, area: str | None) -> None:
        assert code not in used and len(code) == 5, code
        used.add(code)
        group = code[2:4]
        next_k[(dept, group)] = max(next_k.get((dept, group), 1), int(code[4]) + 1)
        name_counter[dept] = name_counter.get(dept, 0) + 1
        rows.append(
            {
                "code_agence": code,
                "nom_agence": f"Agence {dep_name[dept]} {name_counter[dept]}",
                "code_departement": dept,
                "code_region": region,
                "type_territoire": territory,
                "code_agglomeration": area,
            }
        )

    def next_code(dept: str, group: str) -> str:
        k = next_k.get((dept, group), 1)
        code = f"{dept}{group}{k}"
        while code in used:
            k += 1
            code = f"{dept}{group}{k}"
        return code

    def new_area(dept: str, region: str, n: int) -> None:
        areas_in_dept[dept] = areas_in_dept.get(dept, 0) + 1
        group = f"{areas_in_dept[dept]:02d}"
        area = f"UU{dept}{group}"
        for _ in range(n):
            add(next_code(dept, group), dept, region, "urbain", area)

    for region in included:
        region_depts = sorted(deps.loc[deps["code_region"] == region, "code_departement"])
        if region in exp:
            pil = seeds.pilots[seeds.pilots["code_region"] == region]
            rural = list(pil.loc[pil["role"] == "rural", "code_agence"])
            agglo = sorted(pil.loc[pil["role"] == "agglomeration", "code_agence"])
            for code in rural:
                add(code, code[:2], region, "rural", None)
            dept_a = agglo[0][:2]
            areas_in_dept[dept_a] = max(areas_in_dept.get(dept_a, 0), int(agglo[0][2:4]))
            area = f"UU{dept_a}{agglo[0][2:4]}"
            for code in agglo:
                add(code, dept_a, region, "urbain", area)
            add(next_code(dept_a, agglo[0][2:4]), dept_a, region, "urbain", area)
            taken = {c[:2] for c in rural} | {dept_a}
            others = [d for d in region_depts if d not in taken] or region_depts
            new_area(others[0], region, 4)
            new_area(others[1 % len(others)], region, 3)
            for j in range(3):
                dept = others[(2 + j) % len(others)]
                add(next_code(dept, "03"), dept, region, "rural", None)
        else:
            new_area(region_depts[0], region, 3)
            new_area(region_depts[1 % len(region_depts)], region, 2)
            for j in range(3):
                dept = region_depts[(2 + j) % len(region_depts)]
                add(next_code(dept, "03"), dept, region, "rural", None)
    agencies = pd.DataFrame(rows)

    communes: list[dict[str, Any]] = []
    commune_no: dict[str, int] = {}
    for ag in rows:
        dept = ag["code_departement"]
        for _ in range(25 if ag["type_territoire"] == "rural" else 8):
            commune_no[dept] = commune_no.get(dept, 0) + 1
            i = len(communes)
            name = (
                f"{COMMUNE_PREFIX[i % len(COMMUNE_PREFIX)]}-"
                f"{COMMUNE_SUFFIX[(i // len(COMMUNE_PREFIX)) % len(COMMUNE_SUFFIX)]}"
            )
            communes.append(
                {
                    "code_commune": f"{dept}{commune_no[dept]:03d}",
                    "nom_commune": name,
                    "code_departement": dept,
                    "code_agence": ag["code_agence"],
                }
            )
    return agencies, pd.DataFrame(communes)


# --------------------------------------------------------------------------------------------
# the world


@dataclass
class World:
    """Numeric arrays of every table plus the small string tables."""

    agencies: pd.DataFrame
    communes: pd.DataFrame
    arrays: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


def build_firms(
    rng: np.random.Generator, seeds: Seeds, world: World, scale: float, p: Params
) -> None:
    bands = seeds.bands
    band_idx = {b: i for i, b in enumerate(bands)}
    nn = band_idx["NN"]
    n_est_target = max(round(p.establishments_per_scale * scale), 500)
    n_ul_target = round(p.legal_units_per_establishment * n_est_target)
    n_multi = max(1, round(p.multi_establishment_share * n_ul_target))
    n_single = n_ul_target - n_multi - 1
    multi_total = max(2 * n_multi, n_est_target - n_single - p.la_poste_establishments)
    raw = rng.pareto(1.1, n_multi)
    sizes_multi = 2 + np.floor(raw * (multi_total - 2 * n_multi) / raw.sum()).astype(np.int64)
    sizes_multi = np.minimum(sizes_multi, 5000)
    sizes = np.concatenate([np.ones(n_single, np.int64), sizes_multi, [p.la_poste_establishments]])
    n_ul = len(sizes)

    # SIREN: 8 random digits (first non-zero) + Luhn; La Poste last.
    base = rng.choice(90_000_000, size=n_ul, replace=False) + 10_000_000
    base = base[base != LA_POSTE_SIREN // 10][: n_ul - 1]
    siren = base * 10 + luhn_check_digit(base, 8)
    siren = np.concatenate([siren, [LA_POSTE_SIREN]]).astype(np.int64)

    # legal unit band
    ul_band = np.empty(n_ul, np.int64)
    ul_band[:n_single] = pick(rng, n_single, SINGLE_BAND_SHARE, bands)
    lift = np.floor(np.log2(sizes_multi)).astype(np.int64) - 1 + rng.integers(0, 2, n_multi)
    ul_band[n_single:-1] = band_idx["12"] + np.clip(lift, 0, band_idx["53"] - band_idx["12"])
    ul_band[-1] = band_idx["53"]
    cat_idx = np.where(
        ul_band <= band_idx["31"], 0, np.where(ul_band <= band_idx["51"], 1, 2)
    )  # PME, ETI, GE
    cat_null = (ul_band == nn) | (rng.random(n_ul) < 0.05)
    cat_null[-1] = False
    start, end = day("2000-01-01"), day("2017-12-31")
    ul_created = start + np.floor((end - start) * rng.random(n_ul) ** 1.3).astype(np.int64)
    ul_created[-1] = day("2010-01-01")

    # establishments (rows grouped by legal unit)
    est_ul = np.repeat(np.arange(n_ul), sizes)
    n_est = len(est_ul)
    ul_start, _ = group_offsets(est_ul, n_ul)
    seq = np.arange(n_est) - ul_start[est_ul] + 1
    payload = siren[est_ul] * 10_000 + seq
    siret = payload * 10 + luhn_check_digit(payload, 13)
    digits = np.arange(1, 3000)
    poste_nics = digits[(digit_sum(digits, 5) + 14) % 5 == 0]
    poste_nics = np.sort(rng.choice(poste_nics, p.la_poste_establishments, replace=False))
    siret[est_ul == n_ul - 1] = LA_POSTE_SIREN * 100_000 + poste_nics

    est_band = ul_band[est_ul].copy()
    multi = (est_ul >= n_single) & (est_ul < n_ul - 1)
    draw = 1 + rng.choice(9, size=n_est, p=np.array([15, 20, 20, 20, 15, 6, 3, 0.5, 0.5]) / 100)
    est_band[multi] = np.minimum(est_band[multi], draw[multi])
    poste = est_ul == n_ul - 1
    est_band[poste] = rng.choice([band_idx[b] for b in ("11", "12", "21", "22")], poste.sum())

    div_w = np.array(
        [
            DIVISION_WEIGHT.get(d, SECTION_WEIGHT.get(s, 0.5))
            for d, s in zip(seeds.divisions, seeds.division_sections, strict=True)
        ]
    )
    est_div = categorical(rng, n_est, div_w)
    naf_sub = rng.integers(1, 10, n_est) * 10 + rng.integers(0, 3, n_est)
    naf_letter = rng.choice(4, size=n_est, p=[0.6, 0.2, 0.1, 0.1])
    naf_nodot = rng.random(n_est) < 0.2

    # location: region share by population, urban communes denser
    ag = world.agencies
    com = world.communes
    region_of_agency = dict(zip(ag["code_agence"], ag["code_region"], strict=True))
    territory = dict(zip(ag["code_agence"], ag["type_territoire"], strict=True))
    com_region = com["code_agence"].map(region_of_agency)
    pop = dict(
        zip(
            seeds.regions["code_region"],
            seeds.regions["population_millions"].astype(float),
            strict=True,
        )
    )
    w = np.where(com["code_agence"].map(territory) == "urbain", 6.0, 1.0)
    region_w = com_region.map(pop).to_numpy(float)
    region_total_w = pd.Series(w).groupby(com_region.to_numpy()).transform("sum").to_numpy()
    p_com = region_w * w / region_total_w
    est_commune = categorical(rng, n_est, p_com)

    data_end = seeds.calendar["data"][1]
    created = ul_created[est_ul].copy()
    later = rng.random(n_est) < np.where(multi, 1.0, 0.3)
    created[later] += np.floor((data_end - created[later]) * rng.random(later.sum()) ** 2.0).astype(
        np.int64
    )
    closed = rng.random(n_est) < 0.10
    closed[poste] = False
    closure = (
        created + 1 + np.floor((day("2019-12-31") - created) * rng.random(n_est)).astype(np.int64)
    )

    agency_index = {c: i for i, c in enumerate(ag["code_agence"])}
    com_agency = com["code_agence"].map(agency_index).to_numpy()
    est_agency = com_agency[est_commune]
    region_codes = sorted(set(ag["code_region"]))
    agency_region = ag["code_region"].map({r: i for i, r in enumerate(region_codes)}).to_numpy()

    world.arrays["legal_units"] = {
        "siren": siren,
        "band": ul_band,
        "cat": cat_idx,
        "cat_null": cat_null,
        "created": ul_created,
        "size": sizes,
    }
    world.arrays["establishments"] = {
        "ul": est_ul,
        "siret": siret,
        "band": est_band,
        "div": est_div,
        "naf_sub": naf_sub,
        "naf_letter": naf_letter,
        "naf_nodot": naf_nodot,
        "commune": est_commune,
        "created": created,
        "closure": closure,
        "closed": closed,
        "agency": est_agency,
        "region": agency_region[est_agency],
    }
    world.info["region_codes"] = region_codes
    world.info["n_single"] = n_single


def establishment_features(seeds: Seeds, world: World) -> dict[str, np.ndarray]:
    """Derived per-establishment quantities shared by several tables."""
    est = world.arrays["establishments"]
    ul = world.arrays["legal_units"]
    band_idx = {b: i for i, b in enumerate(seeds.bands)}
    mid = np.nan_to_num(seeds.midpoints, nan=3.0)
    mid[band_idx["00"]] = 0.5
    headcount = mid[est["band"]]
    intensity = np.array([DIVISION_INTENSITY.get(d, DEFAULT_INTENSITY) for d in seeds.divisions])
    small = np.array([band_idx[b] for b in ("01", "02", "03", "11")])
    est_small = np.isin(est["band"], small)
    ul_small = np.isin(ul["band"][est["ul"]], small)
    ul_large = (ul["band"][est["ul"]] >= band_idx["21"]) & (ul["band"][est["ul"]] != band_idx["NN"])
    d0, d1 = seeds.calendar["data"]
    stop = np.where(est["closed"], np.minimum(est["closure"], d1), d1)
    active = np.clip(stop - np.maximum(est["created"], d0) + 1, 0, None) / (d1 - d0 + 1)
    return {
        "headcount": headcount,
        "intensity": intensity[est["div"]],
        "est_small": est_small,
        "ul_small": ul_small,
        "ul_large": ul_large,
        "active": active,
        "high_div": intensity[est["div"]] >= HIGH_INTENSITY,
    }


def build_offers(
    rng: np.random.Generator,
    seeds: Seeds,
    world: World,
    scale: float,
    p: Params,
    f: dict[str, np.ndarray],
) -> None:
    n_target = round(p.offers_per_scale * scale)
    w = f["headcount"] ** 0.8 * (0.5 + f["intensity"]) * np.where(f["ul_large"], 3.0, 1.0)
    w = w * f["active"]
    counts = rng.poisson(w * n_target / w.sum())
    o_est = np.repeat(np.arange(len(counts)), counts)
    n = len(o_est)
    d0, d1 = seeds.calendar["data"]
    pub = rng.integers(d0, d1 + 1, n)
    close = pub + rng.integers(1, 121, n)
    is_open = (rng.random(n) < p.open_offer_share) | (close > d1)
    motifs = seeds.code_sets["motif_cloture"]
    p_service = np.where(f["ul_large"][o_est], 0.6, 0.35)
    u = rng.random(n)
    rest = (u - p_service) / (1 - p_service)  # uniform on [0, 1) when not filled by the service
    other = np.select([rest < 0.55, rest < 0.8], [1, 2], 3)
    motif = np.where(u < p_service, 0, other)
    assert motifs[0] == "pourvue_service"
    nature = categorical(rng, n, [0.4, 0.45, 0.15])
    postes = np.where(rng.random(n) < 0.75, 1, 1 + rng.geometric(0.3, n))
    postes = np.minimum(postes, 100)
    rome_letter = rng.integers(0, 14, n)
    rome_num = rng.integers(11, 30, n) * 100 + rng.integers(1, 40, n)
    order = np.argsort(pub, kind="stable")
    world.arrays["job_offers"] = {
        "est": o_est[order],
        "pub": pub[order],
        "close": close[order],
        "open": is_open[order],
        "motif": motif[order],
        "nature": nature[order],
        "postes": postes[order],
        "rome_letter": rome_letter[order],
        "rome_num": rome_num[order],
    }


def top_recruiters(
    seeds: Seeds, world: World, f: dict[str, np.ndarray], n_top: int, region: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Legal units ranked as the experiments page ranks top recruiters (optionally per region)."""
    est = world.arrays["establishments"]
    off = world.arrays["job_offers"]
    ul = world.arrays["legal_units"]
    l0, l1 = seeds.calendar["lookback"]
    exp_idx = [world.info["region_codes"].index(r) for r in seeds.experiment_regions]
    o_region = est["region"][off["est"]]
    in_region = np.isin(o_region, exp_idx) if region is None else o_region == region
    mask = (
        ~off["open"]
        & (off["motif"] == 0)
        & (off["close"] >= l0)
        & (off["close"] <= l1)
        & in_region
        & f["ul_large"][off["est"]]
    )
    filled = np.bincount(est["ul"][off["est"][mask]], minlength=len(ul["siren"]))
    cand = np.flatnonzero(filled > 0)
    order = np.lexsort((ul["siren"][cand], -filled[cand]))
    return cand[order][:n_top], filled


def build_enrolments(
    rng: np.random.Generator, seeds: Seeds, world: World, p: Params, f: dict[str, np.ndarray]
) -> None:
    ul = world.arrays["legal_units"]
    top, _ = top_recruiters(seeds, world, f, p.top_recruiters_n)
    region_codes = world.info["region_codes"]
    per_region = {
        r: top_recruiters(seeds, world, f, 10**9, region_codes.index(r))
        for r in seeds.experiment_regions
    }
    totals = {r: per_region[r][1].sum() for r in per_region}
    grand = max(1, sum(totals.values()))
    enrolled: list[int] = []
    enrolled_region: list[int] = []
    for r in seeds.experiment_regions:
        k = round(p.top_recruiters_n * totals[r] / grand)
        regional = per_region[r][0][:k]
        chosen = regional[rng.random(len(regional)) < p.enrolment_share]
        for u in chosen:
            if u not in set(enrolled):
                enrolled.append(int(u))
                enrolled_region.append(int(r))
    non_top = np.setdiff1d(np.arange(len(ul["siren"]) - 1), np.concatenate([top, enrolled]))
    extra = rng.choice(non_top, size=int(rng.integers(2, 4)), replace=False)
    for u in np.sort(extra):
        enrolled.append(int(u))
        enrolled_region.append(int(rng.choice([int(r) for r in seeds.experiment_regions])))
    sirens = [int(ul["siren"][u]) for u in enrolled]
    known = set(ul["siren"].tolist())
    while True:  # one valid SIREN that is not a legal unit
        b = int(rng.integers(10_000_000, 100_000_000))
        s = b * 10 + int(luhn_check_digit(np.array([b]), 8)[0])
        if s not in known:
            break
    sirens.append(s)
    enrolled_region.append(int(rng.choice([int(r) for r in seeds.experiment_regions])))
    n = len(sirens)
    date0 = day("2016-11-01")
    baseline = seeds.calendar["baseline"][0]
    world.arrays["large_recruiter_enrolments"] = {
        "siren": np.array(sirens, np.int64),
        "region": np.array(enrolled_region, np.int64),
        "date": rng.integers(date0, baseline + 1, n),
    }
    top_set = set(top.tolist())
    treated = np.array([u for u in enrolled if u in top_set], np.int64)
    world.info["top_recruiters"] = top
    world.info["enrolled_top"] = treated
    world.info["n_top_recruiters"] = int(len(top))


def build_actions(
    rng: np.random.Generator, seeds: Seeds, world: World, p: Params, f: dict[str, np.ndarray]
) -> None:
    est = world.arrays["establishments"]
    n_est = len(est["siret"])
    acts = seeds.action_types
    a = {t: i for i, t in enumerate(acts)}
    d0, d1 = seeds.calendar["data"]
    # background
    n_bg = round(p.background_actions_per_establishment * n_est)
    bg_est = rng.integers(0, n_est, n_bg)
    bg_type = rng.choice(
        [a["suivi"], a["service_recrutement"], a["prospection_telephone"], a["prospection_visite"]],
        size=n_bg,
        p=[0.45, 0.25, 0.2, 0.1],
    )
    bg_date = rng.integers(d0, d1 + 1, n_bg)
    # campaign
    pilot_codes = set(seeds.pilots["code_agence"])
    pilot_agency = world.agencies["code_agence"].isin(pilot_codes).to_numpy()
    baseline = seeds.calendar["baseline"][0]
    s0, s1 = seeds.calendar["pilot"]
    eligible = (
        pilot_agency[est["agency"]]
        & f["est_small"]
        & f["ul_small"]
        & f["high_div"]
        & (est["created"] < baseline)
        & (~est["closed"] | (est["closure"] >= baseline))
    )
    treated = np.flatnonzero(eligible & (rng.random(n_est) < p.campaign_share))
    k = rng.integers(1, 5, len(treated))
    c_est = np.repeat(treated, k)
    firm = np.repeat(np.arange(len(treated)), k)
    starts, _ = group_offsets(firm, len(treated))
    pos = np.arange(len(c_est)) - starts[firm]
    first = s0 + rng.integers(0, 200, len(treated))
    gaps = np.where(pos == 0, 0, rng.integers(1, 60, len(c_est)))
    cum = np.cumsum(gaps)
    c_date = np.minimum(first[firm] + cum - cum[starts[firm]], s1)
    follow = [a["service_recrutement"]] + [a[t] for t in seeds.collective_actions]
    follow_p = np.array(
        [0.4] + [0.6 / len(seeds.collective_actions)] * len(seeds.collective_actions)
    )
    c_type = np.where(
        pos == 0,
        rng.choice([a["prospection_visite"], a["prospection_telephone"]], size=len(c_est)),
        rng.choice(follow, size=len(c_est), p=follow_p),
    )
    a_est = np.concatenate([bg_est, c_est])
    a_date = np.concatenate([bg_date, c_date])
    order = np.argsort(a_date, kind="stable")
    world.arrays["counsellor_actions"] = {
        "est": a_est[order],
        "date": a_date[order],
        "type": np.concatenate([bg_type, c_type])[order],
        "conseiller": rng.integers(1, 5, len(a_est)),
    }
    world.info["treated_small"] = treated


def build_hires(
    rng: np.random.Generator,
    seeds: Seeds,
    world: World,
    scale: float,
    p: Params,
    f: dict[str, np.ndarray],
) -> None:
    est = world.arrays["establishments"]
    n_est = len(est["siret"])
    n_target = round(p.hires_per_scale * scale)
    small = f["est_small"]
    zero = rng.random(n_est) < np.where(small, p.zero_hire_share_small, p.zero_hire_share_other)
    het = rng.gamma(p.gamma_shape, 1 / p.gamma_shape, n_est)
    lam = f["intensity"] * f["headcount"] * het * f["active"] * ~zero
    counts = rng.poisson(lam * n_target / lam.sum())
    h_est = np.repeat(np.arange(n_est), counts)
    n = len(h_est)

    # dates: month with seasonality, day uniform in month
    d0, d1 = seeds.calendar["data"]
    months = np.arange(
        np.datetime64(d0, "D").astype("datetime64[M]"),
        np.datetime64(d1, "D").astype("datetime64[M]") + 1,
    )
    m_start = months.astype("datetime64[D]").astype(np.int64)
    m_len = (months + 1).astype("datetime64[D]").astype(np.int64) - m_start
    season = np.array([0.9, 0.9, 1.0, 1.0, 1.05, 1.25, 1.35, 1.1, 1.1, 1.0, 0.95, 0.7])
    m_w = season[months.astype(np.int64) % 12] * m_len
    # per-establishment hires spread over months, so rows come out in month order
    month = np.repeat(np.arange(len(months)), rng.multinomial(n, m_w / m_w.sum()))
    h_est = h_est[rng.permutation(n)]
    hire = m_start[month] + (rng.random(n, dtype=np.float32) * m_len[month]).astype(np.int64)

    mix = p.contract_mix
    kind = categorical(rng, n, [mix["CDI"], mix["CDD_long"], mix["CDD_short"], mix["CTT"]])
    duration = np.zeros(n, np.int64)
    idx = np.flatnonzero(kind == 1)  # CDD over 31 days, some exactly 32
    duration[idx] = np.where(
        rng.random(len(idx)) < 0.1,
        32,
        np.minimum(32 + rng.exponential(130, len(idx)).astype(np.int64), 730),
    )
    idx = np.flatnonzero(kind == 2)  # CDD of 31 days or less, some exactly 31
    duration[idx] = rng.integers(1, 32, len(idx))
    idx = np.flatnonzero(kind == 3)  # temporary work
    duration[idx] = np.minimum(1 + rng.exponential(10, len(idx)).astype(np.int64), 180)
    nature = np.select([kind == 0, kind == 3], [0, 2], 1)  # CDI, CDD, CTT

    n_pool = max(1000, round(p.persons_per_hire * n))
    person = (n_pool * rng.random(n, dtype=np.float32) ** 1.25).astype(np.int64)

    # planted: extra counted hires for contacted pilot small firms (pilot window)
    s0, s1 = seeds.calendar["pilot"]
    treated = world.info["treated_small"]
    extra_small = rng.poisson(p.effect_small_firm_extra_hires, len(treated))
    e_est = np.repeat(treated, extra_small)
    ne = len(e_est)
    e_cdi = rng.random(ne) < 0.5
    e_hire = rng.integers(s0, s1 + 1, ne)
    e_dur = np.where(e_cdi, 0, rng.integers(183, 366, ne))
    e_person = rng.integers(0, n_pool, ne)
    world.truth["small_firm_extra_hires"] = pd.DataFrame(
        {"siret": est["siret"][treated], "extra_hires": extra_small}
    )

    # planted: extra furthest-from-employment hires for enrolled top recruiters
    ul = world.arrays["legal_units"]
    top = world.info["enrolled_top"]
    extra_large = rng.poisson(p.effect_large_recruiter_extra_furthest_hires, len(top))
    l_ul = np.repeat(top, extra_large)
    nl = len(l_ul)
    ul_start, ul_size = group_offsets(est["ul"], len(ul["siren"]))
    l_est = ul_start[l_ul] + np.floor(rng.random(nl) * ul_size[l_ul]).astype(np.int64)
    l_cdi = rng.random(nl) < 0.5
    l_hire = rng.integers(s0, s1 + 1, nl)
    l_dur = np.where(l_cdi, 0, rng.integers(183, 366, nl))
    world.truth["large_recruiter_extra_hires"] = pd.DataFrame(
        {"siren": ul["siren"][top], "extra_hires": extra_large}
    )
    world.info["n_pool"] = n_pool
    world.info["planted_large"] = {"hire": l_hire, "n": nl}

    h_est = np.concatenate([h_est, e_est, l_est])
    hire = np.concatenate([hire, e_hire, l_hire])
    nature = np.concatenate([nature, np.where(e_cdi, 0, 1), np.where(l_cdi, 0, 1)])
    duration = np.concatenate([duration, e_dur, l_dur])
    # planted large-recruiter persons get fresh ids, assigned after the jobseeker pool
    person = np.concatenate([person, e_person, -1 - np.arange(nl)])
    n = len(h_est)

    late = rng.random(n, dtype=np.float32) < p.late_declaration_share
    offset_days = np.where(late, rng.integers(1, 61, n), -rng.integers(0, 9, n))
    declared = (hire + offset_days) * 86_400 + rng.integers(8 * 3600, 19 * 3600, n)

    dup = np.sort(rng.choice(n, size=round(p.duplicate_declaration_share * n), replace=False))
    later = declared[dup] + rng.integers(1, 21, len(dup)) * 86_400
    # duplicates are appended after all original rows (generation order, no global sort)
    end = hire + duration - 1
    world.arrays["hire_declarations"] = {
        "est": np.concatenate([h_est, h_est[dup]]),
        "hire": np.concatenate([hire, hire[dup]]),
        "nature": np.concatenate([nature, nature[dup]]),
        "end": np.concatenate([end, end[dup]]),
        "declared": np.concatenate([declared, later]),
        "person": np.concatenate([person, person[dup]]),
    }
    world.info["n_duplicates"] = int(len(dup))


def build_spells_and_persons(
    rng: np.random.Generator, seeds: Seeds, world: World, scale: float, p: Params
) -> None:
    n_pool = world.info["n_pool"]
    target = round(p.spells_per_scale * scale)
    n_js = round(target / (1 + p.second_spell_share))
    n_from_pool = min(round(p.jobseekers_from_hired_share * n_js), n_pool)
    js_pool = np.sort(rng.choice(n_pool, size=n_from_pool, replace=False))
    n_extra = n_js - n_from_pool
    js_person = np.concatenate([js_pool, n_pool + np.arange(n_extra)])
    planted = world.info["planted_large"]
    n_planted = planted["n"]
    n_persons = n_pool + n_extra + n_planted

    d0 = day("2010-01-01")
    d1 = seeds.calendar["data"][1]
    m = len(js_person)
    ins1 = d0 + np.floor((d1 - d0 + 1) * rng.random(m) ** 0.7).astype(np.int64)
    end1 = ins1 + 1 + rng.exponential(300, m).astype(np.int64)
    two = rng.random(m) < p.second_spell_share
    ins2 = end1 + 1 + rng.exponential(120, m).astype(np.int64)
    two &= (end1 < d1) & (ins2 <= d1)
    end2 = ins2 + 1 + rng.exponential(300, m).astype(np.int64)
    open_last = rng.random(m) < 0.25
    first_open = ~two & (open_last | (end1 > d1))
    second_open = two & (open_last | (end2 > d1))

    # planted furthest spells: registered for over a year at the hire, still open then
    ph = planted["hire"]
    p_ins = ph - rng.integers(400, 1000, n_planted)
    p_end = ph + rng.integers(0, 60, n_planted)
    p_open = (rng.random(n_planted) < 0.5) | (p_end > d1)
    p_person = n_pool + n_extra + np.arange(n_planted)

    sp_person = np.concatenate([js_person, js_person[two], p_person])
    sp_ins = np.concatenate([ins1, ins2[two], p_ins])
    sp_end = np.concatenate([end1, end2[two], p_end])
    sp_open = np.concatenate([first_open, second_open[two], p_open])
    ns = len(sp_person)
    cat = categorical(rng, ns, [0.55, 0.12, 0.18, 0.05, 0.10])
    if n_planted:
        cat[-n_planted:] = 0  # category A
    levels = seeds.code_sets["niveau_formation"]
    level_share = {"I": 8, "II": 10, "III": 15, "IV": 25, "V": 27, "VBIS": 7, "VI": 8}
    level = pick(rng, ns, level_share, levels)

    # persons: birth, sex, NIR parts; made unique on the NIR's first 13 characters
    birth = np.clip(np.round(1982 + 11 * rng.standard_normal(n_persons)), 1940, 2005).astype(
        np.int64
    )
    sex = rng.integers(1, 3, n_persons)
    month = np.where(
        rng.random(n_persons) < 0.005,
        rng.integers(20, 43, n_persons),
        rng.integers(1, 13, n_persons),
    )
    dep_codes = list(seeds.departments["code_departement"])
    dep_idx = rng.integers(0, len(dep_codes), n_persons)
    commune = rng.integers(1, 990, n_persons)
    order_no = rng.integers(1, 1000, n_persons)
    for _ in range(100):
        key = ((((sex * 100 + birth % 100) * 100 + month) * 100 + dep_idx) * 1000 + commune) * 1000
        key += order_no
        _, first_idx = np.unique(key, return_index=True)
        dup = np.ones(n_persons, bool)
        dup[first_idx] = False
        if not dup.any():
            break
        order_no[dup] = rng.integers(1, 1000, dup.sum())
        commune[dup] = rng.integers(1, 990, dup.sum())
    dep_num = np.array([19 if d == "2A" else 18 if d == "2B" else int(d) for d in dep_codes])
    num13 = (
        sex * 10**12
        + (birth % 100) * 10**10
        + month * 10**8
        + dep_num[dep_idx] * 10**6
        + commune * 1000
        + order_no
    )
    nir_key = 97 - num13 % 97

    hires = world.arrays["hire_declarations"]
    hp = hires["person"]
    hires["person"] = np.where(hp < 0, n_pool + n_extra + (-1 - hp), hp)

    order = np.argsort(sp_ins, kind="stable")
    world.arrays["jobseeker_spells"] = {
        "person": sp_person[order],
        "ins": sp_ins[order],
        "end": sp_end[order],
        "open": sp_open[order],
        "cat": cat[order],
        "birth": birth[sp_person[order]],
        "level": level[order],
        "rsa": rng.random(ns) < 0.12,
        "boeth": rng.random(ns) < 0.06,
        "qpv": rng.random(ns) < 0.10,
    }
    world.arrays["persons"] = {
        "sex": sex,
        "yy": birth % 100,
        "mm": month,
        "dep": dep_idx,
        "commune": commune,
        "order": order_no,
        "key": nir_key,
    }
    world.info["n_persons"] = int(n_persons)


def build_satisfaction(
    rng: np.random.Generator, seeds: Seeds, world: World, p: Params, f: dict[str, np.ndarray]
) -> None:
    est = world.arrays["establishments"]
    n_est = len(est["siret"])
    band_idx = {b: i for i, b in enumerate(seeds.bands)}
    unknown = np.isin(est["band"], [band_idx["00"], band_idx["NN"]])
    p_base = np.where(
        unknown, p.satisfied_unknown, np.where(f["est_small"], p.satisfied_small, p.satisfied_large)
    )
    treated = np.zeros(n_est, bool)
    treated[world.info["treated_small"]] = True
    parts = []
    for wave in ("baseline_survey", "evaluation_survey"):
        w0, w1 = seeds.calendar[wave]
        share = np.where(
            f["est_small"], p.satisfaction_sample_share, p.satisfaction_sample_share_large
        )
        if wave == "evaluation_survey":
            share = np.where(treated, p.satisfaction_sample_share_contacted, share)
        chosen = np.flatnonzero(rng.random(n_est) < share)
        k = len(chosen)
        uplift = p.effect_satisfaction_uplift * (wave == "evaluation_survey") * treated[chosen]
        u = rng.random(k)
        satisfied = u < p_base[chosen] + uplift
        uplifted = (u >= p_base[chosen]) & satisfied
        v = rng.random(k)
        # satisfaction_levels: tres_satisfait, satisfait, peu_satisfait, pas_du_tout_satisfait
        lv = {r: i for i, r in enumerate(seeds.satisfaction)}
        yes = [lv[r] for r in seeds.satisfied]
        no = [lv[r] for r in seeds.satisfaction if r not in seeds.satisfied]
        level = np.where(
            satisfied, np.where(v < 0.4, yes[0], yes[-1]), np.where(v < 0.7, no[0], no[-1])
        )
        parts.append((chosen, rng.integers(w0, w1 + 1, k), level, uplifted))
    world.arrays["satisfaction_answers"] = {
        "est": np.concatenate([x[0] for x in parts]),
        "date": np.concatenate([x[1] for x in parts]),
        "level": np.concatenate([x[2] for x in parts]),
        "uplifted": np.concatenate([x[3] for x in parts]),
    }


# --------------------------------------------------------------------------------------------
# writing


def _to_arrow(world: World, seeds: Seeds) -> dict[str, tuple[pa.Table, str]]:
    """Arrow tables of numbers and codes plus the SQL select that formats each raw table."""
    A = world.arrays  # noqa: N806
    ag, com = world.agencies, world.communes
    agency_codes = list(ag["code_agence"])
    est, ul = A["establishments"], A["legal_units"]
    commune_codes = list(com["code_commune"])
    out: dict[str, tuple[pa.Table, str]] = {}
    out["agencies"] = (pa.Table.from_pandas(ag, preserve_index=False), "*")
    out["communes"] = (pa.Table.from_pandas(com, preserve_index=False), "*")

    n_ul = len(ul["siren"])
    words = sql_list(list(DENOMINATION_WORDS))
    names = sql_list(list(DENOMINATION_NAMES))
    out["legal_units"] = (
        pa.table(
            {
                "i": np.arange(n_ul),
                "siren": ul["siren"],
                "band": codes(ul["band"], seeds.bands),
                "cat": codes(ul["cat"], ["PME", "ETI", "GE"], ul["cat_null"]),
                "created": dates(ul["created"]),
            }
        ),
        f"lpad(CAST(siren AS VARCHAR), 9, '0') AS siren, "
        f"CASE WHEN siren = {LA_POSTE_SIREN} THEN 'LA POSTE' ELSE "
        f"{words}[1 + (i * 7) % {len(DENOMINATION_WORDS)}] || ' ' || "
        f"{names}[1 + (i // 3) % {len(DENOMINATION_NAMES)}] END AS denomination, "
        "CAST(band AS VARCHAR) AS tranche_effectifs_ul, "
        "CAST(cat AS VARCHAR) AS categorie_entreprise, created AS date_creation",
    )
    out["establishments"] = (
        pa.table(
            {
                "siret": est["siret"],
                "div": codes(est["div"], seeds.divisions),
                "sub": est["naf_sub"],
                "letter": codes(est["naf_letter"], ["A", "B", "C", "Z"]),
                "nodot": est["naf_nodot"],
                "band": codes(est["band"], seeds.bands),
                "commune": codes(est["commune"], commune_codes),
                "created": dates(est["created"]),
                "closure": dates(est["closure"], ~est["closed"]),
            }
        ),
        "lpad(CAST(siret AS VARCHAR), 14, '0') AS siret, "
        "lpad(CAST(siret // 100000 AS VARCHAR), 9, '0') AS siren, "
        "CAST(div AS VARCHAR) || CASE WHEN nodot THEN '' ELSE '.' END || "
        "lpad(CAST(sub AS VARCHAR), 2, '0') || CAST(letter AS VARCHAR) AS code_naf, "
        "CAST(band AS VARCHAR) AS tranche_effectifs, CAST(commune AS VARCHAR) AS code_commune, "
        "created AS date_creation, closure AS date_fermeture",
    )
    natures = ["CDI", "CDD", "CTT"]
    h = A["hire_declarations"]
    out["hire_declarations"] = (
        pa.table(
            {
                "i": np.arange(1, len(h["est"]) + 1),
                "siret": est["siret"][h["est"]],
                "nir": world.info["nir"].take(pa.array(h["person"])),
                "hire": dates(h["hire"]),
                "nature": codes(h["nature"], natures),
                "end": dates(h["end"], h["nature"] == 0),
                "declared": pa.array(h["declared"].astype("datetime64[s]")),
            }
        ),
        "'D' || lpad(CAST(i AS VARCHAR), 10, '0') AS declaration_id, "
        "CAST(siret AS VARCHAR) AS siret, nir, hire AS date_embauche, "
        'CAST(nature AS VARCHAR) AS nature_contrat, "end" AS date_fin_contrat, '
        "declared AS date_declaration",
    )
    s = A["jobseeker_spells"]
    out["jobseeker_spells"] = (
        pa.table(
            {
                "i": np.arange(1, len(s["ins"]) + 1),
                "nir": world.info["nir"].take(pa.array(s["person"])),
                "ins": dates(s["ins"]),
                "fin": dates(s["end"], s["open"]),
                "cat": codes(s["cat"], ["A", "B", "C", "D", "E"]),
                "birth": s["birth"],
                "level": codes(s["level"], seeds.code_sets["niveau_formation"]),
                "rsa": s["rsa"],
                "boeth": s["boeth"],
                "qpv": s["qpv"],
            }
        ),
        "'S' || lpad(CAST(i AS VARCHAR), 9, '0') AS spell_id, nir, "
        "ins AS date_inscription, fin AS date_fin, CAST(cat AS VARCHAR) AS categorie, "
        "birth AS annee_naissance, CAST(level AS VARCHAR) AS niveau_formation, "
        "rsa AS is_rsa, boeth AS is_boeth, qpv AS is_qpv",
    )
    o = A["job_offers"]
    out["job_offers"] = (
        pa.table(
            {
                "i": np.arange(1, len(o["est"]) + 1),
                "siret": est["siret"][o["est"]],
                "agency": codes(est["agency"][o["est"]], agency_codes),
                "letter": codes(o["rome_letter"], [chr(65 + i) for i in range(14)]),
                "num": o["rome_num"],
                "nature": codes(o["nature"], natures),
                "postes": o["postes"],
                "pub": dates(o["pub"]),
                "close": dates(o["close"], o["open"]),
                "motif": codes(o["motif"], seeds.code_sets["motif_cloture"], o["open"]),
            }
        ),
        "'O' || lpad(CAST(i AS VARCHAR), 9, '0') AS offer_id, "
        "CAST(siret AS VARCHAR) AS siret, CAST(agency AS VARCHAR) AS code_agence, "
        "CAST(letter AS VARCHAR) || lpad(CAST(num AS VARCHAR), 4, '0') AS code_rome, "
        "CAST(nature AS VARCHAR) AS nature_contrat, postes AS nb_postes, "
        "pub AS date_publication, close AS date_cloture, CAST(motif AS VARCHAR) AS motif_cloture",
    )
    c = A["counsellor_actions"]
    out["counsellor_actions"] = (
        pa.table(
            {
                "i": np.arange(1, len(c["est"]) + 1),
                "siret": est["siret"][c["est"]],
                "agency": codes(est["agency"][c["est"]], agency_codes),
                "cons": c["conseiller"],
                "date": dates(c["date"]),
                "type": codes(c["type"], seeds.action_types),
            }
        ),
        "'A' || lpad(CAST(i AS VARCHAR), 9, '0') AS action_id, "
        "CAST(siret AS VARCHAR) AS siret, CAST(agency AS VARCHAR) AS code_agence, "
        "'C' || CAST(agency AS VARCHAR) || lpad(CAST(cons AS VARCHAR), 2, '0') AS conseiller_id, "
        "date AS date_action, CAST(type AS VARCHAR) AS type_action",
    )
    r = A["satisfaction_answers"]
    out["satisfaction_answers"] = (
        pa.table(
            {
                "i": np.arange(1, len(r["est"]) + 1),
                "siret": est["siret"][r["est"]],
                "date": dates(r["date"]),
                "level": codes(r["level"], seeds.satisfaction),
            }
        ),
        "'R' || lpad(CAST(i AS VARCHAR), 9, '0') AS answer_id, "
        "CAST(siret AS VARCHAR) AS siret, date AS date_reponse, CAST(level AS VARCHAR) AS reponse",
    )
    e = A["large_recruiter_enrolments"]
    out["large_recruiter_enrolments"] = (
        pa.table({"siren": e["siren"], "region": e["region"], "date": dates(e["date"])}),
        "lpad(CAST(siren AS VARCHAR), 9, '0') AS siren, "
        "lpad(CAST(region AS VARCHAR), 2, '0') AS code_region, date AS date_inscription",
    )
    return out


def build_nirs(con: duckdb.DuckDBPyConnection, world: World, seeds: Seeds) -> pa.Array:
    per = world.arrays["persons"]
    con.register("persons", pa.table(per))
    dep = sql_list(list(seeds.departments["code_departement"]))
    rel = con.sql(
        "SELECT CAST(sex AS VARCHAR) || lpad(CAST(yy AS VARCHAR), 2, '0') || "
        f"lpad(CAST(mm AS VARCHAR), 2, '0') || {dep}[dep + 1] || "
        "lpad(CAST(commune AS VARCHAR), 3, '0') || lpad(CAST(\"order\" AS VARCHAR), 3, '0') || "
        "lpad(CAST(key AS VARCHAR), 2, '0') AS nir FROM persons"
    )
    nir = rel.to_arrow_table().column("nir").combine_chunks()
    con.unregister("persons")
    return nir


def copy_out(
    con: duckdb.DuckDBPyConnection, table: pa.Table, select: str, path: Path, fmt: str
) -> None:
    """COPY a formatted projection of ``table`` to ``path``.

    Dictionary columns are passed to DuckDB as their integer indices and decoded with a list
    literal (much faster than letting DuckDB convert Arrow dictionaries)."""
    for i, fld in enumerate(table.schema):
        if pa.types.is_dictionary(fld.type):
            col = table.column(i).combine_chunks()
            values = col.dictionary.to_pylist()
            table = table.set_column(i, fld.name, col.indices)
            select = select.replace(
                f"CAST({fld.name} AS VARCHAR)", f"{sql_list(values)}[{fld.name} + 1]"
            )
    con.register("src", table)
    options = CSV_OPTIONS if fmt == "csv" else "FORMAT parquet"
    con.execute(f"COPY (SELECT {select} FROM src) TO '{path}' ({options})")
    con.unregister("src")


def generate_world(
    scale: float,
    seed: int,
    out: Path | str,
    fmt: str = "csv",
    seeds_dir: Path | str = DEFAULT_SEEDS_DIR,
    params: Params | None = None,
    progress: bool = True,
    defects: bool = False,
) -> dict[str, int]:
    """Generate the world into ``out``; returns row counts per table (of the clean world).

    ``defects``: then plant known bad rows (:mod:`smallfirms.defects`); CSV only."""
    if fmt not in ("csv", "parquet"):
        raise ValueError(f"unknown format {fmt!r}")
    if defects and fmt != "csv":
        raise ValueError("defects are planted in CSV files only: use --format csv with --defects")
    p = params or Params()
    out = Path(out)
    t_start = time.perf_counter()
    timing: dict[str, float] = {}

    def log(msg: str) -> None:
        if progress:
            print(msg, file=sys.stderr, flush=True)

    seeds = read_seeds(Path(seeds_dir))
    streams = [
        np.random.Generator(np.random.PCG64(s)) for s in np.random.SeedSequence(seed).spawn(7)
    ]

    t = time.perf_counter()
    agencies, communes = build_geography(seeds, scale)
    world = World(agencies=agencies, communes=communes)
    build_firms(streams[0], seeds, world, scale, p)
    f = establishment_features(seeds, world)
    build_offers(streams[1], seeds, world, scale, p, f)
    build_enrolments(streams[2], seeds, world, p, f)
    build_actions(streams[3], seeds, world, p, f)
    build_hires(streams[4], seeds, world, scale, p, f)
    build_spells_and_persons(streams[5], seeds, world, scale, p)
    build_satisfaction(streams[6], seeds, world, p, f)
    timing["build"] = time.perf_counter() - t
    log(f"built the world in {timing['build']:.1f} s")

    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    world.info["nir"] = build_nirs(con, world, seeds)
    tables = _to_arrow(world, seeds)

    out.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp"
    if tmp.exists():
        shutil.rmtree(tmp)
    (tmp / "_truth").mkdir(parents=True)
    counts: dict[str, int] = {}
    for name in TABLES:
        t = time.perf_counter()
        table, select = tables.pop(name)
        copy_out(con, table, select, tmp / f"{name}.{fmt}", fmt)
        counts[name] = table.num_rows
        del table
        timing[name] = time.perf_counter() - t
        log(f"{name:<28} {counts[name]:>11,} rows {timing[name]:7.2f} s")

    # truth records (always CSV)
    ans = world.arrays["satisfaction_answers"]
    est = world.arrays["establishments"]
    up = np.flatnonzero(ans["uplifted"])
    truth_tables = {
        "small_firm_extra_hires": (
            pa.table(
                {
                    "siret": world.truth["small_firm_extra_hires"]["siret"].to_numpy(),
                    "n": world.truth["small_firm_extra_hires"]["extra_hires"].to_numpy(),
                }
            ),
            "CAST(siret AS VARCHAR) AS siret, n AS extra_hires",
        ),
        "large_recruiter_extra_hires": (
            pa.table(
                {
                    "siren": world.truth["large_recruiter_extra_hires"]["siren"].to_numpy(),
                    "n": world.truth["large_recruiter_extra_hires"]["extra_hires"].to_numpy(),
                }
            ),
            "lpad(CAST(siren AS VARCHAR), 9, '0') AS siren, n AS extra_hires",
        ),
        "satisfaction_uplift": (
            pa.table({"siret": est["siret"][ans["est"][up]], "i": up + 1}),
            "CAST(siret AS VARCHAR) AS siret, 'R' || lpad(CAST(i AS VARCHAR), 9, '0') AS answer_id",
        ),
    }
    for name, (table, select) in truth_tables.items():
        copy_out(con, table, select, tmp / "_truth" / f"{name}.csv", "csv")
    con.close()
    if defects:
        t = time.perf_counter()
        n_defects = len(inject_defects(tmp, seed))
        timing["defects"] = time.perf_counter() - t
        log(f"planted {n_defects} defects (see _truth/defects.csv) {timing['defects']:7.2f} s")

    total = sum(counts.values())
    seconds = time.perf_counter() - t_start
    world_record = {
        "scale": scale,
        "seed": seed,
        "format": fmt,
        "defects": defects,
        "parameters": asdict(p),
        "regions": sorted(set(agencies["code_region"])),
        "row_counts": counts,
        "total_rows": total,
        "n_agencies": len(agencies),
        "n_communes": len(communes),
        "n_persons": world.info["n_persons"],
        "n_duplicate_declarations": world.info["n_duplicates"],
        "n_top_recruiters": world.info["n_top_recruiters"],
        "n_contacted_pilot_firms": int(len(world.info["treated_small"])),
        "n_enrolled_top_recruiters": int(len(world.info["enrolled_top"])),
        "n_uplifted_answers": int(len(up)),
    }
    (tmp / "_world.json").write_text(json.dumps(world_record, indent=2, sort_keys=True) + "\n")
    timing_record = {
        "seconds": round(seconds, 3),
        "rows_per_second": round(total / seconds),
        "table_seconds": {k: round(v, 3) for k, v in timing.items()},
    }
    (tmp / "_timing.json").write_text(json.dumps(timing_record, indent=2, sort_keys=True) + "\n")

    # move into place; only one format per table survives
    other = "parquet" if fmt == "csv" else "csv"
    for name in TABLES:
        stale = out / f"{name}.{other}"
        if stale.exists():
            stale.unlink()
    if (out / "_truth").exists():
        shutil.rmtree(out / "_truth")
    for item in sorted(tmp.iterdir()):
        item.replace(out / item.name)
    tmp.rmdir()
    log(f"generated {total:,} rows in {seconds:.1f} s ({total / seconds:,.0f} rows/s)")
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the synthetic raw extracts.")
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=Path("data/raw"))
    parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
    parser.add_argument("--seeds-dir", type=Path, default=DEFAULT_SEEDS_DIR)
    parser.add_argument(
        "--defects",
        action="store_true",
        help="plant known bad rows in the clean world (CSV only; see _truth/defects.csv)",
    )
    parser.add_argument(
        "--no-effects",
        action="store_true",
        help="plant no effect (a null world: what the evaluation must not find)",
    )
    args = parser.parse_args(argv)
    if args.defects and args.format != "csv":
        parser.error("--defects works on CSV files only; drop --format parquet")
    params = Params()
    if args.no_effects:
        params = replace(
            params,
            effect_small_firm_extra_hires=0.0,
            effect_large_recruiter_extra_furthest_hires=0.0,
            effect_satisfaction_uplift=0.0,
        )
    generate_world(
        args.scale,
        args.seed,
        args.out,
        args.format,
        args.seeds_dir,
        params=params,
        defects=args.defects,
    )


if __name__ == "__main__":
    main()
