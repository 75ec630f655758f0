-- One row per eligible small establishment at baseline: what every ranking of score validation needs
-- (the prospect score, the sector rate, the features of the LBB-style model) and the truth it is
-- judged on (counted hires of the first pilot half-year). Pilot-agency firms are kept, flagged: the
-- LBB-style model may learn from their pre-baseline hires, but no ranking is judged on them.
with

targeted as (
    select * from {{ ref('int_establishments_targeted') }}
    where is_eligible
),

half_year_hires as (
    select * from {{ ref('int_establishment_half_year_hires') }}
),

bands as (
    select * from {{ ref('headcount_bands') }}
),

pilot_agencies as (
    select code_agence from {{ ref('pilot_agencies') }}
),

population as (
    select
        targeted.siret,
        targeted.code_agence,
        targeted.code_departement,
        pilot_agencies.code_agence is not null as is_pilot_agency,
        targeted.is_prospect,
        targeted.lookback_hires = 0 as is_non_recruiter,
        targeted.hiring_potential_score,
        targeted.sector_hiring_rate,
        cast(bands.lower_bound as {{ type_double() }}) as band_lower_bound,
        cast(coalesce(half_year_hires.hires_pre_half_year_1, 0) as {{ type_double() }})
            as hires_pre_half_year_1,
        cast(coalesce(half_year_hires.hires_pre_half_year_2, 0) as {{ type_double() }})
            as hires_pre_half_year_2,
        cast(coalesce(half_year_hires.hires_pilot_half_year_1, 0) as {{ type_double() }})
            as hires_pilot_half_year_1
    from targeted
    inner join bands on targeted.tranche_effectifs = bands.tranche_effectifs
    left join half_year_hires on targeted.siret = half_year_hires.siret
    left join pilot_agencies on targeted.code_agence = pilot_agencies.code_agence
)

select * from population
