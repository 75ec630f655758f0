-- Question: did the pilot raise small firms' satisfaction, and in which regions and territory types?
-- Returns the satisfaction effect of every subgroup (all, each region, each territory type): `ITT`
-- is pilot minus control satisfied share in the survey window, `ITT_DiD` the same net of the
-- baseline survey's difference. Beside them, the cohorts' overall satisfied rates in that window
-- and the 66 % / 71 % references. Within a region only 8 assignments exist, so its
-- randomization-inference p-value cannot fall below 0.125. Suppressed cells are NULL.
-- Reads: eval_effects, eval_satisfaction.
-- Parameters: survey_window (`evaluation_survey` or `baseline_survey`, for the rates beside).
-- Reads a mart built by a Python model: DuckDB only.
{{ config(enabled=target.type == 'duckdb') }}
{% set survey_window = 'evaluation_survey' %}
with

effects as (
    select * from {{ ref('eval_effects') }}
    where experiment = 'small_firms' and outcome = 'satisfied'
),

rates as (
    select * from {{ ref('eval_satisfaction') }}
    where survey_window = '{{ survey_window }}'
),

cohort_rates as (
    select
        max(case when population = 'pilot' then satisfied_rate end) as pilot_satisfied_rate,
        max(case when population = 'control' then satisfied_rate end) as control_satisfied_rate,
        max(case when population = 'all_small_firms' then satisfied_rate end)
            as all_small_firms_satisfied_rate,
        max(reference_rate_small_firms) as reference_rate_small_firms,
        max(reference_rate_all_firms) as reference_rate_all_firms
    from rates
),

by_subgroup as (
    select
        case
            when effects.subgroup = 'all' then 'all'
            else split_part(effects.subgroup, ':', 1)
        end as dimension,
        case
            when effects.subgroup = 'all' then 'all'
            else split_part(effects.subgroup, ':', 2)
        end as subgroup_value,
        effects.estimand,
        effects.n_pilot,
        effects.n_control,
        effects.estimate,
        effects.ci_low,
        effects.ci_high,
        effects.p_value,
        effects.p_value_ri,
        effects.ci_low > 0 or effects.ci_high < 0 as excludes_zero,
        effects.is_suppressed,
        cohort_rates.pilot_satisfied_rate,
        cohort_rates.control_satisfied_rate,
        cohort_rates.all_small_firms_satisfied_rate,
        cohort_rates.reference_rate_small_firms,
        cohort_rates.reference_rate_all_firms
    from effects
    cross join cohort_rates
)

select * from by_subgroup
order by dimension asc, subgroup_value asc, estimand asc
