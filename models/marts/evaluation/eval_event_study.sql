-- The monthly small-firm effects around the pilot start, published under the publishing rule.
with

estimated as (
    select * from {{ ref('int_event_study_estimated') }}
),

months as (
    select * from {{ ref('int_calendar_months') }}
),

flagged as (
    select
        estimated.*,
        months.month_start,
        {{ is_disclosive('least(estimated.n_pilot, estimated.n_control)', 'estimated.largest_firm_share') }}
            as is_suppressed
    from estimated
    inner join months on estimated.months_from_pilot_start = months.months_from_pilot_start
),

published as (
    select
        experiment,
        outcome,
        month_start,
        cast(months_from_pilot_start as integer) as months_from_pilot_start,
        is_reference,
        is_selection_window,
        case when not is_suppressed then estimate end as estimate,
        case when not is_suppressed then std_error end as std_error,
        case when not is_suppressed then ci_low end as ci_low,
        case when not is_suppressed then ci_high end as ci_high,
        case when not is_suppressed then p_value end as p_value,
        inference,
        cast(n_pilot as bigint) as n_pilot,
        cast(n_control as bigint) as n_control,
        cast(n_clusters as bigint) as n_clusters,
        cast(n_leads as bigint) as n_leads,
        leads_max_abs_t,
        leads_joint_p_value,
        is_suppressed
    from flagged
)

select * from published
