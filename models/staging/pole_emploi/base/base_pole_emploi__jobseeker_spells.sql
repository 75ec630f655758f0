with

source as (
    select * from {{ source('pole_emploi', 'jobseeker_spells') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(spell_id) as spell_id,
        upper(trim(nir)) as nir,
        trim(date_inscription) as date_inscription,
        trim(date_fin) as date_fin,
        upper(trim(categorie)) as categorie,
        trim(annee_naissance) as annee_naissance,
        upper(trim(niveau_formation)) as niveau_formation,
        lower(trim(is_rsa)) as is_rsa,
        lower(trim(is_boeth)) as is_boeth,
        lower(trim(is_qpv)) as is_qpv
    from source
),

{{ contract_quarantine('jobseeker_spells', from_cte='trimmed') }}

-- The NIR stops here: only its pseudonym goes on.
select
    spell_id,
    {{ pseudonymise('nir') }} as person_id,
    date_inscription__value as registration_date,
    date_fin__value as spell_end_date,
    categorie,
    annee_naissance__value as birth_year,
    niveau_formation,
    is_rsa__value as is_rsa,
    is_boeth__value as is_boeth,
    is_qpv__value as is_qpv,
    {{ quarantine_verdict() }}
from quarantined
