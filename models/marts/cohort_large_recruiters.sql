-- The large-recruiter cohorts under the mart's contract; membership is decided in
-- int_large_recruiters_assigned.
select * from {{ ref('int_large_recruiters_assigned') }}
