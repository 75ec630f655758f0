-- Counted hires per establishment in the half-years of score validation (seed experiment_calendar):
-- the two half-years before the baseline that LBB's line uses (the data, from 2014-03, hold six) and the first
-- pilot half-year. Summed from the evaluation's monthly table: the declarations are not read again.
with

monthly as (
    select * from {{ ref('int_establishment_month_outcomes') }}
),

half_years as (
    select
        window_name,
        start_date,
        end_date
    from {{ ref('experiment_calendar') }}
    where window_name in ('pre_half_year_1', 'pre_half_year_2', 'pilot_half_year_1')
),

per_establishment as (
    select
        monthly.siret,
        sum(case when half_years.window_name = 'pre_half_year_1' then monthly.hires else 0 end)
            as hires_pre_half_year_1,
        sum(case when half_years.window_name = 'pre_half_year_2' then monthly.hires else 0 end)
            as hires_pre_half_year_2,
        sum(case when half_years.window_name = 'pilot_half_year_1' then monthly.hires else 0 end)
            as hires_pilot_half_year_1
    from monthly
    inner join half_years
        on monthly.month_start between half_years.start_date and half_years.end_date
    group by monthly.siret
)

select * from per_establishment
