-- The overlap of enrolment propensities between the large recruiters' arms, which the doubly
-- robust DiD needs: per cohort, the firms, the quantiles of their propensity and the controls
-- trimmed (propensity at or above var dr_propensity_trim). Quantiles, not extremes: an extreme
-- is one firm's. Publishing rule on the firm counts.
with

propensities as (
    select * from {{ ref('int_large_recruiter_propensities') }}
),

per_cohort as (
    select
        cohort,
        count(*) as n_firms,
        sum(case when is_trimmed then 1 else 0 end) as n_trimmed,
        percentile_cont(0.05) within group (order by propensity) as propensity_p05,
        percentile_cont(0.25) within group (order by propensity) as propensity_p25,
        percentile_cont(0.5) within group (order by propensity) as propensity_median,
        percentile_cont(0.75) within group (order by propensity) as propensity_p75,
        percentile_cont(0.95) within group (order by propensity) as propensity_p95
    from propensities
    group by cohort
),

published as (
    select
        cohort,
        cast(n_firms as bigint) as n_firms,
        cast(n_trimmed as bigint) as n_trimmed,
        {%- for name in ['p05', 'p25', 'median', 'p75', 'p95'] %}
            cast(case when not {{ is_disclosive('n_firms', 'null') }} then propensity_{{ name }} end as {{ type_double() }})
                as propensity_{{ name }},
        {%- endfor %}
        {{ is_disclosive('n_firms', 'null') }} as is_suppressed
    from per_cohort
)

select * from published
