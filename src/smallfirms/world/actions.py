"""Counsellor actions: routine follow-up and spontaneous contacts everywhere (so control firms are
contacted too), and the pilot agencies' campaign towards eligible small firms of hiring sectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smallfirms.world.draws import day_open_in_month, expand_cells, group_offsets
from smallfirms.world.dynamics import Activity
from smallfirms.world.firms import NEVER, Firms
from smallfirms.world.offers import lead
from smallfirms.world.params import DEFAULT_INTENSITY, DIVISION_INTENSITY, HIGH_INTENSITY, Params
from smallfirms.world.seeds import Seeds


@dataclass
class Actions:
    est: np.ndarray
    date: np.ndarray
    type: np.ndarray
    conseiller: np.ndarray


def small_band_mask(seeds: Seeds, band: np.ndarray) -> np.ndarray:
    b = seeds.band_index()
    return np.isin(band, [b["01"], b["02"], b["03"], b["11"]])


def eligible_at_baseline(seeds: Seeds, firms: Firms, activity: Activity) -> np.ndarray:
    """The experiments page's eligibility, as far as the generator sees it (all agencies)."""
    baseline = seeds.calendar["baseline"][0]
    return (
        small_band_mask(seeds, activity.band)
        & small_band_mask(seeds, activity.ul_band[firms.ul])
        & (firms.created < baseline)
        & ((firms.closure == NEVER) | (firms.closure >= baseline))
    )


def _background(rng, seeds: Seeds, firms: Firms, activity: Activity, p: Params, share_counted):
    """Routine follow-up, and contacts a firm makes when it is about to hire."""
    a = {t: i for i, t in enumerate(seeds.action_types)}
    expected = p.routine_action_rate * activity.open_frac
    expected += p.spontaneous_contact_rate * share_counted * lead(activity.lam, 1)
    expected *= activity.open_frac > 0
    month, est = expand_cells(rng.poisson(expected))
    date = day_open_in_month(rng, activity.months, month, firms.created[est], firms.closure[est])
    types = [
        a["suivi"],
        a["service_recrutement"],
        a["prospection_telephone"],
        a["prospection_visite"],
    ]
    kind = rng.choice(types, size=len(est), p=[0.45, 0.25, 0.2, 0.1])
    return est, date, kind


def _campaign(rng, seeds: Seeds, firms: Firms, activity: Activity, p: Params, agencies):
    """Prospection then services and collective actions, for a share of the pilot agencies'
    eligible small firms in high-hiring divisions; actions after a firm's closure are dropped."""
    a = {t: i for i, t in enumerate(seeds.action_types)}
    pilot_agency = agencies["code_agence"].isin(set(seeds.pilots["code_agence"])).to_numpy()
    rate = np.array([DIVISION_INTENSITY.get(d, DEFAULT_INTENSITY) for d in seeds.divisions])
    target = eligible_at_baseline(seeds, firms, activity) & pilot_agency[firms.agency]
    target &= rate[firms.div] >= HIGH_INTENSITY
    chosen = np.flatnonzero(target & (rng.random(len(firms)) < p.campaign_share))
    s0, s1 = seeds.calendar["pilot"]
    k = rng.integers(1, 5, len(chosen))
    est = np.repeat(chosen, k)
    firm = np.repeat(np.arange(len(chosen)), k)
    starts, _ = group_offsets(firm, len(chosen))
    pos = np.arange(len(est)) - starts[firm]
    gaps = np.where(pos == 0, 0, rng.integers(1, 60, len(est)))
    cum = np.cumsum(gaps)
    date = np.minimum((s0 + rng.integers(0, 200, len(chosen)))[firm] + cum - cum[starts[firm]], s1)
    follow = [a["service_recrutement"]] + [a[t] for t in seeds.collective_actions]
    follow_p = [0.4] + [0.6 / len(seeds.collective_actions)] * len(seeds.collective_actions)
    kind = np.where(
        pos == 0,
        rng.choice([a["prospection_visite"], a["prospection_telephone"]], size=len(est)),
        rng.choice(follow, size=len(est), p=follow_p),
    )
    keep = date < firms.closure[est]
    return est[keep], date[keep], kind[keep]


def build_actions(
    rng, seeds: Seeds, firms: Firms, activity: Activity, p: Params, agencies, share_counted
):
    """All actions in date order, and each campaign firm's first contact (-1: none)."""
    c_est, c_date, c_type = _campaign(rng, seeds, firms, activity, p, agencies)
    b_est, b_date, b_type = _background(rng, seeds, firms, activity, p, share_counted)
    first_contact = np.full(len(firms), np.iinfo(np.int64).max, np.int64)
    np.minimum.at(first_contact, c_est, c_date)
    first_contact[first_contact == np.iinfo(np.int64).max] = -1
    est, date = np.concatenate([b_est, c_est]), np.concatenate([b_date, c_date])
    order = np.argsort(date, kind="stable")
    actions = Actions(
        est=est[order],
        date=date[order],
        type=np.concatenate([b_type, c_type])[order],
        conseiller=rng.integers(1, 5, len(est)),
    )
    return actions, first_contact
