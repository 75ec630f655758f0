-- Counted hires per establishment in the evaluation periods (pre, pilot) of the calendar.
with

hires as (
    select * from {{ ref('int_hires_counted') }}
),

periods as (
    select
        window_name as period,
        start_date,
        end_date
    from {{ ref('experiment_calendar') }}
    where window_name in ('pre', 'pilot')
),

per_period as (
    select
        hires.siret,
        periods.period,
        count(*) as hires,
        cast(sum(case when hires.is_durable_hire then 1 else 0 end) as bigint) as durable_hires
    from hires
    inner join periods on hires.hire_date between periods.start_date and periods.end_date
    group by hires.siret, periods.period
)

select * from per_period
