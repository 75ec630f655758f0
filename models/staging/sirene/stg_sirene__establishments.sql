with

source as (
    select * from {{ ref('base_sirene__establishments') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        siret,
        siren,
        code_commune,
        -- activity and size
        naf_code,
        naf_division,
        tranche_effectifs,
        -- dates
        created_date,
        closed_date
    from source
)

select * from renamed
