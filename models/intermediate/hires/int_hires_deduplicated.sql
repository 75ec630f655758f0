-- A hire declared twice (same establishment, person, hire date and contract nature) is one hire,
-- represented by its earliest declaration, then its smallest declaration_id.
{{ config(materialized='table') }}

with

declarations as (
    select * from {{ ref('stg_dpae__hire_declarations') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by siret, person_id, hire_date, nature_contrat
            order by declared_at asc, declaration_id asc
        ) as declaration_rank,
        count(*) over (
            partition by siret, person_id, hire_date, nature_contrat
        ) as n_declarations
    from declarations
),

hires as (
    select
        declaration_id,
        siret,
        person_id,
        hire_date,
        nature_contrat,
        contract_end_date,
        contract_duration_days,
        declared_at,
        n_declarations
    from ranked
    where declaration_rank = 1
)

select * from hires
