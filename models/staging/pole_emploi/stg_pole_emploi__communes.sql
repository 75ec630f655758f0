with

source as (
    select * from {{ ref('base_pole_emploi__communes') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        code_commune,
        code_departement,
        code_agence,
        -- attributes
        nom_commune
    from source
)

select * from renamed
