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

units as (
    select
        'small_firms' as experiment,
        siret as unit_id,
        cohort,
        -- assignment is by agency: the agency is the cluster, its pair the randomization stratum
        code_agence as cluster_id,
        pilot_agency_code as pair_id,
        code_region,
        type_territoire,
        is_treated as is_contacted
    from small_firms
    union all
    select
        'large_recruiters' as experiment,
        siren as unit_id,
        cohort,
        -- assignment is by firm: each legal unit is its own cluster
        siren as cluster_id,
        cast(null as {{ dbt.type_string() }}) as pair_id,
        cast(null as {{ dbt.type_string() }}) as code_region,
        cast(null as {{ dbt.type_string() }}) as type_territoire,
        cast(null as boolean) as is_contacted
    from large_recruiters
)

select * from units
