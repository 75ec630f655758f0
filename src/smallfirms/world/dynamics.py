"""Firm dynamics: a monthly Markov chain of states, shared shocks, sizes that move, closures.

Each establishment is dormant, replacing or growing. Its monthly transition rates depend on its
age (young firms grow more), on the demand of its sector in its region, on its agency's and urban
area's economy, on a shock shared by the establishments of its legal unit, and on a lasting firm
effect. The expected declarations of a firm-month follow its state, size, sector, shocks and the
season; they are zero when the firm is closed. Everything observable downstream (hires, offers,
contacts) is drawn from these expectations, so signals carry information on a firm's state
without revealing it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smallfirms.world.draws import Months, ar1
from smallfirms.world.firms import LA_POSTE, LARGE_MULTI, NEVER, SINGLE, SMALL_MULTI, Firms
from smallfirms.world.params import (
    DEFAULT_INTENSITY,
    DIVISION_INTENSITY,
    DORMANT,
    GROWING,
    REPLACING,
    Params,
)
from smallfirms.world.seeds import Seeds

SEASON = np.array([0.9, 0.9, 1.0, 1.0, 1.05, 1.25, 1.35, 1.1, 1.1, 1.0, 0.95, 0.7], np.float32)
# Monthly transition logits out of each state (the stay option has logit 0): for each state, the two
# destinations, their intercepts, their slopes on the firm's demand index z and on being young.
DESTINATIONS = np.array([[REPLACING, GROWING], [DORMANT, GROWING], [DORMANT, REPLACING]])
INTERCEPT = np.array([[-3.2, -5.0], [-3.1, -3.8], [-5.5, -1.9]], np.float32)
SLOPE_Z = np.array([[1.0, 1.0], [-0.8, 1.0], [-0.5, -0.5]], np.float32)
SLOPE_YOUNG = np.array([[0.4, 1.2], [0.0, 1.0], [0.0, 0.0]], np.float32)
START_STATE = (0.4, 0.5, 0.1)  # firms existing when the data start
NEWBORN_STATE = (0.0, 0.5, 0.5)


@dataclass
class Activity:
    """Expected declarations per firm-month and what the extracts show at baseline."""

    months: Months
    lam: np.ndarray  # (months, establishments) float32: expected declarations, open part only
    open_frac: np.ndarray  # (months, establishments) float32: share of the month the firm is open
    state_at_baseline: np.ndarray  # the state of the month before the baseline date
    band: np.ndarray  # establishment band at baseline (SIRENE extract)
    ul_band: np.ndarray  # legal-unit band at baseline
    state_months: np.ndarray  # firm-months open in each state (for the world record)

    def expected(self, first_day: int, last_day: int) -> np.ndarray:
        """Expected declarations per establishment over whole months of [first_day, last_day]."""
        t0, t1 = self.months.index_of(np.array([first_day, last_day]))
        return self.lam[t0 : t1 + 1].sum(axis=0, dtype=np.float64)


@dataclass
class Shocks:
    demand: np.ndarray  # (months, division x region)
    agency: np.ndarray
    area: np.ndarray
    unit: np.ndarray  # (months, legal units)


def draw_shocks(rng, firms: Firms, seeds: Seeds, p: Params, n_months: int) -> Shocks:
    n_cells = len(seeds.divisions) * (int(firms.region.max()) + 1)
    n_agency, n_area = int(firms.agency.max()) + 1, int(firms.area.max()) + 1
    demand = ar1(rng, (n_months, n_cells), p.demand_rho, p.demand_sd)
    demand += rng.normal(0, p.demand_level_sd, n_cells).astype(np.float32)
    agency = ar1(rng, (n_months, n_agency), p.agency_rho, p.agency_sd)
    agency += rng.normal(0, p.agency_level_sd, n_agency).astype(np.float32)
    area = ar1(rng, (n_months, n_area), p.agency_rho, p.area_sd)
    unit = ar1(rng, (n_months, len(firms.siren)), p.unit_rho, p.unit_sd)
    return Shocks(demand, agency, area, unit)


def _transition(rng, state: np.ndarray, z: np.ndarray, young: np.ndarray) -> np.ndarray:
    """One month of the chain for every firm (multinomial logit out of the current state)."""
    e1 = np.exp(INTERCEPT[state, 0] + SLOPE_Z[state, 0] * z + SLOPE_YOUNG[state, 0] * young)
    e2 = np.exp(INTERCEPT[state, 1] + SLOPE_Z[state, 1] * z + SLOPE_YOUNG[state, 1] * young)
    total = 1 + e1 + e2
    u = rng.random(len(state), dtype=np.float32)
    first = u < e1 / total
    second = ~first & (u < (e1 + e2) / total)
    return np.where(first, DESTINATIONS[state, 0], np.where(second, DESTINATIONS[state, 1], state))


def _band_of(seeds: Seeds, headcount: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    known = seeds.lower_bounds[~np.isnan(seeds.lower_bounds)]
    # a firm that shrinks keeps at least one employee: only the 00 band (fixed) has none
    band = np.searchsorted(known, np.maximum(np.floor(headcount), 1), side="right") - 1
    return np.where(fixed >= 0, fixed, band)


def _open_days(months: Months, t: int, created: np.ndarray, closure: np.ndarray) -> np.ndarray:
    first = months.start[t]
    lo = np.maximum(first, created)
    hi = np.minimum(first + months.length[t] - 1, closure - 1)
    return np.clip(hi - lo + 1, 0, None)


class _Chain:
    """The month-by-month state of every establishment."""

    def __init__(self, rng, firms: Firms, seeds: Seeds, p: Params, shocks: Shocks):
        self.rng, self.firms, self.p, self.shocks = rng, firms, p, shocks
        n = len(firms)
        self.state = rng.choice(3, size=n, p=START_STATE)
        self.headcount = firms.headcount.astype(np.float64)
        self.closure = firms.closure.copy()
        share = p.unit_effect_share
        unit = rng.normal(0, 1, len(firms.siren))[firms.ul]
        own = rng.normal(0, 1, n)
        sd = p.firm_effect_sd
        # large establishments' rates vary less: their turnover averages over many jobs
        sd = np.where(firms.headcount >= 50, sd / 2, sd)
        effect = sd * (np.sqrt(share) * unit + np.sqrt(1 - share) * own) - sd**2 / 2
        self.effect = effect.astype(np.float32)
        rate = np.array([DIVISION_INTENSITY.get(d, DEFAULT_INTENSITY) for d in seeds.divisions])
        self.base = (rate[firms.div] * np.exp(effect)).astype(np.float32)
        self.cell = firms.div * (int(firms.region.max()) + 1) + firms.region
        self.grows = firms.fixed_band < 0
        kind = firms.ul_kind[firms.ul]
        self.hazard = np.where(kind == LA_POSTE, 0.0, np.where(kind == LARGE_MULTI, 0.3, 1.0))

    def step(self, months: Months, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Advance one month; the month's expected declarations (unscaled) and open share."""
        f, p, s, rng = self.firms, self.p, self.shocks, self.rng
        first, last = months.start[t], months.start[t] + months.length[t] - 1
        born = (f.created >= first) & (f.created <= last)
        self.state[born] = rng.choice(3, size=int(born.sum()), p=NEWBORN_STATE)
        alive = (f.created <= last) & (self.closure > first)
        young = ((first - f.created) < p.young_years * 365.25).astype(np.float32)
        local = s.demand[t, self.cell] + s.agency[t, f.agency] + s.area[t, f.area]
        z = local + s.unit[t, f.ul] + 0.6 * self.effect
        self.state = np.where(alive, _transition(rng, self.state, z, young), self.state)
        change = np.where(self.state == GROWING, p.growth_per_month, 0.0)
        change = np.where(self.state == DORMANT, -0.004, change)
        self.headcount *= np.exp(np.where(alive & self.grows, change, 0.0))
        self._close(months, t, alive, young)
        open_frac = _open_days(months, t, f.created, self.closure) / months.length[t]
        multiplier = np.asarray(p.state_multiplier, np.float32)[self.state]
        # a firm of 20 or more always has some turnover to replace: it is never fully dormant
        multiplier = np.where(self.headcount >= 20, np.maximum(multiplier, 0.5), multiplier)
        level = np.maximum(self.headcount, 0.3) * multiplier
        shock = np.exp(0.5 * local + 0.4 * s.unit[t, f.ul])
        lam = self.base * level * shock * SEASON[months.month_of_year[t]] * open_frac
        return lam.astype(np.float32), open_frac.astype(np.float32)

    def _close(self, months: Months, t: int, alive: np.ndarray, young: np.ndarray) -> None:
        p, rng = self.p, self.rng
        risk = p.closure_hazard * self.hazard * np.where(self.state == DORMANT, 2.5, 1.0)
        risk = risk * (1 + 0.5 * young)
        closing = alive & (self.closure == NEVER) & (rng.random(len(risk)) < risk)
        when = months.start[t] + rng.integers(0, months.length[t], int(closing.sum()))
        self.closure[closing] = np.maximum(when, self.firms.created[closing] + 1)


def simulate(rng, firms: Firms, seeds: Seeds, p: Params, scale: float) -> Activity:
    """Run the chain over the data window; scale expectations to the declared volume."""
    months = Months.between(*seeds.calendar["data"])
    shocks = draw_shocks(rng, firms, seeds, p, len(months))
    chain = _Chain(rng, firms, seeds, p, shocks)
    n = len(firms)
    lam = np.empty((len(months), n), np.float32)
    open_frac = np.empty((len(months), n), np.float32)
    state_months = np.zeros(3, np.int64)
    baseline_month = int(months.index_of(np.array([seeds.calendar["baseline"][0]]))[0])
    for t in range(len(months)):
        lam[t], open_frac[t] = chain.step(months, t)
        state_months += np.bincount(chain.state[open_frac[t] > 0], minlength=3)
        if t == baseline_month - 1:
            state_at_baseline = chain.state.copy()
            band = _band_of(seeds, chain.headcount, firms.fixed_band)
            ul_headcount = np.bincount(
                firms.ul, weights=chain.headcount, minlength=len(firms.siren)
            )
    lam *= np.float32(p.declarations_per_scale * scale / lam.sum(dtype=np.float64))
    firms.closure = chain.closure
    ul_band = firms.ul_band.copy()
    own = np.isin(firms.ul_kind, [SINGLE, SMALL_MULTI])
    ul_band[own] = _band_of(seeds, ul_headcount, np.full(len(ul_band), -1))[own]
    single_est = firms.ul_kind[firms.ul] == SINGLE
    ul_band[firms.ul[single_est]] = band[single_est]  # a one-site unit has its site's band
    return Activity(months, lam, open_frac, state_at_baseline, band, ul_band, state_months)
