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
        establishments.siret,
        establishments.siren,
        establishments.code_commune,
        establishments.code_departement,
        establishments.code_agence,
        establishments.code_region,
        establishments.type_territoire,
        establishments.code_agglomeration,
        establishments.naf_code,
        establishments.naf_division,
        establishments.naf_section,
        establishments.tranche_effectifs,
        establishments.tranche_effectifs_ul,
        establishments.headcount_estimate,
        establishments.has_known_band,
        establishments.is_small_band,
        establishments.is_legal_unit_small_band,
        establishments.is_legal_unit_large_band,
        establishments.created_date,
        establishments.closed_date,
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
        siret,
        siren,
        code_commune,
        code_departement,
        code_agence,
        code_region,
        type_territoire,
        code_agglomeration,
        naf_code,
        naf_division,
        naf_section,
        tranche_effectifs,
        tranche_effectifs_ul,
        headcount_estimate,
        has_known_band,
        is_small_band,
        is_legal_unit_small_band,
        is_legal_unit_large_band,
        created_date,
        closed_date,
        is_active_at_baseline,
        is_in_experiment_region,
        (
            is_active_at_baseline
            and is_in_experiment_region
            and is_small_band
            and is_legal_unit_small_band
        ) as is_eligible
    from flagged
)

select * from eligible
