-- One row per validation population × eligible small firm of a non-pilot agency (no treatment
-- contamination): the three ranking values and the truth, first-pilot-half-year counted hires.
-- Populations: all eligible firms, the non-recruiters (no counted hire in the look-back window),
-- the prospects.
with

population as (
    select * from {{ ref('int_score_validation_population') }}
    where not is_pilot_agency
),

lbb as (
    select * from {{ ref('int_establishment_lbb_predictions') }}
),

scored as (
    select
        population.siret,
        population.is_prospect,
        population.is_non_recruiter,
        population.hires_pilot_half_year_1 as truth_hires,
        -- rounded: these doubles come from parallel sums whose last bits vary between builds, and a
        -- last-bit difference would reorder near-ties, so two builds would rank differently
        round(cast(population.hiring_potential_score as {{ type_double() }}), 10) as prospect_score,
        round(cast(coalesce(population.sector_hiring_rate, 0) as {{ type_double() }}), 10) as sector_rate,
        round(cast(lbb.lbb_prediction as {{ type_double() }}), 10) as lbb_style
    from population
    left join lbb on population.siret = lbb.siret
),

populations as (
    select
        'all_eligible' as population,
        siret,
        is_prospect,
        is_non_recruiter,
        truth_hires,
        prospect_score,
        sector_rate,
        lbb_style
    from scored
    union all
    select
        'non_recruiters' as population,
        siret,
        is_prospect,
        is_non_recruiter,
        truth_hires,
        prospect_score,
        sector_rate,
        lbb_style
    from scored
    where is_non_recruiter
    union all
    select
        'prospects' as population,
        siret,
        is_prospect,
        is_non_recruiter,
        truth_hires,
        prospect_score,
        sector_rate,
        lbb_style
    from scored
    where is_prospect
)

select * from populations
