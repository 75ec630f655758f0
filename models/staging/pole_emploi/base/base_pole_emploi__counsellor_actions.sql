with

source as (
    select * from {{ source('pole_emploi', 'counsellor_actions') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(action_id) as action_id,
        trim(siret) as siret,
        upper(trim(code_agence)) as code_agence,
        trim(conseiller_id) as conseiller_id,
        trim(date_action) as date_action,
        trim(type_action) as type_action
    from source
),

{{ contract_quarantine('counsellor_actions', from_cte='trimmed') }}

select
    action_id,
    siret,
    code_agence,
    conseiller_id,
    date_action__value as action_date,
    type_action,
    {{ quarantine_verdict() }}
from quarantined
