-- Baseline balance of each experiment's cohorts, covariate by covariate: means, pooled standard
-- deviation and standardized mean difference (SMD = (mean pilot − mean control) / sqrt((var pilot +
-- var control) / 2)); |SMD| above var imbalance_smd_threshold (0.1) flags an imbalance. Means are
-- aggregates over firms: the publishing rule applies (the imbalance flag stays, it says nothing
-- about a firm).
{%- set covariates = {
    'small_firms': ('int_small_firms_assigned', [
        'lookback_hires', 'headcount_estimate', 'sector_hiring_rate', 'hiring_potential_score',
        'firm_age_years', 'is_priority_prospect',
    ]),
    'large_recruiters': ('int_large_recruiters_assigned', [
        'lookback_offers_filled', 'lookback_hires', 'furthest_hire_share',
    ]),
} %}

with

long_values as (
    {%- for experiment, (model, names) in covariates.items() %}
        {%- for name in names %}
            select
                '{{ experiment }}' as experiment,
                '{{ name }}' as covariate,
                {{ loop.index }} as covariate_order,
                cohort,
                cast({% if name.startswith('is_') %}case when {{ name }} then 1 else 0 end{% else %}{{ name }}{% endif %} as {{ type_double() }}) as covariate_value
            from {{ ref(model) }}
            {%- if not loop.last %}
                union all
            {%- endif %}
        {%- endfor %}
    {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

by_cohort as (
    select
        experiment,
        covariate,
        covariate_order,
        count(case when cohort = 'pilot' then covariate_value end) as n_pilot,
        count(case when cohort = 'control' then covariate_value end) as n_control,
        avg(case when cohort = 'pilot' then covariate_value end) as mean_pilot,
        avg(case when cohort = 'control' then covariate_value end) as mean_control,
        var_samp(case when cohort = 'pilot' then covariate_value end) as var_pilot,
        var_samp(case when cohort = 'control' then covariate_value end) as var_control,
        -- for the publishing rule: the largest unit's share of its cohort's total
        max(case when cohort = 'pilot' then abs(covariate_value) end)
        / nullif(sum(case when cohort = 'pilot' then abs(covariate_value) end), 0) as largest_share_pilot,
        max(case when cohort = 'control' then abs(covariate_value) end)
        / nullif(sum(case when cohort = 'control' then abs(covariate_value) end), 0) as largest_share_control
    from long_values
    group by experiment, covariate, covariate_order
),

balance as (
    select
        experiment,
        covariate,
        covariate_order,
        n_pilot,
        n_control,
        mean_pilot,
        mean_control,
        sqrt((var_pilot + var_control) / 2) as sd_pooled,
        (mean_pilot - mean_control) / nullif(sqrt((var_pilot + var_control) / 2), 0) as smd,
        {{ is_disclosive('least(n_pilot, n_control)', 'greatest(largest_share_pilot, largest_share_control)') }}
            as is_suppressed
    from by_cohort
),

flagged as (
    select
        experiment,
        covariate,
        cast(covariate_order as integer) as covariate_order,
        cast(n_pilot as bigint) as n_pilot,
        cast(n_control as bigint) as n_control,
        case when not is_suppressed then mean_pilot end as mean_pilot,
        case when not is_suppressed then mean_control end as mean_control,
        case when not is_suppressed then sd_pooled end as sd_pooled,
        case when not is_suppressed then smd end as smd,
        coalesce(abs(smd) > {{ var('imbalance_smd_threshold') }}, false) as is_imbalanced,
        is_suppressed
    from balance
)

select * from flagged
