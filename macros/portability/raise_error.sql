{#- Stops the query with `message` (a SQL text expression) when it is evaluated: how a model fails the
    build with a message that names the culprit. -#}
{% macro raise_error(message) -%}
    {{ return(adapter.dispatch('raise_error')(message)) }}
{%- endmacro %}

{#- Postgres has no error function: a failed cast reports the text it could not read. -#}
{% macro default__raise_error(message) -%}
    cast({{ message }} as integer)
{%- endmacro %}

{% macro duckdb__raise_error(message) -%}
    error({{ message }})
{%- endmacro %}

{% macro spark__raise_error(message) -%}
    raise_error({{ message }})
{%- endmacro %}
