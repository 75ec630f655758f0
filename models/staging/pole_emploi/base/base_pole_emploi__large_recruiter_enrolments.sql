-- An enrolled SIREN unknown to legal_units is kept (the cohort model reports it): the contract has
-- no unknown_legal_unit rule here.
with

source as (
    select * from {{ source('pole_emploi', 'large_recruiter_enrolments') }}
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(siren) as siren,
        trim(code_region) as code_region,
        trim(date_inscription) as date_inscription
    from source
),

{{ contract_quarantine('large_recruiter_enrolments', from_cte='trimmed') }}

select
    siren,
    code_region,
    date_inscription__value as enrolment_date,
    {{ quarantine_verdict() }}
from quarantined
