-- Per ranking method × population: the population's firms and hires, the Spearman rank correlation
-- of the ranking with first-pilot-half-year hires and the lift of the top decile (its share of the
-- hires over its share of the firms; 1 for chance). The top decile is the first point of the
-- capture curve, var `validation_top_share`.
with

curves as (
    select * from {{ ref('score_validation') }}
),

populations as (
    select * from {{ ref('int_score_validation_ranked_firms') }}
),

population_totals as (
    select
        population,
        count(*) as n_firms,
        sum(truth_hires) as total_hires
    from populations
    group by population
),

values_long as (
    select
        population,
        'prospect_score' as method,  -- noqa: RF04
        truth_hires,
        cast(prospect_score as {{ type_double() }}) as ranking_value
    from populations
    union all
    select
        population,
        'sector_rate' as method,  -- noqa: RF04
        truth_hires,
        cast(sector_rate as {{ type_double() }}) as ranking_value
    from populations
    union all
    select
        population,
        'lbb_style' as method,  -- noqa: RF04
        truth_hires,
        cast(lbb_style as {{ type_double() }}) as ranking_value
    from populations
),

ranks as (
    -- average ranks, so that ties count as Spearman's coefficient wants
    select
        population,
        method,
        rank() over (partition by population, method order by ranking_value asc)
        + (count(*) over (partition by population, method, ranking_value) - 1) / 2.0 as value_rank,
        rank() over (partition by population, method order by truth_hires asc)
        + (count(*) over (partition by population, method, truth_hires) - 1) / 2.0 as hires_rank
    from values_long
),

correlations as (
    select
        population,
        method,
        -- 10 decimals: a parallel corr() moves the last bits from one build to the next
        round(corr(value_rank, hires_rank), 10) as spearman_rank_correlation
    from ranks
    group by population, method
),

top_decile as (
    select
        method,
        population,
        hires_captured_share / (cast(n_top_firms as {{ type_double() }}) / n_firms) as top_decile_lift
    from curves
    where abs(top_share - {{ var('validation_top_share') }}) < 1e-9
),

final as (
    select
        top_decile.method,
        top_decile.population,
        cast(population_totals.n_firms as bigint) as n_firms,
        cast(population_totals.total_hires as {{ type_double() }}) as total_hires,
        -- random: 0 in expectation, by construction; not estimated
        cast(correlations.spearman_rank_correlation as {{ type_double() }}) as spearman_rank_correlation,
        cast(top_decile.top_decile_lift as {{ type_double() }}) as top_decile_lift
    from top_decile
    inner join population_totals
        on top_decile.population = population_totals.population
    left join correlations
        on top_decile.population = correlations.population and top_decile.method = correlations.method
)

select * from final
