-- An enrolled firm is either in the large-recruiter pilot cohort or in large_pilot_list_issues, never
-- both and never neither; the issues never name a cohort member. Returns the firms that break it.
with

enrolments as (
    select siren from {{ ref('stg_pole_emploi__large_recruiter_enrolments') }}
),

cohort as (
    select
        siren,
        cohort
    from {{ ref('cohort_large_recruiters') }}
),

issues as (
    select distinct siren from {{ ref('large_pilot_list_issues') }}
),

enrolled as (
    select
        enrolments.siren,
        cohort.cohort,
        issues.siren is not null as is_reported
    from enrolments
    left join cohort on enrolments.siren = cohort.siren
    left join issues on enrolments.siren = issues.siren
),

reported_members as (
    select
        issues.siren,
        cohort.cohort,
        true as is_reported
    from issues
    inner join cohort on issues.siren = cohort.siren
)

select * from enrolled
where coalesce(cohort = 'pilot', false) = is_reported or coalesce(cohort = 'control', false)
union all
select * from reported_members
