-- One row per experiment × unit of its pilot and control cohorts: what the evaluation needs to know
-- about a unit besides its outcomes (the cluster its assignment was made on, the agency pair it was
-- drawn in, its subgroups, whether it was contacted).
with

small_firms as (
    select * from {{ ref('int_small_firms_assigned') }}
),

large_recruiters as (
    select * from {{ ref('int_large_recruiters_assigned') }}
),

pilot_agencies as (
    select * from {{ ref('pilot_agencies') }}
),

sector_terciles as (
    -- the cohorts' sector hiring rates cut in thirds (pre-registered segments, known at baseline)
    select
        percentile_cont(1.0 / 3) within group (order by sector_hiring_rate) as first_cut,
        percentile_cont(2.0 / 3) within group (order by sector_hiring_rate) as second_cut
    from small_firms
),

units as (
    select
        'small_firms' as experiment,
        small_firms.siret as unit_id,
        small_firms.cohort,
        -- assignment is by agency: the agency is the cluster, its pair the randomization stratum
        small_firms.code_agence as cluster_id,
        small_firms.pilot_agency_code as pair_id,
        -- the block randomization inference swaps as one: a region's two agglomeration pairs
        -- share an urban area (pilots and comparisons alike), its rural pair is a block alone
        {{ dbt.concat(['pilot_agencies.code_region', "'-'", 'pilot_agencies.role']) }} as block_id,
        small_firms.code_region,
        small_firms.type_territoire,
        small_firms.is_contacted,
        -- the pre-registered segments of the heterogeneous effects
        small_firms.is_priority_prospect,
        case
            when small_firms.sector_hiring_rate <= sector_terciles.first_cut then 1
            when small_firms.sector_hiring_rate <= sector_terciles.second_cut then 2
            else 3
        end as sector_rate_tercile,
        small_firms.tranche_effectifs
    from small_firms
    inner join pilot_agencies on small_firms.pilot_agency_code = pilot_agencies.code_agence
    cross join sector_terciles
    union all
    select
        'large_recruiters' as experiment,
        siren as unit_id,
        cohort,
        -- assignment is by firm: each legal unit is its own cluster
        siren as cluster_id,
        cast(null as {{ dbt.type_string() }}) as pair_id,
        cast(null as {{ dbt.type_string() }}) as block_id,
        cast(null as {{ dbt.type_string() }}) as code_region,
        cast(null as {{ dbt.type_string() }}) as type_territoire,
        cast(null as boolean) as is_contacted,
        cast(null as boolean) as is_priority_prospect,
        cast(null as integer) as sector_rate_tercile,
        cast(null as {{ dbt.type_string() }}) as tranche_effectifs
    from large_recruiters
)

select * from units
