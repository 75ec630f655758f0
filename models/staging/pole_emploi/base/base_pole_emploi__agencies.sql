with

source as (
    select * from {{ source('pole_emploi', 'agencies') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        upper(trim(code_agence)) as code_agence,
        trim(nom_agence) as nom_agence,
        upper(trim(code_departement)) as code_departement,
        trim(code_region) as code_region,
        trim(type_territoire) as type_territoire,
        trim(code_agglomeration) as code_agglomeration
    from source
),

{{ contract_quarantine('agencies', from_cte='trimmed') }}

select
    code_agence,
    nom_agence,
    code_departement,
    code_region,
    type_territoire,
    code_agglomeration,
    {{ quarantine_verdict() }}
from quarantined
