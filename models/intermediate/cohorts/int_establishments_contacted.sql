-- Establishments counsellors acted with in the pilot period, and how: the exposure of the small-firm
-- pilot (membership of a cohort rests on baseline data only; this says who was reached).
with

actions as (
    select * from {{ ref('stg_pole_emploi__counsellor_actions') }}
    where action_date between {{ calendar_bound('pilot', 'start') }} and {{ calendar_bound('pilot', 'end') }}
),

action_types as (
    select * from {{ ref('action_types') }}
),

contacted as (
    -- a left join: an action of a type the seed does not know still makes a contact
    select
        actions.siret,
        coalesce(max(case when action_types.is_recruitment_service then 1 else 0 end), 0) = 1 as is_served,
        coalesce(max(case when action_types.is_collective_action then 1 else 0 end), 0) = 1 as took_part
    from actions
    left join action_types on actions.type_action = action_types.type_action
    group by actions.siret
)

select * from contacted
