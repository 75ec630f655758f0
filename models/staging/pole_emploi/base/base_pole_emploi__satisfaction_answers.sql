with

source as (
    select * from {{ source('pole_emploi', 'satisfaction_answers') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(answer_id) as answer_id,
        trim(siret) as siret,
        trim(date_reponse) as date_reponse,
        trim(reponse) as reponse
    from source
),

{{ contract_quarantine('satisfaction_answers', from_cte='trimmed') }}

select
    answer_id,
    siret,
    date_reponse__value as answer_date,
    reponse,
    {{ quarantine_verdict() }}
from quarantined
