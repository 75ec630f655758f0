with

source as (
    select * from {{ source('pole_emploi', 'large_recruiter_enrolments') }}
),

experiment_regions as (
    select code_region from {{ ref('experiment_regions') }}
),

baseline as (
    select start_date as baseline_date
    from {{ ref('experiment_calendar') }}
    where window_name = 'baseline'
),

trimmed as (
    select
        _raw_line as raw_line,
        trim(siren) as siren,
        trim(code_region) as code_region,
        trim(date_inscription) as date_inscription
    from source
),

typed as (
    select
        trimmed.*,
        {{ safe_date('trimmed.date_inscription') }} as enrolment_date,
        experiment_regions.code_region is not null as is_experiment_region,
        baseline.baseline_date
    from trimmed
    cross join baseline
    left join experiment_regions on trimmed.code_region = experiment_regions.code_region
),

{#- An enrolled SIREN unknown to legal_units is kept (the cohort model reports it), so no unknown_ rule here. -#}
{{ quarantine(
    from_cte='typed',
    source_table='large_recruiter_enrolments',
    key_column='siren',
    required=['siren', 'code_region', 'date_inscription'],
    rules=[
        {'rule': 'siren_format', 'column': 'siren', 'broken': 'not ' ~ is_valid_siren('siren')},
        set_rule('code_region', 'is_experiment_region'),
    ] + date_rules('date_inscription', 'enrolment_date') + [
        {'rule': 'out_of_range', 'column': 'date_inscription', 'broken': 'enrolment_date > baseline_date'},
    ],
    columns=['siren', 'code_region', 'enrolment_date'],
) }}

select * from quarantined
