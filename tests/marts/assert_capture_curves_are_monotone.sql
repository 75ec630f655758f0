-- Capture curves rise with the top share and capture every hire at 100 % (when there are hires).
-- Returns the points that break it.
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
)

select *
from with_previous
where
    hires_captured_share < previous_share - 1e-12
    or (top_share = 1.0 and abs(hires_captured_share - 1) > 1e-9)
