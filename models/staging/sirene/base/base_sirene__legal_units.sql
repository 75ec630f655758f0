with

source as (
    select * from {{ source('sirene', 'legal_units') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(siren) as siren,
        trim(denomination) as denomination,
        upper(trim(tranche_effectifs_ul)) as tranche_effectifs_ul,
        trim(categorie_entreprise) as categorie_entreprise,
        trim(date_creation) as date_creation
    from source
),

{{ contract_quarantine('legal_units', from_cte='trimmed') }}

select
    siren,
    denomination,
    tranche_effectifs_ul,
    categorie_entreprise,
    date_creation__value as created_date,
    {{ quarantine_verdict() }}
from quarantined
