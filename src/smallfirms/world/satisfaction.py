"""Satisfaction answers: a light barometer each half-year over the whole data window, heavier in the
two survey windows of the calendar; firms contacted in the last six months (in any arm) answer more
often, and contacted pilot firms answer the evaluation survey with the planted uplift."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smallfirms.world.actions import small_band_mask
from smallfirms.world.firms import Firms
from smallfirms.world.params import Params
from smallfirms.world.seeds import Seeds


@dataclass
class Answers:
    est: np.ndarray
    date: np.ndarray
    level: np.ndarray
    uplifted: np.ndarray


def survey_waves(seeds: Seeds) -> list[tuple[str, int, int]]:
    """(kind, first day, last day): the two survey windows, and half-year barometer waves that
    tile the rest of the data window."""
    windows = [("survey", *seeds.calendar[w]) for w in ("baseline_survey", "evaluation_survey")]
    d0, d1 = seeds.calendar["data"]
    edges = np.arange(
        np.datetime64(d0, "D").astype("datetime64[M]"),
        np.datetime64(d1, "D").astype("datetime64[M]") + 7,
        6,
    )
    days = edges.astype("datetime64[D]").astype(np.int64)
    waves = list(windows)
    for first, nxt in zip(days[:-1], days[1:], strict=True):
        last = min(int(nxt) - 1, d1)
        overlap = any(not (last < w0 or first > w1) for _, w0, w1 in windows)
        if not overlap and first <= d1:
            waves.append(("barometer", int(first), last))
    return sorted(waves, key=lambda w: w[1])


def _contacted_during(actions_est, actions_date, n: int, first: int, last: int) -> np.ndarray:
    seen = np.zeros(n, bool)
    seen[actions_est[(actions_date >= first) & (actions_date <= last)]] = True
    return seen


def build_answers(rng, seeds: Seeds, firms: Firms, band, actions, treated: np.ndarray, p: Params):
    n = len(firms)
    b = seeds.band_index()
    unknown = np.isin(band, [b["00"], b["NN"]])
    small = small_band_mask(seeds, band)
    satisfied_p = np.where(
        unknown, p.satisfied_unknown, np.where(small, p.satisfied_small, p.satisfied_large)
    )
    lv = {r: i for i, r in enumerate(seeds.satisfaction)}
    yes = [lv[r] for r in seeds.satisfied]
    no = [lv[r] for r in seeds.satisfaction if r not in seeds.satisfied]
    evaluation = seeds.calendar["evaluation_survey"]
    parts = []
    for kind, first, last in survey_waves(seeds):
        share = np.where(small, p.satisfaction_sample_share, p.satisfaction_sample_share_large)
        if kind == "barometer":
            share = share * p.barometer_share / p.satisfaction_sample_share
        contacted = _contacted_during(actions.est, actions.date, n, first - 183, last)
        share = np.minimum(share * np.where(contacted, p.contacted_response_multiplier, 1.0), 0.95)
        lo = np.maximum(first, firms.created)
        hi = np.minimum(last, firms.closure - 1)
        chosen = np.flatnonzero((hi >= lo) & (rng.random(n) < share))
        date = lo[chosen] + (rng.random(len(chosen)) * (hi - lo + 1)[chosen]).astype(np.int64)
        uplift = p.effect_satisfaction_uplift * treated[chosen] * ((first, last) == evaluation)
        u = rng.random(len(chosen))
        satisfied = u < satisfied_p[chosen] + uplift
        v = rng.random(len(chosen))
        level = np.where(
            satisfied, np.where(v < 0.4, yes[0], yes[-1]), np.where(v < 0.7, no[0], no[-1])
        )
        parts.append((chosen, date, level, (u >= satisfied_p[chosen]) & satisfied))
    order = np.argsort(np.concatenate([x[1] for x in parts]), kind="stable")
    return Answers(*(np.concatenate([x[i] for x in parts])[order] for i in range(4)))
