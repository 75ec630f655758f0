"""Hire declarations (DPAE): drawn from each firm-month's expected declarations, only while open,
with the contract mix and declaration delays of the calibration; then the planted extra hires."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smallfirms.world.draws import categorical, day_open_in_month, expand_cells
from smallfirms.world.dynamics import Activity
from smallfirms.world.firms import Firms
from smallfirms.world.params import DEFAULT_INTENSITY, DIVISION_INTENSITY, HIGH_INTENSITY, Params
from smallfirms.world.seeds import Seeds

CDI, CDD, CTT = 0, 1, 2  # nature_contrat, in the writer's order


def counted_share(p: Params) -> float:
    """Share of declarations that are counted hires (a CDI or a CDD of more than 31 days)."""
    mix = p.contract_mix
    return (mix["CDI"] + mix["CDD_long"]) / sum(mix.values())


@dataclass
class Declarations:
    est: np.ndarray
    hire: np.ndarray
    nature: np.ndarray
    duration: np.ndarray  # days; 0 for a CDI
    person: np.ndarray  # index into the person pool; negative: a planted jobseeker (see spells)

    declared: np.ndarray | None = None  # seconds since 1970-01-01


def _contracts(rng, n: int, p: Params) -> tuple[np.ndarray, np.ndarray]:
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
    return np.select([kind == 0, kind == 3], [CDI, CTT], CDD), duration


def natural_declarations(rng, firms: Firms, activity: Activity, p: Params, n_pool: int):
    """Every firm-month's declarations, Poisson around its expectation, dated while open."""
    counts = rng.poisson(activity.lam)
    month, est = expand_cells(counts)
    del counts
    hire = day_open_in_month(rng, activity.months, month, firms.created[est], firms.closure[est])
    nature, duration = _contracts(rng, len(est), p)
    person = (n_pool * rng.random(len(est), dtype=np.float32) ** 1.25).astype(np.int64)
    return Declarations(est, hire, nature, duration, person)


def _durable_rows(rng, units, counts, first, last) -> tuple[np.ndarray, ...]:
    """Planted counted, durable hires: half CDI, half CDD of 183 to 365 days, in [first, last]."""
    rows = np.repeat(units, counts)
    start, stop = np.repeat(first, counts), np.repeat(last, counts)
    hire = start + (rng.random(len(rows)) * (stop - start + 1)).astype(np.int64)
    cdi = rng.random(len(rows)) < 0.5
    return rows, hire, np.where(cdi, CDI, CDD), np.where(cdi, 0, rng.integers(183, 366, len(rows)))


def plant_small_firm_hires(
    rng, seeds: Seeds, firms: Firms, activity: Activity, p: Params, first_contact, n_pool: int
):
    """Extra counted hires of contacted pilot firms after their first contact in the pilot period.

    The expected effect is heterogeneous: larger for firms dormant at baseline, near zero for firms
    already growing, larger in high-hiring divisions. Returns the rows and the per-firm truth."""
    s0, s1 = seeds.calendar["pilot"]
    contacted = np.flatnonzero(first_contact >= 0)
    rate = np.array([DIVISION_INTENSITY.get(d, DEFAULT_INTENSITY) for d in seeds.divisions])
    sector = np.clip(rate[firms.div[contacted]] / (HIGH_INTENSITY + 0.2), 0.7, 1.4)
    state = activity.state_at_baseline[contacted]
    expected = (
        p.effect_small_firm_extra_hires * np.asarray(p.effect_state_multiplier)[state] * sector
    )
    first = np.maximum(first_contact[contacted], s0)
    last = np.minimum(s1, firms.closure[contacted] - 1)
    extra = np.where(last >= first, rng.poisson(expected), 0)
    est, hire, nature, duration = _durable_rows(rng, contacted, extra, first, last)
    rows = Declarations(est, hire, nature, duration, rng.integers(0, n_pool, len(est)))
    truth = pd.DataFrame(
        {
            "siret": firms.siret[contacted],
            "state_at_baseline": state,
            "expected_extra_hires": expected.round(6),
            "extra_hires": extra,
        }
    )
    return rows, truth[truth["expected_extra_hires"] > 0]


def plant_large_recruiter_hires(
    rng, seeds: Seeds, firms: Firms, p: Params, enrolled: np.ndarray, regions: list[int]
):
    """Extra furthest-from-employment hires of enrolled top recruiters (heterogeneous by unit),
    at one of their open establishments in the experiment regions (`regions`: region indices),
    where the regional services acted and where the outcomes are counted; the persons are planted
    long-term jobseekers."""
    s0, s1 = seeds.calendar["pilot"]
    expected = p.effect_large_recruiter_extra_furthest_hires * rng.uniform(0.4, 1.6, len(enrolled))
    extra = rng.poisson(expected)
    units = np.repeat(enrolled, extra)
    open_sites = np.flatnonzero(
        (firms.created < s0) & (firms.closure > s1) & np.isin(firms.region, regions)
    )
    site_ul = firms.ul[open_sites]
    starts = np.searchsorted(site_ul, units, side="left")
    sizes = np.searchsorted(site_ul, units, side="right") - starts
    has_site = sizes > 0
    pick = starts + (rng.random(len(units)) * np.maximum(sizes, 1)).astype(np.int64)
    est = open_sites[np.minimum(pick, len(open_sites) - 1)]
    est, units = est[has_site], units[has_site]
    per_unit = np.bincount(units, minlength=len(firms.siren))[enrolled]
    _, hire, nature, duration = _durable_rows(
        rng, est, np.ones(len(est), np.int64), np.full(len(est), s0), np.full(len(est), s1)
    )
    rows = Declarations(est, hire, nature, duration, -1 - np.arange(len(est)))
    truth = pd.DataFrame(
        {
            "siren": firms.siren[enrolled],
            "expected_extra_hires": expected.round(6),
            "extra_hires": per_unit,
        }
    )
    return rows, truth[truth["expected_extra_hires"] > 0]


def declaration_times(rng, hire: np.ndarray, p: Params) -> np.ndarray:
    """When each declaration reached the service (seconds): up to 8 days before the hire, or late
    (after it)."""
    n = len(hire)
    late = rng.random(n, dtype=np.float32) < p.late_declaration_share
    i32 = np.int32
    offset_days = np.where(
        late, rng.integers(1, 61, n, dtype=i32), -rng.integers(0, 9, n, dtype=i32)
    )
    seconds = rng.integers(8 * 3600, 19 * 3600, n, dtype=i32)
    return (hire + offset_days).astype(np.int64) * 86_400 + seconds


def with_duplicates(rng, parts: list[Declarations], p: Params) -> tuple[Declarations, int]:
    """All parts in one set of arrays, declaration times drawn, then about 1 % of the rows declared
    a second time (days later, appended after all original rows: no global sort). Each field is
    concatenated once, duplicates included: these arrays are the world's largest."""
    sizes = [len(x.est) for x in parts]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    dup = np.flatnonzero(rng.random(bounds[-1], dtype=np.float32) < p.duplicate_declaration_share)
    within = [
        dup[(dup >= lo) & (dup < hi)] - lo for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)
    ]

    def field(name: str) -> np.ndarray:
        arrays = [getattr(x, name) for x in parts]
        return np.concatenate(arrays + [a[i] for a, i in zip(arrays, within, strict=True)])

    out = Declarations(*(field(name) for name in ("est", "hire", "nature", "duration", "person")))
    declared = declaration_times(rng, out.hire[: bounds[-1]], p)
    later = declared[dup] + rng.integers(1, 21, len(dup)) * 86_400
    out.declared = np.concatenate([declared, later])
    return out, len(dup)
