"""Every knob of the world, recorded in ``_world.json``; the sector and size tables it starts from.

The numbers are orders of magnitude, calibrated so that the produced figures of
:mod:`smallfirms.world.calibration` land within tolerance of their public targets."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

# NAF division weights (share of establishments), by division then by section default.
SECTION_WEIGHT = {
    "A": 1.5, "B": 0.03, "C": 0.6, "D": 0.3, "E": 0.4, "F": 1.0, "G": 2.0, "H": 0.5, "I": 2.0,
    "J": 0.8, "K": 0.8, "L": 3.0, "M": 2.0, "N": 1.0, "O": 0.5, "P": 1.5, "Q": 1.5, "R": 0.8,
    "S": 1.5, "T": 0.05, "U": 0.01,
}  # fmt: skip
DIVISION_WEIGHT = {
    "12": 0.01, "19": 0.01, "41": 3.0, "42": 0.5, "43": 9.0, "45": 3.0, "46": 5.0, "47": 11.0,
    "49": 2.5, "50": 0.1, "51": 0.05, "52": 1.0, "53": 0.3, "55": 2.0, "56": 7.0, "64": 0.8,
    "65": 0.3, "66": 1.0, "68": 3.0, "77": 0.8, "78": 0.6, "79": 0.4, "80": 0.4, "81": 2.0,
    "82": 1.2, "84": 0.5, "85": 1.5, "86": 3.0, "87": 0.8, "88": 2.0, "96": 3.0,
}  # fmt: skip
# Hiring intensity per head by division, proportional to the calibration's counted hires per head
# (calibration.PER_HEAD); the default applies to unlisted divisions.
DEFAULT_INTENSITY = 0.4
DIVISION_INTENSITY = {
    "55": 1.2, "56": 1.2, "78": 3.0, "81": 0.8, "87": 0.6, "88": 0.6, "01": 0.6, "90": 0.6,
    "47": 0.5, "85": 0.5, "49": 0.45, "41": 0.3, "42": 0.3, "43": 0.3, "64": 0.2, "65": 0.2,
    "66": 0.2, "84": 0.15, "68": 0.25, "35": 0.15, "05": 0.2, "06": 0.2, "07": 0.2, "08": 0.2,
    "09": 0.2, "99": 0.1,
}  # fmt: skip
# Divisions at or above this intensity are the ones the campaign's counsellors go for.
HIGH_INTENSITY = 0.6

# Establishment band shares (single-establishment legal units) at the start of the data.
SINGLE_BAND_SHARE = {
    "00": 0.03, "01": 0.45, "02": 0.23, "03": 0.13, "11": 0.09, "12": 0.045, "21": 0.012,
    "22": 0.005, "31": 0.0012, "32": 0.0012, "41": 0.0004, "42": 0.0001, "51": 0.00004,
    "52": 0.00001, "53": 0.000005, "NN": 0.005,
}  # fmt: skip

# Firm states of the monthly Markov chain.
DORMANT, REPLACING, GROWING = 0, 1, 2
STATE_NAMES = ("dormant", "replacing", "growing")


@dataclass(frozen=True)
class Params:
    """Every knob of the world; all of it is recorded in ``_world.json``."""

    # Planted effects (all zero in a null world).
    effect_small_firm_extra_hires: float = 1.0
    effect_large_recruiter_extra_furthest_hires: float = 3.0
    effect_satisfaction_uplift: float = 0.10
    # Multipliers of the small-firm effect by the firm's state at baseline: largest for dormant
    # firms, near zero for firms already growing (hiring at capacity).
    effect_state_multiplier: tuple = (1.8, 0.6, 0.1)
    # Volumes at scale 1.0 (the three experiment regions).
    establishments_per_scale: int = 370_000
    legal_units_per_establishment: float = 0.81
    declarations_per_scale: int = 20_000_000
    spells_per_scale: int = 1_500_000
    offers_per_scale: int = 400_000
    # Legal units with several establishments: networks (large), and small multi-site units.
    multi_establishment_share: float = 0.018
    small_multi_unit_share: float = 0.04
    la_poste_establishments: int = 20
    # Firms' life: creations over the years, a closure before the data, monthly closure hazard.
    closed_before_data_share: float = 0.04
    closure_hazard: float = 0.003
    # Contracts of a declaration: CDI, CDD over 31 days, CDD of 31 days or less, temporary work.
    contract_mix: dict = field(
        default_factory=lambda: {
            "CDI": 0.1216,
            "CDD_long": 0.1462,
            "CDD_short": 0.5822,
            "CTT": 0.15,
        }
    )
    # Firm dynamics: hiring multiplier per state, lasting firm effect (sd of its log).
    state_multiplier: tuple = (0.03, 1.0, 2.6)
    firm_effect_sd: float = 0.7
    # share of the firm effect's variance that the establishments of a legal unit share (one
    # management): a sibling's hiring tells something about a firm's own propensity
    unit_effect_share: float = 0.4
    young_years: float = 3.0
    growth_per_month: float = 0.03
    # Shocks: sector x region demand, agency, urban area, legal unit (AR(1), monthly).
    demand_level_sd: float = 0.15
    demand_rho: float = 0.85
    demand_sd: float = 0.08
    agency_level_sd: float = 0.35
    agency_rho: float = 0.8
    agency_sd: float = 0.03
    area_sd: float = 0.03
    unit_rho: float = 0.9
    unit_sd: float = 0.25
    # Declarations.
    persons_per_hire: float = 0.3
    jobseekers_from_hired_share: float = 0.8
    second_spell_share: float = 0.3
    duplicate_declaration_share: float = 0.01
    late_declaration_share: float = 0.05
    # Offers: posted one or two months before the hires they are for.
    open_offer_share: float = 0.05
    # Counsellor actions: routine follow-up per firm-month, spontaneous contacts before hires.
    routine_action_rate: float = 0.004
    spontaneous_contact_rate: float = 0.25
    campaign_share: float = 0.60
    # Satisfaction survey: a light barometer every half-year, the two survey windows heavier;
    # contacted firms (any arm) answer more often.
    barometer_share: float = 0.04
    satisfaction_sample_share: float = 0.14
    satisfaction_sample_share_large: float = 0.45
    contacted_response_multiplier: float = 3.0
    satisfied_small: float = 0.66
    satisfied_large: float = 0.82
    satisfied_unknown: float = 0.71
    # Large recruiters: regional services enrol on a base rate plus their recent growth of offers
    # filled through the service (a transitory component).
    top_recruiters_n: int = 200
    enrolment_base_logit: float = -0.4
    enrolment_growth_logit: float = 1.2


def null_params(params: Params) -> Params:
    """The same world with no planted effect."""
    return replace(
        params,
        effect_small_firm_extra_hires=0.0,
        effect_large_recruiter_extra_furthest_hires=0.0,
        effect_satisfaction_uplift=0.0,
    )
