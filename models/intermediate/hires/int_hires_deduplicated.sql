-- A hire declared twice (same establishment, person, hire date and contract nature) is one hire,
-- represented by its earliest declaration, then its smallest declaration_id.
-- Incremental like the declaration fact (README, Performance): a run re-ranks only the hires that
-- have a declaration in the fact's look-back window, over all their declarations, and replaces them.
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    unique_key=['siret', 'person_id', 'hire_date', 'nature_contrat'],
    incremental_strategy='delete+insert',
    on_schema_change='fail',
) }}

with

declarations as (
    select * from {{ ref('stg_dpae__hire_declarations') }}
),

{% if is_incremental() %}
    watermark as (
        select max(declared_at) as latest_declared_at from {{ this }}
    ),

    -- No earlier than the fact's own window, which starts from a later or equal watermark.
    touched_hires as (
        select distinct
            declarations.siret,
            declarations.person_id,
            declarations.hire_date,
            declarations.nature_contrat
        from declarations
        cross join watermark
        where
            watermark.latest_declared_at is null
            or declarations.declared_at
            >= {{ dbt.dateadd('day', -1 * var('hire_declarations_lookback_days'), 'watermark.latest_declared_at') }}
    ),
{% endif %}

candidates as (
    select declarations.*
    from declarations
    {% if is_incremental() -%}
        inner join touched_hires
            on
                declarations.siret = touched_hires.siret
                and declarations.person_id = touched_hires.person_id
                and declarations.hire_date = touched_hires.hire_date
                and declarations.nature_contrat = touched_hires.nature_contrat
    {%- endif %}
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
    from candidates
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
        n_declarations,
        {{ run_started_timestamp() }} as loaded_at
    from ranked
    where declaration_rank = 1
)

select * from hires
