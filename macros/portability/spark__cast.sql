{#- Contracts declare the types DuckDB and Postgres share (`varchar`, `double precision`), and dbt
    checks them by casting NULL to each declared type. Spark 4 rejects `varchar` without a length
    (its unbounded text type is `string`) and has no `double precision` (only `double`). -#}
{% macro spark__cast(field, type) -%}
    {%- set spark_types = {'varchar': 'string', 'text': 'string', 'double precision': 'double'} -%}
    {%- set declared = type | trim | lower -%}
    cast({{ field }} as {{ spark_types.get(declared, type) }})
{%- endmacro %}
