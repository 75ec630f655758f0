-- The pilot cohort is exactly the prospects of the pilot agencies and the control cohort exactly the
-- prospects of their comparison agencies. Returns every firm that is in one set and not the other.
with

prospects as (
    select
        siret,
        code_agence
    from {{ ref('prospect_targeting') }}
    where is_prospect
),

pairs as (
    select * from {{ ref('agency_pairs') }}
),

expected as (
    select
        prospects.siret,
        'pilot' as cohort
    from prospects
    inner join pairs on prospects.code_agence = pairs.pilot_agency_code
    union all
    select
        prospects.siret,
        'control' as cohort
    from prospects
    inner join pairs on prospects.code_agence = pairs.comparison_agency_code
),

actual as (
    select
        siret,
        cohort
    from {{ ref('cohort_small_firms') }}
),

missing as (
    select
        expected.siret,
        expected.cohort,
        'expected, absent' as problem
    from expected
    left join actual on expected.siret = actual.siret and expected.cohort = actual.cohort
    where actual.siret is null
),

unexpected as (
    select
        actual.siret,
        actual.cohort,
        'present, not expected' as problem
    from actual
    left join expected on actual.siret = expected.siret and actual.cohort = expected.cohort
    where expected.siret is null
)

select * from missing
union all
select * from unexpected
