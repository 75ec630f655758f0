-- The sector hiring rates as published: the publishing rule hides the figures of a sector that
-- covers 1 or 2 establishments or where one establishment made more than 85 % of the hires.
with

sectors as (
    select * from {{ ref('int_sector_hiring_rates') }}
),

flagged as (
    select
        *,
        {{ is_disclosive('n_establishments', 'largest_hires_share') }} as is_suppressed
    from sectors
),

published as (
    select
        code_region,
        naf_division,
        n_establishments,
        case when not is_suppressed then headcount_estimate end as headcount_estimate,
        case when not is_suppressed then lookback_hires end as lookback_hires,
        case when not is_suppressed then sector_hiring_rate end as sector_hiring_rate,
        case when not is_suppressed then sector_recruiting_share end as sector_recruiting_share,
        region_rate_threshold,
        is_high_hiring_sector,
        is_suppressed
    from flagged
)

select * from published
