with

sectors as (
    select * from {{ ref('int_sector_hiring_rates') }}
),

published as (
    select
        code_region,
        naf_division,
        n_establishments,
        headcount_estimate,
        lookback_hires,
        sector_hiring_rate,
        sector_recruiting_share,
        region_rate_threshold,
        is_high_hiring_sector
    from sectors
)

select * from published
