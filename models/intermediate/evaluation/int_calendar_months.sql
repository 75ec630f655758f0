-- One row per calendar month of the data window, with the evaluation period it belongs to. The pre and
-- pilot periods are whole months, so monthly outcomes add up to period outcomes exactly.
with

data_window as (
    select
        start_date,
        end_date
    from {{ ref('experiment_calendar') }}
    where window_name = 'data'
),

periods as (
    select
        window_name as period,
        start_date,
        end_date
    from {{ ref('experiment_calendar') }}
    where window_name in ('pre', 'pilot')
),

digits as (
    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9
),

month_offsets as (
    select tens.digit * 10 + units.digit as month_offset
    from digits as tens
    cross join digits as units
),

months as (
    select
        cast({{ dbt.dateadd('month', 'month_offsets.month_offset', dbt.date_trunc('month', 'data_window.start_date')) }} as date)
            as month_start
    from month_offsets
    cross join data_window
),

in_window as (
    select months.month_start
    from months
    cross join data_window
    where months.month_start <= data_window.end_date
),

labelled as (
    select
        in_window.month_start,
        periods.period,
        -- months counted from the pilot's first month (0 = 2017-03): leads < 0, lags >= 0
        cast({{ dbt.datediff(calendar_bound('pilot', 'start'), 'in_window.month_start', 'month') }} as integer)
            as months_from_pilot_start
    from in_window
    left join periods
        on in_window.month_start between periods.start_date and periods.end_date
)

select * from labelled
