-- Question: what did the quarantine keep aside in the last build, and why?
-- Returns rows per raw file, broken rule and column, with the first raw line and one example
-- value: the starting point when a delivery looks wrong. Empty when every raw row was valid.
-- Reads: rejected_rows.
-- Parameters: none.
with

rejected as (
    select * from {{ ref('rejected_rows') }}
),

by_rule as (
    select
        source_table,
        rule,
        column_name,
        count(*) as n_rows,
        min(raw_line) as first_line,
        min(bad_value) as example_value
    from rejected
    group by source_table, rule, column_name
)

select * from by_rule
order by source_table asc, n_rows desc
