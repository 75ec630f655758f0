"""The world in memory: every family of tables drawn in dependency order from one seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from smallfirms.world import (
    actions,
    dynamics,
    enrolments,
    firms,
    hires,
    jobseekers,
    offers,
    satisfaction,
)
from smallfirms.world.geography import build_geography
from smallfirms.world.params import Params
from smallfirms.world.seeds import Seeds

STREAMS = (
    "firms",
    "dynamics",
    "offers",
    "enrolments",
    "actions",
    "hires",
    "spells",
    "answers",
    "nirs",
)


@dataclass
class World:
    seeds: Seeds
    params: Params
    agencies: pd.DataFrame
    communes: pd.DataFrame
    firms: firms.Firms
    activity: dynamics.Activity
    offers: offers.Offers = None
    enrolments: enrolments.Enrolments = None
    actions: actions.Actions = None
    declarations: hires.Declarations = None
    spells: jobseekers.Spells = None
    answers: satisfaction.Answers = None
    nir: Any = None
    truth: dict[str, pd.DataFrame] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)


def _large_unit(seeds: Seeds, w: World) -> np.ndarray:
    """Per establishment: its legal unit has 50 employees or more (band 21 and above, known)."""
    b = seeds.band_index()
    band = w.activity.ul_band[w.firms.ul]
    return (band >= b["21"]) & (band != b["NN"])


def _hires(rng, w: World, scale: float, first_contact) -> None:
    p, seeds = w.params, w.seeds
    share = hires.counted_share(p)
    n_pool = max(1000, round(p.persons_per_hire * p.declarations_per_scale * scale))
    natural = hires.natural_declarations(rng, w.firms, w.activity, p, n_pool)
    small, w.truth["small_firm_extra_hires"] = hires.plant_small_firm_hires(
        rng, seeds, w.firms, w.activity, p, first_contact, n_pool
    )
    experiment_regions = [w.info["region_codes"].index(r) for r in seeds.experiment_regions]
    large, w.truth["large_recruiter_extra_hires"] = hires.plant_large_recruiter_hires(
        rng, seeds, w.firms, p, w.enrolments.enrolled_top, experiment_regions
    )
    decl, n_dup = hires.with_duplicates(rng, [natural, small, large], p)
    w.declarations = decl
    w.info.update(
        n_pool=n_pool, n_duplicates=n_dup, counted_share=share, planted_large_hires=large.hire
    )


def build_world(seed: int, scale: float, seeds: Seeds, p: Params) -> World:
    rng = dict(
        zip(
            STREAMS,
            (
                np.random.Generator(np.random.PCG64(s))
                for s in np.random.SeedSequence(seed).spawn(len(STREAMS))
            ),
            strict=True,
        )
    )
    agencies, communes = build_geography(seeds, scale)
    f = firms.build_firms(rng["firms"], seeds, agencies, communes, scale, p)
    activity = dynamics.simulate(rng["dynamics"], f, seeds, p, scale)
    w = World(seeds, p, agencies, communes, f, activity)
    region_codes = sorted(set(agencies["code_region"]))
    w.info["region_codes"] = region_codes
    large = _large_unit(seeds, w)
    w.offers = offers.build_offers(rng["offers"], f, activity, large, scale, p)
    w.enrolments = enrolments.build_enrolments(
        rng["enrolments"], seeds, f, w.offers, large, region_codes, p
    )
    share = hires.counted_share(p)
    w.actions, first_contact = actions.build_actions(
        rng["actions"], seeds, f, activity, p, agencies, share
    )
    _hires(rng["hires"], w, scale, first_contact)
    # planted large-recruiter persons get fresh ids after the jobseeker pool
    w.spells, birth, n_before_planted = jobseekers.build_spells(
        rng["spells"], seeds, p, scale, w.info["n_pool"], w.info["planted_large_hires"]
    )
    person = w.declarations.person
    w.declarations.person = np.where(person < 0, n_before_planted + (-1 - person), person)
    treated = first_contact >= 0
    w.answers = satisfaction.build_answers(
        rng["answers"], seeds, f, activity.band, w.actions, treated, p
    )
    w.nir = jobseekers.build_nirs(rng["nirs"], seeds, birth)
    baseline_state = activity.state_at_baseline
    pilot_h1 = activity.expected(*seeds.calendar["pilot_half_year_1"]) * share
    w.truth["latent_expected_hires"] = pd.DataFrame(
        {"siret": f.siret, "state_at_baseline": baseline_state, "expected_hires": pilot_h1.round(6)}
    )
    w.info.update(
        n_persons=len(birth),
        n_top_recruiters=len(w.enrolments.top),
        n_enrolled_top_recruiters=len(w.enrolments.enrolled_top),
        n_contacted_pilot_firms=int(treated.sum()),
        n_uplifted_answers=int(w.answers.uplifted.sum()),
    )
    return w
