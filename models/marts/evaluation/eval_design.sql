-- What the pilot could detect before it started: minimum detectable effects from pre-baseline data,
-- published under the publishing rule; satisfaction also in points over the 66 % reference.
with

simulated as (
    select * from {{ ref('int_design_simulated') }}
),

flagged as (
    select
        *,
        {{ is_disclosive('least(n_pilot, n_control)', 'largest_firm_share') }} as is_suppressed
    from simulated
),

published as (
    select
        experiment,
        outcome,
        design_data,
        cast(n_pilot as bigint) as n_pilot,
        cast(n_control as bigint) as n_control,
        cast(n_clusters as bigint) as n_clusters,
        case when not is_suppressed then outcome_mean end as outcome_mean,
        case when not is_suppressed then outcome_sd end as outcome_sd,
        case when not is_suppressed then intra_cluster_correlation end as intra_cluster_correlation,
        cast(n_assignments as bigint) as n_assignments,
        case when not is_suppressed then mde_simulated end as mde_simulated,
        case when not is_suppressed then mde_analytic end as mde_analytic,
        case
            when outcome = 'satisfied' and not is_suppressed then 100 * mde_simulated
        end as mde_simulated_points,
        case
            when outcome = 'satisfied'
                then cast({{ var('satisfaction_reference_small_firms') }} as {{ type_double() }})
        end as reference_rate,
        size_crv1,
        size_wild_bootstrap,
        size_randomization,
        is_suppressed
    from flagged
)

select * from published
