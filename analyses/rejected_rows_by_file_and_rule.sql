-- What the quarantine kept aside in the last build: rows per raw file and rule, with one example value.
-- Compile with `dbt compile --select rejected_rows_by_file_and_rule` and run the SQL in target/compiled/.
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
