"""Job offers posted at the service: one or two months before the hires they are for, mostly when
a firm's hiring picks up, by firms that use the service (a lasting propensity per firm, higher in
large legal units)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from smallfirms.world.draws import day_open_in_month, expand_cells
from smallfirms.world.dynamics import Activity
from smallfirms.world.firms import Firms
from smallfirms.world.params import Params

FILLED_BY_SERVICE = 0  # motif_cloture, in the seed's order (pourvue_service first)


@dataclass
class Offers:
    est: np.ndarray
    pub: np.ndarray
    close: np.ndarray
    open: np.ndarray
    motif: np.ndarray
    nature: np.ndarray
    postes: np.ndarray
    rome_letter: np.ndarray
    rome_num: np.ndarray


def lead(lam: np.ndarray, months_ahead: int) -> np.ndarray:
    """The expectation ``months_ahead`` later (the last months repeat the last one)."""
    out = np.empty_like(lam)
    out[:-months_ahead] = lam[months_ahead:]
    out[-months_ahead:] = lam[-1]
    return out


def lag(lam: np.ndarray, months_back: int) -> np.ndarray:
    """The expectation ``months_back`` earlier (the first months repeat the first one)."""
    out = np.empty_like(lam)
    out[months_back:] = lam[:-months_back]
    out[:months_back] = lam[0]
    return out


def build_offers(rng, firms: Firms, activity: Activity, large_unit: np.ndarray, scale, p: Params):
    # most large units post regularly; small firms range from never to often
    usage = rng.gamma(np.where(large_unit, 4.0, 0.7), 1.0, len(firms)).astype(np.float32)
    usage *= np.where(large_unit, 2.5 / 4.0, 1 / 0.7).astype(np.float32)
    ahead = 0.6 * lead(activity.lam, 1) + 0.4 * lead(activity.lam, 2)
    # most offers come when hiring picks up (a firm leaving dormancy, a growth spell)
    rise = np.maximum(ahead - lag(activity.lam, 1), 0)
    expected = (0.3 * ahead + rise) * usage * (activity.open_frac > 0)
    # a large unit's offers grow less than its hires (it recruits through other channels too), so
    # that every large legal unit fills some offers through the service, not only the largest
    expected[:, large_unit] = expected[:, large_unit] ** 0.6
    expected *= np.float32(p.offers_per_scale * scale / expected.sum(dtype=np.float64))
    month, est = expand_cells(rng.poisson(expected))
    del ahead, expected
    pub = day_open_in_month(rng, activity.months, month, firms.created[est], firms.closure[est])
    k = len(est)
    close = pub + rng.integers(1, 121, k)
    data_end = activity.months.start[-1] + activity.months.length[-1] - 1
    is_open = (rng.random(k) < p.open_offer_share) | (close > data_end)
    p_service = np.where(large_unit[est], 0.6, 0.35)
    u = rng.random(k)
    rest = (u - p_service) / (1 - p_service)  # uniform on [0, 1) when not filled by the service
    motif = np.where(
        u < p_service, FILLED_BY_SERVICE, np.select([rest < 0.55, rest < 0.8], [1, 2], 3)
    )
    postes = np.minimum(np.where(rng.random(k) < 0.75, 1, 1 + rng.geometric(0.3, k)), 100)
    order = np.argsort(pub, kind="stable")
    return Offers(
        est=est[order],
        pub=pub[order],
        close=close[order],
        open=is_open[order],
        motif=motif[order],
        nature=rng.choice(3, size=k, p=[0.4, 0.45, 0.15])[order],
        postes=postes[order],
        rome_letter=rng.integers(0, 14, k)[order],
        rome_num=(rng.integers(11, 30, k) * 100 + rng.integers(1, 40, k))[order],
    )
