-- One row per day of the data window (seed experiment_calendar, window `data`): MetricFlow's time
-- spine. dbt.date_spine is portable; its end is exclusive, hence the day added to the window's end.
with

days as (
    {{ dbt.date_spine(
        'day',
        calendar_bound('data', 'start'),
        dbt.dateadd('day', 1, calendar_bound('data', 'end'))
    ) }}
),

typed as (
    select cast(date_day as date) as date_day
    from days
)

select * from typed
