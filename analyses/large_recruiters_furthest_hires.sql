-- Did enrolled large recruiters hire more jobseekers furthest from employment? Per cohort and period,
-- their furthest-from-employment hires per firm and their share of all hires, with the estimated
-- effect. Reads firm_period_outcomes (staff only: firm-level) and eval_effects.
with

outcomes as (
    select * from {{ ref('firm_period_outcomes') }}
    where experiment = 'large_recruiters'
),

effects as (
    select * from {{ ref('eval_effects') }}
    where
        experiment = 'large_recruiters'
        and outcome = 'furthest_jobseeker_hires'
        and subgroup = 'all'
),

per_cohort as (
    select
        cohort,
        period,
        count(*) as n_firms,
        sum(furthest_jobseeker_hires) as furthest_hires,
        cast(sum(furthest_jobseeker_hires) as {{ type_double() }}) / count(*) as furthest_hires_per_firm,
        cast(sum(furthest_jobseeker_hires) as {{ type_double() }}) / nullif(sum(hires), 0)
            as furthest_share_of_hires
    from outcomes
    group by cohort, period
),

with_effect as (
    select
        per_cohort.cohort,
        per_cohort.period,
        per_cohort.n_firms,
        per_cohort.furthest_hires,
        per_cohort.furthest_hires_per_firm,
        per_cohort.furthest_share_of_hires,
        effects.estimate as did_estimate,
        effects.ci_low as did_ci_low,
        effects.ci_high as did_ci_high
    from per_cohort
    cross join effects
)

select * from with_effect
order by cohort asc, period desc
