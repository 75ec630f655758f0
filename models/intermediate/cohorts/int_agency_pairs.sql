-- Comparison agency of each pilot agency. Admissible: same region, same territory type (rural ↔
-- rural, agglomeration ↔ urbain), not a pilot agency, not in the urban area of a pilot agency. Within
-- each region × territory cell, the assignment (each comparison agency used once) that minimises the
-- sum of Euclidean distances between z-scored profiles; ties go to the smallest comparison codes.
-- Assignments are enumerated by a recursive CTE, one pilot agency (in code order) per step.
with recursive

pilots as (
    select
        pilot_agencies.code_agence as pilot_agency_code,
        pilot_agencies.code_region,
        case pilot_agencies.role when 'rural' then 'rural' else 'urbain' end as type_territoire,
        profiles.code_agglomeration
    from {{ ref('pilot_agencies') }} as pilot_agencies
    left join {{ ref('int_agency_profiles') }} as profiles
        on pilot_agencies.code_agence = profiles.code_agence
),

profiles as (
    select * from {{ ref('int_agency_profiles') }}
),

numbered_pilots as (
    select
        pilots.*,
        pilots.code_region || '-' || pilots.type_territoire as cell,
        row_number() over (
            partition by pilots.code_region, pilots.type_territoire order by pilots.pilot_agency_code
        ) as pilot_order,
        count(*) over (partition by pilots.code_region, pilots.type_territoire) as cell_pilots
    from pilots
),

candidates as (
    select
        numbered_pilots.cell,
        numbered_pilots.pilot_order,
        numbered_pilots.pilot_agency_code,
        candidate.code_agence as comparison_agency_code,
        sqrt(
            power(candidate.z_log_prospects - pilot.z_log_prospects, 2)
            + power(candidate.z_high_hiring_share - pilot.z_high_hiring_share, 2)
            + power(candidate.z_lookback_hiring_rate - pilot.z_lookback_hiring_rate, 2)
        ) as profile_distance
    from numbered_pilots
    inner join profiles as pilot on numbered_pilots.pilot_agency_code = pilot.code_agence
    inner join profiles as candidate
        on
            numbered_pilots.code_region = candidate.code_region
            and numbered_pilots.type_territoire = candidate.type_territoire
    where
        candidate.code_agence not in (select pilots.pilot_agency_code from pilots)
        and coalesce(candidate.code_agglomeration, '') not in (
            select pilots.code_agglomeration from pilots
            where pilots.code_agglomeration is not null
        )
),

assignments (cell, n_assigned, used_codes, assignment_path, total_distance) as (
    select distinct
        cell,
        0 as n_assigned,
        cast('|' as {{ dbt.type_string() }}) as used_codes,
        cast('' as {{ dbt.type_string() }}) as assignment_path,
        cast(0 as {{ type_double() }}) as total_distance
    from numbered_pilots
    union all
    select
        assignments.cell,
        assignments.n_assigned + 1 as n_assigned,
        assignments.used_codes || candidates.comparison_agency_code || '|' as used_codes,
        assignments.assignment_path || candidates.pilot_agency_code || '>' || candidates.comparison_agency_code || ';'
            as assignment_path,
        assignments.total_distance + candidates.profile_distance as total_distance
    from assignments
    inner join candidates
        on
            assignments.cell = candidates.cell
            and candidates.pilot_order = assignments.n_assigned + 1
    where {{ dbt.position("'|' || candidates.comparison_agency_code || '|'", 'assignments.used_codes') }} = 0
),

cells as (
    select distinct
        cell,
        cell_pilots
    from numbered_pilots
),

complete as (
    select
        assignments.cell,
        assignments.assignment_path,
        assignments.total_distance,
        row_number() over (
            partition by assignments.cell
            -- rounding makes equal sums tie exactly; the path then orders comparison codes
            order by {{ round_double("assignments.total_distance", 9) }} asc, assignments.assignment_path asc
        ) as assignment_rank
    from assignments
    inner join cells
        on assignments.cell = cells.cell and assignments.n_assigned = cells.cell_pilots
),

chosen as (
    select
        candidates.pilot_agency_code,
        candidates.comparison_agency_code,
        candidates.profile_distance,
        complete.total_distance as cell_total_distance
    from complete
    inner join candidates
        on
            complete.cell = candidates.cell
            and {{ dbt.position("candidates.pilot_agency_code || '>' || candidates.comparison_agency_code || ';'", 'complete.assignment_path') }} > 0
    where complete.assignment_rank = 1
),

paired as (
    select
        pilots.pilot_agency_code,
        chosen.comparison_agency_code,
        pilots.code_region,
        pilots.type_territoire,
        chosen.profile_distance,
        chosen.cell_total_distance
    from pilots
    left join chosen on pilots.pilot_agency_code = chosen.pilot_agency_code
),

checked as (
    -- no admissible partner stops the build, naming the pilot agency
    select *
    from paired
    where
        coalesce(
            cast(
                case
                    when comparison_agency_code is null
                        then {{ raise_error("'pilot agency ' || pilot_agency_code || ' has no admissible comparison agency (same region and territory type, not a pilot, outside pilot urban areas, each used once)'") }}
                end as {{ dbt.type_string() }}
            ),
            'ok'
        ) = 'ok'
)

select * from checked
