{#- The rejected rows of one raw file (its base model, base_<source>__<table>), in the shape of
    marts.rejected_rows. -#}
{% macro rejected_rows_of(source_table) -%}
    select
        '{{ source_table }}' as source_table,
        raw_key,
        raw_line,
        rejection_rule as rule,
        rejection_column as column_name,
        bad_value,
        {{ run_started_timestamp() }} as detected_at
    from {{ ref('base_' ~ contract_of(source_table).source ~ '__' ~ source_table) }}
    where rejection_rule is not null
{%- endmacro %}
