{#- A table delivered as a history file and a folder of daily delivery files (DuckDB; see
    duckdb__create_delivery_relations): the pieces its incremental base model reads. -#}

{#- The history file's name: what `delivery_file` holds for its rows on every engine. -#}
{% macro delivery_history_file(table_name) -%}
    {{- return(table_name ~ '.csv') -}}
{%- endmacro %}

{#- What an incremental run reads: on DuckDB the view of the files the table has not loaded;
    elsewhere (no delivery folder) the source itself. A full build reads every file. -#}
{% macro delivered_since_last_load(relation) -%}
    {{ return(adapter.dispatch('delivered_since_last_load')(relation)) }}
{%- endmacro %}

{% macro default__delivered_since_last_load(relation) -%}
    {{ return(relation) }}
{%- endmacro %}

{#- A unit test's given rows (a CTE standing in for the source) are the new files themselves. -#}
{% macro duckdb__delivered_since_last_load(relation) -%}
    {%- if is_incremental() and not relation.identifier.startswith('__dbt__cte__') -%}
        {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__new'})) }}
    {%- endif -%}
    {{ return(relation) }}
{%- endmacro %}

{#- Each row's file and that file's size in bytes when read (NULL where no size is known). -#}
{% macro delivery_file_columns(table_name) -%}
    {{ return(adapter.dispatch('delivery_file_columns')(table_name)) }}
{%- endmacro %}

{% macro default__delivery_file_columns(table_name) -%}
    '{{ delivery_history_file(table_name) }}' as delivery_file,
    {{ dbt.cast('null', dbt.type_bigint()) }} as delivery_bytes
{%- endmacro %}

{% macro duckdb__delivery_file_columns(table_name) -%}
    _delivery as delivery_file,
    _delivery_bytes as delivery_bytes
{%- endmacro %}
