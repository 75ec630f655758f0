-- Capture curves: per ranking method × validation population, the share of first-pilot-half-year
-- hires made by the top 10 %, 20 %, … 100 % of each list (step: var `validation_top_share`). Tied
-- firms share the cut: the top k firms take every tie group above the cut and, from the group the
-- cut splits, its hires pro rata (the expectation over random orders of the ties). So `random`,
-- which ties every firm, is exactly the diagonal. `agency_lists` cuts each agency's list apart.
{%- set top_share = var('validation_top_share') | float %}
{%- set steps = (1 / top_share) | round | int %}
{%- if steps < 1 or (steps * top_share - 1) | abs > 1e-9 %}
    {{ exceptions.raise_compiler_error("var validation_top_share must be 1 / n, got " ~ top_share) }}
{%- endif %}
with

tie_groups as (
    select * from {{ ref('int_score_validation_tie_groups') }}
    where list_kind = 'curve'
),

lists as (
    select distinct
        population,
        method,
        list_key,
        n_list_firms,
        list_hires
    from tie_groups
),

top_shares as (
    -- by step number, so that the top size is computed from integers (0.3 × 100 is not 30 in floats)
    select cast(generated_number as integer) as step
    from ({{ dbt.generate_series(steps) }}) as series
),

cuts as (
    select
        lists.population,
        lists.method,
        lists.list_key,
        lists.n_list_firms,
        lists.list_hires,
        top_shares.step,
        cast(ceiling(cast(top_shares.step * lists.n_list_firms as {{ type_double() }}) / {{ steps }}) as bigint)
            as n_top_firms
    from lists
    cross join top_shares
),

captured as (
    select
        cuts.population,
        cuts.method,
        cuts.step,
        cuts.n_list_firms,
        cuts.n_top_firms,
        cuts.list_hires,
        tie_groups.hires_before
        + (cuts.n_top_firms - tie_groups.firms_before) * tie_groups.group_hires
        / cast(tie_groups.group_firms as {{ type_double() }}) as top_hires
    from cuts
    inner join tie_groups
        on
            cuts.population = tie_groups.population
            and cuts.method = tie_groups.method
            and cuts.list_key = tie_groups.list_key
            and cuts.n_top_firms > tie_groups.firms_before
            and cuts.n_top_firms <= tie_groups.firms_before + tie_groups.group_firms
),

final as (
    select
        method,
        population,
        cast(cast(step as {{ type_double() }}) / {{ steps }} as {{ type_double() }}) as top_share,
        cast(sum(n_list_firms) as bigint) as n_firms,
        cast(sum(n_top_firms) as bigint) as n_top_firms,
        cast(sum(top_hires) / nullif(sum(list_hires), 0) as {{ type_double() }}) as hires_captured_share
    from captured
    group by method, population, step
)

select * from final
