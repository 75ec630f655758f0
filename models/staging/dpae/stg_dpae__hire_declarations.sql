with

source as (
    select * from {{ ref('base_dpae__hire_declarations') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        declaration_id,
        siret,
        person_id,
        -- contract
        nature_contrat,
        nature_contrat = 'CTT' as is_temporary_work,
        -- dates
        hire_date,
        contract_end_date,
        -- inclusive length: a contract ending on its start day lasts 1 day
        {{ dbt.datediff('hire_date', 'contract_end_date', 'day') }} + 1 as contract_duration_days,
        declared_at,
        -- load metadata
        loaded_at
    from source
)

select * from renamed
