-- Enrolled firms the large-recruiter evaluation does not use, and why; the reasons are decided in
-- int_large_pilot_enrolments_unused.
with

issues as (
    select * from {{ ref('int_large_pilot_enrolments_unused') }}
),

published as (
    select
        siren,
        code_region,
        enrolment_date,
        issue,
        detail,
        raw_line
    from issues
)

select * from published
