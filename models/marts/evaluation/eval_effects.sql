-- The estimated effects with the publishing rule applied: a row stays, its figures become NULL when
-- the smaller cohort covers fewer than 3 firms or one firm carries more than 85 % of a cohort's total.
with

estimated as (
    select * from {{ ref('int_effects_estimated') }}
),

flagged as (
    select
        *,
        {{ is_disclosive('least(n_pilot, n_control)', 'largest_firm_share') }} as is_suppressed
    from estimated
),

published as (
    select
        experiment,
        outcome,
        subgroup,
        estimand,
        case when not is_suppressed then estimate end as estimate,
        case when not is_suppressed then std_error end as std_error,
        case when not is_suppressed then ci_low end as ci_low,
        case when not is_suppressed then ci_high end as ci_high,
        case when not is_suppressed then p_value end as p_value,
        case when not is_suppressed then p_value_ri end as p_value_ri,
        cast(n_ri_assignments as bigint) as n_ri_assignments,
        ri_min_p_value,
        case when not is_suppressed then p_value_ri_block end as p_value_ri_block,
        cast(n_ri_block_assignments as bigint) as n_ri_block_assignments,
        ri_block_min_p_value,
        inference,
        cast(n_pilot as bigint) as n_pilot,
        cast(n_control as bigint) as n_control,
        cast(n_clusters as bigint) as n_clusters,
        case when not is_suppressed then first_stage end as first_stage,
        is_primary,
        case when not is_suppressed then p_value_family end as p_value_family,
        is_descriptive,
        is_suppressed
    from flagged
)

select * from published
