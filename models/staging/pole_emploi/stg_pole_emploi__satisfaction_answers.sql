with

source as (
    select * from {{ ref('base_pole_emploi__satisfaction_answers') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        answer_id,
        siret,
        -- attributes
        reponse,
        -- dates
        answer_date
    from source
)

select * from renamed
