-- One row per experiment × unit × evaluation period (pre, pilot): the outcomes the effects are
-- estimated on, summed from the monthly table (the periods are whole months).
{%- set outcomes = ['hires', 'durable_hires', 'jobseeker_hires', 'furthest_jobseeker_hires',
    'offers_posted', 'offers_filled_pe'] %}

with

monthly as (
    select * from {{ ref('int_unit_month_outcomes') }}
    where period is not null
),

per_period as (
    select
        experiment,
        unit_id,
        cohort,
        period,
        {%- for outcome in outcomes %}
            cast(sum({{ outcome }}) as bigint) as {{ outcome }},
        {%- endfor %}
        sum(hires) > 0 as any_hire
    from monthly
    group by experiment, unit_id, cohort, period
),

ordered as (
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
    from per_period
)

select * from ordered
