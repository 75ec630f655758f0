-- Question: whom should one agency's counsellors call first, and why?
-- Returns the agency's prospects in call order (expected hires over the next six months, then
-- SIRET), whether the list at capacity reaches them, what comparable firms hire and the reason in
-- French.
-- Reads: prospect_targeting (firm-level: staff only).
-- Parameters: agency (code_agence), list_length (how many prospects to show).
{% set agency = '54011' %}
{% set list_length = 25 %}
with

targeting as (
    select * from {{ ref('prospect_targeting') }}
),

agency_prospects as (
    select
        rank_in_agency,
        siret,
        naf_division,
        tranche_effectifs,
        is_priority_prospect,
        lookback_hires,
        expected_lookback_hires,
        hiring_gap,
        hiring_potential_score,
        expected_hires_next_6_months,
        is_on_call_list,
        sector_hiring_rate,
        region_rate_threshold,
        targeting_reason
    from targeting
    where
        code_agence = '{{ agency }}'
        and is_prospect
        and rank_in_agency <= {{ list_length }}
)

select * from agency_prospects
order by rank_in_agency
