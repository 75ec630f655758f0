-- Question: are one experiment's pilot and control cohorts alike at baseline?
-- Returns each baseline covariate's means by cohort, standardized mean difference and imbalance
-- flag (|SMD| above the var imbalance_smd_threshold), most imbalanced first, beside the joint
-- test of all covariates at once.
-- Reads: eval_balance, eval_balance_joint_test.
-- Parameters: experiment (`small_firms` or `large_recruiters`).
-- Reads a mart built by a Python model: DuckDB only.
{{ config(enabled=target.type == 'duckdb') }}
{% set experiment = 'small_firms' %}
with

balance as (
    select * from {{ ref('eval_balance') }}
    where experiment = '{{ experiment }}'
),

joint_test as (
    select * from {{ ref('eval_balance_joint_test') }}
    where experiment = '{{ experiment }}'
),

covariates as (
    select
        balance.covariate,
        balance.n_pilot,
        balance.n_control,
        balance.mean_pilot,
        balance.mean_control,
        balance.sd_pooled,
        balance.smd,
        balance.is_imbalanced,
        balance.is_suppressed,
        joint_test.vcov_type as joint_vcov_type,
        joint_test.f_statistic as joint_f_statistic,
        joint_test.p_value as joint_p_value,
        joint_test.is_rejected_at_5pct as is_jointly_unbalanced
    from balance
    left join joint_test on balance.experiment = joint_test.experiment
)

select * from covariates
order by abs(smd) desc nulls last, covariate asc
