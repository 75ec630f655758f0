-- Hiring-potential score of each establishment active at baseline with a known band:
--   comparable cell = same NAF division, headcount band and department, the firm itself included:
--   left out, its own hires would lower its cell's rate, and the score would fall as the firm
--   hires more within its cell (targeting v2 removed that reversal; the score is a baseline now);
--   cell rate = the cell's look-back hires per head, shrunk toward the region × division rate with the
--   empirical-Bayes weight w = n / (n + k), n the number of comparable firms, k = var score_shrinkage_k;
--   expected hires = headcount estimate × shrunk rate; gap = expected − actual look-back hires.
with

establishments as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_active_at_baseline and has_known_band
),

lookback_hires as (
    select * from {{ ref('int_establishment_lookback_hires') }}
),

sectors as (
    select * from {{ ref('int_sector_hiring_rates') }}
),

firms as (
    select
        establishments.siret,
        establishments.code_region,
        establishments.code_departement,
        establishments.naf_division,
        establishments.tranche_effectifs,
        establishments.headcount_estimate,
        lookback_hires.lookback_hires
    from establishments
    inner join lookback_hires on establishments.siret = lookback_hires.siret
),

cells as (
    select
        code_departement,
        naf_division,
        tranche_effectifs,
        count(*) as cell_firms,
        sum(lookback_hires) as cell_hires,
        sum(headcount_estimate) as cell_headcount
    from firms
    group by code_departement, naf_division, tranche_effectifs
),

comparables as (
    select
        firms.*,
        cells.cell_firms as n_comparables,
        cells.cell_hires as comparable_hires,
        cells.cell_headcount as comparable_headcount
    from firms
    inner join cells
        on
            firms.code_departement = cells.code_departement
            and firms.naf_division = cells.naf_division
            and firms.tranche_effectifs = cells.tranche_effectifs
),

shrunk as (
    select
        comparables.*,
        sectors.sector_hiring_rate,
        cast(comparables.n_comparables as {{ type_double() }})
        / (comparables.n_comparables + {{ var('score_shrinkage_k') }}) as comparable_weight,
        case
            when comparables.comparable_headcount > 0
                then comparables.comparable_hires / comparables.comparable_headcount
        end as comparable_hiring_rate
    from comparables
    inner join sectors
        on
            comparables.code_region = sectors.code_region
            and comparables.naf_division = sectors.naf_division
),

scored as (
    select
        siret,
        n_comparables,
        comparable_weight,
        comparable_hiring_rate,
        sector_hiring_rate,
        headcount_estimate * (
            coalesce(comparable_weight * comparable_hiring_rate, 0)
            + (1 - case when comparable_hiring_rate is null then 0 else comparable_weight end)
            * coalesce(sector_hiring_rate, 0)
        ) as expected_lookback_hires,
        lookback_hires
    from shrunk
),

with_gap as (
    select
        *,
        expected_lookback_hires - lookback_hires as hiring_gap
    from scored
)

select * from with_gap
