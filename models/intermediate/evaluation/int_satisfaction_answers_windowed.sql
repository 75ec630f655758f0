-- One row per satisfaction answer given in a survey window (baseline or evaluation), with whether it
-- is satisfied, whether the establishment is a small firm, and its small-firm cohort if it has one.
with

answers as (
    select * from {{ ref('stg_pole_emploi__satisfaction_answers') }}
),

levels as (
    select * from {{ ref('satisfaction_levels') }}
),

survey_windows as (
    select
        window_name as survey_window,
        start_date,
        end_date
    from {{ ref('experiment_calendar') }}
    where window_name in ('baseline_survey', 'evaluation_survey')
),

establishments as (
    select * from {{ ref('int_establishments_enriched') }}
),

cohort as (
    select * from {{ ref('int_small_firms_assigned') }}
),

pilot_agencies as (
    select * from {{ ref('pilot_agencies') }}
),

windowed as (
    select
        answers.answer_id,
        answers.siret,
        survey_windows.survey_window,
        answers.answer_date,
        levels.is_satisfied,
        coalesce(establishments.is_small_band, false) as is_small_firm,
        coalesce(establishments.code_region, cohort.code_region) as code_region,
        coalesce(establishments.type_territoire, cohort.type_territoire) as type_territoire,
        cohort.cohort,
        cohort.code_agence,
        cohort.pilot_agency_code,
        -- randomization inference's block (as in int_experiment_units)
        {{ dbt.concat(['pilot_agencies.code_region', "'-'", 'pilot_agencies.role']) }} as block_id,
        coalesce(cohort.is_contacted, false) as is_contacted
    from answers
    inner join survey_windows
        on answers.answer_date between survey_windows.start_date and survey_windows.end_date
    inner join levels on answers.reponse = levels.reponse
    left join establishments on answers.siret = establishments.siret
    left join cohort on answers.siret = cohort.siret
    left join pilot_agencies on cohort.pilot_agency_code = pilot_agencies.code_agence
)

select * from windowed
