-- Did pilot small firms start hiring more than control firms when the pilot began (2017-03)? Hires
-- per firm and month, pilot and control side by side, and their difference. Reads
-- eval_monthly_outcomes.
{% set experiment = 'small_firms' %}
with

monthly as (
    select * from {{ ref('eval_monthly_outcomes') }}
    where experiment = '{{ experiment }}'
),

side_by_side as (
    select
        month_start,
        months_from_pilot_start,
        max(case when cohort = 'pilot' then hires_per_unit end) as pilot_hires_per_firm,
        max(case when cohort = 'control' then hires_per_unit end) as control_hires_per_firm
    from monthly
    group by month_start, months_from_pilot_start
),

compared as (
    select
        month_start,
        months_from_pilot_start,
        pilot_hires_per_firm,
        control_hires_per_firm,
        pilot_hires_per_firm - control_hires_per_firm as difference
    from side_by_side
)

select * from compared
order by month_start
