-- One row per validation population × ranking method × eligible small firm of a non-pilot agency
-- (no treatment contamination): the value the method ranks it by, the hires it predicts (methods
-- that predict next-six-month hires) and the truth, its counted hires in the first pilot half-year.
-- Populations: all eligible firms, prospects, non-recruiters, priority prospects, and
-- `agency_lists`, each agency's prospects ranked within the agency (`list_key`).
with

targeted as (
    select * from {{ ref('int_establishments_targeted') }}
    where is_eligible
),

features as (
    select * from {{ ref('int_establishment_anchor_features') }}
    where anchor_name = 'scoring'
),

shipped as (
    select * from {{ ref('int_establishment_hiring_predictions') }}
),

lbb as (
    select * from {{ ref('int_establishment_lbb_predictions') }}
),

pilot_agencies as (
    select code_agence from {{ ref('pilot_agencies') }}
),

firms as (
    select
        targeted.siret,
        targeted.code_agence,
        targeted.is_prospect,
        targeted.is_non_recruiter,
        targeted.is_priority_prospect,
        features.next_half_year_hires as truth_hires,
        -- rounded: these doubles come from parallel sums whose last bits vary between builds, and a
        -- last-bit difference would reorder near-ties, so two builds would rank differently
        round(shipped.expected_hires_next_6_months, 10) as shipped_score,
        round(cast(targeted.hiring_potential_score as {{ type_double() }}), 10) as v1_score,
        round(lbb.lbb_prediction, 10) as lbb,
        round(lbb.lbb_extended_prediction, 10) as lbb_extended,
        round(cast(coalesce(targeted.sector_hiring_rate, 0) as {{ type_double() }}), 10) as sector_rate
    from targeted
    inner join features on targeted.siret = features.siret
    inner join shipped on targeted.siret = shipped.siret
    inner join lbb on targeted.siret = lbb.siret
    left join pilot_agencies on targeted.code_agence = pilot_agencies.code_agence
    where pilot_agencies.code_agence is null
),

methods as (
    -- ranking_value: higher is called earlier, NULL not scored (ranked after every scored firm);
    -- predicted_hires: for the methods that predict next-six-month hires
    {%- set methods = [
        ('shipped_score', 'shipped_score', 'shipped_score'),
        ('v1_score', 'v1_score', 'null'),
        ('lbb', 'lbb', 'lbb'),
        ('lbb_extended', 'lbb_extended', 'lbb_extended'),
        ('sector_rate', 'sector_rate', 'null'),
        ('priority_first', '(case when is_priority_prospect then 1000000 else 0 end) + shipped_score', 'null'),
        ('random', '0', 'null'),
    ] %}
    {%- for method, value, predicted in methods %}
        select
            siret,
            code_agence,
            is_prospect,
            is_non_recruiter,
            is_priority_prospect,
            truth_hires,
            '{{ method }}' as method,  -- noqa: RF04
            cast({{ value }} as {{ type_double() }}) as ranking_value,
            cast({{ predicted }} as {{ type_double() }}) as predicted_hires
        from firms
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

populations as (
    {%- set populations = [
        ('all_eligible', 'true', "'all'"),
        ('prospects', 'is_prospect', "'all'"),
        ('non_recruiters', 'is_non_recruiter', "'all'"),
        ('priority_prospects', 'is_priority_prospect', "'all'"),
        ('agency_lists', 'is_prospect', 'code_agence'),
    ] %}
    {%- for population, condition, list_key in populations %}
        select
            '{{ population }}' as population,
            method,
            {{ list_key }} as list_key,
            code_agence,
            siret,
            ranking_value,
            predicted_hires,
            truth_hires
        from methods
        where {{ condition }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
)

select * from populations
