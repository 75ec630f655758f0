-- Eligibility for the small-firm experiment, decided on the situation at the baseline date.
with

establishments as (
    select * from {{ ref('int_establishments_enriched') }}
),

experiment_regions as (
    select code_region from {{ ref('experiment_regions') }}
),

flagged as (
    select
        establishments.*,
        (
            establishments.created_date < {{ calendar_bound('baseline') }}
            and (
                establishments.closed_date is null
                or establishments.closed_date >= {{ calendar_bound('baseline') }}
            )
        ) as is_active_at_baseline,
        experiment_regions.code_region is not null as is_in_experiment_region
    from establishments
    left join experiment_regions on establishments.code_region = experiment_regions.code_region
),

eligible as (
    select
        *,
        (
            is_active_at_baseline
            and is_in_experiment_region
            and is_small_band
            and is_legal_unit_small_band
        ) as is_eligible
    from flagged
)

select * from eligible
