with

source as (
    select * from {{ ref('base_sirene__legal_units') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        siren,
        -- attributes
        denomination,
        tranche_effectifs_ul,
        categorie_entreprise,
        -- dates
        created_date
    from source
)

select * from renamed
