-- Whether each counted hire is a jobseeker hire (the person had a registration spell open at the hire
-- date: the earliest such spell counts) and a hire of a jobseeker furthest from employment.
{{ config(materialized='table') }}

with

hires as (
    select * from {{ ref('int_hires_counted') }}
),

spells as (
    select * from {{ ref('stg_pole_emploi__jobseeker_spells') }}
),

open_spells as (
    select
        hires.declaration_id,
        spells.spell_id,
        spells.registration_date,
        spells.birth_year,
        spells.niveau_formation,
        spells.is_rsa,
        spells.is_boeth,
        spells.is_qpv,
        row_number() over (
            partition by hires.declaration_id
            order by spells.registration_date asc, spells.spell_id asc
        ) as spell_rank
    from hires
    inner join spells
        on
            hires.person_id = spells.person_id
            and hires.hire_date >= spells.registration_date
            and (spells.spell_end_date is null or hires.hire_date <= spells.spell_end_date)
),

classified as (
    select
        hires.declaration_id,
        hires.siret,
        hires.hire_date,
        hires.is_durable_hire,
        open_spells.spell_id,
        open_spells.spell_id is not null as is_jobseeker_hire,
        coalesce(
            {{ dbt.datediff('open_spells.registration_date', 'hires.hire_date', 'day') }}
            >= {{ var('furthest_min_days_registered') }},
            false
        ) as is_long_term_registered,
        coalesce(open_spells.is_rsa, false) as is_rsa,
        coalesce(open_spells.is_boeth, false) as is_boeth,
        coalesce(open_spells.is_qpv, false) as is_qpv,
        coalesce(
            open_spells.niveau_formation in ('{{ var("furthest_education_levels") | join("', '") }}'),
            false
        ) as is_low_education,
        coalesce(
            {{ year_of('hires.hire_date') }} - open_spells.birth_year >= {{ var('furthest_min_age') }},
            false
        ) as is_senior
    from hires
    left join open_spells
        on hires.declaration_id = open_spells.declaration_id and open_spells.spell_rank = 1
),

flagged as (
    select
        *,
        (
            is_long_term_registered or is_rsa or is_boeth or is_qpv or is_low_education or is_senior
        ) as is_furthest_hire
    from classified
)

select * from flagged
