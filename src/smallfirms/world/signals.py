"""Are the observable signals informative but not decisive? (world.md, point 4)

Among eligible non-recruiters of high-hiring divisions (no counted hire in the look-back window),
compare the firms that are about to hire (a counted hire in the first pilot half-year) with the
others: the share showing each signal before the baseline date (the sibling signal among firms
that have a sibling establishment). Recorded in ``_world.json``."""

from __future__ import annotations

import numpy as np

from smallfirms.world.actions import eligible_at_baseline
from smallfirms.world.calibration import _hiring_sets
from smallfirms.world.params import DEFAULT_INTENSITY, DIVISION_INTENSITY, HIGH_INTENSITY
from smallfirms.world.seeds import day


def _units_with(est: np.ndarray, when: np.ndarray, first: int, last: int, n: int) -> np.ndarray:
    seen = np.zeros(n, bool)
    seen[est[(when >= first) & (when <= last)]] = True
    return seen


def _sibling_hired(w, hired: np.ndarray) -> np.ndarray:
    """A sibling establishment of the same legal unit hired in the look-back window."""
    per_unit = np.bincount(w.firms.ul, weights=hired.astype(float), minlength=len(w.firms.siren))
    return (per_unit[w.firms.ul] - hired) > 0


def signal_table(w) -> dict:
    seeds, f = w.seeds, w.firms
    n = len(f)
    baseline = seeds.calendar["baseline"][0]
    lookback = seeds.calendar["lookback"]
    hired_before = _hiring_sets(w, *lookback) > 0
    rate = np.array([DIVISION_INTENSITY.get(d, DEFAULT_INTENSITY) for d in seeds.divisions])
    group = eligible_at_baseline(seeds, f, w.activity) & ~hired_before
    group &= rate[f.div] >= HIGH_INTENSITY
    about_to_hire = _hiring_sets(w, *seeds.calendar["pilot_half_year_1"]) > 0
    signals = {
        "offer posted in the 3 months before baseline": _units_with(
            w.offers.est, w.offers.pub, baseline - 90, baseline - 1, n
        ),
        "counsellor contact in the 6 months before baseline": _units_with(
            w.actions.est, w.actions.date, baseline - 183, baseline - 1, n
        ),
        "firm younger than 3 years": (baseline - f.created) < 3 * 365.25,
        "a sibling establishment hired in the look-back window": _sibling_hired(w, hired_before),
        "hired in 2014-2015 (own older history)": _hiring_sets(
            w, seeds.calendar["data"][0], day("2015-12-31")
        )
        > 0,
    }
    has_sibling = np.bincount(f.ul, minlength=len(f.siren))[f.ul] > 1
    among = {"a sibling establishment hired in the look-back window": has_sibling}
    rows = {}
    for name, shown in signals.items():
        base = group & among.get(name, True)
        rows[name] = {
            "about_to_hire": round(float(shown[base & about_to_hire].mean()), 4),
            "others": round(float(shown[base & ~about_to_hire].mean()), 4),
            "n_about_to_hire": int((base & about_to_hire).sum()),
        }
    return {
        "population": "eligible non-recruiters of high-hiring divisions (generator's list)",
        "n_about_to_hire": int((group & about_to_hire).sum()),
        "n_others": int((group & ~about_to_hire).sum()),
        "share_showing_signal": rows,
    }
