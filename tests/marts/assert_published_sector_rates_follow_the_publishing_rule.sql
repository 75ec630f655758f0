-- The published sector rates are the computed ones, except in the cells the publishing rule hides
-- (1 or 2 establishments, or one establishment with more than 85 % of the hires), which are NULL.
-- Returns the sectors that break it.
with

computed as (
    select * from {{ ref('int_sector_hiring_rates') }}
),

published as (
    select * from {{ ref('sector_hiring_rates') }}
),

compared as (
    select
        computed.code_region,
        computed.naf_division,
        published.is_suppressed,
        (computed.n_establishments between 1 and {{ var('publish_min_firms') - 1 }})
        or coalesce(computed.largest_hires_share > {{ var('publish_max_firm_share') }}, false)
            as should_be_hidden,
        published.lookback_hires as published_hires,
        computed.lookback_hires as computed_hires,
        published.sector_hiring_rate as published_rate,
        computed.sector_hiring_rate as computed_rate
    from computed
    left join published
        on
            computed.code_region = published.code_region
            and computed.naf_division = published.naf_division
)

select *
from compared
where
    is_suppressed is null
    or is_suppressed != should_be_hidden
    or (is_suppressed and (published_hires is not null or published_rate is not null))
    or (
        not is_suppressed
        and (
            published_hires != computed_hires
            or coalesce(published_rate != computed_rate, (published_rate is null) != (computed_rate is null))
        )
    )
