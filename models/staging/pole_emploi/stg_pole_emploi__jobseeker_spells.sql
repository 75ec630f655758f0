with

source as (
    select * from {{ ref('base_pole_emploi__jobseeker_spells') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        spell_id,
        person_id,
        -- dates
        registration_date,
        spell_end_date,
        -- attributes
        categorie,
        birth_year,
        niveau_formation,
        is_rsa,
        is_boeth,
        is_qpv
    from source
)

select * from renamed
