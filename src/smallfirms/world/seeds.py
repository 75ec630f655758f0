"""The dbt seeds the generator shares with the warehouse (codes, calendar, pilot agencies)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parents[3] / "seeds"


def day(text: str) -> int:
    """Days since 1970-01-01 of an ISO date."""
    return int(np.datetime64(text, "D").astype(np.int64))


@dataclass
class Seeds:
    regions: pd.DataFrame
    experiment_regions: list[str]
    departments: pd.DataFrame
    divisions: list[str]
    division_sections: list[str]
    bands: list[str]  # ordered by size, NN last
    lower_bounds: np.ndarray  # NaN for NN
    midpoints: np.ndarray  # headcount estimate of each band, NaN for NN
    pilots: pd.DataFrame
    calendar: dict[str, tuple[int, int]]
    code_sets: dict[str, list[str]]
    action_types: list[str]
    collective_actions: list[str]
    satisfaction: list[str]
    satisfied: list[str]

    def band_index(self) -> dict[str, int]:
        return {b: i for i, b in enumerate(self.bands)}


def read_seeds(seeds_dir: Path) -> Seeds:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(seeds_dir / f"{name}.csv", dtype=str, keep_default_na=False)

    bands = read("headcount_bands")
    known = bands[bands["lower_bound"] != ""].copy()
    known["lb"] = known["lower_bound"].astype(float)
    known = known.sort_values("lb", kind="stable")
    unknown = list(bands.loc[bands["lower_bound"] == "", "tranche_effectifs"])
    calendar = {
        r.window_name: (day(r.start_date), day(r.end_date))
        for r in read("experiment_calendar").itertuples()
    }
    cc = read("contract_codes")
    actions = read("action_types")
    satis = read("satisfaction_levels")
    divisions = read("naf_divisions")
    return Seeds(
        regions=read("regions"),
        experiment_regions=list(read("experiment_regions")["code_region"]),
        departments=read("departments"),
        divisions=list(divisions["naf_division"]),
        division_sections=list(divisions["naf_section"]),
        bands=list(known["tranche_effectifs"]) + unknown,
        lower_bounds=np.concatenate([known["lb"].to_numpy(), np.full(len(unknown), np.nan)]),
        midpoints=np.concatenate(
            [known["headcount_midpoint"].astype(float).to_numpy(), np.full(len(unknown), np.nan)]
        ),
        pilots=read("pilot_agencies"),
        calendar=calendar,
        code_sets={k: list(g["code"]) for k, g in cc.groupby("code_set", sort=True)},
        action_types=list(actions["type_action"]),
        collective_actions=list(
            actions.loc[actions["is_collective_action"] == "true", "type_action"]
        ),
        satisfaction=list(satis["reponse"]),
        satisfied=list(satis.loc[satis["is_satisfied"] == "true", "reponse"]),
    )
