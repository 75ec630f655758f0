"""Legal units and establishments: identifiers, sectors, places, creation dates, starting sizes.

Sizes move afterwards (:mod:`smallfirms.world.dynamics`): the SIRENE extracts give the band each
establishment has at the baseline date, as the warehouse's eligibility reads it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smallfirms.world.draws import categorical, digit_sum, group_offsets, luhn_check_digit, pick
from smallfirms.world.params import DIVISION_WEIGHT, SECTION_WEIGHT, SINGLE_BAND_SHARE, Params
from smallfirms.world.seeds import Seeds, day

LA_POSTE_SIREN = 356000000
# Kinds of legal unit: one establishment, a few small ones, a large network, La Poste.
SINGLE, SMALL_MULTI, LARGE_MULTI, LA_POSTE = 0, 1, 2, 3
NEVER = np.iinfo(np.int64).max // 4  # the closure "date" of an establishment still open


@dataclass
class Firms:
    siren: np.ndarray
    ul_kind: np.ndarray
    ul_band: np.ndarray  # fixed for networks; single and small multi-site units follow their size
    ul_created: np.ndarray
    cat_null: np.ndarray
    ul: np.ndarray  # per establishment: its legal unit (rows grouped by legal unit)
    siret: np.ndarray
    div: np.ndarray
    naf_sub: np.ndarray
    naf_letter: np.ndarray
    naf_nodot: np.ndarray
    commune: np.ndarray
    agency: np.ndarray
    region: np.ndarray
    area: np.ndarray  # urban area (rural agencies: their own)
    created: np.ndarray
    closure: np.ndarray  # NEVER while open; set by the dynamics for closures inside the data
    headcount: np.ndarray  # at the start of the data (or at creation)
    fixed_band: np.ndarray  # band index never recomputed (00, NN, La Poste), else -1

    def __len__(self) -> int:
        return len(self.siret)


def _unit_sizes(rng: np.random.Generator, n_est: int, p: Params) -> tuple[np.ndarray, int, int]:
    """Establishments per legal unit, rows in the order single, small multi, large multi, Poste."""
    n_ul = round(p.legal_units_per_establishment * n_est)
    n_large_multi = max(1, round(p.multi_establishment_share * n_ul))
    n_small_multi = max(1, round(p.small_multi_unit_share * n_ul))
    n_multi = n_large_multi + n_small_multi
    small_sizes = 2 + (rng.random(n_small_multi) < 0.3).astype(np.int64)
    n_single = n_ul - n_multi - 1
    rest = max(2 * n_large_multi, n_est - n_single - small_sizes.sum() - p.la_poste_establishments)
    raw = rng.pareto(1.1, n_large_multi)
    large_sizes = 2 + np.floor(raw * (rest - 2 * n_large_multi) / raw.sum()).astype(np.int64)
    sizes = np.concatenate(
        [
            np.ones(n_single, np.int64),
            small_sizes,
            np.minimum(large_sizes, 5000),
            [p.la_poste_establishments],
        ]
    )
    kind = np.repeat(
        [SINGLE, SMALL_MULTI, LARGE_MULTI, LA_POSTE], [n_single, n_small_multi, n_large_multi, 1]
    )
    return sizes, kind, n_single


def _sirens(rng: np.random.Generator, n_ul: int) -> np.ndarray:
    """Distinct Luhn-valid SIRENs, La Poste's last."""
    base = rng.choice(90_000_000, size=n_ul + 1, replace=False) + 10_000_000
    base = base[base != LA_POSTE_SIREN // 10][: n_ul - 1]
    siren = base * 10 + luhn_check_digit(base, 8)
    return np.concatenate([siren, [LA_POSTE_SIREN]]).astype(np.int64)


def _sirets(rng: np.random.Generator, siren: np.ndarray, est_ul: np.ndarray, n_poste: int):
    ul_start, _ = group_offsets(est_ul, len(siren))
    seq = np.arange(len(est_ul)) - ul_start[est_ul] + 1
    payload = siren[est_ul] * 10_000 + seq
    siret = payload * 10 + luhn_check_digit(payload, 13)
    digits = np.arange(1, 3000)
    poste_nics = digits[(digit_sum(digits, 5) + 14) % 5 == 0]  # La Poste: digit sum % 5 == 0
    poste_nics = np.sort(rng.choice(poste_nics, n_poste, replace=False))
    siret[est_ul == len(siren) - 1] = LA_POSTE_SIREN * 100_000 + poste_nics
    return siret


def _headcounts(rng: np.random.Generator, seeds: Seeds, band: np.ndarray) -> np.ndarray:
    """A headcount drawn uniformly inside each band (0 for 00, 3 for unknown)."""
    known = ~np.isnan(seeds.lower_bounds)
    lower = np.where(known, seeds.lower_bounds, 3.0)
    upper = np.append(lower[1:], 0.0)  # exclusive: the next band's lower bound
    upper[known.sum() - 1] = 15_000.0
    upper[~known] = 4.0
    lo, hi = lower[band], upper[band]
    return np.floor(lo + (hi - lo) * rng.random(len(band)))


def _bands(rng: np.random.Generator, seeds: Seeds, sizes, kind, est_ul) -> tuple:
    """Starting establishment bands and the networks' fixed legal-unit bands."""
    b = seeds.band_index()
    n_est, n_ul = len(est_ul), len(sizes)
    est_band = pick(rng, n_est, SINGLE_BAND_SHARE, seeds.bands)
    ul_band = np.full(n_ul, -1, np.int64)
    large = kind == LARGE_MULTI
    lift = np.floor(np.log2(sizes[large])).astype(np.int64) - 1 + rng.integers(0, 2, large.sum())
    ul_band[large] = b["12"] + np.clip(lift, 0, b["53"] - b["12"])
    ul_band[kind == LA_POSTE] = b["53"]
    est_kind = kind[est_ul]
    small_multi = est_kind == SMALL_MULTI
    est_band[small_multi] = rng.choice(
        [b["01"], b["02"], b["03"]], small_multi.sum(), p=[0.5, 0.35, 0.15]
    )
    network = est_kind == LARGE_MULTI
    draw = 1 + rng.choice(9, size=n_est, p=np.array([20, 25, 22, 18, 10, 3.5, 1.2, 0.2, 0.1]) / 100)
    est_band[network] = np.minimum(ul_band[est_ul][network], draw[network])
    poste = est_kind == LA_POSTE
    est_band[poste] = rng.choice([b[x] for x in ("11", "12", "21", "22")], poste.sum())
    fixed = np.where(np.isin(est_band, [b["00"], b["NN"]]) | poste, est_band, -1)
    return est_band, ul_band, fixed


def _locations(rng, seeds: Seeds, agencies: pd.DataFrame, communes: pd.DataFrame, n_est: int):
    """Communes drawn by regional population, urban communes denser; agency, region, area."""
    region_of_agency = dict(zip(agencies["code_agence"], agencies["code_region"], strict=True))
    territory = dict(zip(agencies["code_agence"], agencies["type_territoire"], strict=True))
    com_region = communes["code_agence"].map(region_of_agency)
    pop = dict(
        zip(
            seeds.regions["code_region"],
            seeds.regions["population_millions"].astype(float),
            strict=True,
        )
    )
    w = np.where(communes["code_agence"].map(territory) == "urbain", 6.0, 1.0)
    region_total_w = pd.Series(w).groupby(com_region.to_numpy()).transform("sum").to_numpy()
    est_commune = categorical(rng, n_est, com_region.map(pop).to_numpy(float) * w / region_total_w)
    agency_index = {c: i for i, c in enumerate(agencies["code_agence"])}
    est_agency = communes["code_agence"].map(agency_index).to_numpy()[est_commune]
    region_codes = sorted(set(agencies["code_region"]))
    agency_region = (
        agencies["code_region"].map({r: i for i, r in enumerate(region_codes)}).to_numpy()
    )
    area_key = agencies["code_agglomeration"].fillna(agencies["code_agence"])
    agency_area = pd.factorize(area_key)[0]
    return est_commune, est_agency, agency_region[est_agency], agency_area[est_agency]


def _creations(rng, seeds: Seeds, p: Params, kind, est_ul) -> tuple[np.ndarray, ...]:
    """Creation dates (more recent ones denser) and closures before the data starts."""
    d0, d1 = seeds.calendar["data"]
    start = day("2000-01-01")  # the contract rejects dates before 2000 (date_order)
    n_ul, n_est = len(kind), len(est_ul)
    ul_created = start + np.floor((d1 - start) * rng.random(n_ul) ** 0.75).astype(np.int64)
    ul_created[kind == LA_POSTE] = day("2010-01-01")
    created = ul_created[est_ul].copy()
    later = rng.random(n_est) < np.where(kind[est_ul] != SINGLE, 0.7, 0.0)
    created[later] += np.floor((d1 - created[later]) * rng.random(later.sum()) ** 2.0).astype(
        np.int64
    )
    closure = np.full(n_est, NEVER, np.int64)
    gone = (created < d0 - 60) & (rng.random(n_est) < p.closed_before_data_share)
    gone &= kind[est_ul] != LA_POSTE
    closure[gone] = (
        created[gone]
        + 30
        + np.floor((d0 - 31 - created[gone]) * rng.random(gone.sum())).astype(np.int64)
    )
    return ul_created, created, closure


def build_firms(
    rng, seeds: Seeds, agencies: pd.DataFrame, communes: pd.DataFrame, scale: float, p: Params
) -> Firms:
    n_est_target = max(round(p.establishments_per_scale * scale), 500)
    sizes, kind, _ = _unit_sizes(rng, n_est_target, p)
    siren = _sirens(rng, len(sizes))
    est_ul = np.repeat(np.arange(len(sizes)), sizes)
    n_est = len(est_ul)
    siret = _sirets(rng, siren, est_ul, p.la_poste_establishments)
    est_band, ul_band, fixed = _bands(rng, seeds, sizes, kind, est_ul)
    div_w = [
        DIVISION_WEIGHT.get(d, SECTION_WEIGHT.get(s, 0.5))
        for d, s in zip(seeds.divisions, seeds.division_sections, strict=True)
    ]
    commune, agency, region, area = _locations(rng, seeds, agencies, communes, n_est)
    ul_created, created, closure = _creations(rng, seeds, p, kind, est_ul)
    cat_null = rng.random(len(sizes)) < 0.05
    cat_null[-1] = False
    return Firms(
        siren=siren,
        ul_kind=kind,
        ul_band=ul_band,
        ul_created=ul_created,
        cat_null=cat_null,
        ul=est_ul,
        siret=siret,
        div=categorical(rng, n_est, div_w),
        naf_sub=rng.integers(1, 10, n_est) * 10 + rng.integers(0, 3, n_est),
        naf_letter=rng.choice(4, size=n_est, p=[0.6, 0.2, 0.1, 0.1]),
        naf_nodot=rng.random(n_est) < 0.2,
        commune=commune,
        agency=agency,
        region=region,
        area=area,
        created=created,
        closure=closure,
        headcount=_headcounts(rng, seeds, est_band),
        fixed_band=fixed,
    )
