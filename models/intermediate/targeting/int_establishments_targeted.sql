-- Eligible small firms at baseline with their sector, look-back hires, version-1 score and prospect
-- flags: who the mission targets. The call order, on the shipped score, is the mart's
-- (prospect_targeting), which reads the Python model where the engine runs it.
with

eligible as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_eligible
),

lookback_hires as (
    select * from {{ ref('int_establishment_lookback_hires') }}
),

sectors as (
    select * from {{ ref('int_sector_hiring_rates') }}
),

scores as (
    select * from {{ ref('int_establishment_hiring_scores') }}
),

joined as (
    select
        eligible.siret,
        eligible.siren,
        eligible.code_agence,
        eligible.code_region,
        eligible.code_departement,
        eligible.naf_code,
        eligible.naf_division,
        eligible.naf_section,
        eligible.tranche_effectifs,
        eligible.headcount_estimate,
        eligible.is_eligible,
        eligible.created_date,
        lookback_hires.lookback_hires,
        lookback_hires.lookback_durable_hires,
        sectors.n_establishments as sector_n_establishments,
        sectors.sector_hiring_rate,
        sectors.region_rate_threshold,
        sectors.is_high_hiring_sector,
        lookback_hires.lookback_hires = 0 as is_non_recruiter,
        scores.expected_lookback_hires,
        scores.hiring_gap,
        scores.n_comparables
    from eligible
    inner join lookback_hires on eligible.siret = lookback_hires.siret
    inner join sectors
        on
            eligible.code_region = sectors.code_region
            and eligible.naf_division = sectors.naf_division
    inner join scores on eligible.siret = scores.siret
),

flagged as (
    select
        *,
        is_high_hiring_sector as is_prospect,
        is_high_hiring_sector and is_non_recruiter as is_priority_prospect,
        expected_lookback_hires as hiring_potential_score
    from joined
)

select * from flagged
