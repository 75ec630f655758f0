-- Enrolled firms the large-recruiter evaluation does not use, and why, under the mart's contract.
select * from {{ ref('int_large_pilot_enrolments_unused') }}
