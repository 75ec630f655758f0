-- Question: did the enrolled large recruiters hire more jobseekers furthest from employment?
-- Returns, per cohort and period (`pre`, then `pilot`), the top recruiters' furthest-from-employment
-- hires per firm, their share of all counted hires, and the same share before the baseline; then
-- the raw difference-in-differences of furthest hires per firm (pilot minus control, change from
-- pre to pilot), the figure `eval_effects` estimates with its interval.
-- Reads: firm_period_outcomes, cohort_large_recruiters (firm-level: staff only; the sums are
-- aggregates that the publishing rule has not checked, so check them before sharing).
-- Parameters: max_rank (keep the recruiters ranked up to this by offers filled, e.g. 50 for the
-- very largest; 200 keeps them all).
{% set max_rank = 200 %}
with

recruiters as (
    select * from {{ ref('cohort_large_recruiters') }}
    where recruiter_rank <= {{ max_rank }}
),

outcomes as (
    select * from {{ ref('firm_period_outcomes') }}
    where experiment = 'large_recruiters'
),

recruiter_outcomes as (
    select
        recruiters.siren,
        recruiters.cohort,
        recruiters.lookback_furthest_hires,
        recruiters.lookback_hires,
        outcomes.period,
        outcomes.hires,
        outcomes.furthest_jobseeker_hires
    from recruiters
    inner join outcomes on recruiters.siren = outcomes.unit_id
),

per_cohort as (
    select
        cohort,
        period,
        count(*) as n_firms,
        sum(hires) as hires,
        sum(furthest_jobseeker_hires) as furthest_hires,
        cast(sum(furthest_jobseeker_hires) as {{ type_double() }}) / count(*) as furthest_hires_per_firm,
        cast(sum(furthest_jobseeker_hires) as {{ type_double() }}) / nullif(sum(hires), 0)
            as furthest_share_of_hires,
        cast(sum(lookback_furthest_hires) as {{ type_double() }}) / nullif(sum(lookback_hires), 0)
            as lookback_furthest_share
    from recruiter_outcomes
    group by cohort, period
),

with_did as (
    select
        cohort,
        period,
        n_firms,
        hires,
        furthest_hires,
        furthest_hires_per_firm,
        furthest_share_of_hires,
        lookback_furthest_share,
        sum(
            furthest_hires_per_firm
            * case when cohort = 'pilot' then 1 else -1 end
            * case when period = 'pilot' then 1 else -1 end
        ) over () as raw_did_furthest_hires_per_firm
    from per_cohort
)

select * from with_did
order by cohort desc, period desc
