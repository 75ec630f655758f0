-- Capture curves of four rankings of the eligible small firms of non-pilot agencies: the share of
-- first-pilot-half-year hires made by the top 10 %, 20 %, … 100 % of each list, per population.
with

populations as (
    select * from {{ ref('int_score_validation_ranked_firms') }}
),

digits as (
    select 0 as digit
    union all
    select 1
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5
    union all
    select 6
    union all
    select 7
    union all
    select 8
    union all
    select 9
),

draws as (
    select tens.digit * 10 + units.digit + 1 as draw
    from digits as tens
    cross join digits as units
    where tens.digit * 10 + units.digit < {{ var('validation_random_draws') }}
),

top_shares as (
    -- in tenths, so that the top size is computed in integers (0.3 × 100 is not 30 in floats)
    select
        digit + 1 as tenths,
        cast(digit + 1 as {{ type_double() }}) / 10 as top_share
    from digits
),

rankings as (
    select
        population,
        'prospect_score' as method,  -- noqa: RF04
        0 as draw,
        siret,
        truth_hires,
        cast(prospect_score as {{ type_double() }}) as ranking_value,
        cast(null as varchar) as ranking_key
    from populations
    union all
    select
        population,
        'sector_rate' as method,  -- noqa: RF04
        0 as draw,
        siret,
        truth_hires,
        cast(sector_rate as {{ type_double() }}) as ranking_value,
        cast(null as varchar) as ranking_key
    from populations
    union all
    select
        population,
        'lbb_style' as method,  -- noqa: RF04
        0 as draw,
        siret,
        truth_hires,
        cast(lbb_style as {{ type_double() }}) as ranking_value,
        cast(null as varchar) as ranking_key
    from populations
    union all
    -- a seeded random order: the hash of the firm and the draw number
    select
        populations.population,
        'random' as method,  -- noqa: RF04
        draws.draw,
        populations.siret,
        populations.truth_hires,
        cast(0 as {{ type_double() }}) as ranking_value,
        {{ dbt.hash(dbt.concat(['populations.siret', "'-'", dbt.cast('draws.draw', dbt.type_string())])) }} as ranking_key
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
        on ranked.list_position = cast(ceiling(top_shares.tenths * ranked.n_firms / 10.0) as bigint)
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
