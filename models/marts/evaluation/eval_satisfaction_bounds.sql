-- Who answered the satisfaction survey, by arm, and what that allows one to say: per survey window,
-- the response rate of each small-firm cohort, the difference of satisfied shares among
-- respondents, and its Lee (2009) bounds. Contacted firms answer more often, so the respondents of
-- the two arms are not alike and their difference is not the cohort's effect. Lee's bounds trim,
-- from the arm that answered more, the share of its respondents the other arm lacks
-- ((q_more - q_less) / q_more), once from the top and once from the bottom of its outcome (a
-- satisfied answer is 1): the effect among firms that would answer in either arm lies between.
with

answers as (
    select * from {{ ref('int_satisfaction_answers_windowed') }}
    where cohort is not null
),

cohorts as (
    select * from {{ ref('int_small_firms_assigned') }}
),

cohort_sizes as (
    select
        cohort,
        count(*) as n_firms
    from cohorts
    group by cohort
),

respondents as (
    -- a firm answers a wave at most once (contract); a firm's answer is satisfied or not
    select
        cohort,
        survey_window,
        siret,
        max(case when is_satisfied then 1 else 0 end) as is_satisfied
    from answers
    group by cohort, survey_window, siret
),

per_arm as (
    select
        respondents.survey_window,
        respondents.cohort,
        cohort_sizes.n_firms,
        count(*) as n_respondents,
        sum(respondents.is_satisfied) as n_satisfied
    from respondents
    inner join cohort_sizes on respondents.cohort = cohort_sizes.cohort
    group by respondents.survey_window, respondents.cohort, cohort_sizes.n_firms
),

arms as (
    select
        pilot.survey_window,
        pilot.n_firms as n_pilot_firms,
        control.n_firms as n_control_firms,
        pilot.n_respondents as n_pilot_respondents,
        control.n_respondents as n_control_respondents,
        pilot.n_satisfied as n_pilot_satisfied,
        control.n_satisfied as n_control_satisfied,
        cast(pilot.n_respondents as {{ type_double() }}) / pilot.n_firms as pilot_response_rate,
        cast(control.n_respondents as {{ type_double() }}) / control.n_firms as control_response_rate
    from per_arm as pilot
    inner join per_arm as control
        on pilot.survey_window = control.survey_window and control.cohort = 'control'
    where pilot.cohort = 'pilot'
),

trimmed as (
    -- the arm that answered more is trimmed: its respondents kept, k = n × (1 - share)
    select
        *,
        cast(n_pilot_satisfied as {{ type_double() }}) / n_pilot_respondents as pilot_satisfied_share,
        cast(n_control_satisfied as {{ type_double() }}) / n_control_respondents as control_satisfied_share,
        case
            when pilot_response_rate >= control_response_rate
                then (pilot_response_rate - control_response_rate) / pilot_response_rate
            else (control_response_rate - pilot_response_rate) / control_response_rate
        end as trimmed_share,
        pilot_response_rate >= control_response_rate as is_pilot_trimmed
    from arms
),

bounded as (
    select
        *,
        -- the trimmed arm's satisfied share when its kept respondents are its least satisfied
        -- (low) or its most satisfied (high)
        case when is_pilot_trimmed then n_pilot_respondents else n_control_respondents end
        * (1 - trimmed_share) as n_kept,
        case when is_pilot_trimmed then n_pilot_satisfied else n_control_satisfied end as n_trimmed_arm_satisfied,
        case when is_pilot_trimmed then n_pilot_respondents else n_control_respondents end
            as n_trimmed_arm_respondents
    from trimmed
),

bounds as (
    select
        *,
        greatest(n_trimmed_arm_satisfied - (n_trimmed_arm_respondents - n_kept), 0)
        / nullif(n_kept, 0) as kept_share_low,
        least(n_trimmed_arm_satisfied, n_kept) / nullif(n_kept, 0) as kept_share_high
    from bounded
),

flagged as (
    select
        *,
        -- a firm gives at most one satisfied answer a wave: the largest share of an arm's satisfied
        -- answers is one over their number
        {{ is_disclosive(
            'least(n_pilot_respondents, n_control_respondents)',
            '1.0 / nullif(least(n_pilot_satisfied, n_control_satisfied), 0)'
        ) }} as is_suppressed
    from bounds
),

published as (
    select
        survey_window,
        cast(n_pilot_firms as bigint) as n_pilot_firms,
        cast(n_control_firms as bigint) as n_control_firms,
        cast(n_pilot_respondents as bigint) as n_pilot_respondents,
        cast(n_control_respondents as bigint) as n_control_respondents,
        cast(case when not is_suppressed then pilot_response_rate end as {{ type_double() }})
            as pilot_response_rate,
        cast(case when not is_suppressed then control_response_rate end as {{ type_double() }})
            as control_response_rate,
        cast(case when not is_suppressed then pilot_satisfied_share - control_satisfied_share end as {{ type_double() }})
            as respondent_difference,
        cast(case when not is_suppressed then trimmed_share end as {{ type_double() }}) as trimmed_share,
        case when is_pilot_trimmed then 'pilot' else 'control' end as trimmed_arm,
        cast(case
            when is_suppressed then null
            when is_pilot_trimmed then kept_share_low - control_satisfied_share
            else pilot_satisfied_share - kept_share_high
        end as {{ type_double() }}) as lee_lower_bound,
        cast(case
            when is_suppressed then null
            when is_pilot_trimmed then kept_share_high - control_satisfied_share
            else pilot_satisfied_share - kept_share_low
        end as {{ type_double() }}) as lee_upper_bound,
        is_suppressed
    from flagged
)

select * from published
