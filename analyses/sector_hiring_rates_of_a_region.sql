-- Question: which sectors of one region hire most per head, and which count as high-hiring?
-- Returns the region's NAF divisions by look-back hiring rate against the region's threshold.
-- Suppressed cells (1 or 2 establishments, or one firm with more than 85 % of the hires) have NULL
-- figures: they come last, flagged, and must be read as "not published", never as 0.
-- Reads: sector_hiring_rates.
-- Parameters: region (code_region, INSEE 2016).
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
        sector_recruiting_share,
        region_rate_threshold,
        sector_hiring_rate / nullif(region_rate_threshold, 0) as rate_to_threshold,
        is_high_hiring_sector,
        is_suppressed,
        count(*) filter (where is_suppressed) over () as n_suppressed_in_region
    from sectors
    where code_region = '{{ region }}'
)

select * from region_sectors
order by is_suppressed asc, sector_hiring_rate desc, naf_division asc
