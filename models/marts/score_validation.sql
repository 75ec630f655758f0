-- Capture curves of four rankings of the eligible small firms of non-pilot agencies: the share of
-- first-pilot-half-year hires made by the top 10 %, 20 %, … 100 % of each list, per population.
-- The curve's step is var `validation_top_share`; `random` averages var `validation_random_draws`
-- seeded orders.
{%- set top_share = var('validation_top_share') | float %}
{%- set steps = (1 / top_share) | round | int %}
{%- if steps < 1 or (steps * top_share - 1) | abs > 1e-9 %}
    {{ exceptions.raise_compiler_error("var validation_top_share must be 1 / n, got " ~ top_share) }}
{%- endif %}
with

populations as (
    select * from {{ ref('int_score_validation_ranked_firms') }}
),

draws as (
    select cast(generated_number as integer) as draw
    from ({{ dbt.generate_series(var('validation_random_draws') | int) }}) as series
),

top_shares as (
    -- by step number, so that the top size is computed from integers (0.3 × 100 is not 30 in floats)
    select
        cast(generated_number as integer) as step,
        cast(generated_number as {{ type_double() }}) / {{ steps }} as top_share
    from ({{ dbt.generate_series(steps) }}) as series
),

rankings as (
    select
        population,
        'prospect_score' as method,  -- noqa: RF04
        0 as draw,
        siret,
        truth_hires,
        cast(prospect_score as {{ type_double() }}) as ranking_value,
        cast(null as {{ dbt.type_string() }}) as ranking_key
    from populations
    union all
    select
        population,
        'sector_rate' as method,  -- noqa: RF04
        0 as draw,
        siret,
        truth_hires,
        cast(sector_rate as {{ type_double() }}) as ranking_value,
        cast(null as {{ dbt.type_string() }}) as ranking_key
    from populations
    union all
    select
        population,
        'lbb_style' as method,  -- noqa: RF04
        0 as draw,
        siret,
        truth_hires,
        cast(lbb_style as {{ type_double() }}) as ranking_value,
        cast(null as {{ dbt.type_string() }}) as ranking_key
    from populations
    union all
    -- a seeded random order: the hash of the seed, the draw number and the firm
    select
        populations.population,
        'random' as method,  -- noqa: RF04
        draws.draw,
        populations.siret,
        populations.truth_hires,
        cast(0 as {{ type_double() }}) as ranking_value,
        {{ dbt.hash(dbt.concat([
            "'" ~ var('validation_random_seed') ~ "-'",
            dbt.cast('draws.draw', dbt.type_string()),
            "'-'",
            'populations.siret',
        ])) }} as ranking_key
    from populations
    cross join draws
),

ranked as (
    select
        population,
        method,
        draw,
        truth_hires,
        row_number() over (
            partition by population, method, draw
            order by ranking_value desc, ranking_key asc, siret asc
        ) as list_position,
        count(*) over (partition by population, method, draw) as n_firms,
        sum(truth_hires) over (partition by population, method, draw) as total_hires,
        sum(truth_hires) over (
            partition by population, method, draw
            order by ranking_value desc, ranking_key asc, siret asc
            rows between unbounded preceding and current row
        ) as cumulative_hires
    from rankings
),

curve_points as (
    select
        ranked.population,
        ranked.method,
        ranked.draw,
        top_shares.top_share,
        ranked.n_firms,
        ranked.list_position as n_top_firms,
        ranked.cumulative_hires / nullif(ranked.total_hires, 0) as hires_captured_share
    from ranked
    inner join top_shares
        on ranked.list_position = cast(
            ceiling(cast(top_shares.step * ranked.n_firms as {{ type_double() }}) / {{ steps }}) as bigint
        )
),

averaged as (
    select
        method,
        population,
        top_share,
        max(n_firms) as n_firms,
        max(n_top_firms) as n_top_firms,
        -- random: the average over the seeded draws; the other methods have one draw
        avg(hires_captured_share) as hires_captured_share
    from curve_points
    group by method, population, top_share
),

final as (
    select
        method,
        population,
        cast(top_share as {{ type_double() }}) as top_share,
        cast(n_firms as bigint) as n_firms,
        cast(n_top_firms as bigint) as n_top_firms,
        cast(hires_captured_share as {{ type_double() }}) as hires_captured_share
    from averaged
)

select * from final
