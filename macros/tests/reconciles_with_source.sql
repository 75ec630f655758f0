{#- Generic test on a staging model: raw rows = staged rows + rows of the file in rejected_rows.
    Returns one row (the three counts) when rows were lost or invented. -#}
{% test reconciles_with_source(model, source_relation, source_table) %}
    with

    raw_rows as (
        select count(*) as n from {{ source_relation }}
    ),

    staged_rows as (
        select count(*) as n from {{ model }}
    ),

    rejected as (
        select count(*) as n from {{ ref('rejected_rows') }}
        where source_table = '{{ source_table }}'
    )

    select
        raw_rows.n as raw_count,
        staged_rows.n as staged_count,
        rejected.n as rejected_count
    from raw_rows
    cross join staged_rows
    cross join rejected
    where raw_rows.n <> staged_rows.n + rejected.n
{% endtest %}
