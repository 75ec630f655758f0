-- How far down the service funnel did each pilot agency bring its prospects? Firms and shares per
-- stage, one column per stage. Reads eval_service_funnel (suppressed cells are NULL).
with

funnel as (
    select * from {{ ref('eval_service_funnel') }}
),

per_agency as (
    select
        code_agence,
        max(case when stage = 'prospects' then n_firms end) as prospects,
        max(case when stage = 'contacted' then n_firms end) as contacted,
        max(case when stage = 'served' then n_firms end) as served,
        max(case when stage = 'collective_action' then n_firms end) as collective_action,
        max(case when stage = 'posted_offer' then n_firms end) as posted_offer,
        max(case when stage = 'hired' then n_firms end) as hired,
        max(case when stage = 'contacted' then share_of_prospects end) as contacted_share,
        max(case when stage = 'hired' then share_of_contacted end) as hired_share_of_contacted,
        max(case when is_suppressed then 1 else 0 end) = 1 as has_suppressed_cell
    from funnel
    group by code_agence
)

select * from per_agency
order by code_agence = 'all', code_agence
