-- Does the hiring-potential score put the firms that go on to hire at the top? The eligible small
-- firms of non-pilot agencies in tenths of the score's list: each tenth's share of the first pilot
-- half-year's hires, its share of the firms, and their ratio, the lift (1 for chance). Reads
-- score_validation (the capture curve: each tenth is the difference of two points).
{% set method = 'prospect_score' %}
{% set population = 'all_eligible' %}
with

curves as (
    select * from {{ ref('score_validation') }}
    where method = '{{ method }}' and population = '{{ population }}'
),

deciles as (
    select
        top_share,
        n_firms,
        n_top_firms,
        hires_captured_share,
        hires_captured_share - coalesce(
            lag(hires_captured_share) over (order by top_share), 0
        ) as decile_hires_share,
        cast(n_top_firms as {{ type_double() }}) / n_firms - coalesce(
            lag(cast(n_top_firms as {{ type_double() }}) / n_firms) over (order by top_share), 0
        ) as decile_firms_share
    from curves
),

lifted as (
    select
        cast(round(top_share * 10) as integer) as decile,
        decile_hires_share,
        decile_firms_share,
        decile_hires_share / nullif(decile_firms_share, 0) as lift,
        hires_captured_share as cumulative_hires_share
    from deciles
)

select * from lifted
order by decile
