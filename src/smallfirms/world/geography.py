"""Agencies and communes: they do not shrink with the scale (every experiment region keeps at least
12 agencies, 3 rural and 9 urban in 3 urban areas, so every pilot has comparison candidates)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from smallfirms.world.seeds import Seeds

COMMUNE_PREFIX = (
    "Saint-Martin",
    "Villers",
    "Fontaine",
    "Montigny",
    "Neuville",
    "Champagne",
    "Beaumont",
    "Bois",
    "Chateauneuf",
    "Sainte-Marie",
    "Valence",
    "Mesnil",
    "Roche",
    "Belleville",
)
COMMUNE_SUFFIX = (
    "les-Bains",
    "sur-Loire",
    "la-Foret",
    "le-Haut",
    "en-Plaine",
    "du-Lac",
    "le-Chateau",
    "sur-Mer",
    "les-Vignes",
    "aux-Bois",
    "la-Riviere",
    "le-Pont",
    "des-Champs",
)


class _Agencies:
    """Agency codes handed out per department and group (urban area number, or 03 for rural)."""

    def __init__(self, seeds: Seeds):
        deps = seeds.departments
        self.dep_name = dict(zip(deps["code_departement"], deps["nom_departement"], strict=True))
        self.rows: list[dict[str, Any]] = []
        self.used: set[str] = set()
        self.next_k: dict[tuple[str, str], int] = {}
        self.areas_in_dept: dict[str, int] = {}
        self.name_counter: dict[str, int] = {}

    def add(self, code: str, dept: str, region: str, territory: str, area: str | None) -> None:
        assert code not in self.used and len(code) == 5, code
        self.used.add(code)
        group = code[2:4]
        self.next_k[(dept, group)] = max(self.next_k.get((dept, group), 1), int(code[4]) + 1)
        self.name_counter[dept] = self.name_counter.get(dept, 0) + 1
        self.rows.append(
            {
                "code_agence": code,
                "nom_agence": f"Agence {self.dep_name[dept]} {self.name_counter[dept]}",
                "code_departement": dept,
                "code_region": region,
                "type_territoire": territory,
                "code_agglomeration": area,
            }
        )

    def next_code(self, dept: str, group: str) -> str:
        k = self.next_k.get((dept, group), 1)
        while f"{dept}{group}{k}" in self.used:
            k += 1
        return f"{dept}{group}{k}"

    def new_area(self, dept: str, region: str, n: int) -> None:
        self.areas_in_dept[dept] = self.areas_in_dept.get(dept, 0) + 1
        group = f"{self.areas_in_dept[dept]:02d}"
        for _ in range(n):
            self.add(self.next_code(dept, group), dept, region, "urbain", f"UU{dept}{group}")

    def rural(self, depts: list[str], region: str, n: int) -> None:
        for j in range(n):
            dept = depts[j % len(depts)]
            self.add(self.next_code(dept, "03"), dept, region, "rural", None)


def _experiment_region(book: _Agencies, seeds: Seeds, region: str, depts: list[str]) -> None:
    """The pilots, a fourth agency in the pilots' urban area, two more urban areas (4 and 3
    agencies) and three more rural agencies: every pilot has comparison candidates."""
    pil = seeds.pilots[seeds.pilots["code_region"] == region]
    rural = list(pil.loc[pil["role"] == "rural", "code_agence"])
    agglo = sorted(pil.loc[pil["role"] == "agglomeration", "code_agence"])
    for code in rural:
        book.add(code, code[:2], region, "rural", None)
    dept_a, group = agglo[0][:2], agglo[0][2:4]
    book.areas_in_dept[dept_a] = max(book.areas_in_dept.get(dept_a, 0), int(group))
    for code in agglo:
        book.add(code, dept_a, region, "urbain", f"UU{dept_a}{group}")
    book.add(book.next_code(dept_a, group), dept_a, region, "urbain", f"UU{dept_a}{group}")
    taken = {c[:2] for c in rural} | {dept_a}
    others = [d for d in depts if d not in taken] or depts
    book.new_area(others[0], region, 4)
    book.new_area(others[1 % len(others)], region, 3)
    book.rural(others[2:] + others[:2], region, 3)


def _communes(agencies: list[dict[str, Any]]) -> pd.DataFrame:
    """25 communes per rural agency, 8 per urban one, numbered within each department."""
    communes: list[dict[str, Any]] = []
    commune_no: dict[str, int] = {}
    for ag in agencies:
        dept = ag["code_departement"]
        for _ in range(25 if ag["type_territoire"] == "rural" else 8):
            commune_no[dept] = commune_no.get(dept, 0) + 1
            i = len(communes)
            name = (
                f"{COMMUNE_PREFIX[i % len(COMMUNE_PREFIX)]}-"
                f"{COMMUNE_SUFFIX[(i // len(COMMUNE_PREFIX)) % len(COMMUNE_SUFFIX)]}"
            )
            communes.append(
                {
                    "code_commune": f"{dept}{commune_no[dept]:03d}",
                    "nom_commune": name,
                    "code_departement": dept,
                    "code_agence": ag["code_agence"],
                }
            )
    return pd.DataFrame(communes)


def build_geography(seeds: Seeds, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The experiment regions and Centre-Val de Loire; every region from scale 3 on."""
    exp = seeds.experiment_regions
    if scale < 3:
        included = sorted(set(exp) | {"24"})
    else:
        included = sorted(seeds.regions["code_region"])
    deps = seeds.departments
    book = _Agencies(seeds)
    for region in included:
        depts = sorted(deps.loc[deps["code_region"] == region, "code_departement"])
        if region in exp:
            _experiment_region(book, seeds, region, depts)
        else:
            book.new_area(depts[0], region, 3)
            book.new_area(depts[1 % len(depts)], region, 2)
            book.rural(depts[2:] + depts[:2], region, 3)
    return pd.DataFrame(book.rows), _communes(book.rows)
