-- Every prospect is an eligible establishment of a high-hiring sector of its own region, and every
-- priority prospect hired nobody in the look-back window. Returns the prospects that break it.
with

prospects as (
    select * from {{ ref('prospect_targeting') }}
    where is_prospect
),

eligibility as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
),

sectors as (
    select * from {{ ref('sector_hiring_rates') }}
),

checked as (
    select
        prospects.siret,
        coalesce(eligibility.is_eligible, false) as is_eligible,
        coalesce(sectors.is_high_hiring_sector, false) as is_high_hiring_sector,
        not prospects.is_priority_prospect or prospects.lookback_hires = 0 as is_priority_consistent
    from prospects
    left join eligibility on prospects.siret = eligibility.siret
    left join sectors
        on
            eligibility.code_region = sectors.code_region
            and eligibility.naf_division = sectors.naf_division
)

select * from checked
where not (is_eligible and is_high_hiring_sector and is_priority_consistent)
