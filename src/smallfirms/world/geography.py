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


def build_geography(seeds: Seeds, scale: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    exp = seeds.experiment_regions
    if scale < 3:
        included = sorted(set(exp) | {"24"})
    else:
        included = sorted(seeds.regions["code_region"])
    deps = seeds.departments
    dep_name = dict(zip(deps["code_departement"], deps["nom_departement"], strict=True))
    rows: list[dict[str, Any]] = []
    used: set[str] = set()
    next_k: dict[tuple[str, str], int] = {}
    areas_in_dept: dict[str, int] = {}
    name_counter: dict[str, int] = {}

    def add(code: str, dept: str, region: str, territory: str, area: str | None) -> None:
        assert code not in used and len(code) == 5, code
        used.add(code)
        group = code[2:4]
        next_k[(dept, group)] = max(next_k.get((dept, group), 1), int(code[4]) + 1)
        name_counter[dept] = name_counter.get(dept, 0) + 1
        rows.append(
            {
                "code_agence": code,
                "nom_agence": f"Agence {dep_name[dept]} {name_counter[dept]}",
                "code_departement": dept,
                "code_region": region,
                "type_territoire": territory,
                "code_agglomeration": area,
            }
        )

    def next_code(dept: str, group: str) -> str:
        k = next_k.get((dept, group), 1)
        code = f"{dept}{group}{k}"
        while code in used:
            k += 1
            code = f"{dept}{group}{k}"
        return code

    def new_area(dept: str, region: str, n: int) -> None:
        areas_in_dept[dept] = areas_in_dept.get(dept, 0) + 1
        group = f"{areas_in_dept[dept]:02d}"
        area = f"UU{dept}{group}"
        for _ in range(n):
            add(next_code(dept, group), dept, region, "urbain", area)

    for region in included:
        region_depts = sorted(deps.loc[deps["code_region"] == region, "code_departement"])
        if region in exp:
            pil = seeds.pilots[seeds.pilots["code_region"] == region]
            rural = list(pil.loc[pil["role"] == "rural", "code_agence"])
            agglo = sorted(pil.loc[pil["role"] == "agglomeration", "code_agence"])
            for code in rural:
                add(code, code[:2], region, "rural", None)
            dept_a = agglo[0][:2]
            areas_in_dept[dept_a] = max(areas_in_dept.get(dept_a, 0), int(agglo[0][2:4]))
            area = f"UU{dept_a}{agglo[0][2:4]}"
            for code in agglo:
                add(code, dept_a, region, "urbain", area)
            add(next_code(dept_a, agglo[0][2:4]), dept_a, region, "urbain", area)
            taken = {c[:2] for c in rural} | {dept_a}
            others = [d for d in region_depts if d not in taken] or region_depts
            new_area(others[0], region, 4)
            new_area(others[1 % len(others)], region, 3)
            for j in range(3):
                dept = others[(2 + j) % len(others)]
                add(next_code(dept, "03"), dept, region, "rural", None)
        else:
            new_area(region_depts[0], region, 3)
            new_area(region_depts[1 % len(region_depts)], region, 2)
            for j in range(3):
                dept = region_depts[(2 + j) % len(region_depts)]
                add(next_code(dept, "03"), dept, region, "rural", None)
    agencies = pd.DataFrame(rows)

    communes: list[dict[str, Any]] = []
    commune_no: dict[str, int] = {}
    for ag in rows:
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
    return agencies, pd.DataFrame(communes)
