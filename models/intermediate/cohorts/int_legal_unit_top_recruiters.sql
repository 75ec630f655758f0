-- Legal units of 50 employees or more ranked by the offers their establishments of the experiment
-- regions closed as filled through the service in the look-back window; the top N (var
-- top_recruiters_n) are the large-recruiter experiment's population. Ties: smallest SIREN first.
with

establishments as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
    where is_in_experiment_region
),

offers as (
    select * from {{ ref('stg_pole_emploi__job_offers') }}
    where
        is_filled_by_service
        and closed_date between {{ calendar_bound('lookback', 'start') }} and {{ calendar_bound('lookback', 'end') }}
),

legal_units as (
    select * from {{ ref('stg_sirene__legal_units') }}
),

bands as (
    select * from {{ ref('headcount_bands') }}
),

filled as (
    select
        establishments.siren,
        count(*) as lookback_offers_filled,
        -- each half of the window: regional services enrolled firms on recent growth, so the
        -- doubly robust estimate needs the trend, not only the level
        sum(case
            when offers.closed_date < {{ dbt.dateadd('month', 6, calendar_bound('lookback', 'start')) }}
                then 1
            else 0
        end) as lookback_offers_filled_first_half
    from offers
    inner join establishments on offers.siret = establishments.siret
    group by establishments.siren
),

large_units as (
    select
        legal_units.siren,
        legal_units.tranche_effectifs_ul,
        filled.lookback_offers_filled,
        cast(filled.lookback_offers_filled_first_half as bigint) as lookback_offers_filled_first_half
    from legal_units
    inner join bands on legal_units.tranche_effectifs_ul = bands.tranche_effectifs
    inner join filled on legal_units.siren = filled.siren
    where bands.is_large_recruiter_band
),

ranked as (
    select
        *,
        -- bigint on every engine (Spark's row_number is a 4-byte int)
        cast(row_number() over (order by lookback_offers_filled desc, siren asc) as bigint) as recruiter_rank
    from large_units
)

select * from ranked
