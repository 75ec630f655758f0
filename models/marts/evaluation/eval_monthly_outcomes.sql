-- Monthly outcomes of each experiment's cohorts around the baseline, for the pilot-vs-control plot:
-- totals and means per unit, with the publishing rule applied to each month's cell.
with

monthly as (
    select * from {{ ref('int_unit_month_outcomes') }}
),

cells as (
    select
        experiment,
        cohort,
        month_start,
        months_from_pilot_start,
        period,
        count(*) as n_units,
        sum(hires) as hires,
        sum(furthest_jobseeker_hires) as furthest_jobseeker_hires,
        sum(case when any_hire then 1 else 0 end) as units_hiring,
        cast(max(hires) as {{ type_double() }}) / nullif(sum(hires), 0) as largest_hires_share,
        cast(max(furthest_jobseeker_hires) as {{ type_double() }})
        / nullif(sum(furthest_jobseeker_hires), 0) as largest_furthest_share
    from monthly
    group by experiment, cohort, month_start, months_from_pilot_start, period
),

flagged as (
    select
        *,
        {{ is_disclosive('n_units', 'largest_hires_share') }}
        or {{ is_disclosive('n_units', 'largest_furthest_share') }} as is_suppressed
    from cells
),

published as (
    select
        experiment,
        cohort,
        month_start,
        cast(months_from_pilot_start as integer) as months_from_pilot_start,
        period,
        cast(n_units as bigint) as n_units,
        cast(case when not is_suppressed then hires end as bigint) as hires,
        case when not is_suppressed then cast(hires as {{ type_double() }}) / n_units end
            as hires_per_unit,
        case when not is_suppressed then cast(units_hiring as {{ type_double() }}) / n_units end
            as hiring_share,
        cast(case when not is_suppressed then furthest_jobseeker_hires end as bigint)
            as furthest_jobseeker_hires,
        is_suppressed
    from flagged
)

select * from published
