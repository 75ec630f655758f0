-- Calibration by decile: per method that predicts next-six-month hires × validation population,
-- its scored firms in ten groups by predicted hires (1 = the highest tenth), and per group the
-- predicted and the observed first-pilot-half-year hires. A calibrated score has a ratio near 1 in
-- every decile, not only in total.
with

ranked_firms as (
    select * from {{ ref('int_score_validation_ranked_firms') }}
    where predicted_hires is not null and population <> 'agency_lists'
),

deciles as (
    select
        population,
        method,
        predicted_hires,
        truth_hires,
        ntile(10) over (
            partition by population, method order by predicted_hires desc, siret asc
        ) as decile
    from ranked_firms
),

final as (
    select
        method,
        population,
        cast(decile as bigint) as decile,
        cast(count(*) as bigint) as n_firms,
        cast(sum(predicted_hires) as {{ type_double() }}) as predicted_hires,
        cast(sum(truth_hires) as {{ type_double() }}) as observed_hires,
        cast(sum(predicted_hires) / nullif(sum(truth_hires), 0) as {{ type_double() }})
            as predicted_observed_ratio
    from deciles
    group by method, population, decile
)

select * from final
