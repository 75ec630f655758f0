-- Did the pilot raise small firms' satisfaction, and where? The satisfaction effects by region and
-- territory type (evaluation survey, and net of the baseline survey), beside the satisfied rates of
-- each population. Reads eval_effects and eval_satisfaction.
with

effects as (
    select * from {{ ref('eval_effects') }}
    where outcome = 'satisfied'
),

rates as (
    select * from {{ ref('eval_satisfaction') }}
    where survey_window = 'evaluation_survey'
),

by_subgroup as (
    select
        effects.subgroup,
        effects.estimand,
        effects.estimate,
        effects.ci_low,
        effects.ci_high,
        effects.p_value,
        effects.p_value_ri,
        effects.n_pilot,
        effects.n_control,
        effects.is_suppressed,
        pilot.satisfied_rate as pilot_rate_all,
        control.satisfied_rate as control_rate_all,
        pilot.reference_rate_small_firms
    from effects
    cross join rates as pilot
    cross join rates as control
    where pilot.population = 'pilot' and control.population = 'control'
)

select * from by_subgroup
order by subgroup, estimand
