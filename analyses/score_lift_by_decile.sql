-- Question: does the shipped hiring-potential score (expected hires over the next six months)
-- put the firms that go on to hire at the top?
-- Returns the firms of one small-firm cohort in tenths of the score (decile 1 = highest scores,
-- ties to the smallest SIRET), with the counted hires they made in the pilot period: each tenth's
-- share of the hires, its share of the firms and their ratio, the lift (1 = no better than
-- chance), and the cumulative share of hires captured from the top. The control cohort is the
-- default: no counsellor acted on it, so its hires say what the score foresaw, not what the pilot did.
-- Reads: prospect_targeting, firm_period_outcomes (firm-level: staff only; the tenths are
-- aggregates that the publishing rule has not checked, so check them before sharing).
-- Parameters: cohort (`control` or `pilot`), period (`pilot` or `pre`), n_tiles (10 for deciles).
{% set cohort = 'control' %}
{% set period = 'pilot' %}
{% set n_tiles = 10 %}
with

targeting as (
    select * from {{ ref('prospect_targeting') }}
),

outcomes as (
    select * from {{ ref('firm_period_outcomes') }}
    where
        experiment = 'small_firms'
        and cohort = '{{ cohort }}'
        and period = '{{ period }}'
),

scored as (
    select
        outcomes.unit_id as siret,
        outcomes.hires,
        outcomes.any_hire,
        targeting.expected_hires_next_6_months as hiring_potential_score,
        ntile({{ n_tiles }}) over (
            order by targeting.expected_hires_next_6_months desc, outcomes.unit_id asc
        ) as score_tile
    from outcomes
    inner join targeting on outcomes.unit_id = targeting.siret
),

per_tile as (
    select
        score_tile,
        count(*) as n_firms,
        sum(hires) as hires,
        avg(case when any_hire then 1.0 else 0.0 end) as hiring_share,
        min(hiring_potential_score) as min_score,
        max(hiring_potential_score) as max_score
    from scored
    group by score_tile
),

lifted as (
    select
        score_tile,
        n_firms,
        hires,
        hiring_share,
        min_score,
        max_score,
        cast(n_firms as {{ type_double() }}) / sum(n_firms) over () as firms_share,
        cast(hires as {{ type_double() }}) / nullif(sum(hires) over (), 0) as hires_share,
        cast(sum(hires) over (order by score_tile) as {{ type_double() }}) / nullif(sum(hires) over (), 0)
            as cumulative_hires_share
    from per_tile
),

with_lift as (
    select
        score_tile,
        n_firms,
        hires,
        hiring_share,
        min_score,
        max_score,
        firms_share,
        hires_share,
        hires_share / firms_share as lift,
        cumulative_hires_share
    from lifted
)

select * from with_lift
order by score_tile
