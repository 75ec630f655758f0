"""How the report and the dashboard write a missing value, a p-value, a parameter's share and a
calendar window: one place, so both say the same thing (without the report's plotting libraries in
the dashboard)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

MISSING = "–"


def absent(value: object) -> bool:
    """NULL in a mart: None, NaN or pandas' NA."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def p_value(value: object) -> str:
    """A p-value: 0.012, 0.0009, < 0.0001 (0 from a bootstrap: no draw reached the statistic)."""
    if absent(value):
        return MISSING
    p = float(value)
    if p < 0.0001:
        return "< 0.0001"
    return f"{p:.4f}" if p < 0.001 else f"{p:.3f}"


def percent_label(share: object) -> str:
    """A parameter given as a share, as prose writes it: 0.95 -> "95 %", 0.1 -> "10 %"."""
    return f"{100 * float(share):g} %"


def month_span(window: tuple[date, date]) -> str:
    """The months of a calendar window (`project.calendar()`): "2017-03 … 2017-08"."""
    start, end = window
    return f"{start:%Y-%m} … {end:%Y-%m}"
