"""Small vectorised helpers: categorical draws, check digits, contiguous groups, the month grid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


def categorical(rng: np.random.Generator, n: int, p: Any) -> np.ndarray:
    """Indices 0..len(p)-1 drawn with probabilities ``p`` (faster than ``rng.choice(p=...)``)."""
    cdf = np.cumsum(np.asarray(p, dtype=float))
    cdf = cdf[:-1] / cdf[-1]
    u = rng.random(n)
    if len(cdf) > 16:
        return np.searchsorted(cdf, u, side="right")
    out = np.zeros(n, np.int64)
    for c in cdf:  # loop over categories, vectorised over rows
        out += u >= c
    return out


def pick(rng: np.random.Generator, n: int, shares: dict[str, float], order: list[str]):
    """Indices into ``order`` drawn with the given shares (missing keys get 0)."""
    return categorical(rng, n, [shares.get(k, 0.0) for k in order])


def luhn_check_digit(payload: np.ndarray, n_digits: int) -> np.ndarray:
    """Luhn check digit to append to ``payload`` (an integer of ``n_digits`` digits)."""
    x = payload.astype(np.int64)
    total = np.zeros_like(x)
    for position in range(n_digits):  # loop over digit positions, vectorised over rows
        digit = x % 10
        x = x // 10
        if position % 2 == 0:
            digit = digit * 2
            digit = np.where(digit > 9, digit - 9, digit)
        total += digit
    return (10 - total % 10) % 10


def digit_sum(values: np.ndarray, n_digits: int) -> np.ndarray:
    x = values.astype(np.int64)
    total = np.zeros_like(x)
    for _ in range(n_digits):
        total += x % 10
        x = x // 10
    return total


def group_offsets(group_of_row: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Start offsets and sizes of contiguous groups (rows sorted by group)."""
    sizes = np.bincount(group_of_row, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return starts, sizes


def ar1(rng: np.random.Generator, shape: tuple[int, int], rho: float, sd: float) -> np.ndarray:
    """AR(1) paths (months x series), started from their stationary law."""
    out = np.empty(shape, np.float32)
    out[0] = rng.normal(0, sd / np.sqrt(1 - rho**2), shape[1])
    for t in range(1, shape[0]):
        out[t] = rho * out[t - 1] + rng.normal(0, sd, shape[1])
    return out


@dataclass(frozen=True)
class Months:
    """The calendar months of the data window: start day and length of each."""

    start: np.ndarray  # days since epoch
    length: np.ndarray
    month_of_year: np.ndarray  # 0 = January

    @classmethod
    def between(cls, first_day: int, last_day: int) -> Months:
        first = np.datetime64(first_day, "D").astype("datetime64[M]")
        last = np.datetime64(last_day, "D").astype("datetime64[M]")
        months = np.arange(first, last + 1)
        start = months.astype("datetime64[D]").astype(np.int64)
        length = (months + 1).astype("datetime64[D]").astype(np.int64) - start
        return cls(start, length, months.astype(np.int64) % 12)

    def index_of(self, days: np.ndarray) -> np.ndarray:
        """The month index of each day (clipped to the grid)."""
        return np.clip(np.searchsorted(self.start, days, side="right") - 1, 0, len(self.start) - 1)

    def __len__(self) -> int:
        return len(self.start)


def expand_cells(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of a (months, units) count matrix, month by month: (month index, unit index)."""
    flat = counts.ravel()
    cells = np.flatnonzero(flat)
    rows = np.repeat(cells.astype(np.int64), flat[cells])
    width = counts.shape[1]
    return (rows // width).astype(np.int32), (rows % width).astype(np.int32)


def day_open_in_month(rng, months: Months, month, created, closure) -> np.ndarray:
    """A day drawn uniformly in the part of ``month`` when the unit is open (created on or before
    it, closed strictly after it); callers draw only in months with an open day."""
    # int32 days: half the memory traffic of int64 over tens of millions of rows
    start = months.start.astype(np.int32)
    first = start[month]
    lo = np.maximum(first, created.astype(np.int32))
    last = first + months.length.astype(np.int32)[month] - 1
    hi = np.minimum(last, np.minimum(closure, 2**31 - 1).astype(np.int32) - 1)
    return lo + (rng.random(len(lo), dtype=np.float32) * (hi - lo + 1)).astype(np.int32)
