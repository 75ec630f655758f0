with

source as (
    select * from {{ source('pole_emploi', 'communes') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        upper(trim(code_commune)) as code_commune,
        trim(nom_commune) as nom_commune,
        upper(trim(code_departement)) as code_departement,
        upper(trim(code_agence)) as code_agence
    from source
),

{{ contract_quarantine('communes', from_cte='trimmed') }}

select
    code_commune,
    nom_commune,
    code_departement,
    code_agence,
    {{ quarantine_verdict() }}
from quarantined
