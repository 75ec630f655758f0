-- Baseline covariates of legal units: counted hires at their establishments of the experiment regions
-- in the look-back window, how many went to jobseekers furthest from employment, and their main
-- NAF section (the most frequent among their establishments; ties: first letter).
with

establishments as (
    select * from {{ ref('int_establishments_eligible_at_baseline') }}
),

hires as (
    select * from {{ ref('int_hires_jobseeker_status') }}
    where hire_date between {{ calendar_bound('lookback', 'start') }} and {{ calendar_bound('lookback', 'end') }}
),

unit_hires as (
    select
        establishments.siren,
        count(*) as lookback_hires,
        sum(case when hires.is_furthest_hire then 1 else 0 end) as lookback_furthest_hires
    from hires
    inner join establishments on hires.siret = establishments.siret
    where establishments.is_in_experiment_region
    group by establishments.siren
),

sections as (
    select
        siren,
        naf_section,
        row_number() over (partition by siren order by count(*) desc, naf_section asc) as section_rank
    from establishments
    group by siren, naf_section
),

units as (
    select
        sections.siren,
        sections.naf_section,
        cast(coalesce(unit_hires.lookback_hires, 0) as bigint) as lookback_hires,
        cast(coalesce(unit_hires.lookback_furthest_hires, 0) as bigint) as lookback_furthest_hires,
        cast(unit_hires.lookback_furthest_hires as {{ type_double() }})
        / nullif(unit_hires.lookback_hires, 0) as furthest_hire_share
    from sections
    left join unit_hires on sections.siren = unit_hires.siren
    where sections.section_rank = 1
)

select * from units
