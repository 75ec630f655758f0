"""Large-recruiter enrolments: regional services enrol top recruiters partly on the recent growth of
their offers filled through the service (a transitory component, so a plain DiD is biased)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smallfirms.world.draws import luhn_check_digit
from smallfirms.world.firms import Firms
from smallfirms.world.offers import FILLED_BY_SERVICE, Offers
from smallfirms.world.params import Params
from smallfirms.world.seeds import Seeds, day


@dataclass
class Enrolments:
    siren: np.ndarray
    region: np.ndarray  # region code as an integer
    date: np.ndarray
    top: np.ndarray  # legal units: the top recruiters as the experiments page ranks them
    enrolled_top: np.ndarray  # legal units enrolled among them


def _filled(firms: Firms, offers: Offers, mask: np.ndarray) -> np.ndarray:
    return np.bincount(firms.ul[offers.est[mask]], minlength=len(firms.siren))


def top_recruiters(seeds: Seeds, firms: Firms, offers: Offers, large_est, exp_regions, n_top):
    """Large legal units ranked by offers filled through the service, closed in the look-back
    window, at establishments of the experiment regions; ties by SIREN."""
    l0, l1 = seeds.calendar["lookback"]
    closed = ~offers.open & (offers.motif == FILLED_BY_SERVICE)
    in_scope = np.isin(firms.region[offers.est], exp_regions) & large_est[offers.est] & closed
    filled = _filled(firms, offers, in_scope & (offers.close >= l0) & (offers.close <= l1))
    cand = np.flatnonzero(filled > 0)
    top = cand[np.lexsort((firms.siren[cand], -filled[cand]))][:n_top]
    middle = l0 + (l1 - l0) // 2
    early = _filled(firms, offers, in_scope & (offers.close >= l0) & (offers.close <= middle))
    late = _filled(firms, offers, in_scope & (offers.close > middle) & (offers.close <= l1))
    growth = np.log1p(late[top]) - np.log1p(early[top])
    return top, growth


def _unknown_siren(rng, known: set[int]) -> int:
    while True:
        b = int(rng.integers(10_000_000, 100_000_000))
        s = b * 10 + int(luhn_check_digit(np.array([b]), 8)[0])
        if s not in known:
            return s


def build_enrolments(
    rng, seeds: Seeds, firms: Firms, offers: Offers, large_est, region_codes, p: Params
):
    exp = [region_codes.index(r) for r in seeds.experiment_regions]
    top, growth = top_recruiters(seeds, firms, offers, large_est, exp, p.top_recruiters_n)
    z = (growth - growth.mean()) / max(growth.std(), 1e-9)
    chance = 1 / (1 + np.exp(-(p.enrolment_base_logit + p.enrolment_growth_logit * z)))
    enrolled = top[rng.random(len(top)) < chance]
    others = np.setdiff1d(np.arange(len(firms.siren) - 1), top)
    extra = np.sort(rng.choice(others, size=int(rng.integers(2, 4)), replace=False))
    units = np.concatenate([enrolled, extra])
    # the region where the unit has most establishments in the experiment regions
    home = np.full(len(firms.siren), exp[0])
    sites = np.isin(firms.region, exp)
    counts = np.zeros((len(firms.siren), len(region_codes)), np.int64)
    np.add.at(counts, (firms.ul[sites], firms.region[sites]), 1)
    has = counts.sum(axis=1) > 0
    home[has] = counts[has].argmax(axis=1)
    region = np.array([int(region_codes[r]) for r in home[units]], np.int64)
    siren = np.append(firms.siren[units], _unknown_siren(rng, set(firms.siren.tolist())))
    region = np.append(region, int(rng.choice([int(r) for r in seeds.experiment_regions])))
    baseline = seeds.calendar["baseline"][0]
    date = rng.integers(day("2016-11-01"), baseline + 1, len(siren))
    return Enrolments(siren, region, date, top, np.sort(enrolled))
