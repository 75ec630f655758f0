"""Jobseekers' registration spells and the persons behind spells and hires, with their NIRs.

Most jobseekers are persons who are also hired somewhere; the planted large-recruiter hires go to
long-term jobseekers whose spell is open at the hire. A person's NIR is unique on its first 13
characters and carries a valid key."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from smallfirms.world.draws import categorical, pick
from smallfirms.world.params import Params
from smallfirms.world.seeds import Seeds, day


@dataclass
class Spells:
    person: np.ndarray
    ins: np.ndarray
    end: np.ndarray
    open: np.ndarray
    cat: np.ndarray
    birth: np.ndarray
    level: np.ndarray
    rsa: np.ndarray
    boeth: np.ndarray
    qpv: np.ndarray


def _ordinary_spells(rng, n_js: int, last_day: int, p: Params):
    first = day("2010-01-01")
    ins1 = first + np.floor((last_day - first + 1) * rng.random(n_js) ** 0.7).astype(np.int64)
    end1 = ins1 + 1 + rng.exponential(300, n_js).astype(np.int64)
    two = rng.random(n_js) < p.second_spell_share
    ins2 = end1 + 1 + rng.exponential(120, n_js).astype(np.int64)
    two &= (end1 < last_day) & (ins2 <= last_day)
    end2 = ins2 + 1 + rng.exponential(300, n_js).astype(np.int64)
    open_last = rng.random(n_js) < 0.25
    first_open = ~two & (open_last | (end1 > last_day))
    second_open = two & (open_last | (end2 > last_day))
    return two, (ins1, end1, first_open), (ins2[two], end2[two], second_open[two])


def build_spells(rng, seeds: Seeds, p: Params, scale: float, n_pool: int, planted_hires):
    """Spells of jobseekers drawn among hired persons and others; returns spells and n_persons."""
    target = round(p.spells_per_scale * scale)
    n_js = round(target / (1 + p.second_spell_share))
    n_from_pool = min(round(p.jobseekers_from_hired_share * n_js), n_pool)
    n_extra = n_js - n_from_pool
    js_person = np.concatenate(
        [np.sort(rng.choice(n_pool, size=n_from_pool, replace=False)), n_pool + np.arange(n_extra)]
    )
    last_day = seeds.calendar["data"][1]
    two, one, second = _ordinary_spells(rng, n_js, last_day, p)
    n_planted = len(planted_hires)
    p_ins = planted_hires - rng.integers(400, 1000, n_planted)
    p_end = planted_hires + rng.integers(0, 60, n_planted)
    p_open = (rng.random(n_planted) < 0.5) | (p_end > last_day)
    person = np.concatenate([js_person, js_person[two], n_pool + n_extra + np.arange(n_planted)])
    ins = np.concatenate([one[0], second[0], p_ins])
    end = np.concatenate([one[1], second[1], p_end])
    is_open = np.concatenate([one[2], second[2], p_open])
    ns = len(person)
    cat = categorical(rng, ns, [0.55, 0.12, 0.18, 0.05, 0.10])
    if n_planted:
        cat[-n_planted:] = 0  # category A
    levels = seeds.code_sets["niveau_formation"]
    share = {"I": 8, "II": 10, "III": 15, "IV": 25, "V": 27, "VBIS": 7, "VI": 8}
    level = pick(rng, ns, share, levels)
    n_persons = n_pool + n_extra + n_planted
    birth = np.clip(np.round(1982 + 11 * rng.standard_normal(n_persons)), 1940, 2005).astype(
        np.int64
    )
    order = np.argsort(ins, kind="stable")
    spells = Spells(
        person=person[order],
        ins=ins[order],
        end=end[order],
        open=is_open[order],
        cat=cat[order],
        birth=birth[person[order]],
        level=level[order],
        rsa=rng.random(ns) < 0.12,
        boeth=rng.random(ns) < 0.06,
        qpv=rng.random(ns) < 0.10,
    )
    return spells, birth, n_pool + n_extra


def _largest_prime_below(n: int) -> int:
    candidate = n - 1
    while any(candidate % d == 0 for d in range(2, int(candidate**0.5) + 1)):
        candidate -= 1
    return candidate


def _nir_parts(rng, seeds: Seeds, birth: np.ndarray) -> dict[str, np.ndarray]:
    """Sex, month, department, commune and order number, unique on the NIR's first 13 characters."""
    n = len(birth)
    sex = rng.integers(1, 3, n)
    month = np.where(rng.random(n) < 0.005, rng.integers(20, 43, n), rng.integers(1, 13, n))
    # distinct (department, commune, order) triples: person i gets (a i + c) mod P, a bijection of
    # [0, P) for P prime, so NIRs are unique whatever the sex, year and month, with no sort
    n_deps = len(seeds.departments)
    prime = _largest_prime_below(n_deps * 989 * 999)
    a, c = int(rng.integers(1, prime)), int(rng.integers(0, prime))
    triple = (a * np.arange(n, dtype=np.int64) + c) % prime
    dep_idx = triple // (989 * 999)
    commune = 1 + (triple // 999) % 989
    order_no = 1 + triple % 999
    return {
        "sex": sex,
        "yy": birth % 100,
        "mm": month,
        "dep": dep_idx,
        "commune": commune,
        "order": order_no,
    }


def _put_digits(out: np.ndarray, column: int, values: np.ndarray, width: int) -> None:
    """Write ``values`` zero-padded as ASCII digits into out[:, column : column + width]."""
    values = values.astype(np.int32)
    for k in range(width - 1, -1, -1):  # loop over digit positions, vectorised over persons
        out[:, column + k] = 48 + values % 10
        values //= 10


def build_nirs(rng, seeds: Seeds, birth: np.ndarray) -> pa.Array:
    """One NIR per person (key = 97 - number mod 97, Corsica's 2A/2B read as 19/18), built as
    15 ASCII bytes per person in numpy (no per-person Python string)."""
    parts = _nir_parts(rng, seeds, birth)
    codes = list(seeds.departments["code_departement"])
    dep_num = np.array([19 if d == "2A" else 18 if d == "2B" else int(d) for d in codes])
    num13 = (
        parts["sex"] * 10**12
        + parts["yy"] * 10**10
        + parts["mm"] * 10**8
        + dep_num[parts["dep"]] * 10**6
        + parts["commune"] * 1000
        + parts["order"]
    )
    chars = np.empty((len(birth), 15), np.uint8)
    _put_digits(chars, 0, parts["sex"], 1)
    _put_digits(chars, 1, parts["yy"], 2)
    _put_digits(chars, 3, parts["mm"], 2)
    dep_chars = np.array([[ord(c) for c in code] for code in codes], np.uint8)
    chars[:, 5:7] = dep_chars[parts["dep"]]
    _put_digits(chars, 7, parts["commune"], 3)
    _put_digits(chars, 10, parts["order"], 3)
    _put_digits(chars, 13, 97 - num13 % 97, 2)
    return pa.array(chars.view("S15").ravel()).cast(pa.string())
