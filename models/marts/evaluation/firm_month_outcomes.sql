-- The evaluation's outcome panel as analysts and the report read it (built in int_unit_month_outcomes).
with

outcomes as (
    select * from {{ ref('int_unit_month_outcomes') }}
),

published as (
    select
        experiment,
        unit_id,
        cohort,
        month_start,
        months_from_pilot_start,
        period,
        hires,
        durable_hires,
        jobseeker_hires,
        furthest_jobseeker_hires,
        offers_posted,
        offers_filled_pe,
        any_hire
    from outcomes
)

select * from published
