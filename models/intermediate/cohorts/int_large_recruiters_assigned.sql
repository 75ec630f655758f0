-- The top recruiters and their cohort: pilot when a regional service enrolled the legal unit,
-- control otherwise; baseline covariates beside.
with

top_recruiters as (
    select * from {{ ref('int_legal_unit_top_recruiters') }}
    where recruiter_rank <= {{ var('top_recruiters_n') }}
),

covariates as (
    select * from {{ ref('int_legal_unit_baseline_hires') }}
),

enrolments as (
    select siren from {{ ref('stg_pole_emploi__large_recruiter_enrolments') }}
),

members as (
    select
        top_recruiters.siren,
        case when enrolments.siren is not null then 'pilot' else 'control' end as cohort,
        top_recruiters.recruiter_rank,
        top_recruiters.lookback_offers_filled,
        top_recruiters.lookback_offers_filled_first_half,
        covariates.naf_section,
        top_recruiters.tranche_effectifs_ul,
        covariates.lookback_hires,
        covariates.lookback_furthest_hires,
        covariates.furthest_hire_share
    from top_recruiters
    left join covariates on top_recruiters.siren = covariates.siren
    left join enrolments on top_recruiters.siren = enrolments.siren
)

select * from members
