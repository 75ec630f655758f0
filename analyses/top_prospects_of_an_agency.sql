-- Whom should agency 54011 call first? Its prospects in call order (priority prospects first, then
-- by hiring-potential score), with the reason in French. Reads prospect_targeting (staff only).
{% set agency = '54011' %}
{% set list_length = 25 %}
with

targeting as (
    select * from {{ ref('prospect_targeting') }}
),

call_list as (
    select
        rank_in_agency,
        siret,
        naf_division,
        tranche_effectifs,
        lookback_hires,
        hiring_potential_score,
        is_priority_prospect,
        targeting_reason
    from targeting
    where code_agence = '{{ agency }}' and is_prospect and rank_in_agency <= {{ list_length }}
)

select * from call_list
order by rank_in_agency
