-- The evaluation's outcome panel as analysts and the report read it (built in int_unit_period_outcomes).
with

outcomes as (
    select * from {{ ref('int_unit_period_outcomes') }}
),

published as (
    select
        experiment,
        unit_id,
        cohort,
        period,
        hires,
        any_hire,
        durable_hires,
        jobseeker_hires,
        furthest_jobseeker_hires,
        offers_posted,
        offers_filled_pe
    from outcomes
)

select * from published
