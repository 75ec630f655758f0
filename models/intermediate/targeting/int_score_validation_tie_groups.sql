-- Each ranked list of score validation as its groups of tied firms, best first: per population ×
-- method × list (× agency for the capacity lists), the firms and hires of each group and of the
-- groups above it. A cut after k firms takes the groups above it and, pro rata, the group it splits:
-- the capture curves and the figures at capacity read this, not every firm.
with

ranked_firms as (
    select * from {{ ref('int_score_validation_ranked_firms') }}
),

lists as (
    -- the curves' lists (one per population, one per agency for `agency_lists`), and the lists at
    -- capacity: each agency's firms of the population
    select
        'curve' as list_kind,
        population,
        method,
        list_key,
        ranking_value,
        truth_hires
    from ranked_firms
    union all
    select
        'capacity' as list_kind,
        population,
        method,
        code_agence as list_key,
        ranking_value,
        truth_hires
    from ranked_firms
),

groups as (
    select
        list_kind,
        population,
        method,
        list_key,
        -- unscored firms (NULL) come after every scored firm, tied together
        case when ranking_value is null then 1 else 0 end as is_unscored,
        coalesce(ranking_value, 0) as ranking_value,
        count(*) as group_firms,
        sum(truth_hires) as group_hires,
        sum(case when truth_hires > 0 then 1 else 0 end) as group_hiring_firms
    from lists
    group by
        list_kind,
        population,
        method,
        list_key,
        case when ranking_value is null then 1 else 0 end,
        coalesce(ranking_value, 0)
),

accumulated as (
    select
        list_kind,
        population,
        method,
        list_key,
        is_unscored,
        ranking_value,
        group_firms,
        group_hires,
        group_hiring_firms,
        coalesce(sum(group_firms) over (
            partition by list_kind, population, method, list_key
            order by is_unscored asc, ranking_value desc
            rows between unbounded preceding and 1 preceding
        ), 0) as firms_before,
        coalesce(sum(group_hires) over (
            partition by list_kind, population, method, list_key
            order by is_unscored asc, ranking_value desc
            rows between unbounded preceding and 1 preceding
        ), 0) as hires_before,
        coalesce(sum(group_hiring_firms) over (
            partition by list_kind, population, method, list_key
            order by is_unscored asc, ranking_value desc
            rows between unbounded preceding and 1 preceding
        ), 0) as hiring_firms_before,
        sum(group_firms) over (partition by list_kind, population, method, list_key) as n_list_firms,
        sum(group_hires) over (partition by list_kind, population, method, list_key) as list_hires
    from groups
)

select * from accumulated
