{#- dbt's `where` config of a data test, plus one placeholder: `__latest_load__` keeps the rows the
    tested model's latest run wrote (its largest loaded_at). A full build stamps every row, so the
    test reads the whole table; an incremental run stamps only the rows it loaded or replaced, so
    the test reads that slice. For row-by-row tests only: a row that passed and was not rewritten
    passes again. Overrides dbt's own macro of the same name (docs: resource-configs/where). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set latest = 'loaded_at = (select max(loaded_at) from ' ~ relation ~ ')' -%}
    {{ return('(select * from ' ~ relation ~ ' where ' ~ where | replace('__latest_load__', latest) ~ ') as dbt_subquery') }}
{%- endmacro %}
