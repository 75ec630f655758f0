with

source as (
    select * from {{ ref('base_pole_emploi__large_recruiter_enrolments') }}
    where rejection_rule is null
),

renamed as (
    select
        -- ids
        siren,
        code_region,
        -- dates
        enrolment_date,
        -- lineage: the evaluation reports each enrolment it does not use by its line
        raw_line
    from source
)

select * from renamed
