-- Every rejected raw row as BI reads it; the union of the ten quarantines is int_raw_rows_rejected.
with

rejected as (
    select * from {{ ref('int_raw_rows_rejected') }}
),

published as (
    select
        source_table,
        raw_key,
        raw_line,
        rule,
        column_name,
        bad_value,
        detected_at
    from rejected
)

select * from published
