-- Hiring rate of each region × NAF division over the look-back window, and whether it is a
-- high-hiring sector of its region (rate at or above the region's percentile threshold).
with

establishments as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_active_at_baseline and has_known_band
),

lookback_hires as (
    select * from {{ ref('int_establishment_lookback_hires') }}
),

per_sector as (
    select
        establishments.code_region,
        establishments.naf_division,
        count(*) as n_establishments,
        sum(establishments.headcount_estimate) as headcount_estimate,
        cast(sum(lookback_hires.lookback_hires) as bigint) as lookback_hires,
        cast(
            sum(case when lookback_hires.lookback_hires > 0 then 1 else 0 end) as bigint
        ) as n_recruiting_establishments,
        -- for the publishing rule: the largest establishment's share of the sector's hires
        cast(max(lookback_hires.lookback_hires) as {{ type_double() }})
        / nullif(sum(lookback_hires.lookback_hires), 0) as largest_hires_share
    from establishments
    inner join lookback_hires on establishments.siret = lookback_hires.siret
    group by establishments.code_region, establishments.naf_division
),

rated as (
    select
        code_region,
        naf_division,
        n_establishments,
        headcount_estimate,
        lookback_hires,
        case
            when headcount_estimate > 0
                then cast(lookback_hires as {{ type_double() }}) / headcount_estimate
        end as sector_hiring_rate,
        cast(n_recruiting_establishments as {{ type_double() }}) / n_establishments as sector_recruiting_share,
        n_establishments >= {{ var('min_sector_establishments') }} as is_large_enough,
        largest_hires_share
    from per_sector
),

thresholds as (
    select
        code_region,
        percentile_cont({{ var('high_hiring_percentile') }}) within group (
            order by sector_hiring_rate
        ) as region_rate_threshold
    from rated
    where is_large_enough and sector_hiring_rate is not null
    group by code_region
),

classified as (
    select
        rated.code_region,
        rated.naf_division,
        rated.n_establishments,
        rated.headcount_estimate,
        rated.lookback_hires,
        rated.sector_hiring_rate,
        rated.sector_recruiting_share,
        thresholds.region_rate_threshold,
        coalesce(
            rated.is_large_enough and rated.sector_hiring_rate >= thresholds.region_rate_threshold,
            false
        ) as is_high_hiring_sector,
        rated.largest_hires_share
    from rated
    left join thresholds on rated.code_region = thresholds.code_region
)

select * from classified
