-- The service funnel of the small-firm pilot, per pilot agency and overall, in the pilot period:
-- prospects → contacted → served → collective action → posted an offer → hired. Stages after
-- "contacted" count contacted firms only, so each share of contacted firms reads as a conversion.
-- Firm counts under the publishing rule, with secondary suppression across the agencies of a stage.
with

cohort as (
    select * from {{ ref('int_small_firms_assigned') }}
    where cohort = 'pilot'
),

contacted as (
    select * from {{ ref('int_establishments_contacted') }}
),

pilot_outcomes as (
    select * from {{ ref('int_unit_period_outcomes') }}
    where experiment = 'small_firms' and period = 'pilot'
),

firms as (
    select
        cohort.code_agence,
        cohort.siret,
        cohort.is_treated as is_contacted,
        cohort.is_treated and coalesce(contacted.is_served, false) as is_served,
        cohort.is_treated and coalesce(contacted.took_part, false) as took_part,
        cohort.is_treated and coalesce(pilot_outcomes.offers_posted, 0) > 0 as posted_offer,
        cohort.is_treated and coalesce(pilot_outcomes.hires, 0) > 0 as has_hired
    from cohort
    left join contacted on cohort.siret = contacted.siret
    left join pilot_outcomes on cohort.siret = pilot_outcomes.unit_id
),

per_agency as (
    select
        code_agence,
        count(*) as prospects,
        sum(case when is_contacted then 1 else 0 end) as contacted,
        sum(case when is_served then 1 else 0 end) as served,
        sum(case when took_part then 1 else 0 end) as collective_action,
        sum(case when posted_offer then 1 else 0 end) as posted_offer,
        sum(case when has_hired then 1 else 0 end) as hired
    from firms
    group by code_agence
),

with_total as (
    select
        code_agence,
        false as is_total,
        prospects,
        contacted,
        served,
        collective_action,
        posted_offer,
        hired
    from per_agency
    union all
    select
        'all' as code_agence,
        true as is_total,
        sum(prospects) as prospects,
        sum(contacted) as contacted,
        sum(served) as served,
        sum(collective_action) as collective_action,
        sum(posted_offer) as posted_offer,
        sum(hired) as hired
    from per_agency
),

stages as (
    {%- for stage in ['prospects', 'contacted', 'served', 'collective_action', 'posted_offer', 'hired'] %}
        select
            code_agence,
            is_total,
            {{ loop.index }} as stage_order,
            '{{ stage }}' as stage,  -- noqa: RF04
            {{ stage }} as n_firms,
            prospects,
            contacted
        from with_total
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

primary_flagged as (
    select
        *,
        -- a count of firms: each firm weighs 1, so only the 1-or-2-firms test can bite
        {{ is_disclosive('n_firms', 'null') }} as is_primary_suppressed
    from stages
),

flagged as (
    select
        *,
        {{ secondary_suppression('is_primary_suppressed', ['stage'], 'is_total', 'n_firms', 'code_agence') }}
            as is_suppressed
    from primary_flagged
),

published as (
    select
        code_agence,
        is_total,
        cast(stage_order as integer) as stage_order,
        stage,
        cast(case when not is_suppressed then n_firms end as bigint) as n_firms,
        case when not is_suppressed then cast(n_firms as {{ type_double() }}) / nullif(prospects, 0) end
            as share_of_prospects,
        case
            when not is_suppressed and stage_order > 1
                then cast(n_firms as {{ type_double() }}) / nullif(contacted, 0)
        end as share_of_contacted,
        is_suppressed
    from flagged
)

select * from published
