-- Capture curves rise with the top share and capture every hire at 100 % (when there are hires).
-- Returns the points that break it, and the curves that do not reach 100 %.
-- Reads a mart built by a Python model: DuckDB only.
{{ config(enabled=target.type == 'duckdb') }}
with

curves as (
    select * from {{ ref('score_validation') }}
),

with_previous as (
    select
        method,
        population,
        top_share,
        hires_captured_share,
        lag(hires_captured_share) over (
            partition by method, population order by top_share
        ) as previous_share
    from curves
),

falling_or_short_of_one as (
    select
        method,
        population,
        top_share,
        hires_captured_share,
        'falls below the previous point or is not 1 at 1.0' as problem
    from with_previous
    where
        hires_captured_share < previous_share - 1e-12
        or (abs(top_share - 1) < 1e-9 and abs(hires_captured_share - 1) > 1e-9)
),

without_last_point as (
    select
        method,
        population,
        max(top_share) as top_share,
        cast(null as {{ type_double() }}) as hires_captured_share,
        'no point at top_share 1.0' as problem
    from curves
    group by method, population
    having max(top_share) < 1 - 1e-9
)

select * from falling_or_short_of_one
union all
select * from without_last_point
