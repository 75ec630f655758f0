-- Question: how far down the service funnel did each pilot agency bring its prospects?
-- Returns one row per pilot agency (and `all` last): firms at each stage of the pilot period, the
-- share of prospects contacted, and the share of contacted firms that reached each later stage.
-- A suppressed stage is NULL (never 0); `n_suppressed_stages` says how many the row hides.
-- Reads: eval_service_funnel.
-- Parameters: stages (the funnel stages to show as columns, in funnel order).
{% set stages = ['prospects', 'contacted', 'served', 'collective_action', 'posted_offer', 'hired'] %}
with

funnel as (
    select * from {{ ref('eval_service_funnel') }}
),

per_agency as (
    select
        code_agence,
        bool_or(is_total) as is_total,
        {% for stage in stages -%}
            max(case when stage = '{{ stage }}' then n_firms end) as {{ stage }},
        {% endfor -%}
        max(case when stage = 'contacted' then share_of_prospects end) as contacted_share_of_prospects,
        {% for stage in stages if stage not in ['prospects', 'contacted'] -%}
            max(case when stage = '{{ stage }}' then share_of_contacted end) as {{ stage }}_share_of_contacted,
        {% endfor -%}
        count(*) filter (where is_suppressed) as n_suppressed_stages
    from funnel
    group by code_agence
)

select * from per_agency
order by is_total asc, code_agence asc
