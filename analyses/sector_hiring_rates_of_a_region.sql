-- Which sectors of Grand Est (44) hire most per head, and which count as high-hiring? The region's
-- sectors by look-back hiring rate; suppressed cells (1 or 2 establishments, or one dominant hirer)
-- have no figures. Reads sector_hiring_rates.
{% set region = '44' %}
with

sectors as (
    select * from {{ ref('sector_hiring_rates') }}
),

region_sectors as (
    select
        naf_division,
        n_establishments,
        lookback_hires,
        sector_hiring_rate,
        region_rate_threshold,
        is_high_hiring_sector,
        is_suppressed
    from sectors
    where code_region = '{{ region }}'
)

select * from region_sectors
order by is_suppressed asc, sector_hiring_rate desc, naf_division asc
