with

pairs as (
    select * from {{ ref('int_agency_pairs') }}
),

published as (
    select
        pilot_agency_code,
        comparison_agency_code,
        code_region,
        type_territoire,
        profile_distance,
        cell_total_distance
    from pairs
)

select * from published
