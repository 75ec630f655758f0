-- Counted hires of every establishment in the 12-month look-back window (0 when it hired nobody), as
-- known at the baseline: declared before it. They decide targeting and the cohorts, so a late
-- declaration of an old hire, filed during the pilot, moves no firm.
with

establishments as (
    select siret from {{ ref('stg_sirene__establishments') }}
),

hires as (
    select * from {{ ref('int_hires_counted') }}
    where
        hire_date between {{ calendar_bound('lookback', 'start') }} and {{ calendar_bound('lookback', 'end') }}
        and declared_at < {{ calendar_bound('baseline') }}
),

per_establishment as (
    select
        siret,
        count(*) as lookback_hires,
        cast(sum(case when is_durable_hire then 1 else 0 end) as bigint) as lookback_durable_hires
    from hires
    group by siret
),

zero_filled as (
    select
        establishments.siret,
        cast(coalesce(per_establishment.lookback_hires, 0) as bigint) as lookback_hires,
        cast(coalesce(per_establishment.lookback_durable_hires, 0) as bigint) as lookback_durable_hires
    from establishments
    left join per_establishment on establishments.siret = per_establishment.siret
)

select * from zero_filled
