-- Satisfied rates per population × survey window, beside the references they are read against
-- (66 % small firms, 71 % all firms), with the publishing rule applied.
with

answers as (
    select * from {{ ref('int_satisfaction_answers_windowed') }}
),

populations as (
    select
        cohort as population,
        siret,
        survey_window,
        is_satisfied
    from answers
    where cohort is not null
    union all
    select
        'all_small_firms' as population,
        siret,
        survey_window,
        is_satisfied
    from answers
    where is_small_firm
    union all
    select
        'all_firms' as population,
        siret,
        survey_window,
        is_satisfied
    from answers
),

per_firm as (
    select
        population,
        survey_window,
        siret,
        count(*) as answers,
        sum(case when is_satisfied then 1 else 0 end) as satisfied_answers
    from populations
    group by population, survey_window, siret
),

cells as (
    select
        population,
        survey_window,
        count(*) as n_firms,
        sum(answers) as n_answers,
        sum(satisfied_answers) as n_satisfied,
        cast(max(satisfied_answers) as {{ type_double() }}) / nullif(sum(satisfied_answers), 0)
            as largest_firm_share
    from per_firm
    group by population, survey_window
),

flagged as (
    select
        *,
        {{ is_disclosive('n_firms', 'largest_firm_share') }} as is_suppressed
    from cells
),

published as (
    select
        population,
        survey_window,
        cast(n_firms as bigint) as n_firms,
        cast(case when not is_suppressed then n_answers end as bigint) as n_answers,
        cast(case when not is_suppressed then n_satisfied end as bigint) as n_satisfied,
        case when not is_suppressed then cast(n_satisfied as {{ type_double() }}) / n_answers end
            as satisfied_rate,
        cast({{ var('satisfaction_reference_small_firms') }} as {{ type_double() }})
            as reference_rate_small_firms,
        cast({{ var('satisfaction_reference_all_firms') }} as {{ type_double() }})
            as reference_rate_all_firms,
        is_suppressed
    from flagged
)

select * from published
