{#- When this dbt invocation started (UTC, to the second), as a timestamp literal: one value for
    every row a run writes, on every engine. -#}
{% macro run_started_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ api.Column.translate_type('timestamp') }})
{%- endmacro %}
