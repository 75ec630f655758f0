-- Every comparison agency is in its pilot's region, of the matching territory type, not a pilot
-- agency, and outside every pilot agency's urban area. Returns the pairs that break a rule.
with

pairs as (
    select * from {{ ref('agency_pairs') }}
),

agencies as (
    select * from {{ ref('stg_pole_emploi__agencies') }}
),

pilots as (
    select
        pilot_agencies.code_agence,
        pilot_agencies.code_region,
        pilot_agencies.role,
        agencies.code_agglomeration
    from {{ ref('pilot_agencies') }} as pilot_agencies
    left join agencies on pilot_agencies.code_agence = agencies.code_agence
),

checked as (
    select
        pairs.pilot_agency_code,
        pairs.comparison_agency_code,
        comparison.code_region = pilots.code_region as is_same_region,
        comparison.type_territoire = case when pilots.role = 'rural' then 'rural' else 'urbain' end
            as is_same_type,
        pairs.comparison_agency_code not in (
            select pilot_codes.code_agence from pilots as pilot_codes
        ) as is_not_pilot,
        coalesce(comparison.code_agglomeration, '') not in (
            select pilot_areas.code_agglomeration
            from pilots as pilot_areas
            where pilot_areas.code_agglomeration is not null
        ) as is_outside_pilot_areas
    from pairs
    inner join pilots on pairs.pilot_agency_code = pilots.code_agence
    left join agencies as comparison on pairs.comparison_agency_code = comparison.code_agence
)

select * from checked
where not (
    coalesce(is_same_region, false)
    and coalesce(is_same_type, false)
    and is_not_pilot
    and is_outside_pilot_areas
)
