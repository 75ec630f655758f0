-- Per ranking method × validation population: the firms and hires judged, the top decile's capture
-- (the first point of the curve, var `validation_top_share`), the lists at counsellor capacity
-- (each agency calls its top var `calls_per_agency` firms of the population: hires per call and the
-- share of called firms that hire, ties shared pro rata), and for the methods that predict hires,
-- predicted / observed and the mean Poisson deviance.
with

curves as (
    select * from {{ ref('score_validation') }}
),

tie_groups as (
    select * from {{ ref('int_score_validation_tie_groups') }}
    where list_kind = 'capacity'
),

ranked_firms as (
    select * from {{ ref('int_score_validation_ranked_firms') }}
),

at_capacity as (
    select
        population,
        method,
        list_key,
        least(n_list_firms, {{ var('calls_per_agency') }}) as calls,
        hires_before + (least(n_list_firms, {{ var('calls_per_agency') }}) - firms_before) * group_hires
        / cast(group_firms as {{ type_double() }}) as called_hires,
        hiring_firms_before
        + (least(n_list_firms, {{ var('calls_per_agency') }}) - firms_before) * group_hiring_firms
        / cast(group_firms as {{ type_double() }}) as called_hiring_firms
    from tie_groups
    where
        least(n_list_firms, {{ var('calls_per_agency') }}) > firms_before
        and least(n_list_firms, {{ var('calls_per_agency') }}) <= firms_before + group_firms
),

capacity as (
    select
        population,
        method,
        sum(calls) as calls,
        sum(called_hires) as called_hires,
        sum(called_hiring_firms) as called_hiring_firms
    from at_capacity
    group by population, method
),

predictions as (
    -- scored firms of the methods that predict next-six-month hires
    select
        population,
        method,
        count(*) as n_firms,
        sum(truth_hires) as total_hires,
        sum(predicted_hires) as predicted_total,
        avg(2 * (
            case
                when truth_hires > 0
                    then truth_hires * ln(truth_hires / greatest(predicted_hires, 1e-9))
                else 0
            end
            - (truth_hires - greatest(predicted_hires, 1e-9))
        )) as poisson_deviance
    from ranked_firms
    where predicted_hires is not null
    group by population, method
),

totals as (
    select
        population,
        method,
        count(*) as n_firms,
        sum(truth_hires) as total_hires
    from ranked_firms
    group by population, method
),

final as (
    select
        curves.method,
        curves.population,
        cast(totals.n_firms as bigint) as n_firms,
        cast(totals.total_hires as {{ type_double() }}) as total_hires,
        cast(curves.hires_captured_share as {{ type_double() }}) as top_decile_capture,
        cast(capacity.calls as bigint) as calls,
        cast(capacity.called_hires / nullif(capacity.calls, 0) as {{ type_double() }}) as hires_per_call,
        cast(capacity.called_hiring_firms / nullif(capacity.calls, 0) as {{ type_double() }})
            as hiring_firms_share,
        cast(predictions.n_firms as bigint) as n_scored_firms,
        cast(predictions.predicted_total / nullif(predictions.total_hires, 0) as {{ type_double() }})
            as predicted_observed_ratio,
        cast(predictions.poisson_deviance as {{ type_double() }}) as poisson_deviance
    from curves
    inner join totals
        on curves.population = totals.population and curves.method = totals.method
    inner join capacity
        on curves.population = capacity.population and curves.method = capacity.method
    left join predictions
        on curves.population = predictions.population and curves.method = predictions.method
    where abs(curves.top_share - {{ var('validation_top_share') }}) < 1e-9
)

select * from final
