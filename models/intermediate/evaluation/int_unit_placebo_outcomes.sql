-- One row per experiment × unit × placebo window (placebo_pre, placebo_post): the outcomes of the
-- eleven months before and after a fake start at 2015-03-01, all before the look-back window, for the
-- placebo-in-time difference-in-differences.
{%- set outcomes = ['hires', 'durable_hires', 'jobseeker_hires', 'furthest_jobseeker_hires',
    'offers_posted', 'offers_filled_pe'] %}

with

monthly as (
    select * from {{ ref('int_unit_month_outcomes') }}
),

placebo_windows as (
    select
        window_name as period,
        start_date,
        end_date
    from {{ ref('experiment_calendar') }}
    where window_name in ('placebo_pre', 'placebo_post')
),

per_window as (
    select
        monthly.experiment,
        monthly.unit_id,
        monthly.cohort,
        placebo_windows.period,
        {%- for outcome in outcomes %}
            cast(sum(monthly.{{ outcome }}) as bigint) as {{ outcome }},
        {%- endfor %}
        sum(monthly.hires) > 0 as any_hire
    from monthly
    inner join placebo_windows
        on monthly.month_start between placebo_windows.start_date and placebo_windows.end_date
    group by monthly.experiment, monthly.unit_id, monthly.cohort, placebo_windows.period
)

select * from per_window
