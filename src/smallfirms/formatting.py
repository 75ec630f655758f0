"""How the report and the dashboard write a missing value and a p-value: one place, so both
say the same thing (without the report's plotting libraries in the dashboard)."""

from __future__ import annotations

import math

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
