with

source as (
    select * from {{ source('sirene', 'establishments') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(siret) as siret,
        trim(siren) as siren,
        upper(trim(code_naf)) as code_naf,
        upper(trim(tranche_effectifs)) as tranche_effectifs,
        upper(trim(code_commune)) as code_commune,
        trim(date_creation) as date_creation,
        trim(date_fermeture) as date_fermeture
    from source
),

{{ contract_quarantine('establishments', from_cte='trimmed') }}

select
    siret,
    siren,
    -- NAF is accepted with or without its dot: NNNNL becomes NN.NNL.
    substring(replace(code_naf, '.', ''), 1, 2) || '.' || substring(replace(code_naf, '.', ''), 3, 3) as naf_code,
    substring(code_naf, 1, 2) as naf_division,
    tranche_effectifs,
    code_commune,
    date_creation__value as created_date,
    date_fermeture__value as closed_date,
    {{ quarantine_verdict() }}
from quarantined
