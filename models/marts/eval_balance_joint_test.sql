-- The Python fit (int_balance_joint_tested) typed column by column: dbt enforces contracts on SQL
-- models only, and pandas' nullable integers must not leak their types into what BI reads.
with

joint_tests as (
    select * from {{ ref('int_balance_joint_tested') }}
),

typed as (
    select
        cast(experiment as {{ dbt.type_string() }}) as experiment,
        cast(n_units as bigint) as n_units,
        cast(n_pilot as bigint) as n_pilot,
        cast(n_control as bigint) as n_control,
        cast(covariates as {{ dbt.type_string() }}) as covariates,
        cast(n_covariates as bigint) as n_covariates,
        cast(vcov_type as {{ dbt.type_string() }}) as vcov_type,
        cast(f_statistic as {{ type_double() }}) as f_statistic,
        cast(df_num as bigint) as df_num,
        cast(df_den as bigint) as df_den,
        cast(p_value as {{ type_double() }}) as p_value,
        cast(is_rejected_at_5pct as boolean) as is_rejected_at_5pct
    from joint_tests
)

select * from typed
