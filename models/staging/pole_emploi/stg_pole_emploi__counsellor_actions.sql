with

source as (
    select * from {{ ref('base_pole_emploi__counsellor_actions') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        action_id,
        siret,
        code_agence,
        conseiller_id,
        -- attributes
        type_action,
        -- dates
        action_date
    from source
)

select * from renamed
