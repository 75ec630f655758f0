-- The small-firm cohorts under the mart's contract; membership is decided in int_small_firms_assigned.
select * from {{ ref('int_small_firms_assigned') }}
