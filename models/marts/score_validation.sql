-- How well baseline rankings order eligible small firms of non-pilot agencies by their counted hires
-- in the pilot period: Spearman rank correlation and the lift of the top share of the list.
with

firms as (
    select * from {{ ref('prospect_targeting') }}
),

pilot_agencies as (
    select code_agence from {{ ref('pilot_agencies') }}
),

pilot_hires as (
    select * from {{ ref('int_establishment_period_hires') }}
    where period = 'pilot'
),

population as (
    select
        firms.siret,
        firms.hiring_potential_score,
        firms.sector_hiring_rate,
        cast(coalesce(pilot_hires.hires, 0) as {{ type_double() }}) as pilot_period_hires
    from firms
    left join pilot_agencies on firms.code_agence = pilot_agencies.code_agence
    left join pilot_hires on firms.siret = pilot_hires.siret
    where pilot_agencies.code_agence is null
),

rankings as (
    select
        'hiring_potential_score' as ranking_method,
        siret,
        hiring_potential_score as ranking_value,
        pilot_period_hires
    from population
    union all
    select
        'sector_hiring_rate' as ranking_method,
        siret,
        coalesce(sector_hiring_rate, 0) as ranking_value,
        pilot_period_hires
    from population
),

ranked as (
    select
        ranking_method,
        siret,
        ranking_value,
        pilot_period_hires,
        row_number() over (
            partition by ranking_method order by ranking_value desc, siret asc
        ) as list_position,
        count(*) over (partition by ranking_method) as n_firms,
        ceiling({{ var('validation_top_share') }} * count(*) over (partition by ranking_method)) as top_size,
        -- average ranks, so that ties count as Spearman's coefficient wants
        rank() over (partition by ranking_method order by ranking_value asc)
        + (count(*) over (partition by ranking_method, ranking_value) - 1) / 2.0 as value_rank,
        rank() over (partition by ranking_method order by pilot_period_hires asc)
        + (count(*) over (partition by ranking_method, pilot_period_hires) - 1) / 2.0 as hires_rank
    from rankings
),

summarised as (
    select
        ranking_method,
        max(n_firms) as n_firms,
        sum(pilot_period_hires) as total_pilot_hires,
        sum(case when list_position <= top_size then 1 else 0 end) as n_top_firms,
        sum(case when list_position <= top_size then pilot_period_hires else 0 end) as top_pilot_hires,
        corr(value_rank, hires_rank) as spearman_rank_correlation
    from ranked
    group by ranking_method
),

final as (
    select
        ranking_method,
        cast(n_firms as bigint) as n_firms,
        cast(n_top_firms as bigint) as n_top_firms,
        cast(total_pilot_hires as {{ type_double() }}) as total_pilot_hires,
        cast(top_pilot_hires as {{ type_double() }}) as top_pilot_hires,
        cast(top_pilot_hires / nullif(total_pilot_hires, 0) as {{ type_double() }}) as top_capture_share,
        -- a random list captures the top share of hires on average: lift 1
        cast(
            (top_pilot_hires / nullif(total_pilot_hires, 0))
            / (cast(n_top_firms as {{ type_double() }}) / n_firms) as {{ type_double() }}
        ) as top_lift,
        cast(spearman_rank_correlation as {{ type_double() }}) as spearman_rank_correlation
    from summarised
)

select * from final
