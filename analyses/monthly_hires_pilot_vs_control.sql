-- Question: did pilot units start hiring more than control units when the pilot began (2017-03)?
-- Returns hires per unit by month, pilot and control side by side, and their difference; month 0
-- is the first pilot month. A suppressed cohort-month is NULL, and so is its difference.
-- Reads: eval_monthly_outcomes.
-- Parameters: experiment (`small_firms` or `large_recruiters`), first_month and last_month
-- (months from the pilot start, inclusive).
{% set experiment = 'small_firms' %}
{% set first_month = -12 %}
{% set last_month = 10 %}
with

monthly as (
    select * from {{ ref('eval_monthly_outcomes') }}
    where
        experiment = '{{ experiment }}'
        and months_from_pilot_start between {{ first_month }} and {{ last_month }}
),

side_by_side as (
    select
        month_start,
        months_from_pilot_start,
        max(period) as period,
        max(case when cohort = 'pilot' then n_units end) as pilot_units,
        max(case when cohort = 'control' then n_units end) as control_units,
        max(case when cohort = 'pilot' then hires_per_unit end) as pilot_hires_per_unit,
        max(case when cohort = 'control' then hires_per_unit end) as control_hires_per_unit
    from monthly
    group by month_start, months_from_pilot_start
),

compared as (
    select
        month_start,
        months_from_pilot_start,
        period,
        pilot_units,
        control_units,
        pilot_hires_per_unit,
        control_hires_per_unit,
        pilot_hires_per_unit - control_hires_per_unit as difference
    from side_by_side
)

select * from compared
order by month_start
