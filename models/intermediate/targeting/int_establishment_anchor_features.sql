-- What the hiring models know of each small establishment at an anchor date, and what followed.
-- Two anchors (seed experiment_calendar): `training` at the start of `score_training` (2016-03-01),
-- whose following half-year the models learn, and `scoring` at the start of `pilot_half_year_1`
-- (the baseline), whose following half-year they predict. Every feature uses data dated before its
-- anchor, and hires declared before it: a late declaration of an old hire is not known yet.
{%- set lags = var('lbb_lag_half_years') | int %}
{%- if lags < 4 %}
    {{ exceptions.raise_compiler_error("var lbb_lag_half_years must be at least 4 (two years of own history), got " ~ lags) }}
{%- endif %}
with

anchors as (
    select
        case window_name when 'score_training' then 'training' else 'scoring' end as anchor_name,
        start_date as anchor_date,
        end_date as horizon_end_date
    from {{ ref('experiment_calendar') }}
    where window_name in ('score_training', 'pilot_half_year_1')
),

establishments as (
    -- small firms of the experiment regions, by the baseline extract (the only one there is)
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_in_experiment_region and is_small_band and is_legal_unit_small_band
),

bands as (
    select * from {{ ref('headcount_bands') }}
),

hires as (
    select * from {{ ref('int_hires_counted') }}
),

contacts as (
    select
        siret,
        'offer' as kind,
        published_date as event_date
    from {{ ref('stg_pole_emploi__job_offers') }}
    union all
    select
        siret,
        'action' as kind,
        action_date as event_date
    from {{ ref('stg_pole_emploi__counsellor_actions') }}
),

population as (
    -- open at the anchor: created before it, not closed before it
    select
        anchors.anchor_name,
        anchors.anchor_date,
        anchors.horizon_end_date,
        establishments.siret,
        establishments.siren,
        establishments.code_agence,
        establishments.code_region,
        establishments.code_departement,
        establishments.naf_division,
        establishments.tranche_effectifs,
        establishments.headcount_estimate,
        establishments.created_date
    from establishments
    cross join anchors
    where
        establishments.created_date < anchors.anchor_date
        and (establishments.closed_date is null or establishments.closed_date >= anchors.anchor_date)
),

own_hires as (
    select
        population.anchor_name,
        population.siret,
        {%- for lag in range(1, lags + 1) %}
        -- counted hires of the complete half-year {{ lag }} before the anchor, known at the anchor
            sum(case
                when
                    hires.declared_at < population.anchor_date
                    and hires.hire_date >= {{ dbt.dateadd('month', -6 * lag, 'population.anchor_date') }}
                    and hires.hire_date < {{ dbt.dateadd('month', -6 * (lag - 1), 'population.anchor_date') }}
                    then 1
                else 0
            end) as hires_lag_{{ lag }},
        {%- endfor %}
        sum(case
            when
                hires.declared_at < population.anchor_date and hires.is_durable_hire
                and hires.hire_date >= {{ dbt.dateadd('month', -12, 'population.anchor_date') }}
                and hires.hire_date < population.anchor_date
                then 1
            else 0
        end) as durable_hires_12_months,
        max(case
            when hires.declared_at < population.anchor_date and hires.hire_date < population.anchor_date
                then hires.hire_date
        end) as last_hire_date,
        -- the target the models learn: hires of the half-year after the anchor, as known at baseline
        sum(case
            when
                hires.declared_at < {{ calendar_bound('baseline') }}
                and hires.hire_date between population.anchor_date and population.horizon_end_date
                then 1
            else 0
        end) as next_half_year_hires_known,
        -- the truth validation judges on: every declaration
        sum(case
            when hires.hire_date between population.anchor_date and population.horizon_end_date
                then 1
            else 0
        end) as next_half_year_hires
    from population
    left join hires on population.siret = hires.siret
    group by population.anchor_name, population.siret
),

own_contacts as (
    -- offers posted (3 and 12 months) and counsellor actions (6 months) before the anchor
    select
        population.anchor_name,
        population.siret,
        sum(case
            when contacts.kind = 'offer' and contacts.event_date >= {{ dbt.dateadd('month', -3, 'population.anchor_date') }}
                then 1
            else 0
        end) as offers_3_months,
        sum(case when contacts.kind = 'offer' then 1 else 0 end) as offers_12_months,
        sum(case
            when contacts.kind = 'action' and contacts.event_date >= {{ dbt.dateadd('month', -6, 'population.anchor_date') }}
                then 1
            else 0
        end) as counsellor_actions_6_months
    from population
    left join contacts
        on
            population.siret = contacts.siret
            and contacts.event_date >= {{ dbt.dateadd('month', -12, 'population.anchor_date') }}
            and population.anchor_date > contacts.event_date
    group by population.anchor_name, population.siret
),

firms as (
    select
        population.*,
        cast(bands.lower_bound as {{ type_double() }}) as band_lower_bound,
        {%- for lag in range(1, lags + 1) %}
            cast(own_hires.hires_lag_{{ lag }} as {{ type_double() }}) as hires_lag_{{ lag }},
        {%- endfor %}
        cast(own_hires.hires_lag_1 + own_hires.hires_lag_2 as {{ type_double() }}) as hires_12_months,
        cast(own_hires.hires_lag_3 + own_hires.hires_lag_4 as {{ type_double() }}) as hires_12_to_24_months,
        cast(own_hires.durable_hires_12_months as {{ type_double() }}) as durable_hires_12_months,
        cast({{ dbt.datediff('own_hires.last_hire_date', 'population.anchor_date', 'day') }} as {{ type_double() }})
            as days_since_last_hire,
        cast({{ dbt.datediff('population.created_date', 'population.anchor_date', 'day') }} as {{ type_double() }})
        / 365.25 as age_years,
        cast(own_contacts.offers_3_months as {{ type_double() }}) as offers_3_months,
        cast(own_contacts.offers_12_months as {{ type_double() }}) as offers_12_months,
        cast(own_contacts.counsellor_actions_6_months as {{ type_double() }}) as counsellor_actions_6_months,
        cast(own_hires.next_half_year_hires_known as {{ type_double() }}) as next_half_year_hires_known,
        cast(own_hires.next_half_year_hires as {{ type_double() }}) as next_half_year_hires
    from population
    inner join bands on population.tranche_effectifs = bands.tranche_effectifs
    inner join own_hires
        on population.anchor_name = own_hires.anchor_name and population.siret = own_hires.siret
    inner join own_contacts
        on population.anchor_name = own_contacts.anchor_name and population.siret = own_contacts.siret
),

with_neighbours as (
    -- the firm's siblings (same legal unit) and comparables (same département, division and band),
    -- the firm itself left out; the level (hires per firm in the last half-year) and momentum
    -- (hires of the last 12 months over the 12 before) of its sector, département and agency
    select
        *,
        cast(count(*) over siblings - 1 as {{ type_double() }}) as n_siblings,
        sum(hires_12_months) over siblings - hires_12_months as sibling_hires_12_months,
        cast(count(*) over comparables - 1 as {{ type_double() }}) as n_comparables,
        (sum(hires_12_months) over comparables - hires_12_months)
        / nullif(count(*) over comparables - 1, 0) as comparable_hires_12_months,
        sum(hires_12_months) over sector / nullif(sum(headcount_estimate) over sector, 0)
            as sector_hiring_rate_12_months,
        avg(hires_lag_1) over sector as sector_hires_last_half_year,
        (sum(hires_12_months) over sector + 1) / (sum(hires_12_to_24_months) over sector + 1)
            as sector_hiring_momentum,
        avg(hires_lag_1) over departement as departement_hires_last_half_year,
        (sum(hires_12_months) over departement + 1) / (sum(hires_12_to_24_months) over departement + 1)
            as departement_hiring_momentum,
        avg(hires_lag_1) over agence as agence_hires_last_half_year,
        (sum(hires_12_months) over agence + 1) / (sum(hires_12_to_24_months) over agence + 1)
            as agence_hiring_momentum
    from firms
    window
        siblings as (partition by anchor_name, siren),
        comparables as (partition by anchor_name, code_departement, naf_division, tranche_effectifs),
        sector as (partition by anchor_name, code_region, naf_division),
        departement as (partition by anchor_name, code_departement),
        agence as (partition by anchor_name, code_agence)
)

select * from with_neighbours
