-- One row per experiment × unit × calendar month of the data window, zeros included (event studies).
-- Units are those of the cohorts; outcomes those of the establishments they count: a small firm is
-- its own establishment, a large recruiter its legal unit's establishments in the experiment
-- regions (where the regional services acted; elsewhere nothing was tried). Materialised: the
-- marts and the estimation read it.
{%- set outcomes = ['hires', 'durable_hires', 'jobseeker_hires', 'furthest_jobseeker_hires',
    'offers_posted', 'offers_filled_pe'] %}

{{ config(materialized="table") }}

with

units as (
    select * from {{ ref('int_experiment_units') }}
),

establishments as (
    select
        siret,
        siren
    from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_in_experiment_region
),

month_outcomes as (
    select * from {{ ref('int_establishment_month_outcomes') }}
),

months as (
    select * from {{ ref('int_calendar_months') }}
),

unit_establishments as (
    -- the establishments whose outcomes count for each unit
    select
        experiment,
        unit_id,
        unit_id as siret
    from units
    where experiment = 'small_firms'
    union all
    select
        units.experiment,
        units.unit_id,
        establishments.siret
    from units
    inner join establishments on units.unit_id = establishments.siren
    where units.experiment = 'large_recruiters'
),

unit_month_outcomes as (
    select
        unit_establishments.experiment,
        unit_establishments.unit_id,
        month_outcomes.month_start,
        {%- for outcome in outcomes %}
            sum(month_outcomes.{{ outcome }}) as {{ outcome }},
        {%- endfor %}
        count(*) as n_establishment_months
    from unit_establishments
    inner join month_outcomes on unit_establishments.siret = month_outcomes.siret
    group by unit_establishments.experiment, unit_establishments.unit_id, month_outcomes.month_start
),

grid as (
    select
        units.experiment,
        units.unit_id,
        units.cohort,
        months.month_start,
        months.months_from_pilot_start,
        months.period
    from units
    cross join months
),

filled as (
    select
        grid.experiment,
        grid.unit_id,
        grid.cohort,
        grid.month_start,
        grid.months_from_pilot_start,
        grid.period,
        {%- for outcome in outcomes %}
            cast(coalesce(unit_month_outcomes.{{ outcome }}, 0) as bigint) as {{ outcome }},
        {%- endfor %}
        coalesce(unit_month_outcomes.hires, 0) > 0 as any_hire
    from grid
    left join unit_month_outcomes
        on
            grid.experiment = unit_month_outcomes.experiment
            and grid.unit_id = unit_month_outcomes.unit_id
            and grid.month_start = unit_month_outcomes.month_start
)

select * from filled
