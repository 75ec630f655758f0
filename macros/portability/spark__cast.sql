{#- Spark 4 rejects `varchar` without a length; its unbounded text type is `string`. Contracts declare
    `varchar` (DuckDB, Postgres), and dbt checks them by casting NULL to each declared type. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ 'string' if type | trim | lower in ('varchar', 'text') else type }})
{%- endmacro %}
