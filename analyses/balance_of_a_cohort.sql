-- Are the small-firm pilot and control cohorts alike at baseline? Covariate means, standardized
-- mean differences and the imbalance flag, then the joint test. Reads eval_balance and
-- eval_balance_joint_test.
{% set experiment = 'small_firms' %}
with

balance as (
    select * from {{ ref('eval_balance') }}
),

joint_test as (
    select * from {{ ref('eval_balance_joint_test') }}
),

covariates as (
    select
        balance.covariate,
        balance.n_pilot,
        balance.n_control,
        balance.mean_pilot,
        balance.mean_control,
        balance.smd,
        balance.is_imbalanced,
        joint_test.f_statistic as joint_f_statistic,
        joint_test.p_value as joint_p_value
    from balance
    left join joint_test on balance.experiment = joint_test.experiment
    where balance.experiment = '{{ experiment }}'
)

select * from covariates
order by abs(smd) desc
