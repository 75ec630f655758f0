-- Membership rests on baseline data only (prospects, agency pairs); `is_contacted` and `is_treated`
-- are the columns read from the pilot period: exposure, not membership.
with

targeted as (
    select * from {{ ref('int_establishments_targeted') }}
    where is_prospect
),

pairs as (
    select * from {{ ref('int_agency_pairs') }}
),

contacted as (
    select siret from {{ ref('int_establishments_contacted') }}
),

agency_roles as (
    select
        pilot_agency_code as code_agence,
        pilot_agency_code,
        'pilot' as cohort
    from pairs
    union all
    select
        comparison_agency_code as code_agence,
        pilot_agency_code,
        'control' as cohort
    from pairs
),

members as (
    select
        targeted.siret,
        agency_roles.cohort,
        targeted.code_agence,
        agency_roles.pilot_agency_code,
        targeted.code_region,
        pairs.type_territoire,
        targeted.is_priority_prospect,
        targeted.lookback_hires,
        targeted.tranche_effectifs,
        targeted.headcount_estimate,
        targeted.naf_section,
        targeted.sector_hiring_rate,
        targeted.hiring_potential_score,
        -- a double, not a decimal: Spark divides by the literal 365.25 in decimal(18, 6)
        cast({{ dbt.datediff('targeted.created_date', calendar_bound('baseline'), 'day') }} as {{ type_double() }})
        / 365.25 as firm_age_years,
        agency_roles.cohort = 'pilot' and contacted.siret is not null as is_treated,
        -- measured the same way in both arms: the ordinary service contacts control firms too
        contacted.siret is not null as is_contacted
    from targeted
    inner join agency_roles on targeted.code_agence = agency_roles.code_agence
    inner join pairs on agency_roles.pilot_agency_code = pairs.pilot_agency_code
    left join contacted on targeted.siret = contacted.siret
)

select * from members
