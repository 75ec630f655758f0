-- One row per experiment × unit × establishment whose outcomes count for the unit: a small firm is
-- its own establishment; a large recruiter is a legal unit, counted over all its establishments.
with

units as (
    select * from {{ ref('int_experiment_units') }}
),

establishments as (
    select
        siret,
        siren
    from {{ ref('stg_sirene__establishments') }}
),

small_firms as (
    select
        experiment,
        unit_id,
        unit_id as siret
    from units
    where experiment = 'small_firms'
),

large_recruiters as (
    select
        units.experiment,
        units.unit_id,
        establishments.siret
    from units
    inner join establishments on units.unit_id = establishments.siren
    where units.experiment = 'large_recruiters'
),

stacked as (
    select * from small_firms
    union all
    select * from large_recruiters
)

select * from stacked
