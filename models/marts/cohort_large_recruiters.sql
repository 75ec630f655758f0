-- The large-recruiter cohorts as BI reads them; membership is decided in
-- int_large_recruiters_assigned.
with

cohorts as (
    select * from {{ ref('int_large_recruiters_assigned') }}
),

published as (
    select
        siren,
        cohort,
        recruiter_rank,
        lookback_offers_filled,
        naf_section,
        tranche_effectifs_ul,
        lookback_hires,
        lookback_furthest_hires,
        furthest_hire_share
    from cohorts
)

select * from published
