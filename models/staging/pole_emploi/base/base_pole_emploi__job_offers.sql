with

source as (
    select * from {{ source('pole_emploi', 'job_offers') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(offer_id) as offer_id,
        trim(siret) as siret,
        upper(trim(code_agence)) as code_agence,
        upper(trim(code_rome)) as code_rome,
        upper(trim(nature_contrat)) as nature_contrat,
        trim(nb_postes) as nb_postes,
        trim(date_publication) as date_publication,
        trim(date_cloture) as date_cloture,
        trim(motif_cloture) as motif_cloture
    from source
),

{{ contract_quarantine('job_offers', from_cte='trimmed') }}

select
    offer_id,
    siret,
    code_agence,
    code_rome,
    nature_contrat,
    nb_postes__value as positions,
    date_publication__value as published_date,
    date_cloture__value as closed_date,
    motif_cloture,
    {{ quarantine_verdict() }}
from quarantined
