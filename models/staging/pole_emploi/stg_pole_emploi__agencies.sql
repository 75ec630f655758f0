with

source as (
    select * from {{ ref('base_pole_emploi__agencies') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        code_agence,
        code_departement,
        code_region,
        code_agglomeration,
        -- attributes
        nom_agence,
        type_territoire
    from source
)

select * from renamed
