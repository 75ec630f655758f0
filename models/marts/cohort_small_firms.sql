-- The small-firm cohorts as BI reads them; membership is decided in int_small_firms_assigned.
with

cohorts as (
    select * from {{ ref('int_small_firms_assigned') }}
),

published as (
    select
        siret,
        cohort,
        code_agence,
        pilot_agency_code,
        code_region,
        type_territoire,
        is_priority_prospect,
        lookback_hires,
        headcount_estimate,
        naf_section,
        sector_hiring_rate,
        hiring_potential_score,
        firm_age_years,
        is_treated,
        is_contacted
    from cohorts
)

select * from published
