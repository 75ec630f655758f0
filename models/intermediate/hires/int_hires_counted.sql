-- The counting rule: a CDI, or a CDD of more than 31 days; temporary work (CTT) never counts.
-- A view: a filter of the deduplicated table, read by two models (jobseeker status, look-back hires);
-- writing its millions of rows again cost more than filtering twice (README, Performance).
{{ config(materialized='view') }}

with

hires as (
    select * from {{ ref('int_hires_deduplicated') }}
),

counted as (
    select
        declaration_id,
        siret,
        person_id,
        hire_date,
        nature_contrat,
        contract_end_date,
        contract_duration_days,
        n_declarations,
        -- when the hire became known: targeting reads the hires declared before its anchor
        declared_at,
        (
            nature_contrat = 'CDI'
            or contract_duration_days >= {{ var('durable_cdd_min_days') }}
        ) as is_durable_hire
    from hires
    where
        nature_contrat = 'CDI'
        or (nature_contrat = 'CDD' and contract_duration_days >= {{ var('counted_cdd_min_days') }})
)

select * from counted
